"""Reads of the kiosk app: the policy library as a terminal sees it (published, in force, issued
by its community or a division above it) and as staff see it (through `visible_to`)."""

from django.db.models import Q

from gridgov.core import clock

from .choices import PolicyStatus
from .models import PolicyDocument


def ancestor_codes(code):
    """The 12-digit codes of a community and the street and district above it."""
    return [code[:6] + "000000", code[:9] + "000", code[:12]]


def kiosk_policies(device, *, q="", category="", today=None):
    today = today or clock.today()
    qs = PolicyDocument.objects.filter(status=PolicyStatus.PUBLISHED, division_code__in=ancestor_codes(
        device.division_code)).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today))
    if category:
        qs = qs.filter(category=category)
    q = "".join((q or "").split()).lower()
    if q:
        if q.isascii() and q.isalpha():  # pinyin initials from the on-screen letter pad
            qs = qs.filter(Q(initials__contains=q) | Q(search_text__contains=q))
        else:
            qs = qs.filter(search_text__contains=q)
    return qs.only("pk", "title", "issuer", "issued_on", "category", "summary", "doc_number", "valid_to")


def staff_policies(user, *, q="", category="", status="", scope=""):
    qs = PolicyDocument.objects.visible_to(user).within(scope)
    if category:
        qs = qs.filter(category=category)
    if status:
        qs = qs.filter(status=status)
    q = (q or "").strip().lower()
    if q:
        qs = qs.filter(Q(search_text__contains=q) | Q(initials__contains=q))
    return qs

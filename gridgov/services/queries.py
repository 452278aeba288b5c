"""Reads shared by the services pages (always from visible_to)."""

from django.db.models import Avg, Count, Q
from django.urls import reverse

from .choices import OPEN_STATES, AppState
from .models import Application, ServiceItem


def public_pages():
    """Public pages for the UI suite: the hall display of the first group's community and the
    status page of the newest application."""
    from .models import ServiceGroup

    pages = []
    group = ServiceGroup.objects.order_by("pk").first()
    if group:
        pages.append(("services:hall", reverse("services:hall", args=[group.division_code])))
    app = Application.objects.order_by("-pk").first()
    if app:
        pages.append(("services:status", status_url(app.number)))
    return pages


def application_list(user, params, scope=""):
    qs = Application.objects.visible_to(user).within(scope)
    if (state := params.get("state")) in AppState.values:
        qs = qs.filter(state=state)
    if (item := params.get("item", "")).isdigit():
        qs = qs.filter(item_id=int(item))
    if (q := (params.get("q") or "").strip()):
        qs = qs.filter(Q(number__startswith=q) | Q(applicant_name__startswith=q))
    if params.get("overdue"):
        qs = qs.filter(overdue=True, state__in=OPEN_STATES)
    return qs.select_related("item", "department", "community").only(
        "number", "state", "applicant_name", "channel", "submitted_at", "due_at", "overdue", "division_code",
        "item__name", "department__name", "community__name")


def items_for(user):
    return ServiceItem.objects.filter(is_active=True).select_related("department", "current")


def stats(user, *, scope="", start=None, end=None, by="item"):
    """Per item / department / community: volume, completed, on-time rate, average working
    days, satisfaction (average level and the share rated 满意 or better)."""
    from .actions._common import day_minutes

    key = {"item": "item__name", "department": "department__name", "community": "community__name"}[by]
    qs = Application.objects.visible_to(user).within(scope)
    if start:
        qs = qs.filter(submitted_at__gte=start)
    if end:
        qs = qs.filter(submitted_at__lt=end)
    rows = qs.values(key).annotate(
        volume=Count("id"), done=Count("id", filter=Q(completed_at__isnull=False, on_time__isnull=False)),
        on_time_n=Count("id", filter=Q(on_time=True)), minutes=Avg("working_minutes"),
        rated=Count("rating"), satisfaction=Avg("rating__level"),
        good=Count("rating", filter=Q(rating__level__gte=4)),
    ).order_by("-volume")
    per_day = day_minutes()
    out = []
    for r in rows:
        out.append({
            "name": r[key] or "—", "volume": r["volume"], "done": r["done"],
            "on_time_rate": round(100 * r["on_time_n"] / r["done"], 1) if r["done"] else None,
            "avg_days": round(r["minutes"] / per_day, 1) if r["minutes"] is not None else None,
            "rated": r["rated"], "satisfaction": round(r["satisfaction"], 2) if r["satisfaction"] else None,
            "good_rate": round(100 * r["good"] / r["rated"], 1) if r["rated"] else None,
        })
    return out


def status_token(number):
    from django.core.signing import Signer

    return Signer(salt="services.status").sign(number)


def status_url(number):
    """The public status page of an application (the receipt's QR code): signed, so numbers
    cannot be enumerated."""
    return reverse("services:status", args=[status_token(number)])


def number_from_token(token):
    from django.core.signing import BadSignature, Signer

    try:
        return Signer(salt="services.status").unsign(token)
    except BadSignature:
        return None


def status_for_public(number):
    """What the receipt's QR page shows: no personal data beyond a masked name."""
    from gridgov.core.pii import mask_name

    app = Application.objects.select_related("item").filter(number=number).first()
    if app is None:
        return None
    return {"number": app.number, "item": app.item.name, "name": mask_name(app.applicant_name),
            "state": app.get_state_display(), "submitted_at": app.submitted_at, "due_at": app.due_at,
            "completed_at": app.completed_at, "result": app.get_result_display() if app.result else "",
            "missing": [m["name"] for m in app.version.materials if m["key"] in app.missing_materials]}

"""Helpers shared by the registry views."""

from django.core.exceptions import ValidationError
from django.urls import reverse

from gridgov.core.paging import CappedPaginator

PAGE_SIZE = 30


def scope_of(request):
    return getattr(request, "active_scope", "") or request.session.get("active_scope", "")


def paginate(request, qs, size=None):
    """One page of a list; the count stops at the cap (hundreds of thousands of persons)."""
    return CappedPaginator(qs, size or PAGE_SIZE).get_page(request.GET.get("page"))


def crumbs(*items):
    """crumbs(("基础信息", None), ("实有人口", "registry:person_list"), ("张三", None))."""
    out = [{"label": "基础信息"}]
    for label, url in items:
        if url and not url.startswith("/"):
            url = reverse(url)
        out.append({"label": label, "url": url})
    return out


def form_errors(form, exc):
    """Put an action's ValidationError onto a form (field errors inline, others on top)."""
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages if isinstance(exc, ValidationError) else str(exc))

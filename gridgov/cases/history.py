"""The case history writer: one typed row per step in the case event table (evaluation and the
timeline read it), and the photos attached to a step. Imported by the transitions
(`cases.actions`) and the SLA sweep (`cases.sla`) alike, never the other way round (Saleor's
`order/events.py`), so those two no longer import each other."""

from gridgov.core import audit, clock, uploads

from .models import CaseAttachment, CaseEvent


def _actor_name(actor):
    """The name a case event shows: the user, "居民（匿名）" for a public visitor, "" for the
    platform itself (shown as 系统)."""
    if getattr(actor, "pk", None):
        return (actor.get_full_name() or actor.username)[:50]
    if getattr(actor, "is_anonymous", False):
        return audit.ANONYMOUS
    return ""


def api_key_name(api_key):
    """How an Open311 client is named in the history and the audit log."""
    return f"Open311 接口：{api_key.name}"[:50] if api_key is not None else None


def write_event(case, kind, actor, *, at=None, from_state="", to_state="", note="", due_at=None, on_time=None,
                elapsed=None, rating=None, data=None, deferred=None, actor_name=None):
    """Append one typed row to the case's history (carrying department, grid and class)."""
    return CaseEvent.objects.create(
        case=case, kind=kind, at=at or clock.now(), actor=actor if getattr(actor, "pk", None) else None,
        actor_name=actor_name or _actor_name(actor), from_state=from_state, to_state=to_state, note=note[:2000],
        department_id=case.current_department_id, division_code=case.division_code, category_id=case.category_id,
        channel=case.channel, due_at=due_at, on_time=on_time, elapsed_minutes=elapsed, rating=rating,
        data=data or {}, deferred=case.deferred_minutes > 0 if deferred is None else deferred,
    )


MAX_PHOTOS = 5


def attach(case, event, files, kind):
    """Store photos (re-encoded by the core image helper: anything else is refused)."""
    now = clock.now()
    for image in uploads.clean_images(files, max_count=MAX_PHOTOS):
        CaseAttachment.objects.create(case=case, event=event, kind=kind, file=image, uploaded_at=now)

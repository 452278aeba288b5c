"""Approving what the public may read about a case (ADR 0024): a staff member writes the public
summary (the only description Open311 and the public pages publish) and approves photos."""

from django.core.exceptions import ValidationError

from gridgov.core import audit, clock, limits
from gridgov.core.access import require
from gridgov.core.actors import action

from ..models import Case
from ..publication import redact


@action
def publish_case(*, actor, case, summary, publish=True):
    """Approve (or withdraw) a case for publication with a public summary. The summary is stored
    redacted (ID and phone patterns removed), so no personal number is ever approved by accident."""
    case = Case.objects.select_for_update().select_related("category").get(pk=case.pk)
    require(actor, "cases.publish_case", case.division_code)
    before = audit.snapshot(case, ["public_summary", "published_at"])
    if publish:
        summary = " ".join(str(summary or "").split())
        if len(summary) < 2:
            raise ValidationError({"summary": "请填写公开摘要"})
        if len(summary) > limits.REASON:
            raise ValidationError({"summary": f"公开摘要不能超过 {limits.REASON} 个字"})
        case.public_summary = redact(summary)
        case.published_at, case.published_by = clock.now(), actor if getattr(actor, "pk", None) else None
    else:
        case.public_summary, case.published_at, case.published_by = "", None, None
    case.save(update_fields=["public_summary", "published_at", "published_by"])
    audit.record(actor, "cases.publish_case", case, before=before,
                 after=audit.snapshot(case, ["public_summary", "published_at"]))
    return case

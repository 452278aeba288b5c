"""Writes of the dashboard app (docs/architecture.md §4, “Writes go through actions”): reporting and reviewing
indicator values (填报 → 审核), evidence files, the computed values' refresh, definitions."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError

from gridgov.core import audit, clock
from gridgov.core.access import ensure_visible, is_district_wide, require
from gridgov.core.actors import action
from gridgov.divisions.models import Division

from . import computed
from . import evidence as evidence_files
from .choices import Source, ValueStatus
from .models import IndicatorDefinition, IndicatorEvidence, IndicatorValue
from .progress import period_end, period_start

DEFINITION_FIELDS = ["name", "group", "definition", "unit", "direction", "baseline_value", "baseline_date",
                     "target_value", "target_date", "level", "source", "computation", "aggregation", "period",
                     "department", "sort", "is_active"]


def _check_division(definition, division):
    if division.level != definition.level:
        raise ValidationError(f"“{definition.name}”按{definition.get_level_display()}填报")
    if definition.source != Source.REPORTED:
        raise ValidationError(f"“{definition.name}”由平台自动计算，无需填报")


@action
def report_value(*, actor, definition, division, period_start_day, value, note="", files=(), submit=True):
    """填报: record (or correct) a value for a division and period, attach evidence files, and
    submit it for review (`submit=False` keeps a draft). A value already approved cannot be
    changed; a rejected one is corrected and resubmitted."""
    _check_division(definition, division)
    require(actor, "dashboard.report_indicatorvalue", division.code)
    start = period_start(period_start_day, definition.period)
    row = (IndicatorValue.objects.select_for_update()
           .filter(definition=definition, division=division, period_start=start).first())
    if row is not None and row.status in (ValueStatus.APPROVED, ValueStatus.SUBMITTED):
        raise ValidationError("该周期的数值已提交或已审核，不能再修改")
    before = audit.snapshot(row)
    row = row or IndicatorValue(definition=definition, division=division, division_code=division.code,
                                period_start=start, source=Source.REPORTED)
    row.value = Decimal(str(value))
    row.note = note[:500]
    row.status = ValueStatus.SUBMITTED if submit else ValueStatus.DRAFT
    row.reported_by, row.reported_at = actor, clock.now()
    row.review_note = ""
    row.full_clean()
    row.save()
    for f in files:
        attach_evidence(actor=actor, value=row, upload=f)
    if submit and not row.evidence.exists():
        raise ValidationError("提交审核须附佐证材料")
    audit.record(actor, "dashboard.report_value", row, before=before, after=audit.snapshot(row))
    ensure_visible(actor, row)
    return row


@action
def attach_evidence(*, actor, value, upload):
    """Store one evidence file (type checked by content, size limited) on a value."""
    require(actor, "dashboard.report_indicatorvalue", value.division_code)
    name, content_type, data = evidence_files.check(upload)
    ev = IndicatorEvidence(value=value, name=name, content_type=content_type, size=len(data),
                           uploaded_at=clock.now(), uploaded_by=actor)
    ev.file.save(evidence_files.storage_name(content_type), evidence_files.as_file(data), save=False)
    ev.save()
    return ev


@action
def review_value(*, actor, value, approve, note=""):
    """审核: approve a submitted value, or return it with a note. Nobody reviews their own report."""
    value = IndicatorValue.objects.select_for_update().get(pk=value.pk)
    require(actor, "dashboard.approve_indicatorvalue", value.division_code)
    if value.status != ValueStatus.SUBMITTED:
        raise ValidationError("只有待审核的数值可以审核")
    if value.reported_by_id == actor.pk:
        raise PermissionDenied("不能审核自己填报的数值")
    if not approve and not note.strip():
        raise ValidationError("退回须填写审核意见")
    before = audit.snapshot(value)
    value.status = ValueStatus.APPROVED if approve else ValueStatus.REJECTED
    value.reviewed_by, value.reviewed_at, value.review_note = actor, clock.now(), note[:300]
    value.save()
    audit.record(actor, "dashboard.approve_value" if approve else "dashboard.reject_value", value,
                 before=audit.diff(before, audit.snapshot(value))[0], after=audit.diff(before, audit.snapshot(value))[1])
    return value


@action
def refresh_computed(*, actor, day=None, definitions=None):
    """Compute the platform-computed indicators for the period containing `day` (today by
    default) for every current community, writing approved values (idempotent: a rerun updates
    the period's rows). The nightly job and the demo act as the system actor (its 系统 role
    holds `dashboard.refresh_indicatorvalue`); a person needs it district-wide."""
    from gridgov.divisions.choices import Level

    if not is_district_wide(actor, "dashboard.refresh_indicatorvalue"):
        raise PermissionDenied("只有区级可以重新计算指标")
    day = day or clock.today()
    communities = list(Division.objects.filter(level=Level.COMMUNITY, is_active=True).order_by("code"))
    by_code = {c.code: c for c in communities}
    defs = definitions or IndicatorDefinition.objects.filter(source=Source.COMPUTED, is_active=True)
    now, written = clock.now(), 0
    for d in defs:
        func = computed.COMPUTATIONS.get(d.computation)
        if func is None:
            continue
        start = period_start(day, d.period)
        results = func(start, period_end(start, d.period), communities)
        existing = {v.division_code: v for v in IndicatorValue.objects.filter(definition=d, period_start=start)}
        new, changed = [], []
        for code, (num, den) in results.items():
            if not den:
                continue
            val = (Decimal(num) * 100 / Decimal(den)).quantize(Decimal("0.01"))
            row = existing.get(code)
            if row is None:
                new.append(IndicatorValue(definition=d, division=by_code[code], division_code=code, period_start=start,
                                          value=val, numerator=num, denominator=den, source=Source.COMPUTED,
                                          status=ValueStatus.APPROVED, computed_at=now))
            elif row.value != val or row.numerator != num or row.denominator != den:
                row.value, row.numerator, row.denominator, row.computed_at = val, num, den, now
                changed.append(row)
        IndicatorValue.objects.bulk_create(new, batch_size=1000)
        IndicatorValue.objects.bulk_update(changed, ["value", "numerator", "denominator", "computed_at"],
                                           batch_size=1000)
        written += len(new) + len(changed)
    audit.record(actor, "dashboard.refresh_computed", ("dashboard.indicatorvalue", "computed", "计算指标"),
                 after={"day": day.isoformat(), "rows": written})
    return written


@action
def save_definition(*, actor, definition=None, data):
    """Add or edit an indicator of the library (district-wide setting)."""
    if not is_district_wide(actor, "dashboard.change_indicatordefinition"):
        raise PermissionDenied("须全区范围的指标管理权限")
    obj = definition or IndicatorDefinition()
    before = audit.snapshot(obj) if definition else None
    if "code" in data and not definition:
        obj.code = data["code"]
    for k in DEFINITION_FIELDS:
        if k in data:
            setattr(obj, k, data[k])
    obj.full_clean()
    obj.save()
    audit.record(actor, "dashboard.save_definition", obj, before=before, after=audit.snapshot(obj))
    return obj

"""Reporting a case from any channel: the grid it belongs to, who may file where, the public
rate limit, the class's extra questions, the case number."""

import hashlib
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from gridgov.core import audit, clock, limits, pii
from gridgov.core.access import ALL, can, ensure_visible, scope_prefixes
from gridgov.core.actors import action

from .. import conf, sla
from ..choices import AttachmentKind, CaseState, Channel, EventKind, Urgency
from ..history import _actor_name, api_key_name, attach, write_event
from ..models import Case, CaseCategory
from ..publication import PUBLIC_CHANNELS


def resolve_grid(*, lng=None, lat=None, grid=None, component=None):
    """The grid a report belongs to: the picked component's grid, else the point's grid, else
    the grid chosen by hand. Raises ValidationError (Chinese) when none is found."""
    from gridgov.divisions.choices import Level
    from gridgov.divisions.geo import grid_at

    if component is not None:
        return component.grid
    if lng is not None and lat is not None:
        found = grid_at(float(lng), float(lat))
        if found is not None:
            return found
        if grid is None:
            raise ValidationError({"location": "该位置不在本区任何网格内，请重新选点或手工选择网格"})
    if grid is None:
        raise ValidationError({"location": "请在地图上选点、选择部件或选择网格"})
    if grid.level != Level.GRID:
        raise ValidationError({"grid": "请选择到网格一级"})
    return grid


def may_report_in(actor, grid):
    """Staff who may file cases somewhere may file them anywhere in the same district: a problem
    a few hundred metres past a grid line is still reported, and the case belongs to the grid
    the point falls in (the same rule as the public form, which takes reports from anyone)."""
    prefixes = scope_prefixes(actor, "cases.add_case")
    if prefixes == ALL:
        return True
    return any(grid.code.startswith(p[:6]) for p in prefixes)


def outside_own_area(actor, case):
    """True when `actor` filed `case` in a grid they do not look after (the case went to the grid
    of the point; the intake page tells them so)."""
    return not can(actor, "cases.add_case", case.division_code)


def check_rate_limit(ip):
    """Public pages: at most N reports per source address in M minutes (a DB count, so every
    web server agrees)."""
    import datetime

    limit, minutes = conf.public_rate_limit()
    since = clock.now() - datetime.timedelta(minutes=minutes)
    if Case.objects.filter(reporter_ip_hash=ip_hash(ip), reported_at__gte=since).count() >= limit:
        raise ValidationError(f"提交过于频繁：每 {minutes} 分钟最多上报 {limit} 件，请稍后再试")


def ip_hash(ip):
    return hashlib.sha256(f"case-ip:{ip}".encode()).hexdigest() if ip else ""


def validate_attributes(category, attributes):
    """Check answers to the class's extra questions; returns the cleaned dict."""
    attributes = attributes or {}
    cleaned, errors = {}, []
    for q in category.extra_questions or []:
        code = q.get("code")
        value = attributes.get(code)
        if value in (None, "", []):
            if q.get("required"):
                errors.append(f"请填写“{q.get('label', code)}”")
            continue
        keys = {str(v.get("key")) for v in q.get("values") or []}
        if q.get("datatype") == "singlevaluelist" and keys and str(value) not in keys:
            errors.append(f"“{q.get('label', code)}”的取值 {value} 不在可选范围内")
        elif q.get("datatype") == "number":
            try:
                float(value)
            except (TypeError, ValueError):
                errors.append(f"“{q.get('label', code)}”必须是数字")
        values = value if isinstance(value, list) else [value]
        if len(values) > 50 or any(len(str(v)) > limits.JSON_VALUE for v in values):
            errors.append(limits.too_long(q.get("label", code), limits.JSON_VALUE))
        cleaned[code] = value
    if errors:
        raise ValidationError({"attributes": errors})
    return cleaned


def _case_number(pk):
    return f"{clock.today():%Y%m%d}{pk:07d}"[-20:]


def _next_case_id():
    """The next case id from the table's sequence (PostgreSQL); None where ids come only from
    the insert itself (SQLite)."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cur:
        cur.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id'))", [Case._meta.db_table])
        return cur.fetchone()[0]


@action
def report_case(*, actor, category, title, description="", channel, lng=None, lat=None, grid=None, address="",
                component=None, urgency=Urgency.NORMAL, reporter_name="", reporter_phone="", photos=None,
                attributes=None, api_key=None, ip=None, solve_evidence=None, solve_note=""):
    """Record a new case from any channel. Public channels (website, kiosk, Open311) need no
    permission; grid worker and counter filing need `cases.add_case` somewhere in the same
    district (`may_report_in`); the case goes to the grid of the point. With `solve_evidence`
    a grid worker closes it at once (简易程序, `cases.solve_in_grid` over that grid)."""
    if not isinstance(category, CaseCategory) or not category.is_minor or not category.is_active:
        raise ValidationError({"category": "请选择一个启用的事件小类"})
    if channel in PUBLIC_CHANNELS and not category.is_public:  # internal classes are filed by staff only
        raise ValidationError({"category": "该类别不受理公众上报，请选择其他类别或拨打热线"})
    if not (title or "").strip():
        raise ValidationError({"title": "请填写标题"})
    if urgency == Urgency.URGENT and not category.urgent_allowed:
        urgency = Urgency.NORMAL
    grid = resolve_grid(lng=lng, lat=lat, grid=grid, component=component)
    logged_in = getattr(actor, "is_authenticated", False)
    if channel not in PUBLIC_CHANNELS:
        if not may_report_in(actor, grid):
            raise PermissionDenied("该位置不在您所在的区县，不能上报")
        if solve_evidence is not None and not can(actor, "cases.solve_in_grid", grid.code):
            raise ValidationError({"solve_in_grid": f"该位置属于“{grid.name}”，不在您负责的网格内，不能按简易程序当场结案；"
                                                    "请取消“已当场解决”后上报，事件将交由该网格处理"})
    elif channel != Channel.OPEN311 and not logged_in:
        check_rate_limit(ip)
    attributes = validate_attributes(category, attributes)
    now = clock.now()
    case = Case(
        number=secrets.token_hex(8), public_token=secrets.token_urlsafe(12)[:16], title=title.strip()[:120],
        description=description, category=category, urgency=urgency, channel=channel, state=CaseState.REPORTED,
        grid=grid, division_code=grid.code, is_rural=(grid.urban_rural_code or "1")[:1] == "2",
        lng=float(lng) if lng not in (None, "") else (component.lng if component else None),
        lat=float(lat) if lat not in (None, "") else (component.lat if component else None),
        address=address, component=component,
        reporter=actor if logged_in and channel in (Channel.WEB, Channel.KIOSK, Channel.GRID_WORKER) else None,
        reporter_name=reporter_name or (_actor_name(actor) if logged_in and channel != Channel.COUNTER else "")[:50],
        reporter_phone_masked=pii.mask_phone(reporter_phone) if reporter_phone else "",
        reporter_phone_hash=pii.keyed_hash(reporter_phone), reporter_ip_hash=ip_hash(ip),
        filed_by=actor if logged_in else None, api_key=api_key, attributes=attributes, reported_at=now,
    )
    limits.check_lengths(case, ["description", "address", "reporter_name"])
    sla.start_clock(case, now)
    case.pk = _next_case_id()
    if case.pk is not None:  # the number is known before the insert: one write, no dead row version
        case.number = _case_number(case.pk)
        case.save(force_insert=True)
    else:
        case.save()
        case.number = _case_number(case.pk)
        Case.objects.filter(pk=case.pk).update(number=case.number)
    event = write_event(case, EventKind.REPORT, actor, at=now, to_state=CaseState.REPORTED,
                        note=description[:500], data={"channel": channel}, actor_name=api_key_name(api_key))
    attach(case, event, photos, AttachmentKind.REPORT)
    if channel not in PUBLIC_CHANNELS and can(actor, "cases.view_case") and not outside_own_area(actor, case):
        ensure_visible(actor, case)
    audit.record(actor, "cases.report_case", case, after=audit.snapshot(case, ["number", "title", "category",
                                                                               "channel", "grid"]),
                 actor_name=api_key_name(api_key))
    if solve_evidence is not None:
        from .transitions import solve_in_grid

        solve_in_grid(actor=actor, case=case, note=solve_note, photos=solve_evidence,
                      expected_state=CaseState.REPORTED)
        case.refresh_from_db()
    return case

"""Applications (办件): filing through any channel and the state machine.

    submitted ─accept→ accepted ─forward→ review ─complete→ completed ─deliver→ delivered
        │  ↘reject→ rejected        └──────complete────────↗
        └──── correction (补正, from submitted / accepted / review; the clock pauses) ──┘
    rate (once, after rejected / completed / delivered); 不满意 or worse opens a rectification.

The promised clock starts at acceptance (`due_at` = promised working days on the work
calendar); a correction pauses it and the remaining working minutes are restored on resume.
"""

from django.core.exceptions import PermissionDenied, ValidationError

from gridgov.core import audit, clock, uploads
from gridgov.core.access import can, ensure_visible, grants, is_district_wide, require
from gridgov.core.actors import action
from gridgov.core.workcalendar import WorkCalendar

from ..catalogue import clean_answers, eligibility_failures, missing_materials, registry_values
from ..choices import (
    PUBLIC_CHANNELS,
    RATEABLE_STATES,
    AppState,
    Channel,
    Delivery,
    EventKind,
    FieldType,
    Result,
)
from ..models import Application, Attachment, Rating, Rectification
from ._common import add_working_days, day_minutes, next_number, write_event
from .catalogue import ensure_item_channel

MAX_FILES = 20
RECTIFY_DAYS = 15


def _community(code):
    from gridgov.divisions.models import Division

    division = Division.objects.filter(code=code, level=3).first() if code else None
    if division is None:
        raise ValidationError({"community": "受理社区不正确"})
    return division


def _check_filer(actor, channel, community, proxy_member):
    if channel == Channel.COUNTER:
        require(actor, "services.add_application", community.code)
    elif channel == Channel.PROXY:
        from gridgov.party.choices import MemberStatus

        if proxy_member is None or proxy_member.status != MemberStatus.ACTIVE:
            raise ValidationError({"proxy_member": "代办须由在册党员提交"})
        if not (getattr(actor, "pk", None) and actor.pk == proxy_member.user_id) and not can(
                actor, "services.add_application", community.code):
            raise PermissionDenied("只有代办党员本人或窗口人员可以代为提交")
    elif channel not in PUBLIC_CHANNELS:
        raise ValidationError({"channel": "申请渠道不正确"})


def _clean_files(version, files):
    """[(key, label, CleanImage)] and errors for uploads keyed by material or file-field key."""
    labels = {m["key"]: m["name"] for m in version.materials or []}
    labels.update({f["key"]: f["label"] for f in version.fields or [] if f.get("type") == FieldType.FILE})
    out, errors = [], {}
    files = list(files or ())
    if len(files) > MAX_FILES:
        raise ValidationError({"files": f"一次最多上传 {MAX_FILES} 个文件"})
    for key, upload in files:
        if key not in labels:
            errors[f"materials.{key}"] = f"未知的材料：{key}"
            continue
        try:
            out.append((key, labels[key], uploads.clean_image(upload)))
        except ValidationError as exc:
            errors[f"materials.{key}"] = f"“{labels[key]}”：{'；'.join(exc.messages)}"
    return out, errors


def _save_files(app, cleaned, actor):
    now = clock.now()
    user = actor if getattr(actor, "is_authenticated", False) else None
    for key, label, image in cleaned:
        att = Attachment(application=app, key=key, label=label, uploaded_at=now, uploaded_by=user)
        att.file.save(image.name, image, save=False)
        att.save()


@action
def submit_application(*, actor, item, person, channel, answers, files=(), materials=(), community_code="",
                       proxy_member=None, device=None, ticket=None):
    """File an application (申请). The public entry point: see the package docstring."""
    version = item.current
    if version is None or not item.is_active:
        raise ValidationError({"item": f"事项“{item.name}”未启用"})
    ensure_item_channel(version, channel)
    community = _community(community_code or (person.division_code or "")[:12])
    _check_filer(actor, channel, community, proxy_member)
    now = clock.now()
    failures = eligibility_failures(version, person, community.code, now.date())
    if failures:
        raise ValidationError({"eligibility": [f"不符合“{item.name}”的办理条件：{f}" for f in failures]})
    cleaned_files, errors = _clean_files(version, files)
    clean, answer_errors = clean_answers(version, answers, {k for k, _l, _i in cleaned_files},
                                         fixed=registry_values(version, person))
    errors.update(answer_errors)
    material_keys = {m["key"] for m in version.materials or []}
    unknown = [k for k in materials if k not in material_keys]
    if unknown:
        errors["materials"] = f"未知的材料：{'、'.join(unknown)}"
    received = sorted({*materials, *(k for k, _l, _i in cleaned_files if k in material_keys)})
    for key, name in missing_materials(version, received):
        errors[f"materials.{key}"] = f"缺少申请材料“{name}”"
    if errors:
        raise ValidationError(errors)
    seq = next_number(f"A{community.code}{now:%Y%m%d}")
    app = Application.objects.create(
        number=f"{community.code}{now:%y%m%d}{seq:04d}", item=item, version=version, department=item.department,
        community=community, division_code=community.code, person=person, applicant_name=person.name,
        channel=channel, answers=clean, materials_received=received, submitted_at=now,
        filed_by=actor if getattr(actor, "is_authenticated", False) else None, proxy_member=proxy_member,
        device_ref=str(getattr(device, "pk", device) or "")[:60], ticket=ticket)
    _save_files(app, cleaned_files, actor)
    write_event(app, EventKind.SUBMIT, actor, at=now, to_state=app.state,
                data={"channel": channel, "version": version.number, "device": app.device_ref})
    audit.record(actor, "services.submit_application", app,
                 after={"number": app.number, "item": item.code, "version": version.number, "channel": channel})
    if channel == Channel.COUNTER:
        ensure_visible(actor, app)
    return app


def _expect(app, *states):
    if app.state not in states:
        raise ValidationError(f"办件当前状态为“{app.get_state_display()}”，不能进行该操作")


def _lock(app):
    return Application.objects.select_for_update().get(pk=app.pk)


def _require_reviewer(actor, app):
    """A reviewer bound to the application's department (within their territory), or one who
    reviews for every department over the whole district (the department rule of core.access)."""
    perm = "services.review_application"
    if not can(actor, perm, app.division_code, department=app.department_id):
        if can(actor, perm, app.division_code):
            raise PermissionDenied("该办件不属于您所在部门")
        raise PermissionDenied(f"没有权限：{perm}")
    if app.department_id not in grants(actor, perm).departments and not is_district_wide(actor, perm):
        raise PermissionDenied("该办件不属于您所在部门")  # only district-wide reviewers act for any department


def _move(actor, app, kind, to_state, *, note="", data=None, fields=(), audit_action):
    from_state = app.state
    app.state = to_state
    app.save(update_fields=["state", *fields])
    write_event(app, kind, actor, at=clock.now(), from_state=from_state, to_state=to_state, note=note, data=data)
    audit.record(actor, audit_action, app, before={"state": from_state}, after={"state": to_state, **(data or {})},
                 reason=note[:200] if note else "")
    return app


@action
def accept_application(*, actor, application, note=""):
    """受理: the materials are complete; the promised clock starts."""
    app = _lock(application)
    require(actor, "services.accept_application", app.division_code)
    _expect(app, AppState.SUBMITTED)
    missing = missing_materials(app.version, app.materials_received)
    if missing:
        raise ValidationError(f"材料不齐，请先一次性告知补正：{'、'.join(n for _k, n in missing)}")
    now = clock.now()
    cal = WorkCalendar()
    app.accepted_at = now
    app.due_at = add_working_days(now, app.version.promised_days, cal)
    app.statutory_due_at = add_working_days(now, app.version.statutory_days, cal)
    app.warn_at = cal.add_working_minutes(now, int(app.version.promised_days * day_minutes() * 0.8))
    return _move(actor, app, EventKind.ACCEPT, AppState.ACCEPTED, note=note,
                 fields=("accepted_at", "due_at", "statutory_due_at", "warn_at"), audit_action="services.accept_application")


@action
def reject_application(*, actor, application, reason):
    """不予受理 with a reason (required)."""
    app = _lock(application)
    require(actor, "services.accept_application", app.division_code)
    _expect(app, AppState.SUBMITTED, AppState.CORRECTION)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写不予受理的理由"})
    app.reject_reason = reason[:300]
    app.completed_at = clock.now()
    app = _move(actor, app, EventKind.REJECT, AppState.REJECTED, note=reason,
                fields=("reject_reason", "completed_at"), audit_action="services.reject_application")
    _tell_resident(app, "办件不予受理", f"“{app.item.name}”（{app.number}）不予受理：{reason[:200]}。可在“我的办件”查看并评价。")
    return app


@action
def request_correction(*, actor, application, missing, note=""):
    """一次性告知补正: the list of missing or defective materials; a running clock pauses."""
    app = _lock(application)
    if app.state == AppState.REVIEW:
        _require_reviewer(actor, app)
    else:
        require(actor, "services.accept_application", app.division_code)
    _expect(app, AppState.SUBMITTED, AppState.ACCEPTED, AppState.REVIEW)
    names = {m["key"]: m["name"] for m in app.version.materials or []}
    missing = [k for k in dict.fromkeys(missing or ())]
    if not missing:
        raise ValidationError({"missing": "请选择需要补正的材料"})
    if any(k not in names for k in missing):
        raise ValidationError({"missing": "补正材料须从事项的申请材料中选择"})
    app.missing_materials = missing
    app.materials_received = [k for k in app.materials_received if k not in missing]
    fields = ["missing_materials", "materials_received"]
    now = clock.now()
    if app.due_at:
        app.paused_at = now
        app.remaining_minutes = WorkCalendar().working_minutes_between(now, app.due_at)
        fields += ["paused_at", "remaining_minutes"]
    app = _move(actor, app, EventKind.CORRECTION, AppState.CORRECTION, note=note, fields=fields,
                data={"missing": [names[k] for k in missing], "resume": app.state},
                audit_action="services.request_correction")
    _tell_resident(app, "请补正办件材料", f"“{app.item.name}”（{app.number}）需要补正：{'、'.join(names[k] for k in missing)}"
                   + (f"。说明：{note[:100]}" if note else "") + "。可在“我的办件”网上上传，或到社区服务站窗口补正。")
    return app


def _tell_resident(app, title, body):
    """A notice to the resident account that filed the application (the website's 我的 lists
    them; the extra notification channels, e.g. SMS, send them on commit). Staff filers and
    kiosk visitors get none."""
    from gridgov.core.notify import notify
    from gridgov.core.residents import current_resident

    if app.filed_by_id is None or current_resident(app.filed_by) is None:
        return
    notify(app.filed_by, title, body, category="services.application",
           dedupe_key=f"application:{app.pk}:{app.events.count()}")


@action
def correct_application(*, actor, application, materials=(), files=()):
    """补正 at the counter: the resident brings (or the clerk scans) the missing materials; the
    application returns to the step it was in and the clock resumes with the working time it had
    left."""
    app = _lock(application)
    _expect(app, AppState.CORRECTION)
    require(actor, "services.accept_application", app.division_code)
    return _correct(actor, app, materials, files, channel=Channel.COUNTER)


def _resident_may_act_for(actor, person_id):
    """A signed-in resident acting for themselves or an elderly relative who authorised them
    (`core.residents.acting_for`); False for everyone else and when no app keeps residents."""
    from gridgov.core.residents import acting_for, current_resident

    profile = current_resident(actor)
    return bool(person_id) and profile is not None and acting_for(profile).filter(pk=person_id).exists()


@action
def correct_application_online(*, actor, application, files):
    """补正 from the community website: the applicant (or a family member they authorised)
    uploads a picture of every missing material, for items the department accepts online. Anyone
    else gets the same 404 as a missing application; the uploads go through `uploads.clean_image`
    like every other picture, and a bad file changes nothing."""
    from django.http import Http404

    app = _lock(application)
    if not _resident_may_act_for(actor, app.person_id):
        raise Http404("找不到该办件")
    _expect(app, AppState.CORRECTION)
    if Channel.WEB not in (app.version.channels or []):
        raise ValidationError(f"“{app.item.name}”须到窗口补正，不能网上上传")
    keys = {k for k, _u in files or ()}
    extra = keys - set(app.missing_materials)
    if extra:
        names = {m["key"]: m["name"] for m in app.version.materials or []}
        raise ValidationError({"files": f"只需上传要求补正的材料，不需要：{'、'.join(names.get(k, k) for k in sorted(extra))}"})
    return _correct(actor, app, (), files, channel=Channel.WEB)


def _correct(actor, app, materials, files, *, channel):
    cleaned, errors = _clean_files(app.version, files)
    if errors:
        raise ValidationError(errors)
    got = set(materials) | {k for k, _l, _i in cleaned}
    still = [k for k in app.missing_materials if k not in got]
    if still:
        names = {m["key"]: m["name"] for m in app.version.materials or []}
        raise ValidationError({"materials": f"仍缺少：{'、'.join(names.get(k, k) for k in still)}"})
    _save_files(app, cleaned, actor)
    resume = app.events.filter(kind=EventKind.CORRECTION).order_by("-at", "-id").values_list(
        "from_state", flat=True).first() or AppState.SUBMITTED
    app.materials_received = sorted({*app.materials_received, *app.missing_materials})
    app.missing_materials = []
    fields = ["materials_received", "missing_materials"]
    if app.paused_at is not None:
        cal = WorkCalendar()
        app.due_at = cal.add_working_minutes(clock.now(), app.remaining_minutes or 0)
        app.warn_at = None
        app.paused_at, app.remaining_minutes = None, None
        fields += ["due_at", "warn_at", "paused_at", "remaining_minutes"]
    return _move(actor, app, EventKind.CORRECTED, resume, fields=fields, audit_action="services.correct_application",
                 data={"channel": channel, "files": [label for _k, label, _i in cleaned]})


@action
def forward_application(*, actor, application, note=""):
    """转办: the community has accepted it; the department reviews and decides."""
    app = _lock(application)
    require(actor, "services.accept_application", app.division_code)
    _expect(app, AppState.ACCEPTED)
    return _move(actor, app, EventKind.FORWARD, AppState.REVIEW, note=note, data={"department": app.department.name},
                 audit_action="services.forward_application")


@action
def complete_application(*, actor, application, result, note="", document=None):
    """办结: approved or denied, with the result document (a scan). The community completes
    its own items; forwarded ones are completed by the department's approver."""
    app = _lock(application)
    if app.state == AppState.REVIEW:
        _require_reviewer(actor, app)
    else:
        require(actor, "services.accept_application", app.division_code)
        _expect(app, AppState.ACCEPTED)
        if app.version.handling == "forward":
            raise ValidationError("该事项须转主管部门审核办结")
    if result not in Result.values:
        raise ValidationError({"result": "请选择办理结果"})
    if result == Result.DENIED and not (note or "").strip():
        raise ValidationError({"note": "不予批准须说明理由"})
    now = clock.now()
    fields = ["result", "result_note", "completed_at", "on_time", "working_minutes"]
    if document is not None:
        image = uploads.clean_image(document)
        app.result_document.save(image.name, image, save=False)
        fields.append("result_document")
    app.result, app.result_note, app.completed_at = result, (note or "")[:2000], now
    cal = WorkCalendar()
    total = app.version.promised_days * day_minutes()
    if app.due_at:
        app.on_time = now <= app.due_at
        left = cal.working_minutes_between(now, app.due_at)
        app.working_minutes = max(0, total - left) if app.on_time else total + cal.working_minutes_between(
            app.due_at, now)
    app = _move(actor, app, EventKind.COMPLETE, AppState.COMPLETED, note=note,
                data={"result": result, "on_time": app.on_time}, fields=fields,
                audit_action="services.complete_application")
    _tell_resident(app, "办件已办结", f"“{app.item.name}”（{app.number}）已办结，办理结果：{Result(result).label}"
                   "。可在“我的办件”查看并评价。")
    return app


@action
def deliver_application(*, actor, application, method, note=""):
    """送达: picked up at the counter, delivered home (送证上门) or posted."""
    app = _lock(application)
    require(actor, "services.accept_application", app.division_code)
    _expect(app, AppState.COMPLETED)
    if method not in Delivery.values:
        raise ValidationError({"method": "请选择送达方式"})
    app.delivery, app.delivery_note, app.delivered_at = method, (note or "")[:200], clock.now()
    return _move(actor, app, EventKind.DELIVER, AppState.DELIVERED, note=note, data={"method": method},
                 fields=("delivery", "delivery_note", "delivered_at"), audit_action="services.deliver_application")


@action
def rate_application(*, actor, application, level, efficiency, quality, attitude, comment="", channel=Channel.COUNTER):
    """好差评: once per application, by the resident (at the counter's rating pad, the kiosk or
    the website). 不满意 / 非常不满意 opens a rectification due in 15 working days."""
    app = _lock(application)
    _expect(app, *RATEABLE_STATES)
    if Rating.objects.filter(application=app).exists():
        raise ValidationError("该办件已评价，每件只能评价一次")
    values = {"level": level, "efficiency": efficiency, "quality": quality, "attitude": attitude}
    labels = {"level": "总体评价", "efficiency": "服务效率", "quality": "服务水平", "attitude": "服务态度"}
    errors = {}
    for k, v in values.items():
        try:
            values[k] = int(v)
            if not 1 <= values[k] <= 5:
                raise ValueError
        except (TypeError, ValueError):
            errors[k] = f"请选择“{labels[k]}”（非常满意至非常不满意）"
    if errors:
        raise ValidationError(errors)
    if values["level"] <= 2 and not (comment or "").strip():
        raise ValidationError({"comment": "差评请说明不满意的原因"})
    now = clock.now()
    rating = Rating.objects.create(application=app, division_code=app.division_code, comment=(comment or "")[:300],
                                   channel=channel, rated_at=now, **values)
    write_event(app, EventKind.RATE, actor, at=now, from_state=app.state, note=comment or "",
                data={"level": values["level"]})
    if values["level"] <= 2:
        Rectification.objects.create(rating=rating, division_code=app.division_code, opened_at=now,
                                     due_at=add_working_days(now, RECTIFY_DAYS))
    audit.record(actor, "services.rate_application", app, after=values)
    return rating


@action
def answer_rectification(*, actor, rectification, response):
    """The community answers a bad rating (整改情况)."""
    from ..choices import RectificationState

    rect = Rectification.objects.select_for_update().get(pk=rectification.pk)
    require(actor, "services.accept_application", rect.division_code)
    if rect.state != RectificationState.OPEN:
        raise ValidationError("该整改已答复")
    if not (response or "").strip():
        raise ValidationError({"response": "请填写整改情况"})
    rect.state, rect.response, rect.answered_at, rect.answered_by = RectificationState.ANSWERED, response, clock.now(), actor
    rect.save()
    app = rect.rating.application
    write_event(app, EventKind.RECTIFY, actor, at=rect.answered_at, from_state=app.state, note=response)
    audit.record(actor, "services.answer_rectification", app, after={"response": response[:200]})
    return rect


@action
def callback_rectification(*, actor, rectification, note, satisfied):
    """回访: the call-back record after the rectification; closes it."""
    from ..choices import RectificationState

    rect = Rectification.objects.select_for_update().get(pk=rectification.pk)
    require(actor, "services.accept_application", rect.division_code)
    if rect.state != RectificationState.ANSWERED:
        raise ValidationError("请先填写整改情况，再回访")
    if not (note or "").strip():
        raise ValidationError({"note": "请填写回访记录"})
    rect.state, rect.callback_note, rect.callback_satisfied = RectificationState.CLOSED, note, bool(satisfied)
    rect.callback_at = clock.now()
    rect.save()
    app = rect.rating.application
    write_event(app, EventKind.CALLBACK, actor, at=rect.callback_at, from_state=app.state, note=note,
                data={"satisfied": bool(satisfied)})
    audit.record(actor, "services.callback_rectification", app, after={"satisfied": bool(satisfied)})
    return rect


@action
def sweep_deadlines(*, actor, now=None):
    """Flag warnings and overdue applications (idempotent: each flag is set once, with its event)."""
    from ..choices import OPEN_STATES

    now = now or clock.now()
    counts = {"warned": 0, "overdue": 0}
    running = Application.objects.filter(state__in=OPEN_STATES, paused_at__isnull=True)
    for app in running.filter(warned=False, warn_at__lte=now).select_for_update(of=("self",)):
        Application.objects.filter(pk=app.pk).update(warned=True)
        write_event(app, EventKind.WARN, actor, at=now, from_state=app.state, data={"due_at": app.due_at.isoformat()})
        counts["warned"] += 1
    for app in running.filter(overdue=False, due_at__lte=now).select_for_update(of=("self",)):
        Application.objects.filter(pk=app.pk).update(overdue=True)
        write_event(app, EventKind.OVERDUE, actor, at=now, from_state=app.state, data={"due_at": app.due_at.isoformat()})
        counts["overdue"] += 1
    if any(counts.values()):
        audit.record(actor, "services.sweep_deadlines", ("services.application", "", "办件时限巡检"), after=counts)
    return counts

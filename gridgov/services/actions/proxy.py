"""Proxy services (双代: 代理、代办、送证上门): the need's life, one action per transition.

    open ─assign (branch secretary) / claim (a member of the branch)→ assigned
         ─file (the member, channel proxy, photo of the signed 委托书)→ filed
         ─deliver (photo + the resident's confirmation; the application has its result)→ delivered
    open / assigned / filed ─cancel (with a reason)→ cancelled

Every transition writes a `ProxyNeedEvent` and an audit entry. Assignment and claim are
conditional updates on the row (`state = open`, no member), so two members can never hold the
same need; the other steps lock the row. A delivered need becomes a verified party service record
through `party.actions.record_platform_activity` (points and caps are the party item's data).
A need left unassigned past `assign_due_at` (2 working days) alerts the branch secretary and the
community's assigners once (`sweep_needs`, a periodic Huey task)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from gridgov.core import audit, clock, uploads
from gridgov.core.access import can, require
from gridgov.core.actors import action, is_system
from gridgov.core.notify import notify

from ..choices import (
    ACTIVE_NEED_STATES,
    AppState,
    Channel,
    Delivery,
    EventKind,
    NeedEventKind,
    NeedSource,
    NeedState,
)
from ..models import ProxyNeed, ProxyNeedEvent
from ._common import actor_name, add_working_days

ASSIGN_DAYS = 2  # a need waits at most this many working days for a member
FAMILY_OPEN_LIMIT = 3  # live needs a family account may hold for one relative
DELIVERABLE_APP_STATES = (AppState.REJECTED, AppState.COMPLETED, AppState.DELIVERED)


def _event(need, kind, actor, *, from_state="", note="", data=None, at=None):
    return ProxyNeedEvent.objects.create(
        need=need, kind=kind, at=at or clock.now(), actor=actor if getattr(actor, "is_authenticated", False) else None,
        actor_name=actor_name(actor), from_state=from_state, to_state=need.state, note=note, data=data or {})


def _lock(need):
    return ProxyNeed.objects.select_for_update(of=("self",)).select_related("member", "person", "item").get(pk=need.pk)


def _expect(need, *states):
    if need.state not in states:
        raise ValidationError(f"该需求当前状态为“{need.get_state_display()}”，不能进行该操作")


def branch_for(need):
    """The active grid branch of the need's grid, or None."""
    from gridgov.party.models import PartyOrganization

    return PartyOrganization.objects.filter(division_code=need.division_code, kind="grid", is_active=True).first()


def _active_member(member):
    from gridgov.party.choices import MemberStatus

    return member is not None and member.status == MemberStatus.ACTIVE and member.branch_id is not None


def _actor_member(actor):
    from gridgov.party.models import PartyMember

    if not getattr(actor, "pk", None):
        return None
    member = PartyMember.objects.filter(user_id=actor.pk).select_related("branch").first()
    return member if _active_member(member) else None


def _is_own(actor, need):
    return bool(need.member_id and need.member.user_id and getattr(actor, "pk", None) == need.member.user_id)


def family_profile(actor, person):
    """The resident profile of `actor` when it holds an active family link to `person` (an
    elderly relative; acting for oneself is not family), else None. Read through
    `core.residents`, so services does not import the community website."""
    from gridgov.core.residents import acting_for, current_resident

    profile = current_resident(actor)
    if profile is None or person is None or getattr(profile, "person_id", None) == person.pk:
        return None
    persons = acting_for(profile)
    return profile if hasattr(persons, "filter") and persons.filter(pk=person.pk).exists() else None


@action
def record_need(*, actor, person, description, source, item=None, contact_name=""):
    """Record a need of a resident in one of the registry's care groups (关爱人群): the grid
    worker on the phone page, staff after a phone call, or a family member — either through
    them or from the community website, as a verified resident holding an active family link
    to the resident (source 家属, at most FAMILY_OPEN_LIMIT live needs per relative). Staff
    must see the resident."""
    from gridgov.registry.models import Person

    errors = {}
    if family_profile(actor, person) is not None and not can(actor, "services.add_proxyneed", person.division_code):
        # a resident account asking for an elderly relative it holds an active family link for
        source = NeedSource.FAMILY
        live = ProxyNeed.objects.filter(person=person, recorded_by=actor, state__in=ACTIVE_NEED_STATES).count()
        if live >= FAMILY_OPEN_LIMIT:
            errors["person"] = f"您为这位家人提出的代办需求已有 {live} 件正在办理，请等办结后再提"
    else:
        require(actor, "services.add_proxyneed", person.division_code)
        if not Person.objects.visible_to(actor).filter(pk=person.pk).exists():
            raise PermissionDenied("对象不存在或无权访问")
    description = " ".join(str(description or "").split())
    if len(description) < 4:
        errors["description"] = "请填写需求说明（至少 4 个字）"
    elif len(description) > 300:
        errors["description"] = "需求说明不能超过 300 字"
    if source not in NeedSource.values:
        errors["source"] = "请选择需求来源"
    contact_name = " ".join(str(contact_name or "").split())[:50]
    if source == NeedSource.FAMILY and not contact_name:
        errors["contact_name"] = "家属提出的需求请填写家属姓名与关系"
    if person.status != "active":
        errors["person"] = f"“{person.name}”不是在册实有人口，不能登记代办需求"
    elif not person.care_tags.filter(is_active=True).exists():
        errors["person"] = f"“{person.name}”不在关爱人群中，双代服务面向行动不便的关爱对象"
    if item is not None:
        version = item.current
        if not item.is_active or version is None or Channel.PROXY not in (version.channels or []):
            errors["item"] = f"事项“{item.name}”不支持代办"
    if errors:
        raise ValidationError(errors)
    now = clock.now()
    need = ProxyNeed.objects.create(
        person=person, item=item, description=description, source=source, contact_name=contact_name,
        division_code=person.division_code, recorded_at=now, assign_due_at=add_working_days(now, ASSIGN_DAYS),
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None)
    _event(need, NeedEventKind.RECORD, actor, note=description,
           data={"source": source, "item": getattr(item, "code", "")})
    audit.record(actor, "services.record_need", need,
                 after={"person": person.pk, "source": source, "item": getattr(item, "code", "")})
    return need


def _check_branch_member(need, member):
    if not _active_member(member):
        raise ValidationError({"member": "请选择在册并已报到的党员"})
    branch = branch_for(need)
    if branch is None or member.branch_id != branch.pk:
        raise ValidationError({"member": f"“{member.name}”不是该网格党支部的党员"})


def _take(need, member, actor, *, claimed):
    """Give an open need to `member`: a conditional update, so of two concurrent takers exactly
    one succeeds and the other gets a clear refusal."""
    now = clock.now()
    user = actor if getattr(actor, "is_authenticated", False) else None
    taken = ProxyNeed.objects.filter(pk=need.pk, state=NeedState.OPEN, member__isnull=True).update(
        state=NeedState.ASSIGNED, member=member, assigned_at=now, assigned_by=user, claimed=claimed)
    if not taken:
        raise ValidationError("该需求已被其他党员认领或已分派")
    return ProxyNeed.objects.select_related("member", "person").get(pk=need.pk), now


@action
def assign_need(*, actor, need, member, note=""):
    """The branch secretary (or community staff holding `services.assign_proxyneed`) assigns an
    open need to a member of the grid's branch, or re-assigns an assigned one not yet filed."""
    require(actor, "services.assign_proxyneed", need.division_code)
    _check_branch_member(need, member)
    current = ProxyNeed.objects.filter(pk=need.pk).values_list("state", "member_id").first()
    if current is None:
        raise ValidationError("该需求不存在")
    state, previous = current
    if state == NeedState.ASSIGNED:  # re-assignment: lock and move
        need = _lock(need)
        _expect(need, NeedState.ASSIGNED)
        if need.member_id == member.pk:
            raise ValidationError({"member": f"该需求已分派给“{member.name}”"})
        now = clock.now()
        need.member, need.assigned_at, need.claimed = member, now, False
        need.assigned_by = actor if getattr(actor, "is_authenticated", False) else None
        need.save(update_fields=["member", "assigned_at", "claimed", "assigned_by"])
    else:
        if state != NeedState.OPEN:
            raise ValidationError(f"该需求当前状态为“{NeedState(state).label}”，不能分派")
        need, now = _take(need, member, actor, claimed=False)
    _event(need, NeedEventKind.ASSIGN, actor, from_state=state, note=note,
           data={"member": member.pk, "member_name": member.name, "previous": previous})
    audit.record(actor, "services.assign_need", need, before={"state": state, "member": previous},
                 after={"state": need.state, "member": member.pk})
    _tell_member(need, "您有一项新的双代任务")
    return need


@action
def claim_need(*, actor, need):
    """A member of the grid's branch claims an open need (认领)."""
    member = _actor_member(actor)
    if member is None:
        raise PermissionDenied("只有已报到的党员可以认领双代需求")
    _check_branch_member(need, member)
    need, _now = _take(need, member, actor, claimed=True)
    _event(need, NeedEventKind.CLAIM, actor, from_state=NeedState.OPEN, data={"member": member.pk})
    audit.record(actor, "services.claim_need", need, before={"state": NeedState.OPEN},
                 after={"state": need.state, "member": member.pk})
    return need


def _tell_member(need, title):
    member = need.member
    if member is None or not member.user_id:
        return
    user, body, url = member.user, f"{need.person.name}：{need.description}", reverse("services:my_needs")
    transaction.on_commit(lambda: notify(user, title, body, url=url, category="services.proxy",
                                         dedupe_key=f"proxy-task:{need.pk}:{member.pk}:{need.assigned_at:%s}"))


def _require_member_or_staff(actor, need, staff_perm):
    if _is_own(actor, need):
        return
    if not can(actor, staff_perm, need.division_code):
        raise PermissionDenied("只有承办党员本人可以进行该操作")


@action
def file_need(*, actor, need, mandate_photo, answers, files=(), materials=(), item=None):
    """The member files the application on the resident's behalf (channel proxy) with a photo
    of the signed 委托书 (re-encoded by core.uploads; required)."""
    from .applications import submit_application

    need = _lock(need)
    _expect(need, NeedState.ASSIGNED)
    _require_member_or_staff(actor, need, "services.add_application")
    item = item or need.item
    if item is None:
        raise ValidationError({"item": "请选择代办事项"})
    if mandate_photo is None:
        raise ValidationError({"mandate_photo": "请上传居民签字的委托书照片"})
    try:
        photo = uploads.clean_image(mandate_photo)
    except ValidationError as exc:
        raise ValidationError({"mandate_photo": [f"委托书照片：{m}" for m in exc.messages]})
    app = submit_application(actor=actor, item=item, person=need.person, channel=Channel.PROXY, answers=answers,
                             files=files, materials=materials, proxy_member=need.member)
    now = clock.now()
    need.mandate_photo.save(photo.name, photo, save=False)
    need.application, need.item, need.filed_at, need.state = app, item, now, NeedState.FILED
    need.save(update_fields=["mandate_photo", "application", "item", "filed_at", "state"])
    _event(need, NeedEventKind.FILE, actor, from_state=NeedState.ASSIGNED, at=now,
           data={"application": app.number, "item": item.code})
    audit.record(actor, "services.file_need", need, after={"application": app.number, "item": item.code})
    return need


@action
def deliver_need(*, actor, need, photo, confirmed, confirmed_by, note=""):
    """The member delivers the result (证照、决定书) home with a confirmation: a photo and the
    resident's confirmation (ticked, with who signed). A completed application moves to 送达
    (送证上门); the service becomes a verified party service record of the member."""
    need = _lock(need)
    _expect(need, NeedState.FILED)
    if not (_is_own(actor, need) or is_system(actor)):  # the system actor: the demo only
        raise PermissionDenied("只有承办党员本人可以送达确认")
    from ..models import Application

    app = Application.objects.select_for_update().get(pk=need.application_id)
    errors = {}
    if app.state not in DELIVERABLE_APP_STATES:
        errors["application"] = f"办件 {app.number} 尚未办结（{app.get_state_display()}），办结后再送达"
    if not confirmed:
        errors["confirmed"] = "请由居民本人（或其家属）确认已收到办理结果"
    confirmed_by = " ".join(str(confirmed_by or "").split())[:50]
    if not confirmed_by:
        errors["confirmed_by"] = "请填写签收人"
    cleaned = None
    if photo is None:
        errors["photo"] = "请拍摄送达确认照片"
    else:
        try:
            cleaned = uploads.clean_image(photo)
        except ValidationError as exc:
            errors["photo"] = [f"送达确认照片：{m}" for m in exc.messages]
    if errors:
        raise ValidationError(errors)
    now = clock.now()
    if app.state == AppState.COMPLETED:
        from .applications import _move

        app.delivery, app.delivery_note, app.delivered_at = Delivery.HOME, f"党员{need.member.name}送证上门", now
        _move(actor, app, EventKind.DELIVER, AppState.DELIVERED, note=app.delivery_note,
              data={"method": Delivery.HOME, "proxy_need": need.pk},
              fields=("delivery", "delivery_note", "delivered_at"), audit_action="services.deliver_application")
    need.delivery_photo.save(cleaned.name, cleaned, save=False)
    need.state, need.delivered_at, need.resident_confirmed = NeedState.DELIVERED, now, True
    need.confirmed_by, need.delivery_note = confirmed_by, (note or "")[:300]
    from gridgov.party.actions import record_platform_activity

    activity = record_platform_activity(
        actor=actor, member=need.member, source="proxy", source_ref=f"proxy:{need.pk}", occurred_at=now,
        note=f"双代服务：{need.item.name if need.item_id else need.description}（办件 {app.number}）")
    need.activity_ref = str(activity.pk) if activity is not None else ""
    need.save(update_fields=["delivery_photo", "state", "delivered_at", "resident_confirmed", "confirmed_by",
                             "delivery_note", "activity_ref"])
    _event(need, NeedEventKind.DELIVER, actor, from_state=NeedState.FILED, at=now, note=note or "",
           data={"application": app.number, "confirmed_by": confirmed_by, "activity": need.activity_ref,
                 "points": str(activity.points) if activity is not None else ""})
    audit.record(actor, "services.deliver_need", need, after={"state": need.state, "activity": need.activity_ref})
    return need


@action
def cancel_need(*, actor, need, reason):
    """Cancel a need that is not delivered (the resident no longer needs it, moved, passed
    away …), with a reason: staff or the branch secretary (`services.change_proxyneed`)."""
    need = _lock(need)
    require(actor, "services.change_proxyneed", need.division_code)
    _expect(need, NeedState.OPEN, NeedState.ASSIGNED, NeedState.FILED)
    reason = " ".join(str(reason or "").split())
    if len(reason) < 2:
        raise ValidationError({"reason": "请填写撤销原因"})
    before = need.state
    need.state, need.cancelled_at, need.cancel_reason = NeedState.CANCELLED, clock.now(), reason[:300]
    need.save(update_fields=["state", "cancelled_at", "cancel_reason"])
    _event(need, NeedEventKind.CANCEL, actor, from_state=before, note=reason)
    audit.record(actor, "services.cancel_need", need, before={"state": before}, after={"state": need.state},
                 reason=reason[:200])
    if need.member_id:
        _tell_member(need, "您的一项双代任务已撤销")
    return need


def _assigners(need):
    """Users to alert about an unassigned need: the branch secretary's account, and active users
    holding `services.assign_proxyneed` at community or grid level over the need's grid (the
    community's staff; district- and street-wide roles are not paged for every need)."""
    from gridgov.accounts.models import RoleAssignment

    users = {}
    branch = branch_for(need)
    if branch is not None and branch.secretary_id and branch.secretary.user_id and branch.secretary.user.is_active:
        users[branch.secretary.user_id] = branch.secretary.user
    qs = RoleAssignment.objects.filter(
        user__is_active=True, role__permissions__content_type__app_label="services",
        role__permissions__codename="assign_proxyneed").select_related("user", "division")
    for a in qs:
        path = a.division.path if a.division_id else ""
        if len(path) >= 12 and need.division_code.startswith(path) and not getattr(a.user, "is_system", False):
            users[a.user_id] = a.user
    return list(users.values())


@action
def sweep_needs(*, actor, now=None):
    """Alert once about every need still unassigned past its `assign_due_at` (2 working days
    after it was recorded). Idempotent: the `alerted` mark and the notifications' dedupe keys."""
    require(actor, "services.assign_proxyneed")
    now = now or clock.now()
    alerted = 0
    due = (ProxyNeed.objects.filter(state=NeedState.OPEN, alerted=False, assign_due_at__lte=now)
           .select_related("person").select_for_update(of=("self",)).order_by("assign_due_at"))
    for need in due:
        title = f"双代需求超过 {ASSIGN_DAYS} 个工作日未分派"
        body = f"{need.person.name}：{need.description}（登记于 {timezone.localtime(need.recorded_at):%Y-%m-%d %H:%M}）"
        url = need.get_absolute_url()
        for user in _assigners(need):
            notify(user, title, body, url=url, category="services.proxy", dedupe_key=f"proxy-unassigned:{need.pk}")
        ProxyNeed.objects.filter(pk=need.pk).update(alerted=True)
        _event(need, NeedEventKind.ALERT, actor, from_state=need.state, at=now,
               data={"due_at": need.assign_due_at.isoformat()})
        alerted += 1
    if alerted:
        audit.record(actor, "services.sweep_needs", ("services.proxyneed", "", "代办需求超时提醒"),
                     after={"alerted": alerted})
    return alerted


@action
def reveal_phone(*, actor, need):
    """The plain phone number of the need's resident for the member who holds the task (to call
    before a visit), written to the audit log as a reveal. Staff use the registry's reveal."""
    if need.state not in (NeedState.ASSIGNED, NeedState.FILED) or not _is_own(actor, need):
        raise PermissionDenied("只有承办党员本人可以查看居民电话")
    audit.record_reveal(actor, need.person, "phone", f"双代任务 #{need.pk} 联系居民")
    return need.person.phone_plain


__all__ = ["assign_need", "cancel_need", "claim_need", "deliver_need", "file_need", "record_need", "reveal_phone",
           "sweep_needs"]

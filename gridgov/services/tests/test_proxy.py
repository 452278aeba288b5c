"""Proxy services (双代): actions, access, the unassigned alert and the party service record."""

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from gridgov.accounts.choices import RoleCode
from gridgov.core import clock
from gridgov.services import actions
from gridgov.services.choices import AppState, NeedEventKind, NeedSource, NeedState, Result
from gridgov.services.models import Application, ProxyNeed, ProxyNeedEvent

from .conftest import GRID_A

GRID_A2 = "430702004001002"
GRID_B = "430702004002001"


def png(name="p.png"):
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 120, 200)).save(buf, format="PNG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/png")


def at(y, m, d, hh=10):
    return datetime.datetime(y, m, d, hh, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))


@pytest.fixture
def elder(make_person):
    return make_person(name="王奶奶", age=85, tags=("elderly_alone",))


def _record(actor, person, **kw):
    kw.setdefault("description", "行动不便，需代办高龄津贴申领")
    kw.setdefault("source", NeedSource.GRID_WORKER)
    return actions.record_need(actor=actor, person=person, **kw)


def test_record_needs_a_care_group_resident_in_scope(grid_worker_a, make_person, elder, tree, make_user):
    need = _record(grid_worker_a, elder, item=None)
    assert need.state == NeedState.OPEN and need.division_code == GRID_A
    assert need.assign_due_at > need.recorded_at
    assert list(need.events.values_list("kind", flat=True)) == [NeedEventKind.RECORD]
    plain = make_person(name="李四", age=40)
    with pytest.raises(ValidationError) as exc:
        _record(grid_worker_a, plain)
    assert "不在关爱人群" in exc.value.message_dict["person"][0]
    with pytest.raises(ValidationError) as exc:
        _record(grid_worker_a, elder, source=NeedSource.FAMILY)
    assert "contact_name" in exc.value.message_dict
    other_gw = make_user(RoleCode.GRID_WORKER, tree[GRID_A2], username="gw-a2")
    with pytest.raises(PermissionDenied):
        _record(other_gw, elder)
    assert ProxyNeed.objects.count() == 1


def test_assign_suggests_service_post_first_and_only_branch_members(party, grid_worker_a, elder, admin_user):
    from gridgov.party.actions import claim_post, decide_claim
    from gridgov.party.models import RolePost
    from gridgov.services.proxy_queries import suggestions

    plain, helper, outsider = party["member"](), party["member"](), party["member"](GRID_B)
    claim = claim_post(actor=helper.user, member=helper, post=RolePost.objects.get(code="service"))
    decide_claim(actor=admin_user, claim=claim, approve=True)
    need = _record(grid_worker_a, elder)
    names = [m.pk for m in suggestions(need)]
    assert names[0] == helper.pk and plain.pk in names and outsider.pk not in names
    with pytest.raises(ValidationError) as exc:
        actions.assign_need(actor=party["secretary"], need=need, member=outsider)
    assert "不是该网格党支部的党员" in exc.value.message_dict["member"][0]
    with pytest.raises(PermissionDenied):  # a plain member cannot assign
        actions.assign_need(actor=plain.user, need=need, member=plain)
    need = actions.assign_need(actor=party["secretary"], need=need, member=helper)
    assert need.state == NeedState.ASSIGNED and need.member == helper and not need.claimed
    need = actions.assign_need(actor=party["secretary"], need=need, member=plain)  # re-assign before filing
    assert need.member == plain
    assert list(need.events.values_list("kind", flat=True)) == ["record", "assign", "assign"]


def test_two_members_cannot_claim_the_same_need(party, grid_worker_a, elder):
    a, b = party["member"](), party["member"]()
    need = _record(grid_worker_a, elder)
    stale = ProxyNeed.objects.get(pk=need.pk)
    actions.claim_need(actor=a.user, need=need)
    with pytest.raises(ValidationError) as exc:
        actions.claim_need(actor=b.user, need=stale)
    assert "已被其他党员认领" in exc.value.messages[0]
    need.refresh_from_db()
    assert need.member == a and need.claimed
    assert need.events.filter(kind=NeedEventKind.CLAIM).count() == 1
    outsider = party["member"](GRID_B)
    need2 = _record(grid_worker_a, elder)
    with pytest.raises(ValidationError):
        actions.claim_need(actor=outsider.user, need=need2)


def _file(member, need, catalogue, **kw):
    item = catalogue["RS001"]
    kw.setdefault("mandate_photo", png())
    return actions.file_need(actor=member.user, need=need, item=item, answers={"status": "失业登记", "since": "2026-01-05"},
                             materials=[m["key"] for m in item.current.materials if m["required"]], **kw)


def test_file_deliver_and_party_record(party, grid_worker_a, elder, catalogue, admin_user):
    from gridgov.party.models import ServiceActivity

    member = party["member"]()
    need = actions.claim_need(actor=member.user, need=_record(grid_worker_a, elder))
    with pytest.raises(ValidationError) as exc:
        _file(member, need, catalogue, mandate_photo=None)
    assert "委托书" in exc.value.message_dict["mandate_photo"][0]
    with pytest.raises(ValidationError) as exc:  # not an image: refused, nothing filed
        _file(member, need, catalogue, mandate_photo=SimpleUploadedFile("x.png", b"<svg onload=alert(1)>"))
    assert "委托书照片" in exc.value.message_dict["mandate_photo"][0]
    assert not Application.objects.exists()
    other = party["member"]()
    with pytest.raises(PermissionDenied):
        _file(other, need, catalogue)
    need = _file(member, need, catalogue)
    app = need.application
    assert need.state == NeedState.FILED and app.channel == "proxy" and app.proxy_member == member
    assert need.mandate_photo.name.startswith("services/mandates/") and need.mandate_photo.name.endswith(".png")
    with pytest.raises(ValidationError) as exc:  # the application has no result yet
        actions.deliver_need(actor=member.user, need=need, photo=png(), confirmed=True, confirmed_by="王奶奶")
    assert "尚未办结" in exc.value.message_dict["application"][0]
    app = actions.accept_application(actor=admin_user, application=app)
    actions.complete_application(actor=admin_user, application=app, result=Result.APPROVED)
    with pytest.raises(ValidationError) as exc:
        actions.deliver_need(actor=member.user, need=need, photo=None, confirmed=False, confirmed_by="")
    assert {"photo", "confirmed", "confirmed_by"} <= set(exc.value.message_dict)
    with pytest.raises(PermissionDenied):
        actions.deliver_need(actor=other.user, need=need, photo=png(), confirmed=True, confirmed_by="王奶奶")
    need = actions.deliver_need(actor=member.user, need=need, photo=png(), confirmed=True, confirmed_by="王奶奶")
    assert need.state == NeedState.DELIVERED and need.resident_confirmed
    app.refresh_from_db()
    assert app.state == AppState.DELIVERED and app.delivery == "home"
    act = ServiceActivity.objects.get(source="proxy", source_ref=f"proxy:{need.pk}")
    assert act.status == "verified" and act.member == member and act.points == act.item.points
    assert need.activity_ref == str(act.pk)
    assert list(need.events.values_list("kind", flat=True)) == ["record", "claim", "file", "deliver"]


def test_platform_activity_is_idempotent_and_capped(party, admin_user):
    from gridgov.party.actions import record_platform_activity
    from gridgov.party.models import ServiceItem

    member = party["member"]()
    item = ServiceItem.objects.get(source="proxy")
    item.points, item.max_points_per_day = 2, 3
    item.save()
    now = clock.now()
    a = record_platform_activity(actor=member.user, member=member, source="proxy", source_ref="proxy:1", occurred_at=now)
    again = record_platform_activity(actor=member.user, member=member, source="proxy", source_ref="proxy:1",
                                     occurred_at=now)
    b = record_platform_activity(actor=member.user, member=member, source="proxy", source_ref="proxy:2", occurred_at=now)
    assert a.pk == again.pk and a.points == 2 and b.points == 1  # the day's cap is data on the item
    with pytest.raises(ValidationError):
        record_platform_activity(actor=member.user, member=member, source="manual", source_ref="x", occurred_at=now)
    other = party["member"]()
    with pytest.raises(PermissionDenied):
        record_platform_activity(actor=other.user, member=member, source="proxy", source_ref="proxy:3", occurred_at=now)
    item.is_active = False
    item.save()
    assert record_platform_activity(actor=member.user, member=member, source="proxy", source_ref="proxy:4",
                                    occurred_at=now) is None


def test_cancel_needs_reason_and_permission(party, grid_worker_a, elder):
    member = party["member"]()
    need = actions.claim_need(actor=member.user, need=_record(grid_worker_a, elder))
    with pytest.raises(PermissionDenied):
        actions.cancel_need(actor=member.user, need=need, reason="不需要了")
    with pytest.raises(ValidationError):
        actions.cancel_need(actor=party["secretary"], need=need, reason=" ")
    need = actions.cancel_need(actor=party["secretary"], need=need, reason="家属已自行办理")
    assert need.state == NeedState.CANCELLED and need.cancel_reason == "家属已自行办理"
    with pytest.raises(ValidationError):
        actions.claim_need(actor=member.user, need=need)


def test_unassigned_for_two_working_days_alerts_once(party, grid_worker_a, elder, make_user, tree):
    from gridgov.core.actors import system_actor
    from gridgov.core.models import Notification

    community = make_user(RoleCode.COMMUNITY_STAFF, tree["430702004001"], username="cs-a")
    with clock.frozen(at(2026, 6, 5, 10)):  # a Friday
        need = _record(grid_worker_a, elder)
        taken = _record(grid_worker_a, elder, description="已分派的需求")
        actions.assign_need(actor=party["secretary"], need=taken, member=party["member"]())
    with clock.frozen(at(2026, 6, 9, 9)):  # Tuesday morning: < 2 working days (Fri 10:00 → Tue 10:00)
        assert actions.sweep_needs(actor=system_actor()) == 0
    with clock.frozen(at(2026, 6, 9, 11)):
        assert actions.sweep_needs(actor=system_actor()) == 1
        assert actions.sweep_needs(actor=system_actor()) == 0  # once
    recipients = set(Notification.objects.filter(category="services.proxy").values_list("recipient_id", flat=True))
    assert recipients == {party["secretary"].pk, community.pk}
    assert grid_worker_a.pk not in recipients
    need.refresh_from_db()
    assert need.alerted and need.events.filter(kind=NeedEventKind.ALERT).count() == 1
    assert ProxyNeedEvent.objects.filter(kind=NeedEventKind.ALERT).count() == 1


def test_periodic_tasks_scheduled():
    """The application deadline sweep and the proxy alert run as periodic Huey tasks."""
    from huey.contrib.djhuey import HUEY

    from gridgov.services import tasks

    names = {t.name for t in HUEY._registry.periodic_tasks}
    assert {"deadline_sweep_task", "proxy_need_sweep_task"} <= names
    validate = tasks.deadline_sweep_task.task_class().validate_datetime
    assert validate(datetime.datetime(2026, 6, 9, 10, 20)) and not validate(datetime.datetime(2026, 6, 9, 10, 21))


def test_visible_to_member_secretary_and_staff(party, grid_worker_a, elder, make_person, tree, make_user):
    member, other = party["member"](), party["member"]()
    outsider = party["member"](GRID_B)
    mine = actions.claim_need(actor=member.user, need=_record(grid_worker_a, elder))
    theirs = actions.claim_need(actor=other.user, need=_record(grid_worker_a, elder, description="别人的任务"))
    open_a = _record(grid_worker_a, elder, description="待认领的需求")
    gw_b = make_user(RoleCode.GRID_WORKER, tree[GRID_B], username="gw-b")
    elder_b = make_person(name="赵爷爷", age=90, grid=GRID_B, tags=("elderly_alone",))
    open_b = _record(gw_b, elder_b)
    seen = set(ProxyNeed.objects.visible_to(member.user).values_list("pk", flat=True))
    assert seen == {mine.pk, open_a.pk}  # own task + claimable of the branch; never another's task
    assert theirs.pk not in seen and open_b.pk not in seen
    assert not ProxyNeed.objects.visible_to(member.user, "change").exists()
    assert set(ProxyNeed.objects.visible_to(outsider.user).values_list("pk", flat=True)) == {open_b.pk}
    sec = set(ProxyNeed.objects.visible_to(party["secretary"]).values_list("pk", flat=True))
    assert sec == {mine.pk, theirs.pk, open_a.pk}
    assert set(ProxyNeed.objects.visible_to(gw_b).values_list("pk", flat=True)) == {open_b.pk}


def test_member_pages_show_no_id_number(party, grid_worker_a, elder, client, catalogue):
    from gridgov.core.models import AuditEntry

    member = party["member"]()
    need = actions.claim_need(actor=member.user, need=_record(grid_worker_a, elder, item=catalogue["RS001"]))
    open_need = _record(grid_worker_a, elder, description="另一项待认领需求")
    client.force_login(member.user)
    mine = client.get("/services/proxy/mine/")
    assert mine.status_code == 200 and "王奶奶" in mine.content.decode() and "王**" in mine.content.decode()
    page = client.get(f"/services/proxy/{need.pk}/").content.decode()
    assert "王奶奶" in page and "138****5678" in page and "430702" not in page and "1234" not in page.replace(
        "5678", "")
    masked = client.get(f"/services/proxy/{open_need.pk}/").content.decode()
    assert "王**" in masked and "138****5678" not in masked
    form = client.get(f"/services/proxy/{need.pk}/file/").content.decode()
    assert "委托书照片" in form and "430702********1234" not in form
    client.post(f"/services/proxy/{need.pk}/act/phone/")
    assert AuditEntry.objects.filter(kind="reveal", action="reveal").exists()
    other = party["member"]()
    client.force_login(other.user)
    assert client.get(f"/services/proxy/{need.pk}/").status_code == 404
    assert client.get("/services/proxy/").status_code == 404


def test_staff_pages(party, grid_worker_a, elder, client):
    need = _record(grid_worker_a, elder)
    client.force_login(grid_worker_a)
    assert "王奶奶" in client.get("/services/proxy/new/?q=王").content.decode()
    r = client.post("/services/proxy/new/", {"person": elder.pk, "description": "需代办残疾人证", "source": "phone"})
    assert r.status_code == 302 and ProxyNeed.objects.count() == 2
    lst = client.get("/services/proxy/?state=open").content.decode()
    assert "需代办残疾人证" in lst
    client.force_login(party["secretary"])
    page = client.get("/services/proxy/assign/").content.decode()
    assert f"assign-{need.pk}" in page
    member = party["member"]()
    r = client.post(f"/services/proxy/{need.pk}/act/assign/", {"member": member.pk, "next": "assign"})
    assert r.status_code == 302
    need.refresh_from_db()
    assert need.member == member and need.state == NeedState.ASSIGNED


def test_demo_needs_in_every_state(party, make_person, catalogue, make_user, roles):
    """The demo's proxy needs: every state, dangyuan01's own tasks, and needs outside the grid."""
    import random

    from gridgov.accounts.models import User
    from gridgov.core.actors import system_actor
    from gridgov.party.models import ServiceActivity
    from gridgov.services import demo_proxy

    member = party["member"]()
    User.objects.filter(pk=member.user_id).update(username="dangyuan01")
    for n in range(4):
        make_person(name=f"关爱{n}", age=82, tags=("elderly_alone",))
        make_person(name=f"乙关爱{n}", age=82, grid=GRID_B, tags=("elderly_alone",))
    party["member"](GRID_B, with_user=False)
    assert demo_proxy.generate(system_actor(), random.Random(1)) >= 8
    assert set(ProxyNeed.objects.values_list("state", flat=True)) == set(NeedState.values)
    mine = ProxyNeed.objects.filter(member=member)
    assert {"assigned", "filed", "delivered"} <= set(mine.values_list("state", flat=True))
    assert ProxyNeed.objects.exclude(division_code=GRID_A).exists()
    assert ServiceActivity.objects.filter(source="proxy", member=member, status="verified").exists()
    assert ProxyNeed.objects.filter(state="open", alerted=True).exists()
    assert demo_proxy.generate(system_actor(), random.Random(1)) == 0  # a second run adds nothing

"""Organisation sync, registration, claims, verification, scoring, events, scoping."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from gridgov.core import clock
from gridgov.core.actors import system_actor
from gridgov.core.models import Notification
from gridgov.party import actions
from gridgov.party.models import (
    MemberScore,
    OrganizationHistory,
    PartyMember,
    PartyOrganization,
    ServiceActivity,
)

from .conftest import at

pytestmark = pytest.mark.django_db


def test_sync_organizations_is_idempotent_and_follows_the_tree(orgs, tree, admin_user):
    # given the synced tree
    assert len(orgs) == 10
    grid_org = orgs["430702004001001"]
    assert grid_org.kind == "grid" and grid_org.name == "A社区第一网格党支部"
    assert grid_org.parent == orgs["430702004001000"[:12]]
    assert orgs["430702000000"].name == "中共武陵区委"
    # when synced again
    counts = actions.sync_organizations(actor=admin_user)
    # then nothing new
    assert counts == {"created": 0, "updated": 0, "retired": 0}
    # when a grid is retired and renamed
    grid = tree["430702004001002"]
    grid.is_active = False
    grid.save()
    counts = actions.sync_organizations(actor=admin_user)
    assert counts["retired"] == 1
    assert not PartyOrganization.objects.get(division=grid).is_active
    assert OrganizationHistory.objects.filter(organization__division=grid, action="retired").exists()


def test_move_branch_moves_members_with_history(orgs, tree, admin_user, make_member):
    m = make_member("430702004001002")
    moved = actions.move_branch(actor=admin_user, from_grid=tree["430702004001002"], to_grid=tree["430702004001001"])
    m.refresh_from_db()
    assert moved == 1
    assert m.branch == orgs["430702004001001"] and m.division_code == "430702004001001"
    assert OrganizationHistory.objects.filter(action="moved").count() == 2


def test_registration_needs_branch_approval(orgs, tree, make_member, party_staff, django_capture_on_commit_callbacks):
    # given an in-service member not yet registered
    member = make_member(register=False)
    assert not member.is_registered
    # when the member asks to register at the grid where they live
    reg = actions.request_registration(actor=member.user, member=member, grid=tree["430702004001001"])
    # then a second request is refused while pending
    with pytest.raises(ValidationError):
        actions.request_registration(actor=member.user, member=member, grid=tree["430702004001001"])
    # and the member cannot approve it themself
    with pytest.raises(PermissionDenied):
        actions.decide_registration(actor=member.user, registration=reg, approve=True)
    # when the branch approves
    with django_capture_on_commit_callbacks(execute=True):
        actions.decide_registration(actor=party_staff, registration=reg, approve=True)
    member.refresh_from_db()
    assert member.branch == orgs["430702004001001"] and member.registered_at
    assert Notification.objects.filter(recipient=member.user, title__contains="已通过").exists()


def test_other_branch_staff_cannot_decide(orgs, tree, make_member, make_user):
    member = make_member(register=False)
    reg = actions.request_registration(actor=member.user, member=member, grid=tree["430702004001001"])
    other = make_user("party_staff", tree["430702005001001"])
    with pytest.raises(PermissionDenied):
        actions.decide_registration(actor=other, registration=reg, approve=True)


def test_post_capacity_is_enforced(orgs, make_member, party_staff, post):
    post.capacity_per_grid = 1
    post.save()
    a, b = make_member(), make_member()
    ca = actions.claim_post(actor=a.user, member=a, post=post, skills="巡逻")
    cb = actions.claim_post(actor=b.user, member=b, post=post)
    actions.decide_claim(actor=party_staff, claim=ca, approve=True)
    with pytest.raises(ValidationError, match="名额已满"):
        actions.decide_claim(actor=party_staff, claim=cb, approve=True)
    c = make_member()
    with pytest.raises(ValidationError, match="名额已满"):
        actions.claim_post(actor=c.user, member=c, post=post)


def test_unregistered_member_cannot_claim(orgs, make_member, post):
    m = make_member(register=False)
    with pytest.raises(ValidationError, match="报到"):
        actions.claim_post(actor=m.user, member=m, post=post)


def _claimed(make_member, party_staff, post, **kw):
    m = make_member(**kw)
    claim = actions.claim_post(actor=m.user, member=m, post=post)
    actions.decide_claim(actor=party_staff, claim=claim, approve=True)
    return m


def test_activity_counts_only_after_verification(orgs, make_member, party_staff, post, manual_item, frozen_may):
    m = _claimed(make_member, party_staff, post)
    act = actions.log_activity(actor=m.user, member=m, item=manual_item, occurred_at=at(2026, 5, 10),
                               place="小区门口", note="夜间巡逻")
    actions.run_scoring(actor=system_actor())
    score = MemberScore.objects.get(member=m, period_kind="month")
    assert score.points == 0
    actions.verify_activity(actor=party_staff, activity=act)
    score.refresh_from_db()
    assert score.points == Decimal("2.0")
    with pytest.raises(ValidationError):
        actions.verify_activity(actor=party_staff, activity=act)


def test_reject_needs_reason(orgs, make_member, party_staff, post, manual_item, frozen_may):
    m = _claimed(make_member, party_staff, post)
    act = actions.log_activity(actor=m.user, member=m, item=manual_item, occurred_at=at(2026, 5, 10))
    with pytest.raises(ValidationError):
        actions.verify_activity(actor=party_staff, activity=act, approve=False)
    actions.verify_activity(actor=party_staff, activity=act, approve=False, reason="无现场照片")
    assert ServiceActivity.objects.get(pk=act.pk).status == "rejected"


def test_future_activity_and_auto_items_refused(orgs, make_member, party_staff, post, frozen_may):
    m = _claimed(make_member, party_staff, post)
    with pytest.raises(ValidationError) as exc:
        actions.log_activity(actor=m.user, member=m, item=post.items.get(source="cases"),
                             occurred_at=at(2026, 6, 1))
    assert "item" in exc.value.message_dict and "occurred_at" in exc.value.message_dict


def test_pace_alert_with_fixed_clock(orgs, make_member, party_staff, post, manual_item):
    # given a monthly target of 10 and one verified record of 2 points on the 3rd
    with clock.frozen(at(2026, 4, 20)):
        m = _claimed(make_member, party_staff, post)
        ahead = _claimed(make_member, party_staff, post)
    orgs["430702004001001"].secretary = ahead
    orgs["430702004001001"].save()
    with clock.frozen(at(2026, 5, 3)):
        for member, n in ((m, 1), (ahead, 5)):
            for _ in range(n):
                a = actions.log_activity(actor=member.user, member=member, item=manual_item,
                                         occurred_at=at(2026, 5, 2))
                actions.verify_activity(actor=party_staff, activity=a)
    # when scored inside the grace days: on track
    with clock.frozen(at(2026, 5, 5)):
        actions.run_scoring(actor=system_actor())
    assert MemberScore.objects.get(member=m, period_kind="month").status == "on_track"
    # when scored at mid-month: expected ≈ 5, 2 < 5×0.8 → behind; 10 ≥ 4 → on track
    with clock.frozen(at(2026, 5, 16, 12)):
        result = actions.run_scoring(actor=system_actor())
        actions.run_scoring(actor=system_actor())  # idempotent: no duplicate rows or reminders
    s = MemberScore.objects.get(member=m, period_kind="month")
    assert s.status == "behind" and s.target == 10 and Decimal("4.9") <= s.expected <= Decimal("5.1")
    assert MemberScore.objects.get(member=ahead, period_kind="month").status == "on_track"
    assert MemberScore.objects.filter(member=m).count() == 3  # month, quarter, year
    assert result["periods"]["month"]["behind"] == 1
    assert Notification.objects.filter(recipient=m.user, title__startswith="履职提醒").count() >= 1
    assert Notification.objects.filter(recipient=m.user, dedupe_key__contains=":month:").count() == 1
    assert Notification.objects.filter(recipient=ahead.user, title__startswith="支部提醒").exists()


def test_volunteer_double_booking_and_capacity(orgs, make_member, admin_user, frozen_may):
    from gridgov.party.models import ServiceItem

    item = ServiceItem.objects.get(source="volunteer")
    org = orgs["430702004001000"[:12]]
    e1 = actions.publish_event(actor=admin_user, organization=org, title="清扫", place="广场",
                               starts_at=at(2026, 5, 20, 9), ends_at=at(2026, 5, 20, 11), capacity=1, item=item)
    e2 = actions.publish_event(actor=admin_user, organization=org, title="宣传", place="门口",
                               starts_at=at(2026, 5, 20, 10), ends_at=at(2026, 5, 20, 12), capacity=5, item=item)
    a, b = make_member(), make_member()
    actions.sign_up(actor=a.user, event=e1, member=a)
    with pytest.raises(ValidationError, match="时间冲突"):
        actions.sign_up(actor=a.user, event=e2, member=a)
    with pytest.raises(ValidationError, match="名额已满"):
        actions.sign_up(actor=b.user, event=e1, member=b)


def test_attendance_becomes_verified_activity(orgs, make_member, admin_user):
    from gridgov.party.models import ServiceItem

    item = ServiceItem.objects.get(source="volunteer")
    with clock.frozen(at(2026, 5, 16, 8)):
        e = actions.publish_event(actor=admin_user, organization=orgs["430702004001001"], title="清扫",
                                  place="广场", starts_at=at(2026, 5, 16, 9), ends_at=at(2026, 5, 16, 11),
                                  capacity=3, item=item)
        m = make_member()
        s = actions.sign_up(actor=m.user, event=e, member=m)
    with clock.frozen(at(2026, 5, 16, 9, 5)):
        actions.check_in(actor=m.user, signup=s)
    with clock.frozen(at(2026, 5, 16, 11)):
        s = actions.check_out(actor=m.user, signup=s)
    assert s.activity.status == "verified" and s.activity.points == item.points
    assert s.activity.duration_minutes == 115


def test_scoping_of_members(orgs, make_member, make_user, tree):
    a = make_member("430702004001001")
    b = make_member("430702005001001")
    staff = make_user("party_staff", tree["430702004000"])
    visible = set(PartyMember.objects.visible_to(staff))
    assert a in visible and b not in visible
    with pytest.raises(PermissionDenied):
        actions.member_leaves(actor=staff, member=b)


def test_leave_and_transfer(orgs, make_member, admin_user, tree, post, party_staff):
    m = _claimed(make_member, party_staff, post)
    actions.transfer_member(actor=admin_user, member=m, to_grid=tree["430702004002001"])
    m.refresh_from_db()
    assert m.branch == orgs["430702004002001"]
    assert not m.claims.filter(status="approved").exists()
    actions.member_leaves(actor=admin_user, member=m)
    m.refresh_from_db()
    assert m.status == "left"


def test_members_follow_persons_after_a_split(orgs, tree, admin_user, make_member):
    # given a member of grid 001 whose person the registry moved to grid 002 (a split)
    m = make_member("430702004001001")
    person = m.person
    person.grid = tree["430702004001002"]
    person.division_code = person.grid.code
    person.save()
    # when the members follow
    moved = actions.follow_persons(actor=admin_user, grids=[tree["430702004001001"]])
    m.refresh_from_db()
    assert moved == 1 and m.branch == orgs["430702004001002"] and m.division_code == "430702004001002"
    assert OrganizationHistory.objects.filter(organization=orgs["430702004001002"], action="moved").exists()


def test_party_score_command(orgs, make_member, party_staff, post):
    from io import StringIO

    from django.core.management import call_command

    with clock.frozen(at(2026, 4, 20)):
        _claimed(make_member, party_staff, post)
    out = StringIO()
    call_command("party_score", "--at", "2026-05-20T12:00", "--kind", "month", stdout=out)
    assert "2026年5月：1 名党员，滞后 1 名" in out.getvalue()
    assert MemberScore.objects.filter(period_kind="month", period_start="2026-05-01").count() == 1


def test_member_registered_mid_period_is_measured_from_registration(orgs, make_member, party_staff, post):
    # given a member registered on 16 May (monthly target 10)
    with clock.frozen(at(2026, 5, 16)):
        m = _claimed(make_member, party_staff, post)
    # when scored on 20 May with no records
    with clock.frozen(at(2026, 5, 20)):
        actions.run_scoring(actor=system_actor())
    s = MemberScore.objects.get(member=m, period_kind="month")
    # then the target is pro-rated to the rest of May and the grace days count from registration
    assert Decimal("5.0") <= s.target <= Decimal("5.3")
    assert s.status == "on_track"


def test_points_are_capped_per_record_and_per_day_as_item_data(orgs, make_member, party_staff, post, manual_item,
                                                                frozen_may):
    """#12: a record of quantity 12 earned 24 points against a monthly target of 10."""
    assert post.target_points == 10 and manual_item.points == 2
    assert manual_item.max_points_per_record == 6 and manual_item.max_points_per_day == 6  # seeded data
    m = _claimed(make_member, party_staff, post)
    big = actions.log_activity(actor=m.user, member=m, item=manual_item, occurred_at=at(2026, 5, 10), quantity=12)
    assert big.points == 6
    actions.verify_activity(actor=party_staff, activity=big)
    # the same day: nothing left under the day's cap; the next day counts again
    same_day = actions.log_activity(actor=m.user, member=m, item=manual_item, occurred_at=at(2026, 5, 10, 20),
                                    quantity=1)
    next_day = actions.log_activity(actor=m.user, member=m, item=manual_item, occurred_at=at(2026, 5, 11),
                                    quantity=1)
    assert (same_day.points, next_day.points) == (0, 2)
    for a in (same_day, next_day):
        actions.verify_activity(actor=party_staff, activity=a)
    actions.run_scoring(actor=system_actor())
    assert MemberScore.objects.get(member=m, period_kind="month").points == Decimal("8.0")
    # the caps are data: an administrator lifts the per-record cap
    manual_item.max_points_per_record = None
    manual_item.max_points_per_day = None
    manual_item.save()
    free = actions.log_activity(actor=m.user, member=m, item=manual_item, occurred_at=at(2026, 5, 12), quantity=12)
    assert free.points == 24

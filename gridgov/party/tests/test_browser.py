"""Browser: a member registers at a grid, claims a post and logs service from a phone; the
secretary verifies on the branch page; the member sees the score move and the alert."""

import pytest

from gridgov.conftest import login
from gridgov.core.actors import system_actor

from .conftest import seed_defaults

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_member_flow_phone_and_secretary_verifies(django_db_setup, phone_page, browser_page, orgs, make_member, party_staff):
    from gridgov.core.models import Notification
    from gridgov.party import actions
    from gridgov.party.models import RolePost, ScoringRule

    seed_defaults()
    # a target no one can meet, no grace days: a member with one record is behind on any day
    RolePost.objects.filter(code="safety").update(target_points=9999999)
    ScoringRule.objects.update(grace_days=0)
    member = make_member(register=False)
    page = phone_page
    login(page, member.user.username)

    # the member registers at the grid where they live
    page.goto(page.base_url + "/party/me/")
    page.click("#register button[type=submit]")
    page.wait_for_selector("text=报到申请已提交")
    actions.decide_registration(actor=party_staff, registration=member.registrations.get(), approve=True)

    # claims a post
    page.goto(page.base_url + "/party/me/")
    page.select_option("#claim select[name=post]", label="平安建设宣传员")
    page.fill("#claim input[name=skills]", "夜间巡逻")
    page.click("#claim button[type=submit]")
    page.wait_for_selector("text=认岗申请已提交")
    actions.decide_claim(actor=party_staff, claim=member.claims.get(), approve=True)

    # logs a piece of service
    page.goto(page.base_url + "/party/me/")
    page.select_option("#log select[name=item]", label="平安建设宣传员·参与治安巡逻")
    page.fill("#log input[name=place]", "小区北门")
    page.fill("#log textarea[name=note]", "夜间治安巡逻 1 小时")
    page.click("#log button[type=submit]")
    page.wait_for_selector("text=服务记录已提交")
    assert "待核实" in page.inner_text("#my-activities")

    # the secretary verifies on the branch page
    desk = browser_page
    login(desk, party_staff.username)
    desk.goto(desk.base_url + f"/party/org/{orgs['430702004001001'].pk}/")
    row = desk.locator("table.party-verify tbody tr", has_text=member.name)
    row.locator("button.verify-btn").click()
    desk.wait_for_selector("text=已核实")

    # the member sees the score move and the behind alert
    page.goto(page.base_url + "/party/me/")
    assert page.inner_text(".party-score[data-period=month] .points") == "2.0"
    assert page.is_visible("#behind-alert")
    actions.run_scoring(actor=system_actor())
    assert Notification.objects.filter(recipient=member.user, title__startswith="履职提醒").exists()
    page.goto(page.base_url + "/core/notifications/")
    assert "履职提醒" in page.inner_text("main")

"""The 党组织书记 role follows the office: granted with the secretary, revoked when it changes
hands, when the member leaves, and moved with the member's account link."""

import pytest

from gridgov.accounts.models import RoleAssignment
from gridgov.core.access import can
from gridgov.core.models import AuditEntry
from gridgov.party import actions
from gridgov.party.models import ServiceActivity

from .conftest import at

pytestmark = pytest.mark.django_db
GRID = "430702004001001"
VERIFY = "party.verify_serviceactivity"


def _fresh(user):
    """A new instance, so permission caches on the old one don't answer."""
    return type(user).objects.get(pk=user.pk)


def test_secretary_gets_the_branch_and_only_the_branch(orgs, admin_user, make_member, manual_item, post, frozen_may):
    branch = orgs[GRID]
    secretary, member = make_member(), make_member()
    assert not can(_fresh(secretary.user), VERIFY, GRID)
    actions.update_organization(actor=admin_user, organization=branch, secretary=secretary)
    boss = _fresh(secretary.user)
    assert can(boss, VERIFY, GRID)
    assert not can(boss, VERIFY, "430702004001002")  # the next grid is another branch's
    # …and uses it: verifies a member's record, which then counts
    claim = actions.claim_post(actor=member.user, member=member, post=post)
    actions.decide_claim(actor=boss, claim=claim, approve=True)
    record = actions.log_activity(actor=member.user, member=member, item=manual_item, occurred_at=at(2026, 5, 3))
    actions.verify_activity(actor=boss, activity=record)
    assert ServiceActivity.objects.get(pk=record.pk).status == "verified"
    assert AuditEntry.objects.filter(action="accounts.assign_role", object_id=str(boss.pk)).exists()


def test_handover_revokes_the_previous_secretary(orgs, admin_user, make_member):
    branch = orgs[GRID]
    first, second = make_member(), make_member()
    actions.update_organization(actor=admin_user, organization=branch, secretary=first)
    actions.update_organization(actor=admin_user, organization=branch, secretary=second)
    assert not can(_fresh(first.user), VERIFY, GRID)
    assert can(_fresh(second.user), VERIFY, GRID)
    assert RoleAssignment.objects.filter(role__code="party_secretary").count() == 1
    # saving other fields keeps the grant as it is
    actions.update_organization(actor=admin_user, organization=branch, contact_name="联系人")
    assert can(_fresh(second.user), VERIFY, GRID)


def test_leaving_ends_the_office_and_the_grant(orgs, admin_user, make_member):
    branch = orgs[GRID]
    secretary = make_member()
    actions.update_organization(actor=admin_user, organization=branch, secretary=secretary)
    actions.member_leaves(actor=admin_user, member=secretary, note="迁出")
    branch.refresh_from_db()
    assert branch.secretary_id is None
    assert not can(_fresh(secretary.user), VERIFY, GRID)


def test_secretary_without_account_gets_it_when_linked(orgs, admin_user, make_member, make_user):
    from gridgov.accounts.choices import RoleCode

    branch = orgs[GRID]
    secretary = make_member(with_user=False)
    actions.update_organization(actor=admin_user, organization=branch, secretary=secretary)
    assert not RoleAssignment.objects.filter(role__code="party_secretary").exists()
    account = make_user(RoleCode.RESIDENT, None, username="shuji-test")
    actions.update_member(actor=admin_user, member=secretary, user=account)
    assert can(_fresh(account), VERIFY, GRID)
    other = make_user(RoleCode.RESIDENT, None, username="shuji-other")
    actions.update_member(actor=admin_user, member=secretary, user=other)
    assert not can(_fresh(account), VERIFY, GRID) and can(_fresh(other), VERIFY, GRID)


def test_edit_page_warns_when_the_secretary_has_no_account(client, orgs, admin_user, make_member):
    branch = orgs[GRID]
    secretary = make_member(with_user=False)
    client.force_login(admin_user)
    r = client.post(f"/party/org/{branch.pk}/edit/", {"secretary": secretary.pk, "contact_name": "", "contact_phone": "",
                                                      "residents_committee": "", "workstation": ""}, follow=True)
    assert r.status_code == 200
    assert "还没有平台账号" in r.content.decode()

"""Every demo role lands on a home page about its own work (issue 12): a party member with no
staff role saw "尚未分配角色，请联系区级管理员"."""

import pytest
from django.urls import reverse

from gridgov.party import actions

pytestmark = pytest.mark.django_db

GRID = "430702004001001"


def test_a_party_member_without_a_role_lands_on_her_duties(client, make_member, make_user):
    from gridgov.accounts.models import User

    # given a member whose account has no role at all (as dangyuan01 in the demo)
    member = make_member()
    user = User.objects.create_user(username="dangyuan-test", password="Passw0rd-test", full_name=member.name)
    member.user = user
    member.save(update_fields=["user"])
    client.force_login(user)
    # when she opens the home page
    body = client.get(reverse("home")).content.decode()
    # then it is about her duties, with the way to her phone page
    assert "尚未分配角色" not in body
    assert "我的履职" in body.split('id="home-cards"', 1)[-1] and member.branch.name in body and reverse("party:me") in body


def test_a_secretary_sees_the_records_to_verify(client, orgs, admin_user, make_member, manual_item, frozen_may):
    branch = orgs[GRID]
    secretary, member = make_member(), make_member()
    actions.update_organization(actor=admin_user, organization=branch, secretary=secretary)
    actions.log_activity(actor=member.user, member=member, item=manual_item, occurred_at=frozen_may, quantity=1)
    client.force_login(secretary.user)
    body = client.get(reverse("home")).content.decode()
    assert "支部待办" in body.split('id="home-cards"', 1)[-1] and reverse("party:org", args=[branch.pk]) + "#verify" in body

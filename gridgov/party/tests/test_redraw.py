"""Party branches follow a grid redraw through the after-redraw hook (party/redraw.py), run as
the system actor started by the person who published — who needs no party rights."""

import pytest

from gridgov.core.models import AuditEntry
from gridgov.divisions.tests.test_redraw import A1, A2, A, draw, make_buildings
from gridgov.party.models import PartyMember, PartyOrganization

pytest.importorskip("gridgov.partition")


def test_publishing_as_a_person_without_party_rights_moves_the_branch_as_the_system(
        tree, admin_user, orgs, make_member, scoped_user):
    # given a member of the branch of grid A2, and a planner who may redraw grids but holds no
    # party permission at all
    make_buildings(tree, admin_user)
    member = make_member(A2)
    planner = scoped_user(["divisions.view_division", "divisions.partition_division"], A, username="规划员")
    proposal = draw(planner, tree, min_households=300, max_households=1000)  # A2 is retired into A1
    # when the planner publishes
    from gridgov.divisions.redraw.publish import publish_proposal

    summary = publish_proposal(actor=planner, proposal=proposal)
    # then the branch followed: the member is in A1's branch and A2's branch is retired
    member = PartyMember.objects.get(pk=member.pk)
    assert member.division_code == A1 and member.branch.division.code == A1
    assert not PartyOrganization.objects.get(division__code=A2).is_active
    assert summary["after_redraw"]["party"]["members_moved"] == 1
    # and the audit log says the system did it, started by the planner
    entry = AuditEntry.objects.get(action="party.move_branch")
    assert entry.actor.is_system and entry.actor_name == "系统（规划员 发起）"
    assert AuditEntry.objects.get(action="divisions.publish_proposal").actor_id == planner.pk

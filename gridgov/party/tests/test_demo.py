"""The demo generator on the small test tree."""

import pytest

from gridgov.party import demo
from gridgov.party.models import MemberScore, PartyMember, ServiceActivity

pytestmark = pytest.mark.django_db


def test_demo_generates_members_activities_scores(tree, roles):
    lines = []
    demo.generate(scale="small", seed=7, progress=lines.append)
    members = PartyMember.objects.count()
    assert 4 * 25 < members < 4 * 45
    assert PartyMember.objects.filter(category="in_service", branch__isnull=False).count() > 60
    assert ServiceActivity.objects.filter(status="verified").count() > 1000
    assert ServiceActivity.objects.filter(status="pending").exists()
    month = MemberScore.objects.filter(period_kind="month")
    behind = month.filter(status="behind").count()
    assert 0 < behind < month.exclude(status="no_post").count() / 2
    assert any("积分" in line for line in lines)

"""The demo generator on the small test tree."""

import pytest

from gridgov.party import demo
from gridgov.party.models import MemberScore, PartyMember, ServiceActivity

pytestmark = pytest.mark.django_db


def test_demo_generates_members_activities_scores(tree, roles):
    lines = []
    demo.generate(scale="small", seed=7, progress=lines.append)
    assert not MemberScore.objects.exists()  # the scores are the background step's
    demo.sums(scale="small", seed=7, progress=lines.append)
    members = PartyMember.objects.count()
    assert 4 * 25 < members < 4 * 45
    assert PartyMember.objects.filter(category="in_service", branch__isnull=False).count() > 60
    assert ServiceActivity.objects.filter(status="verified").count() > 1000
    assert ServiceActivity.objects.filter(status="pending").exists()
    month = MemberScore.objects.filter(period_kind="month")
    behind = month.filter(status="behind").count()
    assert 0 < behind < month.exclude(status="no_post").count() / 2
    assert any("积分" in line for line in lines)


def test_demo_service_record_times(tree, roles):
    """A record is at a drawn local hour and minute of a day in the last year, never in the
    future; recent ones wait for verification, verified ones are verified 1–5 days later."""
    import datetime

    from django.utils import timezone

    from gridgov.core import clock

    now = datetime.datetime(2026, 11, 28, 2, 37, 12, 345678, tzinfo=datetime.UTC)  # 10:37 local
    with clock.frozen(now):
        demo.generate(scale="small", seed=7, progress=lambda line: None)
    records = ServiceActivity.objects.filter(source="manual").values_list("occurred_at", "status", "verified_at")
    assert len(records) > 1000
    days = set()
    for occurred, status, verified in records:
        local = timezone.localtime(occurred)
        assert local.hour in (8, 9, 10, 15, 16, 18, 19, 20) and local.minute % 10 == 0 and local.second == 0
        assert now - datetime.timedelta(days=366) < occurred <= now
        age = (now - occurred).days
        assert status == "pending" if age < 2 else status in ("pending", "verified", "rejected")
        assert (verified is None) == (status == "pending")
        if verified:
            assert (verified - occurred) in [datetime.timedelta(days=d) for d in range(1, 6)]
        days.add(local.date())
    assert len(days) > 300 and datetime.date(2026, 11, 28) in days  # today's morning records too

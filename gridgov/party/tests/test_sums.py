"""The monthly sums of verified service records (ADR 0023) equal a recount from the records:
after verifications (including records near a local month boundary), rejections, a volunteer
check-out and records written in bulk; incremental refreshes equal a full rebuild; the
organisation tree's counts equal the records counted for every viewer."""

import datetime
from decimal import Decimal

import pytest

from gridgov.accounts.choices import RoleCode
from gridgov.core import clock
from gridgov.core.access import ALL
from gridgov.party import actions, queries, sums
from gridgov.party.models import ActivitySum, PartyOrganization, ServiceActivity, ServiceItem

from .conftest import at

pytestmark = pytest.mark.django_db


def _cells():
    return {(s.division_code, s.month): (s.activities, s.points) for s in ActivitySum.objects.all()}


def _recount_cells():
    """Every (grid, month) cell counted from the records."""
    out = {}
    for a in ServiceActivity.objects.filter(status="verified"):
        key = (a.division_code, sums.month_of(a.occurred_at))
        n, p = out.get(key, (0, Decimal(0)))
        out[key] = (n + 1, p + a.points)
    return out


def _log(member, item, when, actor=None):
    return actions.log_activity(actor=actor or member.user, member=member, item=item, occurred_at=when,
                                place="小区门口", note="巡逻")


def test_sums_equal_a_recount_after_the_write_paths(orgs, make_member, party_staff, admin_user, manual_item):
    m1, m2 = make_member(), make_member("430702004001002")
    with clock.frozen(at(2026, 5, 16, 12)):
        # 00:30 on 1 May in Shanghai is 30 April in UTC: the May cell
        acts = [_log(m1, manual_item, at(2026, 5, 1, 0, 30)), _log(m1, manual_item, at(2026, 4, 30, 23, 50)),
                _log(m1, manual_item, at(2026, 5, 10)), _log(m2, manual_item, at(2026, 5, 11))]
        for a in acts[:3]:
            actions.verify_activity(actor=party_staff, activity=a)
        actions.verify_activity(actor=admin_user, activity=acts[3], approve=False, reason="照片不清")
    assert _cells() == _recount_cells()
    assert _cells()[("430702004001001", datetime.date(2026, 5, 1))][0] == 2
    assert ("430702004001002", datetime.date(2026, 5, 1)) not in _cells()  # rejected: not counted
    # a volunteer check-out arrives verified
    item = ServiceItem.objects.get(source="volunteer")
    with clock.frozen(at(2026, 5, 16, 8)):
        e = actions.publish_event(actor=admin_user, organization=orgs["430702004001002"], title="清扫", place="广场",
                                  starts_at=at(2026, 5, 16, 9), ends_at=at(2026, 5, 16, 11), capacity=3, item=item)
        s = actions.sign_up(actor=m2.user, event=e, member=m2)
    with clock.frozen(at(2026, 5, 16, 9, 5)):
        actions.check_in(actor=m2.user, signup=s)
    with clock.frozen(at(2026, 5, 16, 11)):
        actions.check_out(actor=m2.user, signup=s)
    assert _cells() == _recount_cells()
    # records written in bulk outside the actions (the demo, an import) are summed by a rebuild,
    # which equals the incremental refreshes it replaces
    incremental = _cells()
    assert sums.rebuild() == len(incremental)
    assert _cells() == incremental
    ServiceActivity.objects.bulk_create([
        ServiceActivity(member=m1, branch_id=m1.branch_id, item=manual_item, division_code=m1.division_code,
                        occurred_at=at(2025, 12, 31, 23, 59) + datetime.timedelta(days=d), points=Decimal("1.5"),
                        status="verified") for d in range(40)])
    sums.rebuild()
    assert _cells() == _recount_cells()
    # a refresh of any cell is idempotent
    before = _cells()
    sums.refresh(list(before))
    sums.refresh_months({month for _, month in before})
    assert _cells() == before


def test_tree_counts_equal_the_records_for_every_viewer(orgs, tree, make_member, party_staff, manual_item,
                                                        make_user, admin_user):
    members = [make_member(), make_member("430702004001002"), make_member("430702005001001")]
    with clock.frozen(at(2026, 5, 16, 12)):
        for i, m in enumerate(members):
            for day in range(1, 3 + i):
                a = _log(m, manual_item, at(2026, 5, day))
                actions.verify_activity(actor=admin_user, activity=a)
        _log(members[0], manual_item, at(2025, 12, 20))  # last year, pending: not counted
        viewers = [admin_user, party_staff, make_user(RoleCode.STREET_STAFF, tree["430702005000"], username="st"),
                   make_user(RoleCode.GRID_WORKER, tree["430702004001002"], username="gw")]
        start, end = queries.current_period("year")
        orgs_list = list(PartyOrganization.objects.select_related("division"))
        for user in viewers:
            counts = queries.tree_counts(orgs_list, user)
            records = sums.recount(ServiceActivity.objects.visible_to(user), start, end)
            for org in orgs_list:
                path = org.division_code if org.is_branch else org.division.path
                want = [v for code, v in records.items() if code.startswith(path)]
                assert counts[org.pk]["activities"] == sum(n for n, _ in want), (user, org)
                assert counts[org.pk]["points"] == sum((p for _, p in want), Decimal(0)), (user, org)
        assert queries.tree_counts(orgs_list, admin_user)[orgs["430702000000"].pk]["activities"] == 2 + 3 + 4
    assert sums.summed(ALL, datetime.date(2026, 1, 1), datetime.date(2027, 1, 1)) == sums.recount(
        ServiceActivity.objects.all(), datetime.date(2026, 1, 1), datetime.date(2027, 1, 1))

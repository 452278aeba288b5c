"""Evaluation formulas (docs/cases.md) on a small known history."""

import datetime

import pytest

from gridgov.cases import actions
from gridgov.cases.evaluation import evaluate, to_xlsx

from .conftest import MONDAY_9

pytestmark = pytest.mark.django_db
M = datetime.timedelta(minutes=1)
PERIOD = {"start": MONDAY_9 - datetime.timedelta(days=1), "end": MONDAY_9 + datetime.timedelta(days=10)}


@pytest.fixture
def history(new_case, walk, handler, grid_worker, resident, frozen, photo):
    """case1 on time (5 stars); case2 handled late + one rework (3 stars); case3 still handling;
    case4 solved in the grid."""
    with frozen(MONDAY_9):
        c1 = new_case(actor=resident, channel="web")
        c2 = new_case(actor=resident, channel="web", title="二")
        c3 = new_case(title="三")
        c4 = new_case(title="四")
    with frozen(MONDAY_9 + 5 * M):
        walk(c1, "closed")
        walk(c2, "handling")
        walk(c3, "handling")
        actions.solve_in_grid(actor=grid_worker, case=c4, note="已处理", photos=[photo()])
    with frozen(MONDAY_9 + datetime.timedelta(days=1, hours=6)):  # Tuesday 15:00: late
        actions.handle_case(actor=handler, case=c2, note="已修复")
        actions.verify_case(actor=grid_worker, case=c2, passed=False, note="不合格")
        actions.handle_case(actor=handler, case=c2, note="返工完成")
        walk(c2, "closed")
    actions.rate_case(actor=resident, case=c1, rating=5)
    actions.rate_case(actor=resident, case=c2, rating=3)
    return c1, c2, c3, c4


def test_street_figures(history, admin_user):
    rows, total = evaluate(admin_user, dimension="street", **PERIOD)
    assert len(rows) == 1 and rows[0].label == "丹阳街道"
    c, r = rows[0].counts, rows[0].rates
    assert (c["reported"], c["registered"], c["dispatched"], c["handled"], c["closed"], c["rework"]) == (4, 4, 3, 3, 3, 1)
    assert c["rehandled"] == 1 and rows[0].first_handled == 2
    assert r["close_rate"] == 75.0
    assert r["close_on_time_rate"] == 50.0
    assert r["dispatch_on_time_rate"] == 100.0
    assert r["handle_on_time_rate"] == 33.3  # case2's first handling was late; its re-handling does not count again
    assert r["rework_rate"] == 33.3
    assert r["satisfaction"] == 80.0
    assert r["score"] == 59.7 and rows[0].grade[1] == "D"
    assert total.counts["reported"] == 4


def test_handle_rate_counts_each_case_once(history, admin_user):
    """Issue 12: 处置 counted every handling (a reworked case twice) and the rate was capped at
    100 %, so three handlings of three dispatched cases read 100 % with case3 still open."""
    rows, _ = evaluate(admin_user, dimension="street", **PERIOD)
    assert rows[0].rates["handle_rate"] == 66.7  # case1 and case2 handled, case3 still handling
    assert rows[0].first_handled <= rows[0].counts["dispatched"]


def test_rates_are_not_capped_at_100(admin_user, tree):
    from gridgov.cases.evaluation import rates
    from gridgov.cases.rollup import COUNT_FIELDS

    counts = dict.fromkeys(COUNT_FIELDS, 0) | {"dispatched": 4, "handled": 6, "rehandled": 1, "registered": 4}
    assert rates(counts)["handle_rate"] == 125.0  # cases dispatched before the period, handled in it


def test_department_figures(history, admin_user):
    rows, _ = evaluate(admin_user, dimension="department", **PERIOD)
    assert [r.label for r in rows] == ["区住房和城乡建设局"]
    r = rows[0].rates
    assert r["close_rate"] == 66.7  # 2 closed of 3 dispatched
    assert r["avg_handle_hours"] is not None


@pytest.mark.parametrize("dimension", ["community", "grid", "worker", "category"])
def test_other_dimensions(history, admin_user, dimension):
    rows, total = evaluate(admin_user, dimension=dimension, **PERIOD)
    assert rows and total.counts["closed"] == 3


def test_scope_limits_evaluation(history, make_user, tree):
    from gridgov.accounts.choices import RoleCode

    other = make_user(RoleCode.STREET_STAFF, tree["430702005000"])
    rows, total = evaluate(other, dimension="street", **PERIOD)
    assert rows == [] and total is None


def test_deferral_modes(new_case, walk, handler, dispatcher, admin_user, frozen, settings):
    with frozen(MONDAY_9):
        case = walk(new_case(), "handling")
        actions.request_deferral(actor=handler, case=case, minutes=390, note="协调")
        actions.decide_deferral(actor=dispatcher, case=case, approve=True)
    with frozen(MONDAY_9 + datetime.timedelta(days=1)):  # after the original, before the new deadline
        actions.handle_case(actor=handler, case=case, note="完成")
    settings.CASES_EVAL_DEFERRAL = "extend"
    assert evaluate(admin_user, dimension="street", **PERIOD)[0][0].rates["handle_on_time_rate"] == 100.0
    settings.CASES_EVAL_DEFERRAL = "strict"
    assert evaluate(admin_user, dimension="street", **PERIOD)[0][0].rates["handle_on_time_rate"] == 0.0
    settings.CASES_EVAL_DEFERRAL = "exclude"
    assert evaluate(admin_user, dimension="street", **PERIOD)[0][0].rates["handle_on_time_rate"] is None


def test_xlsx_export(history, admin_user):
    import io

    from openpyxl import load_workbook

    rows, total = evaluate(admin_user, dimension="street", **PERIOD)
    wb = load_workbook(io.BytesIO(to_xlsx(rows, total, dimension="street", start=PERIOD["start"],
                                          end=PERIOD["end"])))
    ws = wb.active
    assert ws["A3"].value == "丹阳街道" and ws.cell(2, 9).value == "结案率" and ws.cell(3, 9).value == 75.0


def test_day_sums_give_the_same_figures(history, admin_user, frozen):
    from gridgov.cases import rollup
    from gridgov.cases.models import CaseStatDay

    before = {d: evaluate(admin_user, dimension=d, **PERIOD) for d in ("street", "department", "grid", "category")}
    with frozen(MONDAY_9 + datetime.timedelta(days=5)):
        assert rollup.build() > 0
        assert rollup.build() == 0  # idempotent
    assert CaseStatDay.objects.exists()
    for d, (rows, total) in before.items():
        again, again_total = evaluate(admin_user, dimension=d, **PERIOD)
        assert [(r.key, r.counts, r.rates) for r in again] == [(r.key, r.counts, r.rates) for r in rows], d
        assert again_total.counts == total.counts
    # a period that starts mid-day mixes events and day sums and still agrees
    start = MONDAY_9 + datetime.timedelta(hours=3)
    mixed = evaluate(admin_user, dimension="street", start=start, end=PERIOD["end"])[1].counts
    with frozen(MONDAY_9):
        rollup.rebuild()  # nothing summed yet → events only
    assert evaluate(admin_user, dimension="street", start=start, end=PERIOD["end"])[1].counts == mixed


def test_scope_switcher_codes_narrow_the_evaluation(history, admin_user):
    """The scope switcher stores 12/15-digit codes ("430702004000"); they narrow by their path."""
    whole = evaluate(admin_user, dimension="grid", **PERIOD)
    street = evaluate(admin_user, dimension="grid", scope="430702004000", **PERIOD)
    assert [(r.key, r.counts) for r in street[0]] == [(r.key, r.counts) for r in whole[0]] and street[0]
    assert evaluate(admin_user, dimension="grid", scope="430702004001001", **PERIOD)[1].counts["reported"] == 4
    assert evaluate(admin_user, dimension="grid", scope="430702005000", **PERIOD) == ([], None)


def test_worker_rows_are_the_grid_workers(history, admin_user, grid_worker):
    rows, total = evaluate(admin_user, dimension="worker", **PERIOD)
    assert [r.key for r in rows] == [str(grid_worker.pk)]
    assert rows[0].label == f"{grid_worker}（A社区第一网格）" and rows[0].counts == total.counts

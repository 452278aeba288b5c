"""The evaluation sums (`rollup`) are derived data: every figure read through them equals the
figure computed from the event table alone, for every dimension, scope, class filter and
period shape; building is idempotent and incremental building equals a rebuild."""

import datetime

import pytest
from django.utils import timezone

from gridgov.accounts.choices import RoleCode
from gridgov.cases import demo, rollup
from gridgov.cases.evaluation import DIMENSIONS, evaluate
from gridgov.cases.models import CaseCategory, CaseRollupState, CaseStatDay, CaseStatRollup

pytestmark = pytest.mark.django_db
NOW = timezone.make_aware(datetime.datetime(2026, 11, 23, 9, 0))  # demo history: 2026-09-24 … 2026-11-23
DAY = datetime.timedelta(days=1)


def _at(y, m, d, h=0, mi=0):
    return timezone.make_aware(datetime.datetime(y, m, d, h, mi))


PERIODS = [
    (NOW - 365 * DAY, NOW),                            # a year to now: months + edge days + events
    (NOW - 30 * DAY, NOW),                             # 30 days: edge days + events
    (_at(2026, 10, 1), _at(2026, 11, 1)),              # exactly one calendar month
    (_at(2026, 9, 30, 13, 5), _at(2026, 11, 2, 10)),   # starts and ends mid-day around a month
]


@pytest.fixture
def history(tree, frozen):
    with frozen(NOW):
        demo.generate(scale="small", seed=5, progress=lambda _: None)
        demo.sums(scale="small", seed=5, progress=lambda _: None)
    return tree


def _snapshot(user, **kw):
    rows, total = evaluate(user, **kw)
    return [(r.key, r.label, r.counts, r.rates) for r in rows], total.counts if total else None


def _from_events(user, **kw):
    """The same evaluation with every sum ignored (the events alone)."""
    state = CaseRollupState.objects.get(pk=1)
    until = state.built_until
    CaseRollupState.objects.filter(pk=1).update(built_until=None)
    try:
        return _snapshot(user, **kw)
    finally:
        CaseRollupState.objects.filter(pk=1).update(built_until=until)


def test_every_grain_and_period_shape_equals_the_events(history, admin_user, make_user, frozen, monkeypatch):
    street = make_user(RoleCode.STREET_STAFF, history["430702004000"], username="street-eval")
    major = CaseCategory.objects.filter(parent__isnull=True, kind="event").order_by("sort").first()
    minor = major.children.order_by("sort").first()
    assert {lv.split("-")[0] for lv in CaseStatRollup.objects.filter(level__endswith="-month").values_list(
        "level", flat=True)} == set(CaseStatRollup.GRAINS)  # October is complete: every month grain has rows
    picked, pick = [], rollup.pick_grain
    monkeypatch.setattr(rollup, "pick_grain", lambda **kw: picked.append(pick(**kw)) or picked[-1])
    compared = 0
    with frozen(NOW):
        for user, scopes in ((admin_user, ["", "430702004000", "430702004001", "430702004001001"]),
                             (street, ["", "430702004001"])):
            for scope in scopes:
                for category in (None, major, minor):
                    for dimension in DIMENSIONS:
                        for start, end in PERIODS:
                            kw = dict(dimension=dimension, start=start, end=end, scope=scope, category=category)
                            assert _snapshot(user, **kw) == _from_events(user, **kw), (user, kw)
                            compared += 1
    assert set(picked) == set(CaseStatRollup.GRAINS) and compared == 6 * 6 * 3 * 4


def test_figures_are_not_empty(history, admin_user, frozen):
    """Guard against comparing empty with empty."""
    with frozen(NOW):
        rows, total = evaluate(admin_user, dimension="category", start=NOW - 365 * DAY, end=NOW)
    assert len(rows) > 5 and total.counts["reported"] == demo.SIZES["small"]
    assert total.counts["closed"] > 0 and total.counts["handle_minutes"] > 0
    with frozen(NOW):
        for scope in ("430702004000", "430702004001", "430702004001001"):
            _, part = evaluate(admin_user, dimension="department", start=NOW - 365 * DAY, end=NOW, scope=scope)
            assert 0 < part.counts["dispatched"] < total.counts["dispatched"], scope


def _contents():
    fields = ["day", "division_code", "department_id", "category_id", *rollup.COUNT_FIELDS]
    days = sorted(CaseStatDay.objects.values_list(*fields), key=repr)
    fields = ["level", "start", "division_code", "department_id", "category_id", *rollup.COUNT_FIELDS]
    return days, sorted(CaseStatRollup.objects.values_list(*fields), key=repr)


def test_build_is_idempotent_and_incremental_equals_rebuild(history, frozen):
    with frozen(NOW):
        full = _contents()
        assert rollup.build() == 0  # nothing new today
        assert _contents() == full
    with frozen(_at(2026, 10, 15, 12)):  # as if the sums had only been built until mid-October
        rollup.rebuild()
        assert CaseRollupState.objects.get(pk=1).built_until == datetime.date(2026, 10, 15)
        assert not CaseStatRollup.objects.filter(level__endswith="-month", start=datetime.date(2026, 10, 1)).exists()
    with frozen(NOW):
        assert rollup.build() > 0  # the rest of October (its month rows) and November so far
        assert _contents() == full


def test_a_day_is_summed_only_after_it_settles(history, frozen):
    with frozen(_at(2026, 11, 1, 0, 5)):  # five minutes after midnight: 31 October may still get events
        rollup.rebuild()
        assert CaseRollupState.objects.get(pk=1).built_until == datetime.date(2026, 10, 31)
    with frozen(_at(2026, 11, 1, 0, 15)):
        rollup.build()
        assert CaseRollupState.objects.get(pk=1).built_until == datetime.date(2026, 11, 1)
        assert CaseStatRollup.objects.filter(level__endswith="-month", start=datetime.date(2026, 10, 1)).exists()


def test_plan_reads_months_inside_the_span_and_days_around_them():
    d = datetime.date
    spans = [(q.model.__name__, q.query.where) for q in rollup.plan(d(2026, 9, 20), d(2026, 11, 5), "grid")]
    assert len(spans) == 3 and all(name == "CaseStatRollup" for name, _ in spans)
    assert [len(rollup.plan(d(2026, 10, 1), d(2026, 11, 1), g)) for g in ("grid", "street", "fine")] == [1, 1, 1]
    fine = rollup.plan(d(2026, 10, 3), d(2026, 10, 9), "fine")
    assert len(fine) == 1 and fine[0].model is CaseStatDay


def test_pick_grain():
    assert rollup.pick_grain(dimension="street", prefixes=[], category=None) == "grid"
    assert rollup.pick_grain(dimension="grid", prefixes=["430702004001001"], category=None) == "grid"
    assert rollup.pick_grain(dimension="department", prefixes=[], category=None) == "district"
    assert rollup.pick_grain(dimension="category", prefixes=["430702"], category=object()) == "district"
    assert rollup.pick_grain(dimension="department", prefixes=["430702004"], category=None) == "street"
    assert rollup.pick_grain(dimension="street", prefixes=[], category=object()) == "street"
    assert rollup.pick_grain(dimension="department", prefixes=["430702004001"], category=None) == "fine"
    assert rollup.pick_grain(dimension="grid", prefixes=[], category=object()) == "fine"


def test_day_and_month_keys_equal_djangos_truncation(history):
    """The rebuild's day and month keys (SQLite's own date()/strftime with the zone's offset, where
    the offset holds over the span) put every event on the same local day and month as Django's
    TruncDate/TruncMonth, events either side of a local midnight included."""
    from django.db.models.functions import TruncDate, TruncMonth

    from gridgov.cases.models import CaseEvent

    first, today = datetime.date(2026, 9, 20), datetime.date(2026, 11, 24)
    ev = CaseEvent.objects.order_by("id").first()
    for minutes in (-1, 0, 1):  # 23:59, 00:00, 00:01 local on the first of a month
        CaseEvent.objects.filter(pk=ev.pk).update(at=_at(2026, 11, 1) + datetime.timedelta(minutes=minutes))
        got = CaseEvent.objects.filter(pk=ev.pk).values_list(rollup._local_day("at", first, today), flat=True)[0]
        want = CaseEvent.objects.filter(pk=ev.pk).values_list(
            TruncDate("at", tzinfo=timezone.get_current_timezone()), flat=True)[0]
        assert str(got) == str(want) == ("2026-10-31" if minutes < 0 else "2026-11-01")
    qs = CaseEvent.objects.values_list(rollup._local_day("at", first, today),
                                       TruncDate("at", tzinfo=timezone.get_current_timezone()))
    assert all(str(a) == str(b) for a, b in qs)
    days = CaseStatDay.objects.values_list(rollup._month("day"), TruncMonth("day"))
    assert days and all(str(a) == str(b) for a, b in days)


def test_day_key_falls_back_to_django_where_the_offset_changes():
    """Across a daylight-saving change (not in Asia/Shanghai) the fixed-offset shortcut would put
    some events on the wrong day: Django's TruncDate is used instead."""
    from django.db.models.functions import TruncDate

    with timezone.override("Europe/Berlin"):
        assert isinstance(rollup._local_day("at", datetime.date(2026, 10, 1), datetime.date(2026, 11, 1)), TruncDate)

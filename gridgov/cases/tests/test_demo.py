"""The demo generator: deterministic, every step has an event row, evaluation has figures."""

import pytest

from gridgov.cases import demo
from gridgov.cases.evaluation import evaluate
from gridgov.cases.models import Case, CaseEvent

pytestmark = pytest.mark.django_db


def test_small_demo(tree, admin_user):
    lines = []
    demo.generate(scale="small", seed=3, progress=lines.append)
    assert Case.objects.count() == demo.SIZES["small"]
    closed = Case.objects.filter(state="closed", dispatched_at__isnull=False).first()
    kinds = list(closed.events.values_list("kind", flat=True))
    assert kinds[:4] == ["report", "register", "dispatch", "accept"] and "close" in kinds
    assert CaseEvent.objects.filter(kind="verify_fail").exists()
    assert Case.objects.filter(state__in=["dispatched", "handling", "handled", "verified"]).exists()
    rows, total = evaluate(admin_user, dimension="street", start=Case.objects.order_by("reported_at")
                           .first().reported_at, end=Case.objects.order_by("-reported_at").first().reported_at
                           + __import__("datetime").timedelta(days=30))
    assert total.rates["close_rate"] > 50 and total.rates["satisfaction"] > 60
    demo.generate(scale="small", seed=3, progress=lines.append)  # second run: skipped
    assert Case.objects.count() == demo.SIZES["small"]


def test_event_copy_lines_equal_the_bulk_writers_general_path(tree, monkeypatch):
    """The demo's hand-built COPY line of an event (PostgreSQL) is the text core.bulk's general
    path (per-column adapters, then `copy_lines`) builds for the same row — on every generated
    event and on one with characters COPY must escape."""
    from gridgov.core import bulk

    fields = [CaseEvent._meta.get_field(c) for c in demo.EVENT_COLUMNS]
    adapters = [(i, a) for i, a in ((i, bulk._copy_adapter(f)) for i, f in enumerate(fields)) if a]

    def general(row):
        return next(bulk.copy_lines(bulk._adapt_iter([row], adapters), len(fields)))

    seen = []
    original = demo.insert_rows

    def checking(model, columns, rows, copy_line=None):
        rows = list(rows)
        if model is CaseEvent:
            assert copy_line is demo._event_line
            seen.extend(rows)
        return original(model, columns, rows, copy_line=copy_line)

    monkeypatch.setattr(demo, "insert_rows", checking)
    demo.generate(scale="small", seed=3, progress=lambda _: None)
    assert len(seen) == CaseEvent.objects.count() > 1000
    odd = list(seen[0])
    odd[demo.EVENT_COLUMNS.index("actor_name")] = "a\tb\\c"
    odd[demo.EVENT_COLUMNS.index("note")] = "第一行\n第二行"
    odd[demo.EVENT_COLUMNS.index("data")] = {"department": "城管局\t", "minutes": 3}
    for row in [*seen, tuple(odd)]:
        assert demo._event_line(row) == general(row)


def test_cases_drawn_in_a_child_process_equal_the_inline_ones(tree, admin_user):
    """`prepare` (PostgreSQL, ADR 0046) draws the cases in a process of its own into COPY files
    and `generate` loads them: the same rows as drawing them in place, on a frozen clock."""
    import datetime

    from django.db import connection

    from gridgov.core import clock

    if connection.vendor != "postgresql":
        pytest.skip("the COPY files are PostgreSQL's")

    def snapshot():
        skip = {"id"}
        cases = [tuple(v for k, v in sorted(row.items()) if k not in skip)
                 for row in Case.objects.order_by("number").values()]
        events = sorted(tuple(str(v) for k, v in sorted(row.items()) if k not in skip | {"case_id"})
                        for row in CaseEvent.objects.values("case__number", *[
                            f.attname for f in CaseEvent._meta.concrete_fields]))
        return cases, events

    now = datetime.datetime(2026, 11, 20, 3, 0, tzinfo=datetime.UTC)
    with clock.frozen(now):
        demo.generate(scale="small", seed=3, progress=lambda _: None)
        inline = snapshot()
        CaseEvent.objects.all().delete()
        Case.objects.all().delete()
        child = demo.prepare(scale="small", seed=3)
        lines = []
        demo.generate(scale="small", seed=3, progress=lines.append, prepared=child)
    assert lines == [f"事件：完成，共 {demo.SIZES['small']} 件"]
    assert not child.directory.exists()  # the files are gone once loaded
    assert snapshot() == inline and len(inline[1]) > 1000


def test_a_failed_child_process_is_reported_with_its_error():
    from gridgov.demo import child

    started = child.start("gridgov.demo.child.no_such_function")
    with pytest.raises(RuntimeError, match="演示数据子进程失败.*no_such_function"):
        started.wait()
    started.cleanup()

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

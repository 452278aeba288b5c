"""200 concurrent payment attempts on 100 bills (each bill twice: half the second taps reuse the
idempotency key, half come with a new one) give exactly 100 payments (PostgreSQL row locks)."""

import random

import pytest

from gridgov.core.testing import race, require_postgresql
from gridgov.utilities import actions
from gridgov.utilities.models import Bill, Payment, PaymentEvent

WORKERS = 20


def attempt_all(bill_ids, *, workers=WORKERS, seed=7):
    """Run two attempts per bill from `workers` threads at once; returns the outcomes."""
    from django.contrib.auth.models import AnonymousUser

    attempts = [(pk, f"k{pk}") for pk in bill_ids]
    attempts += [(pk, f"k{pk}" if i % 2 == 0 else f"k{pk}-again") for i, pk in enumerate(bill_ids)]
    random.Random(seed).shuffle(attempts)

    def run(item):
        pk, key = item
        try:
            r = actions.start_payment(actor=AnonymousUser(), bills=[pk], provider="sandbox", idempotency_key=key,
                                      channel="kiosk")
            return "created" if r.created else "repeated"
        except actions.PaymentRefused:
            return "refused"

    r = race(lambda chunk: [run(item) for item in chunk], [attempts[i::workers] for i in range(workers)])
    assert not r.errors, r.errors
    return [outcome for chunk in r.ok for outcome in chunk]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_200_attempts_on_100_bills_make_100_payments(house, make_account, make_bill, settings):
    require_postgresql("行锁并发测试需要 PostgreSQL（设置 DATABASE_URL）")
    settings.UTILITIES_SANDBOX_AUTO_CONFIRM = True
    bills = []
    for i in range(50):
        account = make_account(house, "water", f"W{i:04d}")
        bills += [make_bill(account, "2026-09", 1000 + i), make_bill(account, "2026-10", 2000 + i)]
    outcomes = attempt_all([b.pk for b in bills])
    assert len(outcomes) == 200 and outcomes.count("created") == 100, sorted(set(outcomes))
    assert outcomes.count("repeated") == 50 and outcomes.count("refused") == 50
    assert Payment.objects.count() == 100 and set(Payment.objects.values_list("status", flat=True)) == {"succeeded"}
    assert Bill.objects.filter(status="paid").count() == 100
    assert Bill.objects.values("payment_id").distinct().count() == 100
    assert PaymentEvent.objects.filter(kind="confirmed").count() == 100

"""Reconciliation: files per utility and the mismatch kinds."""

import pytest

from gridgov.core import clock
from gridgov.utilities import actions
from gridgov.utilities.models import Mismatch, Payment, ProviderRecord
from gridgov.utilities.reconcile import recon_dir


@pytest.fixture
def paid(house, make_account, make_bill, anon, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    settings.UTILITIES_SANDBOX_AUTO_CONFIRM = True
    w, e = make_account(house, "water"), make_account(house, "power")
    bills = [make_bill(w, "2026-09", 4530), make_bill(w, "2026-10", 5120), make_bill(e, "2026-10", 16088)]
    return [actions.start_payment(actor=anon, bills=[b], provider="sandbox", idempotency_key=f"k{b.pk}",
                                  channel="kiosk").payment for b in bills]


def test_clean_day_has_no_mismatch(paid, make_user, tree):
    op = make_user("utility_operator", tree["430702000000"])
    run = actions.reconcile_day(actor=op, date=clock.today())
    assert run.counts["payments"] == 3 and run.counts["mismatch_total"] == 0
    assert run.counts["paid_fen"] == 4530 + 5120 + 16088 == run.counts["provider_fen"]
    water = (recon_dir() / run.files["water"]["file"]).read_text(encoding="utf-8-sig").splitlines()
    assert run.files["water"]["rows"] == 2 and len(water) == 3 and "45.30" in water[1]


def test_mismatches_found(paid, make_user, tree):
    op = make_user("utility_operator", tree["430702000000"])
    ProviderRecord.objects.filter(txn_id=paid[0].provider_txn_id).delete()  # provider lost it
    ProviderRecord.objects.filter(txn_id=paid[1].provider_txn_id).update(amount_fen=1)  # amount differs
    ProviderRecord.objects.create(provider="sandbox", txn_id="ORPHAN", amount_fen=999, paid_on=clock.today())
    Payment.objects.filter(pk=paid[2].pk).update(amount_fen=1)  # bills no longer add up (and amount differs)
    run = actions.reconcile_day(actor=op, date=clock.today())
    kinds = sorted(Mismatch.objects.filter(run=run).values_list("kind", flat=True))
    assert kinds == ["amount", "amount", "bill_sum", "missing_local", "missing_provider"]
    with pytest.raises(Exception, match="全区"):
        actions.reconcile_day(actor=make_user("community_staff", tree["430702004001"]), date=clock.today())

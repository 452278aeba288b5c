"""The sandbox provider: a simulated online payment for the demo and tests. `create` sends the
payer to a simulated provider page (utilities:sandbox_pay), whose button posts a signed callback
as a real provider would; with `settings.UTILITIES_SANDBOX_AUTO_CONFIRM` (or `auto_confirm=True`)
it succeeds at once. The sandbox keeps its own ledger in `ProviderRecord` — its statement."""

import secrets

from django.conf import settings
from django.core import signing
from django.urls import reverse

from gridgov.core import clock

from ..choices import PaymentStatus
from .base import PaymentProvider, ProviderResult

SALT = "utilities.sandbox"


def payment_token(payment):
    """The signed token in the payer's payment page address (the pk alone would be guessable)."""
    return signing.dumps(payment.pk, salt=SALT)


class SandboxProvider(PaymentProvider):
    code = "sandbox"
    label = "模拟支付（演示）"
    online = True

    def __init__(self, auto_confirm=None):
        self.auto_confirm = (getattr(settings, "UTILITIES_SANDBOX_AUTO_CONFIRM", False)
                             if auto_confirm is None else auto_confirm)

    def create(self, payment):
        if self.auto_confirm:
            return ProviderResult(PaymentStatus.SUCCEEDED, self.charge(payment), payment.amount_fen)
        return ProviderResult(PaymentStatus.PENDING, next_url=self.next_url(payment))

    def next_url(self, payment):
        return reverse("utilities:public_payment", args=[payment_token(payment)])

    def charge(self, payment):
        """The provider takes the money: its own record, and the transaction id."""
        from ..models import ProviderRecord

        txn = "SBX" + secrets.token_hex(10).upper()
        ProviderRecord.objects.create(provider=self.code, txn_id=txn, amount_fen=payment.amount_fen,
                                      paid_on=clock.today())
        return txn

    def query(self, payment):
        from ..models import ProviderRecord

        if payment.provider_txn_id:
            rec = ProviderRecord.objects.filter(provider=self.code, txn_id=payment.provider_txn_id).first()
            if rec is not None:
                status = PaymentStatus.REFUNDED if rec.refunded else PaymentStatus.SUCCEEDED
                return ProviderResult(status, rec.txn_id, rec.amount_fen)
        return ProviderResult(PaymentStatus.PENDING)

    def refund(self, payment, amount_fen):
        from ..models import ProviderRecord

        ProviderRecord.objects.filter(provider=self.code, txn_id=payment.provider_txn_id).update(refunded=True)
        return "SBXR" + secrets.token_hex(8).upper()

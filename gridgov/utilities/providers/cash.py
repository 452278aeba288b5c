"""Counter cash: staff take the cash at the window. The payment succeeds at once; the till's
receipt is the provider record (what the cashier hands in at the end of the day)."""

import secrets

from gridgov.core import clock

from ..choices import PaymentStatus
from .base import PaymentProvider, ProviderError, ProviderResult


class CounterCashProvider(PaymentProvider):
    code = "cash"
    label = "窗口现金"
    online = False

    def create(self, payment):
        from ..models import ProviderRecord

        txn = f"CASH{clock.now():%Y%m%d}{secrets.token_hex(5).upper()}"
        ProviderRecord.objects.create(provider=self.code, txn_id=txn, amount_fen=payment.amount_fen,
                                      paid_on=clock.today())
        return ProviderResult(PaymentStatus.SUCCEEDED, txn, payment.amount_fen)

    def query(self, payment):
        status = PaymentStatus(payment.status)
        return ProviderResult(status, payment.provider_txn_id, payment.amount_fen)

    def refund(self, payment, amount_fen):
        from ..models import ProviderRecord

        if not payment.provider_txn_id:
            raise ProviderError("现金收款无收据号，无法退款")
        ProviderRecord.objects.filter(provider=self.code, txn_id=payment.provider_txn_id).update(refunded=True)
        return "CASHR" + secrets.token_hex(6).upper()

    def verify_callback(self, body, headers):
        from .base import CallbackRejected

        raise CallbackRejected("窗口现金没有支付回调")

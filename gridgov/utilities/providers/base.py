"""The provider interface and the signed-callback check shared by every provider.

Callback signature: hex HMAC-SHA256 over `"{timestamp}.{nonce}.{body}"` with the provider's
secret, in the headers `X-Gridgov-Timestamp` (Unix seconds), `X-Gridgov-Nonce` and
`X-Gridgov-Signature`. A callback is rejected when the signature is wrong, the timestamp is more
than `MAX_SKEW` seconds away, or the nonce was seen before (replay) — the caller audits it.
"""

import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass

from django.conf import settings

from gridgov.core import clock

MAX_SKEW = 300  # seconds
TS, NONCE, SIG = "X-Gridgov-Timestamp", "X-Gridgov-Nonce", "X-Gridgov-Signature"


class ProviderError(Exception):
    """The provider refused or failed (message in Chinese)."""


class CallbackRejected(Exception):
    """A callback failed the signature, time or replay check (message in Chinese)."""


@dataclass
class ProviderResult:
    status: str  # a PaymentStatus value
    txn_id: str = ""
    amount_fen: int | None = None
    next_url: str = ""  # where the payer goes next (a provider's payment page)


def provider_secret(code):
    configured = getattr(settings, "UTILITIES_PROVIDER_SECRETS", {}).get(code)
    if configured:
        return configured.encode()
    return hmac.new(settings.SECRET_KEY.encode(), f"utilities-provider:{code}".encode(), hashlib.sha256).digest()


class PaymentProvider:
    code = ""
    label = ""
    online = True  # residents may use it (kiosk, web); False: staff only (cash)

    def create(self, payment) -> ProviderResult:
        raise NotImplementedError

    def query(self, payment) -> ProviderResult:
        raise NotImplementedError

    def refund(self, payment, amount_fen) -> str:
        raise NotImplementedError

    def next_url(self, payment) -> str:
        """Where the payer of a pending payment goes (a provider's page); "" when nowhere."""
        return ""

    # --- signed callbacks ----------------------------------------------------------------
    def sign(self, body, *, timestamp=None, nonce=None):
        """Headers for a callback carrying `body` (bytes), as the provider sends them."""
        timestamp = str(int(timestamp if timestamp is not None else clock.now().timestamp()))
        nonce = nonce or secrets.token_hex(16)
        mac = hmac.new(provider_secret(self.code), f"{timestamp}.{nonce}.".encode() + body, hashlib.sha256)
        return {TS: timestamp, NONCE: nonce, SIG: mac.hexdigest()}

    def verify_callback(self, body, headers):
        """The callback's data (dict) if signed by this provider and fresh; raises
        CallbackRejected otherwise. The nonce is checked for reuse by the caller (in the
        database, under a unique constraint)."""
        timestamp, nonce, signature = (headers.get(h, "") for h in (TS, NONCE, SIG))
        if not (timestamp and nonce and signature) or len(nonce) > 64:
            raise CallbackRejected("回调缺少签名、时间戳或随机串")
        expected = hmac.new(provider_secret(self.code), f"{timestamp}.{nonce}.".encode() + body,
                            hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected, signature):
            raise CallbackRejected("回调签名无效")
        try:
            age = abs(clock.now().timestamp() - int(timestamp))
        except ValueError:
            raise CallbackRejected("回调时间戳无效") from None
        if age > MAX_SKEW:
            raise CallbackRejected("回调时间戳已过期")
        try:
            data = json.loads(body)
        except ValueError:
            raise CallbackRejected("回调内容不是有效的 JSON") from None
        if not isinstance(data, dict) or not isinstance(data.get("amount_fen"), int):
            raise CallbackRejected("回调内容缺少金额")
        return data

    def callback_body(self, payment, *, txn_id, status="succeeded", amount_fen=None):
        """The JSON body a provider posts for `payment` (used by the sandbox and tests)."""
        return json.dumps({"idempotency_key": payment.idempotency_key, "txn_id": txn_id, "status": status,
                           "amount_fen": payment.amount_fen if amount_fen is None else amount_fen},
                          separators=(",", ":")).encode()

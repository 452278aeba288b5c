"""Payment providers (in the spirit of Saleor's payment plugins): one class per provider with
create / query / refund, a signed callback, and its side of the day's records (`statement`).

    provider = get_provider("sandbox")
    result = provider.create(payment)     # ProviderResult(status, txn_id, next_url)
    provider.query(payment)                # ProviderResult as the provider sees it now
    provider.refund(payment, amount_fen)   # the provider's refund id (raises ProviderError)
    data = provider.verify_callback(body, headers)   # raises CallbackRejected (forged/stale)

Shipped: `sandbox` (simulated provider page, or auto-confirm for demo and tests) and `cash`
(counter cash taken by staff). A real provider is one more subclass registered in
`settings.UTILITIES_PROVIDERS` (dotted paths); its secret in `settings.UTILITIES_PROVIDER_SECRETS`.
"""

from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string

from .base import CallbackRejected, PaymentProvider, ProviderError, ProviderResult  # noqa: F401

DEFAULT_PROVIDERS = (
    "gridgov.utilities.providers.sandbox.SandboxProvider",
    "gridgov.utilities.providers.cash.CounterCashProvider",
)


@cache
def _providers():
    out = {}
    for dotted in getattr(settings, "UTILITIES_PROVIDERS", DEFAULT_PROVIDERS):
        cls = import_string(dotted)
        out[cls.code] = cls
    return out


def get_provider(code):
    """The provider instance for `code`; KeyError for an unknown one."""
    return _providers()[code]()


def provider_choices():
    return [(code, cls.label) for code, cls in _providers().items()]

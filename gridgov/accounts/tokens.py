"""API tokens that expire (`API_TOKEN_DAYS`, default 30) and are issued by a view that parses
its body like every other (deep JSON is a 400). Tokens are dropped on a password change or
deactivation (`accounts.actions.revoke_tokens`); an expired one is replaced on the next
`POST /api/token/`."""

import datetime

from django.conf import settings
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

from gridgov.core import clock


def token_lifetime():
    return datetime.timedelta(days=int(getattr(settings, "API_TOKEN_DAYS", 30)))


def expired(token, now=None):
    return token.created < (now or clock.now()) - token_lifetime()


class ExpiringTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if expired(token):
            token.delete()
            raise AuthenticationFailed("令牌已过期，请重新获取")
        return user, token

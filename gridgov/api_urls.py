"""REST API routes under /api/: one router, each app registers its viewsets in its api.py."""

from django.urls import include, path
from rest_framework.authtoken.views import obtain_auth_token
from rest_framework.routers import DefaultRouter

from gridgov.accounts.api import register as register_accounts
from gridgov.cases.api import register as register_cases
from gridgov.core.api_views import register as register_core
from gridgov.divisions.api import register as register_divisions
from gridgov.party.api import register as register_party
from gridgov.registry.api import register as register_registry

router = DefaultRouter()
for register in (register_core, register_accounts, register_divisions, register_registry, register_cases,
                 register_party):
    register(router)

urlpatterns = [
    path("token/", obtain_auth_token, name="api-token"),
    path("", include(router.urls)),
]

"""REST API routes under /api/: one router; each app registers its viewsets in its api.py,
named by `api=` in its contributions.py."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from gridgov.accounts.token_views import ObtainExpiringToken
from gridgov.core.manifest import all_contributions, resolve

router = DefaultRouter()
for manifest in all_contributions():
    if manifest.api:
        resolve(manifest.api)(router)

urlpatterns = [
    path("token/", ObtainExpiringToken.as_view(), name="api-token"),
    path("", include(router.urls)),
]

"""Root URL map: every app's urls under its own prefix and namespace (no hidden registries)."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from gridgov.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("media/<path:path>", core_views.media, name="media"),
    path("accounts/", include("gridgov.accounts.urls")),
    path("core/", include("gridgov.core.urls")),
    path("divisions/", include("gridgov.divisions.urls")),
    path("registry/", include("gridgov.registry.urls")),
    path("cases/", include("gridgov.cases.urls")),
    path("party/", include("gridgov.party.urls")),
    path("community/", include("gridgov.community.urls")),
    path("care/", include("gridgov.care.urls")),
    path("c/<str:code>/care/", include("gridgov.care.site_urls")),
    path("indicators/", include("gridgov.dashboard.urls")),
    path("screen/", include("gridgov.dashboard.screen_urls")),
    path("services/", include("gridgov.services.urls")),
    path("utilities/", include("gridgov.utilities.urls")),
    path("c/", include("gridgov.portal.urls")),
    path("kiosk/", include("gridgov.kiosk.urls")),
    path("open311/", include("gridgov.cases.open311.urls")),
    path("api/", include("gridgov.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # the split view serves its start-up script as a file: the CSP allows no inline script
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]

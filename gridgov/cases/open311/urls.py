"""Open311 GeoReport v2 under /open311/v2/ (format suffix .xml or .json)."""

from django.urls import path, re_path

from . import views

app_name = "open311"
F = r"\.(?P<fmt>xml|json)$"
urlpatterns = [
    path("v2/", views.root, name="root"),
    re_path(r"^v2/discovery" + F, views.discovery, name="discovery"),
    re_path(r"^v2/services" + F, views.services, name="services"),
    re_path(r"^v2/services?/(?P<code>[^/]+?)" + F, views.service_definition, name="service"),
    re_path(r"^v2/requests" + F, views.requests_view, name="requests"),
    re_path(r"^v2/requests/(?P<request_id>[^/]+?)" + F, views.request_detail, name="request"),
    re_path(r"^v2/tokens/(?P<token_id>[^/]+?)" + F, views.token, name="token"),
]

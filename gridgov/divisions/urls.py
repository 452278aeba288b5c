from django.urls import path

from . import import_views, views

app_name = "divisions"
urlpatterns = [
    path("", views.division_list, name="list"),
    path("import/", import_views.division_import, name="import"),
    path("map/", views.division_map, name="map"),
    path("map/geojson/", views.division_geojson, name="geojson"),
    path("<str:code>/", views.division_detail, name="detail"),
]

from gridgov.divisions.redraw.urls import urlpatterns as redraw_urls  # noqa: E402  (before <str:code>/)

urlpatterns = redraw_urls + urlpatterns

"""The big screen (大屏) under /screen/."""

from django.urls import path

from . import views_screen as v

app_name = "screen"

urlpatterns = [
    path("", v.page, name="page"),
    path("data/<str:code>.json", v.data, name="data"),
    path("geo/<str:code>.json", v.geo, name="geo"),
]

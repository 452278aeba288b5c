"""URL patterns of the grid-drawing pages, joined into the `divisions` namespace by
gridgov/divisions/urls.py (they must come before its `<str:code>/` catch-all)."""

from django.urls import path

from . import views

urlpatterns = [
    path("partition/", views.partition_index, name="partition"),
    path("partition/redivision/", views.redivision, name="partition_redivision"),
    path("partition/<int:pk>/", views.proposal_detail, name="partition_proposal"),
    path("partition/<int:pk>/status/", views.proposal_status, name="partition_status"),
    path("partition/<int:pk>/publish/", views.proposal_publish, name="partition_publish"),
    path("partition/<int:pk>/discard/", views.proposal_discard, name="partition_discard"),
]

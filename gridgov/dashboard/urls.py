"""三五工程 pages under /indicators/ (the big screen is under /screen/, screen_urls.py)."""

from django.urls import path

from . import views_indicators as v

app_name = "dashboard"

urlpatterns = [
    path("", v.library, name="library"),
    path("report/", v.report, name="report"),
    path("review/", v.review_queue, name="review_queue"),
    path("refresh/", v.refresh, name="refresh"),
    path("export.xlsx", v.export_xlsx, name="export"),
    path("print/", v.print_report, name="print"),
    path("values/<int:pk>/", v.value_detail, name="value"),
    path("values/<int:pk>/review/", v.review, name="review"),
    path("evidence/<int:pk>/", v.evidence, name="evidence"),
    path("definitions/new/", v.definition_edit, name="definition_create"),
    path("<slug:code>/edit/", v.definition_edit, name="definition_edit"),
    path("<slug:code>/", v.detail, name="detail"),
]

from django.urls import path

from .views import admin, evaluation, public, staff

app_name = "cases"
urlpatterns = [
    path("", staff.case_list, name="list"),
    path("map.json", staff.map_data, name="map_data"),
    path("report/", staff.report, name="report"),
    path("duplicates/", staff.duplicates_fragment, name="duplicates"),
    path("components/", staff.components_fragment, name="components"),
    path("questions/", staff.questions_fragment, name="questions"),
    path("queue/", staff.queue, name="queue"),
    path("overdue/", staff.overdue, name="overdue"),
    path("evaluation/", evaluation.evaluation, name="evaluation"),
    path("categories/", admin.categories, name="categories"),
    path("categories/new/", admin.category_edit, name="category_new"),
    path("categories/<int:pk>/", admin.category_edit, name="category_edit"),
    path("rules/new/", admin.rule_edit, name="rule_new"),
    path("rules/<int:pk>/", admin.rule_edit, name="rule_edit"),
    path("open311-keys/new/", admin.api_key_create, name="api_key_create"),
    path("open311-keys/<int:pk>/revoke/", admin.api_key_revoke, name="api_key_revoke"),
    path("public/report/", public.public_report, name="public_report"),
    path("public/kiosk/", public.kiosk_report, name="kiosk"),
    path("public/track/", public.public_track, name="public_track"),
    path("public/t/<str:token>/", public.public_case, name="public"),
    path("<int:pk>/", staff.case_detail, name="detail"),
    path("<int:pk>/act/", staff.case_act, name="act"),
    path("<int:pk>/publish/", staff.case_publish, name="publish"),
]

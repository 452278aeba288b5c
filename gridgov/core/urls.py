from django.urls import path

from . import audit_views, calendar_views, import_views, job_views, views

app_name = "core"
urlpatterns = [
    path("notifications/", views.notifications, name="notifications"),
    path("scope/", views.set_scope, name="set_scope"),
    path("audit/", audit_views.audit_list, name="audit"),
    path("jobs/", job_views.job_list, name="jobs"),
    path("jobs/<int:pk>/", job_views.job_detail, name="job_detail"),
    path("jobs/<int:pk>/retry/", job_views.job_retry, name="job_retry"),
    path("import/", import_views.import_page, name="import"),
    path("import/<slug:kind>/template/", import_views.import_template, name="import_template"),
    path("import/preview/<int:pk>/", import_views.import_preview, name="import_preview"),
    path("import/preview/<int:pk>/apply/", import_views.import_apply, name="import_apply"),
    path("import/preview/<int:pk>/errors/", import_views.import_errors, name="import_errors"),
    path("calendar/", calendar_views.calendar_view, name="calendar"),
]

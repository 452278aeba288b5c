from django.urls import path

from . import audit_views, calendar_views, job_views, views

app_name = "core"
urlpatterns = [
    path("notifications/", views.notifications, name="notifications"),
    path("scope/", views.set_scope, name="set_scope"),
    path("audit/", audit_views.audit_list, name="audit"),
    path("jobs/", job_views.job_list, name="jobs"),
    path("jobs/<int:pk>/", job_views.job_detail, name="job_detail"),
    path("calendar/", calendar_views.calendar_view, name="calendar"),
]

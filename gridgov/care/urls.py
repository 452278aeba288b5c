from django.urls import path

from . import views

app_name = "care"

urlpatterns = [
    path("orders/", views.order_list, name="order_list"),
    path("orders/export/", views.order_export, name="order_export"),
    path("orders/<int:pk>/", views.order_detail, name="order_detail"),
    path("orders/<int:pk>/<slug:step>/", views.order_step, name="order_step"),
    path("providers/", views.provider_list, name="provider_list"),
    path("providers/new/", views.provider_edit, name="provider_create"),
    path("providers/<int:pk>/", views.provider_detail, name="provider_detail"),
    path("providers/<int:pk>/edit/", views.provider_edit, name="provider_edit"),
    path("providers/<int:provider_pk>/items/new/", views.item_edit, name="item_create"),
    path("providers/<int:provider_pk>/items/<int:pk>/", views.item_edit, name="item_edit"),
    path("providers/<int:provider_pk>/accounts/new/", views.account_create, name="account_create"),
    path("providers/<int:provider_pk>/doctors/new/", views.doctor_edit, name="doctor_create"),
    path("providers/<int:provider_pk>/doctors/<int:pk>/", views.doctor_edit, name="doctor_edit"),
    path("doctors/<int:doctor_pk>/schedules/new/", views.schedule_edit, name="schedule_create"),
    path("doctors/<int:doctor_pk>/schedules/<int:pk>/", views.schedule_edit, name="schedule_edit"),
    path("appointments/", views.appointment_list, name="appointment_list"),
    path("rules/", views.rule_list, name="rule_list"),
    path("rules/new/", views.rule_edit, name="rule_create"),
    path("rules/<int:pk>/", views.rule_edit, name="rule_edit"),
    path("settlements/", views.settlement_list, name="settlement_list"),
    path("settlements/run/", views.settlement_run, name="settlement_run"),
]

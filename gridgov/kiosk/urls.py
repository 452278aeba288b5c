from django.urls import path

from .views import bills, hall, services, staff, terminal

app_name = "kiosk"

urlpatterns = [
    # the terminal (device key)
    path("", terminal.home, name="home"),
    path("enrol/", terminal.enrol, name="enrol"),
    path("heartbeat/", terminal.heartbeat, name="heartbeat"),
    path("identify/", terminal.identify, name="identify"),
    path("policies/", terminal.policy_list, name="policies"),
    path("policies/<int:pk>/", terminal.policy_detail, name="policy"),
    path("report/", terminal.report, name="report"),
    path("apply/", services.apply, name="apply"),
    path("apply/<int:pk>/", services.apply_item, name="apply_item"),
    path("apply/receipt/<str:token>/", services.apply_receipt, name="apply_receipt"),
    path("track/", services.track, name="track"),
    path("ticket/", services.ticket, name="ticket"),
    path("ticket/take/", services.ticket_take, name="ticket_take"),
    path("check-in/", hall.check_in, name="check_in"),
    path("rate/", hall.rate_list, name="rate"),
    path("rate/<str:token>/", hall.rate, name="rate_form"),
    path("bills/", bills.bills, name="bills"),
    path("bills/pay/", bills.pay, name="bill_pay"),
    path("bills/payment/<str:token>/", bills.payment, name="bill_payment"),
    path("bills/receipt/<str:token>/", bills.receipt, name="bill_receipt"),
    # staff
    path("manage/devices/", staff.device_list, name="device_list"),
    path("manage/devices/new/", staff.device_create, name="device_create"),
    path("manage/devices/<int:pk>/", staff.device_detail, name="device_detail"),
    path("manage/devices/<int:pk>/key/", staff.device_key, name="device_key"),
    path("manage/devices/<int:pk>/revoke/", staff.device_revoke, name="device_revoke"),
    path("manage/devices/<int:pk>/reissue/", staff.device_reissue, name="device_reissue"),
    path("manage/policies/", staff.policy_list, name="policy_list"),
    path("manage/policies/new/", staff.policy_edit, name="policy_create"),
    path("manage/policies/<int:pk>/", staff.policy_detail, name="policy_detail"),
    path("manage/policies/<int:pk>/edit/", staff.policy_edit, name="policy_edit"),
]

from django.urls import path

from .views import counter, imports, public, staff

app_name = "utilities"

urlpatterns = [
    path("", staff.bill_list, name="bill_list"),
    path("bills/<int:pk>/", staff.bill_detail, name="bill_detail"),
    path("utilities/", staff.utility_list, name="utility_list"),
    path("accounts/", staff.account_list, name="account_list"),
    path("accounts/<int:pk>/", staff.account_detail, name="account_detail"),
    path("payments/", staff.payment_list, name="payment_list"),
    path("payments/<int:pk>/", staff.payment_detail, name="payment_detail"),
    path("payments/<int:pk>/refund/", staff.payment_refund, name="payment_refund"),
    path("payments/<int:pk>/query/", staff.payment_query, name="payment_query"),
    path("counter/", counter.counter, name="counter"),
    path("import/", imports.import_page, name="import"),
    path("reconciliation/", imports.recon_list, name="recon_list"),
    path("reconciliation/<int:pk>/", imports.recon_detail, name="recon_detail"),
    path("reconciliation/<int:pk>/<slug:code>.csv", imports.recon_file, name="recon_file"),
    # public (no sign-in)
    path("pay/", public.lookup, name="lookup"),
    path("pay/<str:token>/", public.public_payment, name="public_payment"),
    path("sandbox/<str:token>/", public.sandbox_pay, name="sandbox_pay"),
    path("callback/<slug:provider>/", public.callback, name="callback"),
]

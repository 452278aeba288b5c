"""The resident side on the community website: /c/<community code>/care/…"""

from django.urls import path

from .views import site

app_name = "care_site"

urlpatterns = [
    path("", site.hub, name="hub"),
    path("providers/<int:pk>/", site.order_form, name="order"),
    path("mine/", site.my_orders, name="mine"),
    path("mine/<int:pk>/", site.my_order, name="my_order"),
    path("doctors/", site.doctors, name="doctors"),
    path("doctors/book/", site.book, name="book"),
    path("appointments/<int:pk>/cancel/", site.cancel_appointment, name="cancel_appointment"),
]

from django.urls import path

from . import views

app_name = "community"

C = "<str:code>"  # a community's 12-digit code

urlpatterns = [
    path("", views.community_list, name="list"),
    path("facilities/", views.facility_list, name="facility_list"),
    path("facilities/<int:pk>/", views.facility_detail, name="facility_detail"),
    path("facilities/<int:pk>/edit/", views.facility_edit, name="facility_edit"),
    path("facilities/<int:pk>/delete/", views.facility_delete, name="facility_delete"),
    path("facilities/<int:pk>/photos/", views.facility_photo_add, name="facility_photo_add"),
    path("facilities/<int:pk>/photos/<int:photo_pk>/delete/", views.facility_photo_remove, name="facility_photo_remove"),
    path("standards/", views.standards, name="standards"),
    path("standards/types/new/", views.type_edit, name="type_create"),
    path("standards/types/<int:pk>/", views.type_edit, name="type_edit"),
    path("standards/new/", views.standard_edit, name="standard_create"),
    path("standards/<int:pk>/", views.standard_edit, name="standard_edit"),
    path(f"{C}/", views.profile, name="profile"),
    path(f"{C}/facilities/new/", views.facility_create, name="facility_create"),
    path(f"{C}/committee/new/", views.committee_edit, name="committee_create"),
    path(f"{C}/committee/<int:pk>/", views.committee_edit, name="committee_edit"),
    path(f"{C}/committee/<int:committee_pk>/members/new/", views.member_edit, name="member_create"),
    path(f"{C}/committee/<int:committee_pk>/members/<int:pk>/", views.member_edit, name="member_edit"),
    path(f"{C}/staff/new/", views.staff_edit, name="staff_create"),
    path(f"{C}/staff/<int:pk>/", views.staff_edit, name="staff_edit"),
]

"""URLs of the party app (红色网格). Names used by the menu in contributions.py: tree, member_list, posts,
events, rankings, me."""

from django.urls import path

from .views import exports, me, members, org, service

app_name = "party"
urlpatterns = [
    path("", org.tree, name="tree"),
    path("sync/", org.sync, name="sync"),
    path("org/<int:pk>/", org.org_detail, name="org"),
    path("org/<int:pk>/edit/", org.org_edit, name="org_edit"),
    path("org/<int:org_pk>/verify/", service.verify_batch, name="verify_batch"),
    path("members/", members.member_list, name="member_list"),
    path("members/new/", members.member_create, name="member_create"),
    path("members/export/", exports.export_members, name="member_export"),
    path("members/import/", exports.import_members, name="member_import"),
    path("members/<int:pk>/", members.member_detail, name="member"),
    path("members/<int:pk>/transfer/", members.member_transfer, name="member_transfer"),
    path("members/<int:pk>/leave/", members.member_leave, name="member_leave"),
    path("units/", members.workunit_list, name="workunits"),
    path("units/<int:pk>/", members.workunit_detail, name="workunit"),
    path("registrations/<int:pk>/decide/", service.decide_registration, name="decide_registration"),
    path("claims/<int:pk>/decide/", service.decide_claim, name="decide_claim"),
    path("activities/<int:pk>/verify/", service.verify_activity, name="verify_activity"),
    path("posts/", service.posts, name="posts"),
    path("posts/<int:pk>/edit/", service.post_edit, name="post_edit"),
    path("items/new/", service.item_edit, name="item_create"),
    path("items/<int:pk>/edit/", service.item_edit, name="item_edit"),
    path("rules/<int:pk>/edit/", service.rule_edit, name="rule_edit"),
    path("events/", service.events, name="events"),
    path("events/new/", service.event_create, name="event_create"),
    path("events/<int:pk>/", service.event_detail, name="event"),
    path("events/<int:pk>/signup/", service.event_signup, name="event_signup"),
    path("signups/<int:pk>/<str:op>/", service.signup_action, name="signup_action"),
    path("rankings/", service.rankings, name="rankings"),
    path("rankings/export/", exports.export_scores, name="score_export"),
    path("rankings/run/", service.run_scoring, name="run_scoring"),
    path("me/", me.me, name="me"),
    path("me/release/", me.release, name="me_release"),
]

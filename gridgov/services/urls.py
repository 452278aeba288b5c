from django.urls import path

from .views import applications, catalogue, queue

app_name = "services"

N = "<str:number>"

urlpatterns = [
    path("items/", catalogue.item_list, name="item_list"),
    path("items/new/", catalogue.item_edit, name="item_create"),
    path("items/export/", catalogue.item_export, name="item_export"),
    path("items/<int:pk>/", catalogue.item_detail, name="item_detail"),
    path("items/<int:pk>/edit/", catalogue.item_edit, name="item_edit"),
    path("items/<int:pk>/guide/", catalogue.item_guide, name="item_guide"),
    path("applications/", applications.app_list, name="app_list"),
    path("counter/", applications.counter, name="counter"),
    path("counter/file/<int:item_pk>/<int:person_pk>/", applications.file_application, name="file"),
    path("review/", applications.review_queue, name="review_queue"),
    path("overdue/", applications.overdue, name="overdue"),
    path("rectifications/", applications.rectifications, name="rectifications"),
    path("rectifications/<int:pk>/", applications.rectification_act, name="rectification_act"),
    path("stats/", applications.stats, name="stats"),
    path(f"applications/{N}/", applications.app_detail, name="app_detail"),
    path(f"applications/{N}/act/<str:step>/", applications.app_act, name="app_act"),
    path(f"applications/{N}/receipt/", applications.receipt, name="receipt"),
    path("s/<str:token>/", applications.public_status, name="status"),
    path("queue/", queue.desk, name="queue"),
    path("queue/counter/<int:pk>/", queue.counter_desk, name="counter_desk"),
    path("queue/counter/<int:pk>/<str:step>/", queue.counter_act, name="counter_act"),
    path("queue/take/", queue.take, name="take"),
    path("hall/<str:code>/", queue.hall, name="hall"),
    path("hall/<str:code>/board/", queue.hall_board, name="hall_board"),
]

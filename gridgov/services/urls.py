from django.urls import path

from .views import applications, appointments, catalogue, family, proxy, queue

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
    path("proxy/", proxy.need_list, name="need_list"),
    path("proxy/new/", proxy.need_record, name="need_record"),
    path("proxy/assign/", proxy.need_assign, name="need_assign"),
    path("proxy/mine/", proxy.my_needs, name="my_needs"),
    path("proxy/<int:pk>/", proxy.need_detail, name="need_detail"),
    path("proxy/<int:pk>/file/", proxy.need_file, name="need_file"),
    path("proxy/<int:pk>/act/<str:step>/", proxy.need_act, name="need_act"),
    path("queue/", queue.desk, name="queue"),
    path("queue/counter/<int:pk>/", queue.counter_desk, name="counter_desk"),
    path("queue/counter/<int:pk>/<str:step>/", queue.counter_act, name="counter_act"),
    path("queue/take/", queue.take, name="take"),
    path("queue/stats/", queue.queue_stats, name="queue_stats"),
    path("queue/appointments/", appointments.desk, name="appointments"),
    path("queue/appointments/check-in/", appointments.check_in, name="check_in"),
    path("queue/appointments/book/", appointments.staff_book, name="staff_book"),
    path("book/<str:code>/", appointments.book, name="book"),
    path("family/<str:code>/", family.family_need, name="family_need"),
    path("book/<str:code>/<int:pk>/cancel/", appointments.cancel, name="book_cancel"),
    path("hall/<str:code>/", queue.hall, name="hall"),
    path("hall/<str:code>/board/", queue.hall_board, name="hall_board"),
]

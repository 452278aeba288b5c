import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from gridgov.services import actions, queries
from gridgov.services.choices import Channel, TicketState

from .conftest import A


def test_ticket_numbers_per_group_and_call_order(hall, clerk):
    a1 = actions.take_ticket(actor=clerk, group=hall["A"], channel="kiosk")
    a2 = actions.take_ticket(actor=clerk, group=hall["A"], channel="reception")
    b1 = actions.take_ticket(actor=clerk, group=hall["B"], channel="reception", priority=True)
    assert (a1.number, a2.number, b1.number) == ("A001", "A002", "B001")
    first = actions.call_next(actor=clerk, counter=hall["c1"])
    second = actions.call_next(actor=clerk, counter=hall["c2"])
    assert first.pk == b1.pk and second.pk == a1.pk  # priority first; counter 2 serves only A
    third = actions.call_next(actor=clerk, counter=hall["c1"])
    assert third.pk == a2.pk and actions.call_next(actor=clerk, counter=hall["c2"]) is None
    actions.recall_ticket(actor=clerk, ticket=third)
    third.refresh_from_db()
    assert third.call_count == 2
    moved = actions.transfer_ticket(actor=clerk, ticket=first, group=hall["A"])
    assert moved.number == "A003" and moved.priority and moved.taken_at == first.taken_at
    actions.no_show(actor=clerk, ticket=second)
    with pytest.raises(ValidationError):
        actions.no_show(actor=clerk, ticket=second)


def test_serve_links_application(hall, clerk, catalogue, make_person):
    t = actions.take_ticket(actor=clerk, group=hall["A"], channel="reception")
    t = actions.call_next(actor=clerk, counter=hall["c1"])
    app = actions.submit_application(actor=clerk, item=catalogue["RS001"], person=make_person(age=30),
                                     channel=Channel.COUNTER, answers={"status": "就业登记", "since": "2026-01-01"},
                                     materials=["m1"])
    actions.serve_ticket(actor=clerk, ticket=t, application=app)
    t.refresh_from_db()
    app.refresh_from_db()
    assert t.state == TicketState.DONE and app.ticket_id == t.pk


def test_clerk_of_other_community_gets_404(client, catalogue, clerk, clerk_b, make_person):
    app = actions.submit_application(actor=clerk, item=catalogue["RS001"], person=make_person(age=30),
                                     channel=Channel.COUNTER, answers={"status": "就业登记", "since": "2026-01-01"},
                                     materials=["m1"])
    client.force_login(clerk_b)
    assert client.get(reverse("services:app_detail", args=[app.number])).status_code == 404
    assert client.get(reverse("services:app_detail", args=["nope"])).status_code == 404
    assert app.number not in client.get(reverse("services:app_list")).content.decode()
    client.force_login(clerk)
    page = client.get(reverse("services:app_detail", args=[app.number]))
    assert page.status_code == 200 and "受理" in page.content.decode()
    receipt = client.get(reverse("services:receipt", args=[app.number])).content.decode()
    assert "data:image/svg+xml" in receipt


def test_public_status_is_signed(client, catalogue, clerk, make_person):
    app = actions.submit_application(actor=clerk, item=catalogue["RS001"], person=make_person(name="王小明", age=30),
                                     channel=Channel.COUNTER, answers={"status": "就业登记", "since": "2026-01-01"},
                                     materials=["m1"])
    body = client.get(queries.status_url(app.number)).content.decode()
    assert "待受理" in body and "王**" in body and "王小明" not in body
    assert client.get(reverse("services:status", args=[app.number + ":forged"])).status_code == 404


def test_staff_pages_render(client, catalogue, clerk, hall, make_person, admin_user):
    person = make_person(age=30)
    client.force_login(clerk)
    for url in [reverse("services:item_list"), reverse("services:item_detail", args=[catalogue["MZ002"].pk]),
                reverse("services:item_guide", args=[catalogue["MZ002"].pk]), reverse("services:counter") + "?q=张老三",
                reverse("services:file", args=[catalogue["RS001"].pk, person.pk]), reverse("services:overdue"),
                reverse("services:stats"), reverse("services:rectifications"), reverse("services:queue"),
                reverse("services:counter_desk", args=[hall["c1"].pk]), reverse("services:app_list")]:
        assert client.get(url).status_code == 200, url
    assert client.get(reverse("services:stats") + "?export=xlsx").status_code == 200
    assert client.get(reverse("services:item_edit", args=[catalogue["MZ002"].pk])).status_code == 404
    client.force_login(admin_user)
    assert client.get(reverse("services:item_edit", args=[catalogue["MZ002"].pk])).status_code == 200
    client.logout()
    assert client.get(reverse("services:hall", args=[A])).status_code == 200
    assert client.get(reverse("services:hall_board", args=[A])).status_code == 200


def test_counter_form_files_application(client, catalogue, clerk, make_person):
    person = make_person(age=30)
    client.force_login(clerk)
    url = reverse("services:file", args=[catalogue["RS001"].pk, person.pk])
    bad = client.post(url, {"f_status": "就业登记", "materials": ["m1"]})
    assert bad.status_code == 200 and "请填写“就业/失业日期”" in bad.content.decode()
    ok = client.post(url, {"f_status": "就业登记", "f_since": "2026-01-02", "materials": ["m1"]})
    assert ok.status_code == 302


def test_catalogue_has_30_items_over_11_departments(catalogue):
    assert len(catalogue) >= 30
    assert len({i.department_id for i in catalogue.values()}) == 11


def test_application_list_counts_are_capped(client, catalogue, clerk, make_person, monkeypatch):
    from gridgov.services.views import applications as views

    apps = [actions.submit_application(actor=clerk, item=catalogue["RS001"], person=make_person(name=f"申请人{n}", age=30),
                                       channel=Channel.COUNTER, answers={"status": "就业登记", "since": "2026-01-01"},
                                       materials=["m1"]) for n in range(3)]
    client.force_login(clerk)
    url = reverse("services:app_list")
    page = client.get(url).content.decode()
    assert "3 件" in page and all(a.number in page for a in apps)
    monkeypatch.setattr(views, "LIST_CAP", 2)
    page = client.get(url).content.decode()
    assert "超过 2 件" in page and all(a.number in page for a in apps[1:])  # the newest on page 1
    page = client.get(url, {"q": apps[0].number}).content.decode()
    assert "1 件" in page and apps[0].number in page and apps[1].number not in page

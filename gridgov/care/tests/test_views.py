from gridgov.care import actions
from gridgov.care.models import Order, Provider

from .conftest import A


def test_staff_pages_answer(client, staff, providers, items, person, window, doctor):
    order = actions.submit_order(actor=staff, provider=providers["care"], person=person(), items=[(items["clean"], 1)],
                                 address="A社区1栋", **window)
    client.force_login(staff)
    for url in ["/care/orders/", f"/care/orders/{order.pk}/", "/care/providers/",
                f"/care/providers/{providers['care'].pk}/", f"/care/providers/{providers['health'].pk}/",
                "/care/appointments/", "/care/rules/", "/care/settlements/", "/care/rules/new/",
                f"/care/providers/new/?community={A}", f"/care/providers/{providers['care'].pk}/items/new/",
                f"/care/doctors/{doctor.pk}/schedules/new/", "/care/orders/?status=open&kind=care"]:
        assert client.get(url).status_code == 200, url
    assert client.get("/care/settlements/?format=xlsx").status_code == 200
    assert client.get("/care/orders/export/").status_code == 200


def test_provider_completes_an_order_through_the_pages(client, staff, providers, items, person, window,
                                                       provider_user):
    order = actions.submit_order(actor=staff, provider=providers["care"], person=person(), items=[(items["clean"], 1)],
                                 address="A社区1栋", **window)
    client.force_login(provider_user)
    assert client.get("/care/providers/").content.decode().count("/care/providers/") >= 1
    assert list(Provider.objects.visible_to(provider_user)) == [providers["care"]]
    client.post(f"/care/orders/{order.pk}/accept/", {"worker_name": "李阿姨"})
    client.post(f"/care/orders/{order.pk}/check_in/", {"lng": "111.7", "lat": "29.04"})
    client.post(f"/care/orders/{order.pk}/check_out/", {"note": "完成"})
    order = Order.objects.get(pk=order.pk)
    assert order.status == "done" and order.worker_name == "李阿姨" and order.checkin_lat == 29.04


def test_new_provider_through_the_form(client, staff, tree):
    client.force_login(staff)
    r = client.post(f"/care/providers/new/?community={A}", {"kind": "repair", "name": "新维修部", "is_active": "on"})
    assert r.status_code == 302
    assert Provider.objects.get(name="新维修部").division_code == A

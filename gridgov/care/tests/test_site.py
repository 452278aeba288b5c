"""The resident side on the community website: ordering for oneself and an authorised elderly
relative, the subsidy refusal on the page, rating, booking a doctor; residents see only their
own (the same 404 for another's)."""

import datetime

import pytest

from gridgov.care import actions
from gridgov.care.models import Appointment, Order
from gridgov.core import clock

from .conftest import A, schedule_on

pytest.importorskip("gridgov.portal.access")

def _post_order(client, provider, person, item, **extra):
    day = clock.today() + datetime.timedelta(days=2)
    data = {"person": person.pk, "date": day.isoformat(), "window": "08:00-10:00", "address": "A社区1栋101",
            f"qty_{item.pk}": 1, **extra}
    return client.post(f"/c/{A}/care/providers/{provider.pk}/", data)


def test_resident_orders_care_for_a_parent_with_subsidy_and_rates_it(client, family, staff, providers, items,
                                                                      provider_user, tree):
    rule = actions.save_subsidy_rule(actor=staff, division=tree[A], data={
        "name": "高龄老人居家养老服务补贴", "min_age": 80, "monthly_minutes": 480})
    client.force_login(family["user"])
    assert client.get(f"/c/{A}/care/").status_code == 200
    page = client.get(f"/c/{A}/care/providers/{providers['care'].pk}/").content.decode()
    assert "王奶奶" in page and "李先生" in page
    # the son himself is not eligible: a Chinese refusal naming the rule, nothing created
    r = _post_order(client, providers["care"], family["son"], items["clean"], subsidy_rule=rule.pk)
    assert r.status_code == 200 and "高龄老人居家养老服务补贴" in r.content.decode() and "80" in r.content.decode()
    assert not Order.objects.exists()
    # for his mother (88) the subsidy applies
    r = _post_order(client, providers["care"], family["elder"], items["clean"], subsidy_rule=rule.pk)
    assert r.status_code == 302, r.content.decode()[-3000:]
    order = Order.objects.get()
    assert order.person == family["elder"] and order.subsidy_fen == order.total_fen == 4000
    assert order.ordered_by == family["user"]
    # the provider completes it; the son rates it on the page
    actions.accept_order(actor=provider_user, order=order)
    actions.check_in(actor=provider_user, order=order)
    actions.check_out(actor=provider_user, order=order)
    r = client.post(f"/c/{A}/care/mine/{order.pk}/", {"rating": 5, "comment": "阿姨很细心"})
    assert Order.objects.get().rating == 5


def test_residents_see_only_their_own_orders(client, family, staff, providers, items, person, window):
    other = actions.submit_order(actor=staff, provider=providers["care"], person=person("别人"),
                                 items=[(items["clean"], 1)], address="A社区9栋", **window)
    mine = actions.submit_order(actor=staff, provider=providers["care"], person=family["elder"],
                                items=[(items["clean"], 1)], address="A社区1栋", **window)
    assert list(Order.objects.visible_to(family["user"])) == [mine]
    client.force_login(family["user"])
    assert client.get(f"/c/{A}/care/mine/{mine.pk}/").status_code == 200
    assert client.get(f"/c/{A}/care/mine/{other.pk}/").status_code == 404
    assert client.get(f"/c/{A}/care/mine/999999/").status_code == 404
    # and never the staff pages
    assert client.get(f"/care/orders/{mine.pk}/").status_code in (302, 403, 404)


def test_resident_books_a_doctor_and_signed_ones_come_first(client, family, staff, doctor):
    day = clock.today() + datetime.timedelta(days=1)
    schedule = schedule_on(doctor, staff, day, capacity=1)
    actions.sign_doctor(actor=staff, doctor=doctor, person=family["son"])
    client.force_login(family["user"])
    page = client.get(f"/c/{A}/care/doctors/").content.decode()
    assert "我的家庭医生" in page
    client.post(f"/c/{A}/care/doctors/book/", {"schedule": schedule.pk, "date": day.isoformat(),
                                               "person": family["son"].pk})
    assert Appointment.objects.get().person == family["son"]
    r = client.post(f"/c/{A}/care/doctors/book/", {"schedule": schedule.pk, "date": day.isoformat(),
                                                   "person": family["elder"].pk}, follow=True)
    assert "约满" in r.content.decode() and Appointment.objects.count() == 1


def test_the_community_website_menu_links_the_care_pages(client, tree, providers):
    page = client.get(f"/c/{A}/care/").content.decode()
    assert f'href="/c/{A}/care/"' in page and f'href="/c/{A}/care/doctors/"' in page

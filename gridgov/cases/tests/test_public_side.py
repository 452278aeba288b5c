"""The public side (issue 12): only public classes on the public form and in Open311, the
public pages findable from the login and home pages, and a report found again by its number
and the last four digits of the phone given."""

import pytest
from django.urls import reverse

from gridgov.cases.models import Case, CaseCategory

from .conftest import POINT

pytestmark = pytest.mark.django_db

INTERNAL = ("严重精神障碍患者服务管理", "涉黄赌毒线索")


def test_the_public_form_offers_public_classes_only(client, category):
    body = client.get(reverse("cases:public_report")).content.decode()
    for name in INTERNAL:
        assert CaseCategory.objects.filter(name=name, is_public=False).exists()
        assert name not in body
    assert category.name in body


def test_an_internal_class_cannot_be_posted_by_the_public(client, tree, category):
    internal = CaseCategory.objects.get(name=INTERNAL[1])
    r = client.post(reverse("cases:public_report"), {"category": internal.pk, "title": "线索", "lng": POINT[0],
                                                     "lat": POINT[1]})
    assert r.status_code == 200 and not Case.objects.exists()


def test_open311_lists_public_classes_only(client, category):
    codes = {s["service_code"] for s in client.get("/open311/v2/services.json").json()}
    internal = set(CaseCategory.objects.filter(name__in=INTERNAL).values_list("code", flat=True))
    assert category.code in codes and not codes & internal


def test_login_and_home_link_the_public_pages(client, dispatcher):
    login = client.get(reverse("accounts:login")).content.decode()
    assert reverse("cases:public_report") in login and reverse("cases:public_track") in login
    client.force_login(dispatcher)
    home = client.get(reverse("home")).content.decode()
    assert reverse("cases:public_report") in home and reverse("cases:public_track") in home


def _web_report(category, phone="13812345678"):
    from django.contrib.auth.models import AnonymousUser

    from gridgov.cases import actions

    return actions.report_case(actor=AnonymousUser(), category=category, title="路面塌陷", channel="web",
                               lng=POINT[0], lat=POINT[1], reporter_phone=phone, ip="10.0.0.9",
                               attributes={"depth": "deep"})


def test_a_report_is_found_by_number_and_phone_last_four(client, tree, category):
    case = _web_report(category)
    r = client.post(reverse("cases:public_track"), {"number": case.number, "phone_last4": "5678"})
    assert r.status_code == 302 and r["Location"] == reverse("cases:public", args=[case.public_token])
    r = client.post(reverse("cases:public_track"), {"number": case.number, "phone_last4": "0000"})
    assert r.status_code == 200 and "没有找到" in r.content.decode()
    assert case.public_token not in r.content.decode()


def test_guessing_the_four_digits_is_stopped(client, tree, category):
    case = _web_report(category)
    for guess in range(10):
        client.post(reverse("cases:public_track"), {"number": case.number, "phone_last4": f"{guess:04d}"})
    r = client.post(reverse("cases:public_track"), {"number": case.number, "phone_last4": "5678"})
    assert r.status_code == 200 and "过于频繁" in r.content.decode()


@pytest.mark.parametrize("who, title", [("handler", "部门待办"), ("leader", "事件办理情况"),
                                        ("resident", "我反映的问题"), ("grid_worker", "网格工作")])
def test_each_role_lands_on_its_own_work(client, request, make_user, tree, category, who, title):
    from gridgov.accounts.choices import RoleCode

    user = make_user(RoleCode.LEADER, tree["430702000000"]) if who == "leader" else request.getfixturevalue(who)
    client.force_login(user)
    body = client.get(reverse("home")).content.decode()
    cards = body.split('id="home-cards"', 1)
    assert len(cards) == 2 and title in cards[1].split("我的角色与管辖范围")[0] and "尚未分配角色" not in body

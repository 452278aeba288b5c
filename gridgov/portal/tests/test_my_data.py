"""“我的数据” (PIPL art. 45): the export and the 我的 page hold what the platform keeps about the
account beyond the profile — bookings, applications, hall appointments, care orders — from every
app that declares `resident_data`, never another resident's rows and never a full number."""

import json

from django.urls import reverse

from gridgov.core import clock

from .conftest import PERSON_ID
from .test_applications import _apply
from .test_bookings import NOW, at


def test_export_lists_bookings_and_applications_of_the_account_only(client, verified, room, catalogue, clerk,
                                                                    elder):
    from gridgov.portal import actions
    from gridgov.services.models import Application

    with clock.frozen(NOW):
        actions.book(actor=verified.user, profile=verified, facility=room, starts_at=at(1, 10), slots=1,
                     attendees=5, purpose="书法练习")
    client.force_login(verified.user)
    assert _apply(client).status_code == 302
    app = Application.objects.get()
    other = Application.objects.create(**{f.name: getattr(app, f.name) for f in Application._meta.concrete_fields
                                          if f.name not in ("id", "number", "person", "filed_by")},
                                       number=app.number[:-4] + "9999", person=elder, filed_by=clerk)
    r = client.get(reverse("portal:export"))
    body = r.content.decode()
    data = json.loads(body)
    assert [b["用途"] for b in data["场地预约"]] == ["书法练习"] and data["场地预约"][0]["设施"] == room.name
    assert [a["办件编号"] for a in data["网上办事"]] == [app.number] and other.number not in body
    assert data["网上办事"][0]["状态"] == "待受理" and data["网上办事"][0]["渠道"] == "网上办"
    for section in ("公益服务报名", "预约办事", "家人代办", "上门服务订单", "预约看病", "家庭医生签约"):
        assert data[section] == [], section  # every app that serves residents adds its section
    assert "13800001111" not in body and PERSON_ID not in body
    page = client.get(reverse("portal:me")).content.decode()
    assert 'data-section="网上办事">1 条' in page and 'data-section="场地预约">1 条' in page


def test_unverified_account_exports_only_what_it_made(client, resident):
    client.force_login(resident.user)
    data = json.loads(client.get(reverse("portal:export")).content)
    assert data["网上办事"] == [] and data["场地预约"] == [] and data["实名认证"]["已认证"] is False

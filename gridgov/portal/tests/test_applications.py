"""Online applications on the community website: the guide, the apply form built from the
item's fields, 我的办件 scoped to the persons a resident acts for, and 好差评 once."""

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from .conftest import COMMUNITY


def png(name="id.png"):
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 120, 40)).save(buf, "PNG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/png")


def _errors(response):
    import re

    return re.findall(r'(?:invalid-feedback d-block|alert-danger)[^>]*>(.*?)</div>', response.content.decode(), re.S)


def _login(client, profile):
    client.force_login(profile.user)
    return client


APPLY = {"f_place": "广州市", "f_reason": "异地长期居住", "f_phone": "13800001111"}


def _apply(client, code="YB003", data=None, files=True):
    post = dict(data if data is not None else APPLY)
    if files:
        post["m_m1"] = png()
    return client.post(reverse("portal:apply", args=[COMMUNITY, code]), post)


def test_public_service_module_has_no_private_reads():
    from gridgov.services import public

    assert hasattr(public, "catalogue_for") and hasattr(public, "guide")
    assert not any(name.startswith(("submit", "rate", "save", "accept")) for name in dir(public))


def test_guide_lists_items_and_shows_one_item(client, tree, catalogue):
    r = client.get(reverse("portal:guide", args=[COMMUNITY]))
    html = r.content.decode()
    assert "异地就医备案" in html and "可网上办理" in html
    r = client.get(reverse("portal:guide", args=[COMMUNITY]), {"q": "优待证"})
    html = r.content.decode()
    assert "老年人优待证办理" in html and "异地就医备案" not in html
    r = client.get(reverse("portal:guide_item", args=[COMMUNITY, "MZ001"]))
    html = r.content.decode()
    for text in ("年满 60 周岁", "居民身份证", "近期一寸免冠彩色照片", "老年人权益保障法", "不收费", "3 个工作日"):
        assert text in html, text
    assert client.get(reverse("portal:guide_item", args=[COMMUNITY, "NOPE"])).status_code == 404


def test_apply_needs_a_verified_resident(client, resident, catalogue):
    url = reverse("portal:apply", args=[COMMUNITY, "YB003"])
    assert reverse("portal:login") in client.get(url)["Location"]
    _login(client, resident)
    assert reverse("portal:verify") in client.get(url)["Location"]


def test_resident_applies_with_attachment_tracks_and_rates_once(client, verified, catalogue, clerk, person):
    from gridgov.services import actions
    from gridgov.services.models import Application, Rating

    _login(client, verified)
    form = client.get(reverse("portal:apply", args=[COMMUNITY, "YB003"])).content.decode()
    assert "李居民" in form and "来自实有人口信息" in form and 'name="f_place"' in form and 'name="m_m1"' in form
    r = _apply(client)
    assert r.status_code == 302, _errors(r)
    app = Application.objects.get()
    assert r.status_code == 302 and r["Location"] == reverse("portal:my_application", args=[app.number])
    assert app.channel == "web" and app.person == person and app.filed_by == verified.user
    assert app.answers["place"] == "广州市" and app.answers["name"] == "李居民"
    assert list(app.attachments.values_list("key", flat=True)) == ["m1"]
    mine = client.get(reverse("portal:my_applications")).content.decode()
    assert app.number in mine and "待受理" in mine
    detail = client.get(reverse("portal:my_application", args=[app.number])).content.decode()
    assert "申请" in detail and 'id="rate-form"' not in detail  # not rateable before it is finished
    actions.accept_application(actor=clerk, application=app, note="内部备注：材料已核")
    actions.complete_application(actor=clerk, application=app, result="approved", note="备案成功")
    detail = client.get(reverse("portal:my_application", args=[app.number])).content.decode()
    assert "已办结" in detail and "办理结果：准予" in detail and 'id="rate-form"' in detail
    from gridgov.core.models import Notification

    notice = Notification.objects.get(recipient=verified.user)  # told on 我的 (no notice for accepting)
    assert notice.title == "办件已办结" and app.number in notice.body and "准予" in notice.body
    assert "内部备注" not in detail and clerk.full_name not in detail  # no staff names or internal notes
    url = reverse("portal:my_application", args=[app.number])
    r = client.post(url, {"level": "2"})
    assert "差评请说明不满意的原因" in r.content.decode() and not Rating.objects.exists()
    r = client.post(url, {"level": "5", "comment": "很方便"})
    assert r.status_code == 302
    rating = Rating.objects.get()
    assert (rating.level, rating.efficiency, rating.channel, rating.comment) == (5, 5, "web", "很方便")
    r = client.post(url, {"level": "4"}, follow=True)
    assert "只能评价一次" in r.content.decode() and Rating.objects.get().level == 5


def test_eligibility_refusal_names_the_rule_and_writes_nothing(client, verified, catalogue):
    from gridgov.services.models import Application

    _login(client, verified)
    page = client.get(reverse("portal:apply", args=[COMMUNITY, "MZ001"])).content.decode()
    assert "年龄须满 60 周岁" in page  # told before filling anything in
    r = client.post(reverse("portal:apply", args=[COMMUNITY, "MZ001"]), {"f_phone": "13800001111", "m_m1": png(),
                                                                    "m_m2": png("p.png")})
    html = r.content.decode()
    assert r.status_code == 200 and "不符合“老年人优待证办理”的办理条件：年龄须满 60 周岁" in html
    assert not Application.objects.exists()


def test_bad_answers_and_missing_material_are_named(client, verified, catalogue):
    from gridgov.services.models import Application

    _login(client, verified)
    r = _apply(client, data={"f_place": "广州市", "f_reason": "随便写的选项"}, files=False)
    html = r.content.decode()
    assert "选择一个有效的选项" in html or "须从给定选项中选择" in html
    assert "这个字段是必填项" in html or "必填" in html
    r = client.post(reverse("portal:apply", args=[COMMUNITY, "YB003"]),
                    {**APPLY, "m_m1": SimpleUploadedFile("x.png", b"not an image", content_type="image/png")})
    assert r.status_code == 200 and not Application.objects.exists()
    assert client.get(reverse("portal:apply", args=[COMMUNITY, "ZZZ"])).status_code == 404


def test_counter_only_item_cannot_be_filed_online(client, verified, catalogue):
    code = next(c for c, i in catalogue.items() if "web" not in (i.current.channels or []))
    _login(client, verified)
    assert client.get(reverse("portal:apply", args=[COMMUNITY, code])).status_code == 404
    assert "不能网上办理" in client.get(reverse("portal:guide_item", args=[COMMUNITY, code])).content.decode()


def test_a_resident_sees_only_their_own_applications(client, verified, catalogue, tree, admin_user):
    from gridgov.portal import actions as portal_actions
    from gridgov.portal import sms
    from gridgov.registry import actions as registry_actions
    from gridgov.registry.identity import make_resident_id
    from gridgov.services.models import Application

    from .conftest import A1

    other_id = make_resident_id("430702", datetime.date(1990, 1, 1), 31)
    _login(client, verified)
    _apply(client)
    app = Application.objects.get()
    # another verified resident of the same community
    other_person = registry_actions.register_person(actor=admin_user, grid=tree[A1], data={
        "name": "赵邻居", "id_number": other_id})
    client.logout()
    sms.send_code("13900002222")
    code = sms.outbox[-1][1].split("验证码是 ")[1][:6]
    from django.contrib.auth.models import AnonymousUser

    other = portal_actions.sign_up(actor=AnonymousUser(), phone="13900002222", code=code, password="Resident-2026",
                                   community=tree[COMMUNITY])
    portal_actions.give_consent(actor=other.user, profile=other)
    portal_actions.verify_online(actor=other.user, profile=other, name="赵邻居", id_number=other_id)
    assert other.person_id == other_person.pk
    _login(client, other)
    assert app.number not in client.get(reverse("portal:my_applications")).content.decode()
    assert client.get(reverse("portal:my_application", args=[app.number])).status_code == 404
    assert client.post(reverse("portal:my_application", args=[app.number]), {"level": "1"}).status_code == 404

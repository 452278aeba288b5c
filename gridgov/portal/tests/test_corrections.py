"""补正 online: the applicant (or a family member they authorised) uploads the missing material
from 我的办件 and the application returns to the step it was in; anyone else gets a 404, a bad
picture or a wrong state is refused in Chinese and changes nothing; the clerk sees the upload."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.urls import reverse

from .conftest import A1, COMMUNITY, ELDER_ID
from .test_applications import _apply, png


@pytest.fixture
def waiting(client, verified, catalogue, clerk):
    """An online application of the verified resident, accepted, then sent back for 补正 of m1."""
    from gridgov.services import actions
    from gridgov.services.models import Application

    client.force_login(verified.user)
    assert _apply(client).status_code == 302
    app = Application.objects.get()
    actions.accept_application(actor=clerk, application=app)
    return actions.request_correction(actor=clerk, application=app, missing=["m1"], note="身份证照片不清晰")


def _state(app):
    app.refresh_from_db()
    return app.state, list(app.missing_materials), app.attachments.count(), app.events.count()


def test_owner_uploads_and_the_application_returns_to_review(verified, waiting, clerk, client):
    from gridgov.core.models import AuditEntry, Notification
    from gridgov.services import actions

    notice = Notification.objects.get(recipient=verified.user)  # told to correct, on 我的
    assert notice.title == "请补正办件材料" and "居民身份证" in notice.body and "身份证照片不清晰" in notice.body
    client.force_login(verified.user)
    assert "请补正办件材料" in client.get(reverse("portal:me")).content.decode()
    assert not Notification.objects.filter(recipient=clerk).exists()

    before = waiting.attachments.count()
    app = actions.correct_application_online(actor=verified.user, application=waiting, files=[("m1", png("new.png"))])
    app.refresh_from_db()
    assert app.state == "accepted" and app.missing_materials == [] and "m1" in app.materials_received
    assert app.paused_at is None and app.due_at is not None  # the clock runs again
    assert app.attachments.count() == before + 1
    att = app.attachments.order_by("-id").first()
    assert att.key == "m1" and att.uploaded_by == verified.user and att.file.name.endswith(".png")
    event = app.events.order_by("-id").first()
    assert event.kind == "corrected" and event.data["channel"] == "web" and event.actor == verified.user
    assert AuditEntry.objects.filter(action="services.correct_application", actor=verified.user).exists()
    # the clerk's page lists the new material; the resident's page says it was uploaded online
    client.force_login(clerk)
    html = client.get(reverse("services:app_detail", args=[app.number])).content.decode()
    assert att.file.url in html and "居民网上上传：居民身份证" in html
    assert client.get(att.file.url).status_code == 200
    client.force_login(verified.user)
    html = client.get(reverse("portal:my_application", args=[app.number])).content.decode()
    assert "网上上传：居民身份证" in html and 'id="correct-form"' not in html


def test_authorised_family_member_corrects_an_elders_application(verified, elder, catalogue, clerk,
                                                                  make_user, tree):
    from gridgov.accounts.choices import RoleCode
    from gridgov.portal import actions as portal_actions
    from gridgov.services import actions

    link = portal_actions.request_family_link(actor=verified.user, profile=verified, elder_name="王奶奶",
                                              elder_id_number=ELDER_ID, relation="子女")
    app = actions.submit_application(actor=verified.user, item=catalogue["YB003"], person=elder, channel="web",
                                     answers=APPLY_ANSWERS, files=[("m1", png())])
    actions.request_correction(actor=clerk, application=app, missing=["m1"])
    with pytest.raises(Http404):  # not yet authorised
        actions.correct_application_online(actor=verified.user, application=app, files=[("m1", png())])
    portal_actions.decide_family_link(actor=make_user(RoleCode.COMMUNITY_STAFF, tree[COMMUNITY]), link=link,
                                      approve=True)
    app = actions.correct_application_online(actor=verified.user, application=app, files=[("m1", png())])
    assert app.state == "submitted" and app.missing_materials == []


APPLY_ANSWERS = {"place": "广州市", "reason": "异地长期居住", "phone": "13800001111"}


def _other_verified(tree, admin_user):
    from django.contrib.auth.models import AnonymousUser

    from gridgov.portal import actions, sms
    from gridgov.registry import actions as registry_actions
    from gridgov.registry.identity import make_resident_id

    other_id = make_resident_id("430702", datetime.date(1990, 1, 1), 31)
    registry_actions.register_person(actor=admin_user, grid=tree[A1], data={"name": "赵邻居", "id_number": other_id})
    sms.send_code("13900002222")
    code = sms.outbox[-1][1].split("验证码是 ")[1][:6]
    other = actions.sign_up(actor=AnonymousUser(), phone="13900002222", code=code, password="Resident-2026",
                            community=tree[COMMUNITY])
    actions.give_consent(actor=other.user, profile=other)
    return actions.verify_online(actor=other.user, profile=other, name="赵邻居", id_number=other_id)


def test_stranger_staff_and_anonymous_get_404_and_nothing_changes(waiting, tree, admin_user, clerk, client):
    from django.contrib.auth.models import AnonymousUser

    from gridgov.services import actions

    other = _other_verified(tree, admin_user)
    before = _state(waiting)
    for actor in (other.user, clerk, AnonymousUser()):
        with pytest.raises(Http404):
            actions.correct_application_online(actor=actor, application=waiting, files=[("m1", png())])
    assert _state(waiting) == before
    client.force_login(other.user)
    url = reverse("portal:correct_application", args=[waiting.number])
    assert client.post(url, {"c-m_m1": png()}).status_code == 404
    assert _state(waiting) == before


def test_wrong_state_is_refused(verified, catalogue, clerk, client):
    from gridgov.services import actions
    from gridgov.services.models import Application

    client.force_login(verified.user)
    _apply(client)
    app = Application.objects.get()
    before = _state(app)
    with pytest.raises(ValidationError, match="当前状态为“待受理”，不能进行该操作"):
        actions.correct_application_online(actor=verified.user, application=app, files=[("m1", png())])
    assert _state(app) == before
    html = client.get(reverse("portal:my_application", args=[app.number])).content.decode()
    assert 'id="correct-form"' not in html
    r = client.post(reverse("portal:correct_application", args=[app.number]), {"c-m_m1": png()}, follow=True)
    assert "当前不需要补正" in r.content.decode() and _state(app) == before


def test_bad_file_missing_file_and_unasked_material_are_refused_in_chinese(verified, waiting, client):
    from gridgov.services import actions

    before = _state(waiting)
    fake = SimpleUploadedFile("id.png", b"<script>alert(1)</script>", content_type="image/png")
    with pytest.raises(ValidationError) as exc:
        actions.correct_application_online(actor=verified.user, application=waiting, files=[("m1", fake)])
    assert "“居民身份证”" in exc.value.message_dict["materials.m1"][0]
    with pytest.raises(ValidationError, match="仍缺少：居民身份证"):
        actions.correct_application_online(actor=verified.user, application=waiting, files=[])
    with pytest.raises(ValidationError, match="只需上传要求补正的材料"):
        actions.correct_application_online(actor=verified.user, application=waiting,
                                           files=[("m1", png()), ("zz", png())])
    assert _state(waiting) == before
    # through the page: the form names the field, nothing is stored
    client.force_login(verified.user)
    url = reverse("portal:correct_application", args=[waiting.number])
    fake.seek(0)
    r = client.post(url, {"c-m_m1": fake})
    html = r.content.decode()
    assert r.status_code == 200 and 'id="correct-form"' in html and "invalid-feedback" in html
    big = SimpleUploadedFile("big.png", b"\x89PNG" + b"0" * (10 * 1024 * 1024 + 10), content_type="image/png")
    html = client.post(url, {"c-m_m1": big}).content.decode()
    assert "图片不能超过 10 MB" in html
    assert "请上传“居民身份证”的照片或扫描件" in client.post(url, {}).content.decode()
    assert _state(waiting) == before


def test_resident_corrects_through_the_page(verified, waiting, client):
    client.force_login(verified.user)
    detail = reverse("portal:my_application", args=[waiting.number])
    html = client.get(detail).content.decode()
    assert 'id="correct-form"' in html and "身份证照片不清晰" in html and 'name="c-m_m1"' in html
    r = client.post(reverse("portal:correct_application", args=[waiting.number]), {"c-m_m1": png()})
    assert r.status_code == 302 and r["Location"] == detail
    waiting.refresh_from_db()
    assert waiting.state == "accepted" and waiting.missing_materials == []
    assert client.get(reverse("portal:correct_application", args=[waiting.number])).status_code == 302


def test_counter_only_item_is_corrected_at_the_counter(verified, person, catalogue, clerk, client):
    from gridgov.services import actions
    from gridgov.services.models import ServiceItemVersion

    app = actions.submit_application(actor=verified.user, item=catalogue["YB003"], person=person, channel="web",
                                     answers=APPLY_ANSWERS, files=[("m1", png())])
    actions.request_correction(actor=clerk, application=app, missing=["m1"])
    ServiceItemVersion.objects.filter(pk=app.version_id).update(channels=["counter"])
    app.refresh_from_db()
    with pytest.raises(ValidationError, match="须到窗口补正"):
        actions.correct_application_online(actor=verified.user, application=app, files=[("m1", png())])
    client.force_login(verified.user)
    html = client.get(reverse("portal:my_application", args=[app.number])).content.decode()
    assert 'id="correct-form"' not in html and "请携带材料到" in html

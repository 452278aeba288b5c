"""On a phone (390×844): the community asks for 补正; the resident opens the application in 我的办件,
is refused a file that is not a picture (in Chinese, nothing stored), uploads a photo, and the
application returns to the step it was in; the clerk's page lists the uploaded material."""

import io
import os

import pytest
from django.urls import reverse

from .conftest import COMMUNITY
from .test_browser import AXE, OVERFLOW, _axe

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

ANSWERS = {"place": "广州市", "reason": "异地长期居住", "phone": "13800001111"}


def _png(path=None, colour=(30, 90, 160)):
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(buf, "PNG")
    if path is None:
        from django.core.files.uploadedfile import SimpleUploadedFile

        return SimpleUploadedFile("id.png", buf.getvalue(), content_type="image/png")
    path.write_bytes(buf.getvalue())
    return str(path)


def test_resident_uploads_correction_and_clerk_sees_it(phone_page, _browser, live_server, verified, person,
                                                       make_user, tree, tmp_path):
    from gridgov.accounts.models import Department
    from gridgov.core import clock
    from gridgov.services import actions, catalogue_data
    from gridgov.services.models import ServiceItem, ServiceItemVersion

    catalogue_data.seed(ServiceItem, ServiceItemVersion, Department, clock.now())  # a flush may have emptied it
    clerk = make_user("service_counter", tree[COMMUNITY], username="clerk-correct")
    item = ServiceItem.objects.get(code="YB003")
    app = actions.submit_application(actor=verified.user, item=item, person=person, channel="web", answers=ANSWERS,
                                     files=[("m1", _png())])
    actions.accept_application(actor=clerk, application=app)
    actions.request_correction(actor=clerk, application=app, missing=["m1"], note="身份证照片看不清")
    page = phone_page
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(page.base_url + reverse("portal:login"))
    page.fill("#id_username", "13800001111")
    page.fill("#id_password", "Resident-2026")
    page.click("main button[type=submit]")
    page.wait_for_url("**/c/me/**")
    page.goto(page.base_url + reverse("portal:my_applications"))
    assert "待补正" in page.inner_text("#my-applications") or "补正" in page.inner_text("#my-applications")
    page.click(f"a[href$='/c/me/applications/{app.number}/']")
    page.wait_for_selector("#correct-form")
    assert "居民身份证" in page.inner_text("#correction-needed") and "身份证照片看不清" in page.inner_text("#app-events")
    assert page.evaluate(OVERFLOW) <= 0
    # a file that only claims to be a picture
    fake = tmp_path / "id.png"
    fake.write_bytes(b"<html><script>alert(1)</script></html>")
    page.set_input_files("#id_c-m_m1", str(fake))
    with page.expect_navigation():
        page.click("#correct-submit")
    assert page.locator("#correct-form .invalid-feedback").count() >= 1
    assert "图片" in page.inner_text("#correct-form")
    app.refresh_from_db()
    assert app.state == "correction" and app.attachments.count() == 1
    # a real photo
    page.set_input_files("#id_c-m_m1", _png(tmp_path / "id-card.png", (200, 40, 40)))
    with page.expect_navigation():
        page.click("#correct-submit")
    page.wait_for_selector("#app-state")
    assert "补正材料已提交" in page.content()
    assert page.locator("#correct-form").count() == 0
    assert "网上上传：居民身份证" in page.inner_text("#app-events")
    app.refresh_from_db()
    assert app.state == "accepted" and app.missing_materials == [] and app.attachments.count() == 2
    assert page.evaluate(OVERFLOW) <= 0
    assert not errors, errors
    # the clerk's application page lists the uploaded material, and it opens for them
    from django.test import Client

    staff = Client()
    staff.force_login(clerk)
    context = _browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    context.add_cookies([{"name": "sessionid", "value": staff.cookies["sessionid"].value, "url": live_server.url}])
    desk = context.new_page()
    desk.goto(live_server.url + reverse("services:app_detail", args=[app.number]))
    newest = app.attachments.order_by("-id").first()
    link = desk.locator(f"a[href='{newest.file.url}']")
    assert link.count() == 1 and "居民身份证" in link.inner_text()
    assert desk.request.get(live_server.url + newest.file.url).status == 200
    context.close()
    # axe-core on the detail page while it asks for 补正
    if not AXE.exists():
        return
    actions.request_correction(actor=clerk, application=app, missing=["m1"])
    context = _browser.new_context(viewport={"width": 390, "height": 844}, bypass_csp=True, locale="zh-CN")
    context.add_cookies(page.context.cookies())
    axe_page = context.new_page()
    axe_page.base_url = live_server.url
    found = _axe(axe_page, reverse("portal:my_application", args=[app.number]))
    context.close()
    assert not found, "\n".join(found)

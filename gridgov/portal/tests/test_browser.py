"""A resident on a phone (390×844): signs up, verifies, books a room, signs up for a public-
interest session and rates both; staff publish a notice and it is on the site. axe-core finds
no serious or critical violation on the main portal pages, in normal and 长辈 mode."""

import datetime
import os
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from .conftest import COMMUNITY, PERSON_ID

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
OVERFLOW = "() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth) - window.innerWidth"


def _axe(page, url):
    page.goto(page.base_url + url, wait_until="load")
    page.evaluate(AXE.read_text())
    return page.evaluate("""async () => {
      const r = await axe.run(document, {resultTypes: ['violations']});
      return r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
        .map(v => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | ')}`);
    }""")


def test_resident_signs_up_verifies_books_and_rates(phone_page, _browser, live_server, tree, person, room,
                                                     admin_user):
    from gridgov.portal import actions, sms
    from gridgov.portal.models import Booking, SessionSignup

    page = phone_page
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    start = timezone.localtime() + datetime.timedelta(days=2)
    session = actions.save_session(
        actor=admin_user, community=tree[COMMUNITY], title="家庭医生义诊", kind="health", place="卫生服务站",
        slots=[(start.replace(hour=9, minute=0), start.replace(hour=9, minute=30), 5)])
    # sign up: code by SMS (the console sender), then password and consent
    page.goto(page.base_url + reverse("portal:signup", args=[COMMUNITY]))
    page.fill("#id_phone", "13700001234")
    page.click("#send-code")
    code = sms.outbox[-1][1].split("验证码是 ")[1][:6]
    page.fill("#id_code", code)
    page.fill("#id_password", "Resident-2026")
    page.check("#id_agree")
    page.click("#register")
    # verify: name + ID against the registry
    page.wait_for_url("**/c/me/verify/**")
    page.fill("#id_name", "李居民")
    page.fill("#id_id_number", PERSON_ID)
    page.click("#verify-submit")
    page.wait_for_selector("#verified-badge")
    assert page.evaluate(OVERFLOW) <= 0
    # book a room from the availability calendar
    page.goto(page.base_url + reverse("portal:facility", args=[COMMUNITY, room.pk]))
    page.locator("a.slot-free").nth(3).click()
    page.fill("#id_purpose", "老年合唱排练")
    page.fill("#id_attendees", "12")
    with page.expect_navigation():
        page.click("#book-submit")
    assert "/c/me/bookings/" in page.url, page.content()[-3000:]
    assert Booking.objects.filter(state="confirmed", purpose="老年合唱排练").count() == 1
    page.locator(".rate-form button[value=rate]").first.click()
    page.wait_for_load_state("load")
    assert Booking.objects.get().rating == 5
    # a public-interest session: sign up and rate
    page.goto(page.base_url + reverse("portal:sessions", args=[COMMUNITY]))
    page.locator(f"#s{session.pk} button").first.click()
    page.wait_for_url("**/c/me/bookings/")
    page.locator("form[action*='/c/me/signups/'] button[value=rate]").click()
    page.wait_for_load_state("load")
    assert SessionSignup.objects.get().rating == 5
    assert page.evaluate(OVERFLOW) <= 0
    # staff publish a notice; the resident sees it on the community home
    post = actions.save_post(actor=admin_user, community=tree[COMMUNITY], kind="notice", title="冬季供暖通知",
                             body="<p>请注意</p>")
    actions.publish_post(actor=admin_user, post=post)
    from gridgov.portal.homecache import invalidate_home

    invalidate_home(COMMUNITY)  # (the live server's on_commit ran in this thread's transaction)
    page.goto(page.base_url + reverse("portal:home", args=[COMMUNITY]))
    assert "冬季供暖通知" in page.content()
    # 长辈 mode: bigger type, still no sideways scroll
    page.click("#elder-switch")
    page.wait_for_load_state("load")
    size = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert size >= 18 and page.evaluate(OVERFLOW) <= 0
    assert not errors, errors

    # axe-core on the main pages, normal and 长辈 mode (a context that lets the axe script in)
    if not AXE.exists():
        pytest.skip("axe-core is not installed")
    context = _browser.new_context(viewport={"width": 390, "height": 844}, bypass_csp=True, locale="zh-CN")
    axe_page = context.new_page()
    axe_page.base_url = live_server.url
    urls = [reverse("portal:district"), reverse("portal:home", args=[COMMUNITY]),
            reverse("portal:facility", args=[COMMUNITY, room.pk]), reverse("portal:sessions", args=[COMMUNITY]),
            reverse("portal:grids", args=[COMMUNITY]), reverse("portal:signup", args=[COMMUNITY]),
            reverse("portal:post", args=[COMMUNITY, post.pk]), reverse("portal:login")]
    found = []
    for elder in (False, True):
        if elder:
            context.add_cookies([{"name": "elder", "value": "1", "url": live_server.url}])
        for url in urls:
            found += [f"{'长辈 ' if elder else ''}{url}: {v}" for v in _axe(axe_page, url)]
    context.close()
    assert not found, "\n".join(found)

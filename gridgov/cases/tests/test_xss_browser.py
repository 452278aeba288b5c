"""Issue 11: stored script from anonymous input never runs. Chromium opens every staff and public
page that shows an anonymous report's text (case list and its map popups, the case page, the
public progress page) and a person's page, once with the Content Security Policy and once with
the policy switched off (`bypass_csp`), so the test fails if any of these pages writes the text
as HTML — not only if the policy happens to block it. Any dialog, changed title or set global
from the payloads fails it."""

import os

import pytest

from gridgov.accounts.choices import RoleCode
from gridgov.conftest import login

from .conftest import POINT

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PAYLOADS = [
    '<img src=x onerror="alert(1);document.title=\'XSS\';window.__xss=1">',
    "<script>alert(2);document.title='XSS';window.__xss=1</script>",
    '<svg onload="alert(3);window.__xss=1"></svg>',
]


@pytest.mark.parametrize("bypass_csp", [False, True])
def test_no_script_from_anonymous_text_runs(_browser, live_server, django_db_serialized_rollback, transactional_db,
                                            make_user, tree, department, bypass_csp, settings, tmp_path):
    from django.contrib.auth.models import AnonymousUser

    from gridgov.cases import actions
    from gridgov.cases.choices import Channel
    from gridgov.cases.models import CaseCategory
    from gridgov.cases.tests.conftest import _ensure_defaults
    from gridgov.registry import actions as registry_actions

    settings.MEDIA_ROOT = tmp_path
    _ensure_defaults()
    category = CaseCategory.objects.filter(is_public=True, parent__isnull=False, extra_questions=[]).first()
    cases = [actions.report_case(actor=AnonymousUser(), category=category, title=p[:100], description=p * 3,
                                 channel=Channel.WEB, lng=POINT[0] + i * 0.0002, lat=POINT[1], address=p[:150],
                                 reporter_name=p[:40]) for i, p in enumerate(PAYLOADS)]
    admin = make_user(RoleCode.DISTRICT_ADMIN, tree["430702000000"], username="admin-xss")
    person = registry_actions.register_person(actor=admin, grid=tree["430702004001001"],
                                              data={"name": "<b>张</b>", "id_type": "none", "note": PAYLOADS[0][:200]})

    context = _browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN", bypass_csp=bypass_csp)
    page = context.new_page()
    page.set_default_timeout(15000)
    page.base_url = live_server.url
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))

    def clean():
        assert dialogs == []
        assert page.title() != "XSS"
        assert page.evaluate("() => window.__xss === undefined")

    try:
        for case in cases:
            page.goto(f"{live_server.url}/cases/public/t/{case.public_token}/")
            assert "<img src=x" in page.inner_text("body") or "<script>" in page.inner_text("body") \
                or "<svg" in page.inner_text("body")  # shown as text
            clean()
        login(page, "admin-xss")
        page.goto(f"{live_server.url}/cases/")
        page.wait_for_load_state("networkidle")
        clean()
        page.goto(f"{live_server.url}/cases/?view=map")
        page.wait_for_load_state("networkidle")
        markers = page.locator('path.leaflet-interactive[fill="#0b57d0"]')
        markers.first.wait_for()
        for i in range(markers.count()):
            markers.nth(i).click(force=True)
            page.locator(".leaflet-popup-content").first.wait_for()
            clean()
        popup = page.inner_text(".leaflet-popup-content")
        assert "<" in popup  # the title is there, as text
        for case in cases:
            page.goto(f"{live_server.url}/cases/{case.pk}/")
            page.wait_for_load_state("networkidle")
            clean()
        for url in (f"/registry/persons/{person.pk}/", "/registry/persons/", "/audit/"):
            page.goto(live_server.url + url)
            page.wait_for_load_state("networkidle")
            clean()
    finally:
        context.close()

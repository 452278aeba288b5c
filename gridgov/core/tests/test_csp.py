"""Content Security Policy (issue 11, blocker 1): no inline script anywhere."""

import re
from pathlib import Path

import pytest
from django.conf import settings

TEMPLATE_ROOT = Path(settings.BASE_DIR) / "gridgov"
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)
JS_URL = re.compile(r"(href|src|action)\s*=\s*[\"']?\s*javascript:", re.I)


def _templates():
    return [p for p in TEMPLATE_ROOT.rglob("templates/**/*.html") if "node_modules" not in p.parts]


def test_templates_have_no_inline_script_nor_handlers():
    offenders = []
    for path in _templates():
        text = path.read_text(encoding="utf-8")
        for rx in (INLINE_SCRIPT, HANDLER, JS_URL):
            offenders += [f"{path.relative_to(TEMPLATE_ROOT)}: {m.group(0)[:60]}" for m in rx.finditer(text)]
    assert not offenders, "move script into static/<app>/*.js (docs/security.md):\n" + "\n".join(offenders)


@pytest.mark.parametrize("url", ["/accounts/login/", "/cases/public/report/", "/open311/v2/services.json"])
def test_every_response_carries_a_policy_without_inline_script(client, url, db):
    r = client.get(url)
    policy = r["Content-Security-Policy"]
    directives = dict((d.strip().split(" ", 1) + [""])[:2] for d in policy.split(";") if d.strip())
    assert directives["script-src"] == "'self'"
    assert "unsafe-inline" not in directives["script-src"] and "unsafe-eval" not in policy
    assert directives["object-src"] == "'none'" and directives["frame-ancestors"] == "'none'"
    assert r["X-Content-Type-Options"] == "nosniff"


def test_signed_in_pages_too(client, admin_user):
    client.force_login(admin_user)
    r = client.get("/")
    assert "script-src 'self'" in r["Content-Security-Policy"]


def test_api_docs_are_not_public_and_need_no_inline_script(client, admin_user):
    assert client.get("/api/schema/").status_code in (401, 403)
    assert client.get("/api/docs/").status_code in (401, 403)
    client.force_login(admin_user)
    r = client.get("/api/docs/")
    assert r.status_code == 200
    assert not INLINE_SCRIPT.search(r.content.decode())

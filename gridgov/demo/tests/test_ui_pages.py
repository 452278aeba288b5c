"""Every page a demo role can reach fits a phone and a desk (issue 12, docs/ui.md).

The pages come from the manifests: each demo account (every app's `DemoAccount`) logs in and
visits its home and every entry of its own menu (`core.menu.visible_entries`), and the public
pages the apps declare in `extra={"public_pages": (...)}` are visited signed out. So a page an
app adds to its `contributions.py` is checked with no list to update here.

At 390×844 and 1366×768 each page must answer < 400, not scroll sideways, keep every element
inside its card, and log no console error; for the administrator, so does the detail page
behind the first row of every list. axe-core then checks the staff shell, a list, a
detail page, a form and the public report page for serious or critical violations.

One browser, one data load (the tiny demo district) for the whole module: the checks run in one
test and report every failure at the end. `UI_SCREENSHOTS=1` also writes the screenshots
(main page of every app, every role's home, the public pages) into docs/screenshots/.
"""

import os
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from gridgov.core.manifest import all_contributions, resolve
from gridgov.core.menu import visible_entries
from gridgov.demo.accounts import DEMO_PASSWORD, demo_accounts

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
# the demo needs the rows data migrations seed (case and component classes): run this module
# before any live-server test flushes them (gridgov/conftest.py)
RUN_BEFORE_FLUSHES = True

VIEWPORTS = {"phone": (390, 844), "desk": (1366, 768)}
# a few more screenshots than the first page of each app (the README shows some of them)
EXTRA_SHOTS = {"divisions:map": "map", "cases:report": "case-report", "registry:person_list": "persons"}
SHOTS = Path(settings.BASE_DIR) / "docs" / "screenshots"
AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"

# Measured in the page: the document's sideways overflow, and every element that sticks out of
# the card it is in (ignoring what sits in a scroll container or a map, which clip on purpose).
MEASURE = """() => {
  const doc = document.documentElement;
  const out = {overflow: Math.max(doc.scrollWidth, document.body.scrollWidth) - window.innerWidth, cards: []};
  const clipped = el => {
    for (let p = el.parentElement; p && !p.classList.contains('card'); p = p.parentElement) {
      const s = getComputedStyle(p);
      if (/(auto|scroll|hidden|clip)/.test(s.overflowX) || p.classList.contains('leaflet-container')) return true;
    }
    return false;
  };
  for (const card of document.querySelectorAll('.card')) {
    if (!card.offsetParent) continue;
    const box = card.getBoundingClientRect();
    for (const el of card.querySelectorAll('*')) {
      const r = el.getBoundingClientRect();
      if (!r.width || !r.height || clipped(el)) continue;
      if (r.right > box.right + 1.5 || r.left < box.left - 1.5) {
        const text = (el.textContent || el.tagName).trim().replace(/\\s+/g, ' ').slice(0, 40);
        out.cards.push(`${el.tagName.toLowerCase()}.${[...el.classList].join('.')} «${text}» `
                       + `[${Math.round(r.left)}–${Math.round(r.right)}] outside card [${Math.round(box.left)}–${Math.round(box.right)}]`);
        break;
      }
    }
  }
  return out;
}"""


FIRST_ROW_LINK = """() => {
  const a = document.querySelector('main table tbody tr td a[href^="/"]:not([href*="?"]):not([download])');
  return a && a.getAttribute('href') !== location.pathname ? a.getAttribute('href') : null;
}"""


def public_pages():
    """[(name, path)] the apps declare as public: `extra={"public_pages": (...)}` holds URL names
    (no arguments) or dotted paths to `f() -> [(name, path)]` for pages that need one."""
    found = []
    for manifest in all_contributions():
        for item in manifest.extra.get("public_pages", ()):
            if ":" in item:
                found.append((item.split(":")[-1], reverse(item)))
            else:
                found.extend(resolve(item)())
    return found


def slug(text):
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


class Report:
    def __init__(self):
        self.failures = []

    def check(self, ok, message):
        if not ok:
            self.failures.append(message)


def visit(page, url, where, report, shot=None):
    errors = page.console_errors
    errors.clear()
    try:
        response = page.goto(page.base_url + url, wait_until="load")
    except Exception as exc:  # a file download (an export or an import template) is not a page
        if "Download is starting" in str(exc):
            return
        raise
    if page.locator(".gg-map").count():  # maps on the shared base: wait for its first draw
        try:  # (no wait_for_function: its polling evaluates strings, which the CSP forbids)
            page.locator(".gg-map:not([data-basemap-ready])").first.wait_for(state="detached", timeout=10000)
        except Exception:
            report.failures.append(f"{where}: the base map did not draw within 10 s")
    page.wait_for_timeout(50)
    report.check(response is not None and response.status < 400, f"{where}: HTTP {response and response.status}")
    found = page.evaluate(MEASURE)
    report.check(found["overflow"] <= 1, f"{where}: the page scrolls sideways by {found['overflow']} px")
    for line in found["cards"]:
        report.failures.append(f"{where}: {line}")
    report.check(not errors, f"{where}: console errors {errors}")
    if shot and os.environ.get("UI_SCREENSHOTS"):
        page.wait_for_load_state("networkidle")
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{shot}.png"))


def new_page(browser, live_server, viewport, **extra):
    width, height = VIEWPORTS[viewport]
    context = browser.new_context(viewport={"width": width, "height": height}, is_mobile=viewport == "phone",
                                  has_touch=viewport == "phone", locale="zh-CN", timezone_id="Asia/Shanghai", **extra)
    page = context.new_page()
    page.set_default_timeout(15000)
    page.base_url = live_server.url
    page.console_errors = []
    page.on("console", lambda m: page.console_errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: page.console_errors.append(str(e)))
    return page


def sign_in(page, username):
    page.goto(page.base_url + reverse("accounts:login"))
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(lambda u: "/accounts/login" not in u)


def axe_violations(page, url):
    page.goto(page.base_url + url, wait_until="load")
    page.evaluate(AXE.read_text())
    result = page.evaluate("""async () => {
      const r = await axe.run(document, {resultTypes: ['violations']});
      return r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
        .map(v => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | ')}`);
    }""")
    return result


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_every_page_of_every_role_fits_phone_and_desk_and_passes_axe(_browser, live_server):
    # given the tiny demo district with every app's demo accounts
    # (the screenshots for the docs come from the small district: richer, 20 s more)
    scale = "small" if os.environ.get("UI_SCREENSHOTS") else "tiny"
    call_command("demo", scale=scale, seed=2026, verbosity=0, stdout=open(os.devnull, "w"))
    from gridgov.accounts.models import User

    accounts = [a.username for a in [*demo_accounts(), *demo_accounts(made_by_step=True)]
                if User.objects.filter(username=a.username, is_active=True).exists()]
    assert len(accounts) >= 9, accounts
    report = Report()
    app_shots = set()
    for viewport in VIEWPORTS:
        # public pages, signed out
        page = new_page(_browser, live_server, viewport)
        for name, path in [("login", reverse("accounts:login")), *public_pages()]:
            visit(page, path, f"[{viewport}] public {path}", report, shot=f"public-{slug(name)}-{viewport}")
        page.context.close()
        # every role: its home and its menu (an account whose menu another account with the same
        # role already walked only has its home checked)
        walked = set()
        for username in accounts:
            page = new_page(_browser, live_server, viewport)
            sign_in(page, username)
            user = User.objects.get(username=username)
            visit(page, "/", f"[{viewport}] {username} home", report, shot=f"home-{slug(username)}-{viewport}")
            roles = tuple(sorted(user.assignments.values_list("role__code", flat=True)))
            menu = tuple(e.url for e in visible_entries(user))
            if (roles, menu) in walked:
                page.context.close()
                continue
            walked.add((roles, menu))
            for entry in visible_entries(user):
                if entry.url == "/":
                    continue
                shot = None
                if (entry.app, viewport) not in app_shots:
                    shot = f"app-{slug(entry.app)}-{viewport}"
                elif entry.entry.url_name in EXTRA_SHOTS and (entry.entry.url_name, viewport) not in app_shots:
                    shot = f"page-{EXTRA_SHOTS[entry.entry.url_name]}-{viewport}"
                app_shots.update({(entry.app, viewport), (entry.entry.url_name, viewport)})
                visit(page, entry.url, f"[{viewport}] {username} {entry.entry.label} {entry.url}", report, shot=shot)
                if username == "admin":  # and the detail page behind the list's first row
                    detail = page.evaluate(FIRST_ROW_LINK)
                    pattern = re.sub(r"\d+", "N", detail or "")
                    if detail and (pattern, viewport) not in app_shots:
                        app_shots.add((pattern, viewport))
                        visit(page, detail, f"[{viewport}] admin detail {detail} (from {entry.url})", report)
            page.context.close()

    # axe-core on the shell, a list, a detail page, a form and the public report page
    from gridgov.cases.models import Case

    if AXE.exists():
        case = Case.objects.order_by("pk").first()
        page = new_page(_browser, live_server, "desk", bypass_csp=True)
        for url in [reverse("cases:public_report")]:
            for v in axe_violations(page, url):
                report.failures.append(f"axe {url}: {v}")
        sign_in(page, "admin")
        for url in ["/", reverse("cases:list"), reverse("cases:detail", args=[case.pk]), reverse("cases:report")]:
            for v in axe_violations(page, url):
                report.failures.append(f"axe {url}: {v}")
        page.context.close()
    else:
        report.failures.append(f"axe-core is not installed at {AXE} (make setup installs it)")

    # then
    assert not report.failures, "\n".join(report.failures)

"""Screenshots of the big screen at 1920×1080, 3840×2160 and 1366×768 (and a drill-down), from a
running server: `python bench/screen/shots.py http://127.0.0.1:8106 screen01 PASSWORD OUTDIR`."""

import sys

from playwright.sync_api import sync_playwright

SIZES = [(1920, 1080), (3840, 2160), (1366, 768)]


def login(page, base, user, password):
    page.goto(base + "/accounts/login/")
    page.fill("#id_username", user)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")


def main(base, user, password, out, scope=""):
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"])
        for w, h in SIZES:
            ctx = browser.new_context(viewport={"width": w, "height": h}, locale="zh-CN", timezone_id="Asia/Shanghai")
            page = ctx.new_page()
            login(page, base, user, password)
            page.goto(base + "/screen/" + (f"?scope={scope}" if scope else ""))
            while not page.evaluate("document.querySelector('[data-screen]').dataset.scope"):
                page.wait_for_timeout(100)
            page.wait_for_timeout(1500)
            scroll = page.evaluate("[document.documentElement.scrollWidth - innerWidth,"
                                   " document.documentElement.scrollHeight - innerHeight]")
            print(w, h, "overflow", scroll, page.evaluate("document.querySelector('[data-screen]').dataset.error"))
            page.screenshot(path=f"{out}/screen-{w}x{h}.png")
            ctx.close()
        browser.close()


if __name__ == "__main__":
    main(*sys.argv[1:])

"""Time to a usable page in Chromium (1366×768) for the heaviest page of each app.

Called by `run.py --browser` with the server-side rows: for each app (the first segment of the
address) the page with the highest server p50 is opened as the role that was slowest on it,
through a gunicorn serving the cached database on port 8108. Time to usable = the later of the
first contentful paint and the end of the last htmx request / fetch the page made by itself
(its htmx swaps settled, its map data loaded), measured from navigation start; the median of
three loads with a warm browser cache (static files are cached as in daily use).
"""

import os
import signal
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import _cache as cache

ROOT = Path(__file__).resolve().parents[2]
PORT = int(os.environ.get("BENCH_PAGES_PORT", 8108))
CHROMIUM = next((p for p in ("/usr/bin/chromium", "/usr/bin/chromium-browser") if os.path.exists(p)), None)
PASSWORD = "Demo2026!grid"
TARGET_MS = 1000

# Recorded in the page before its own scripts run: htmx requests in flight and when the last
# one settled.
TRACKER = """
window.__bench = {inflight: 0, settled: 0};
document.addEventListener('htmx:beforeRequest', () => { window.__bench.inflight += 1; });
document.addEventListener('htmx:afterSettle', () => {
  window.__bench.inflight = Math.max(0, window.__bench.inflight - 1);
  window.__bench.settled = performance.now();
});
"""
READ = """() => {
  const paint = performance.getEntriesByName('first-contentful-paint')[0];
  const nav = performance.getEntriesByType('navigation')[0];
  const calls = performance.getEntriesByType('resource')
      .filter(e => e.initiatorType === 'fetch' || e.initiatorType === 'xmlhttprequest');
  return {fcp: paint ? paint.startTime : null, dcl: nav ? nav.domContentLoadedEventEnd : null,
          load: nav ? nav.loadEventEnd : null, settled: window.__bench.settled,
          inflight: window.__bench.inflight, calls: calls.length,
          last_call: calls.reduce((m, e) => Math.max(m, e.responseEnd), 0)};
}"""


def heaviest(rows):
    """{app: row} — the page with the highest server p50 per app (first address segment)."""
    best = {}
    for r in rows:
        if r.get("error") or r.get("status") != 200:
            continue
        app = r.get("app") or r["page"].strip("/").split("/")[0] or "core"
        if app not in best or r["p50_ms"] > best[app]["p50_ms"]:
            best[app] = r
    return best


def _serve(env):
    cmd = [str(ROOT / ".venv/bin/gunicorn"), "gridgov.wsgi", "-b", f"127.0.0.1:{PORT}", "-w", "2", "--threads", "4",
           "--log-level", "warning"]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, start_new_session=True)
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{PORT}/healthz", timeout=1)
            return proc
        except OSError:
            time.sleep(0.2)
    os.killpg(proc.pid, signal.SIGTERM)
    raise SystemExit("gunicorn did not start")


def _login(context, username):
    page = context.new_page()
    page.goto(f"http://127.0.0.1:{PORT}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    page.close()


def time_page(context, url, loads=3):
    figures = []
    for _ in range(loads + 1):  # the first load warms the browser cache
        page = context.new_page()
        page.add_init_script(TRACKER)
        page.goto(f"http://127.0.0.1:{PORT}{url}", wait_until="load")
        page.wait_for_load_state("networkidle")
        f = page.evaluate(READ)
        page.close()
        f["usable"] = max(x for x in (f["fcp"] or 0, f["settled"], f["last_call"]) if x is not None)
        figures.append(f)
    figures = figures[1:]
    return {k: round(statistics.median(f[k] or 0 for f in figures), 1) for k in ("usable", "fcp", "dcl", "load",
                                                                                  "last_call", "settled", "calls")}


def run(db, scale, seed, rows):
    if CHROMIUM is None:
        print("chromium not installed: browser timing skipped")
        return None
    from playwright.sync_api import sync_playwright

    env = cache.environment(db, scale, seed)
    (cache.var_dir(scale, seed) / "static").mkdir(exist_ok=True)  # STATIC_ROOT: whitenoise serves from the finders
    server = _serve(env)
    results = []
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                         args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])
            for app, row in sorted(heaviest(rows).items()):
                context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN",
                                              timezone_id="Asia/Shanghai")
                if row["username"] not in ("", "anonymous"):  # public pages are timed signed out
                    _login(context, row["username"])
                f = time_page(context, row["page"])
                context.close()
                results.append({"app": app, "page": row["page"], "username": row["username"], **f})
            browser.close()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    print(f"\n### Chromium, 1366×768, {db}: "
          f"time to usable (median of 3; load average {os.getloadavg()[0]:.2f})")
    print("| app | page | role | usable ms | FCP ms | DOMContentLoaded ms | last htmx/fetch ms | calls |")
    print("|---|---|---|---:|---:|---:|---:|---:|")
    for r in results:
        flag = "**" if r["usable"] >= TARGET_MS else ""
        print(f"| {r['app']} | `{r['page']}` | {r['username']} | {flag}{r['usable']:.0f}{flag} | {r['fcp']:.0f} | "
              f"{r['dcl']:.0f} | {max(r['last_call'], r['settled']):.0f} | {r['calls']:.0f} |")
    sys.stdout.flush()
    return results

"""Big-screen figures on the district-scale demo (PostgreSQL):

1. the screen JSON per scope, server time (in-process Django client: no network), p50/p95 over
   the district, every street, and samples of communities and grids — beside the baseline of
   counting the same totals live (what the maintained sums replace);
2. the maintained sums' refresh: a full rebuild and an unchanged refresh;
3. first paint and first data in Chromium at 1920×1080 against gunicorn;
4. 2,000 refresh cycles in Chromium (the 10-second timer fast-forwarded by calling refresh()
   back to back): JS heap after a warm-up and at the end (after a forced GC), server errors.

    DATABASE_URL=postgres://…/community_bench .venv/bin/python bench/screen/run.py [--cycles 2000] [--port 8106]

Needs the district demo loaded (`gridgov demo --scale district`) and the display login
`screen01` (`gridgov demo_accounts`). Prints the load average beside every figure.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gridgov.settings")


def load():
    return "load {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def server_side(repeat):
    import django

    django.setup()
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from gridgov.accounts.models import User
    from gridgov.dashboard import screen_stats
    from gridgov.divisions.models import Division

    if connection.vendor == "postgresql":  # the demo loader leaves fresh tables unanalysed; autovacuum would
        with connection.cursor() as cur:      # get there in production, the bench does not wait for it
            cur.execute("ANALYZE")
    t = time.perf_counter()
    from gridgov.dashboard.models import ScreenStat

    ScreenStat.objects.all().delete()
    rows = screen_stats.refresh()
    full = time.perf_counter() - t
    t = time.perf_counter()
    again = screen_stats.refresh()
    unchanged = time.perf_counter() - t
    print(f"sums: full rebuild {full:.2f} s ({rows} rows), unchanged refresh {unchanged:.2f} s ({again} rows) · {load()}")

    user = User.objects.get(username="screen01")
    client = Client()
    client.force_login(user)
    district = Division.objects.get(level=1)
    streets = list(Division.objects.filter(level=2, is_active=True).order_by("code"))
    communities = list(Division.objects.filter(level=3, is_active=True).order_by("code"))[::8][:20]
    grids = list(Division.objects.filter(level=4, is_active=True).order_by("code"))[::29][:20]
    scopes = {"district": [district], "street": streets, "community": communities, "grid": grids}
    for d in [district, streets[0], communities[0], grids[0]]:  # warm the connection and caches
        client.get(f"/screen/data/{d.code}.json")
    all_times = []
    for level, divisions in scopes.items():
        times, queries = [], []
        for _ in range(repeat):
            for d in divisions:
                with CaptureQueriesContext(connection) as ctx:
                    t = time.perf_counter()
                    r = client.get(f"/screen/data/{d.code}.json")
                    times.append((time.perf_counter() - t) * 1000)
                assert r.status_code == 200, (d.code, r.status_code)
                queries.append(len(ctx.captured_queries))
        all_times += times
        print(f"screen JSON {level:9s} n={len(times):4d} p50 {pct(times, 50):6.1f} ms  p95 {pct(times, 95):6.1f} ms"
              f"  max {max(times):6.1f} ms  queries {min(queries)}–{max(queries)} · {load()}")
    print(f"screen JSON all scopes n={len(all_times)} p95 {pct(all_times, 95):.1f} ms (target < 150 ms) · {load()}")

    # baseline: the same district totals counted live through visible_to on every request
    from gridgov.cases.models import Case
    from gridgov.registry.models import Building, Component, House, Household, LegalEntity, Person

    times = []
    for _ in range(3):
        t = time.perf_counter()
        for model in (Person, Household, Building, House, LegalEntity, Component, Case):
            model.objects.visible_to(user if model is not Case else User.objects.get(username="admin")).count()
        times.append((time.perf_counter() - t) * 1000)
    print(f"baseline: the 7 district totals counted live {statistics.median(times):.0f} ms per refresh "
          f"(the sums read them in one query) · {load()}")
    reset_queries()


def browser(port, cycles):
    from playwright.sync_api import sync_playwright

    env = {**os.environ, "GRIDGOV_VAR_DIR": os.environ.get("GRIDGOV_VAR_DIR", str(ROOT / "var"))}
    subprocess.run([str(ROOT / ".venv/bin/gridgov"), "collectstatic", "--noinput", "-v0"], check=True, env=env)
    server = subprocess.Popen([str(ROOT / ".venv/bin/gunicorn"), "gridgov.wsgi", "-b", f"127.0.0.1:{port}", "-w", "2",
                               "--log-level", "warning"], env=env)
    base = f"http://127.0.0.1:{port}"
    errors = []
    try:
        for _ in range(50):
            try:
                import urllib.request

                urllib.request.urlopen(base + "/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        with sync_playwright() as pw:
            b = pw.chromium.launch(executable_path="/usr/bin/chromium",
                                   args=["--no-sandbox", "--disable-gpu", "--enable-precise-memory-info",
                                         "--js-flags=--expose-gc"])
            ctx = b.new_context(viewport={"width": 1920, "height": 1080}, locale="zh-CN", timezone_id="Asia/Shanghai")
            page = ctx.new_page()
            page.on("response", lambda r: errors.append((r.status, r.url)) if r.status >= 500 else None)
            page.goto(base + "/accounts/login/")
            page.fill("#id_username", "screen01")
            page.fill("#id_password", "Demo2026!grid")
            page.click("button[type=submit]")
            page.wait_for_load_state("networkidle")
            paints = []
            for _ in range(5):
                t = time.perf_counter()
                page.goto(base + "/screen/")
                while not page.evaluate("document.querySelector('[data-screen]').dataset.scope"):
                    page.wait_for_timeout(20)
                data_ms = (time.perf_counter() - t) * 1000
                fcp = page.evaluate("performance.getEntriesByName('first-contentful-paint')[0].startTime")
                paints.append((fcp, data_ms))
            fcps = sorted(p[0] for p in paints)
            datas = sorted(p[1] for p in paints)
            print(f"first paint 1920×1080: first-contentful-paint median {statistics.median(fcps):.0f} ms, "
                  f"all panels with data median {statistics.median(datas):.0f} ms (max {max(datas):.0f}) "
                  f"(target < 2 s) · {load()}")

            cdp = ctx.new_cdp_session(page)

            def heap():
                cdp.send("HeapProfiler.collectGarbage")
                return page.evaluate("performance.memory.usedJSHeapSize")

            warm = 100
            page.evaluate(f"async () => {{ for (let i = 0; i < {warm}; i++) await window.gridScreen.refresh(); }}")
            h0 = heap()
            t = time.perf_counter()
            done = 0
            step = 250
            while done < cycles:
                n = min(step, cycles - done)
                page.evaluate(f"async () => {{ for (let i = 0; i < {n}; i++) await window.gridScreen.refresh(); }}")
                done += n
            elapsed = time.perf_counter() - t
            h1 = heap()
            err = page.evaluate("document.querySelector('[data-screen]').dataset.error || null")
            print(f"{cycles} refresh cycles in {elapsed:.0f} s ({elapsed / cycles * 1000:.0f} ms each): JS heap "
                  f"{h0 / 1e6:.1f} MB after {warm} warm-up cycles → {h1 / 1e6:.1f} MB "
                  f"({(h1 - h0) / h0 * 100:+.1f} %, target < 20 %), server errors {len(errors)}, page error {err} "
                  f"· {load()}")
            b.close()
    finally:
        server.terminate()
        server.wait(10)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cycles", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--port", type=int, default=8106)
    parser.add_argument("--skip-browser", action="store_true")
    args = parser.parse_args()
    print(f"bench/screen on {os.environ.get('DATABASE_URL', 'SQLite')} · {load()}")
    server_side(args.repeat)
    if not args.skip_browser:
        browser(args.port, args.cycles)


if __name__ == "__main__":
    main()

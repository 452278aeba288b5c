"""Measure every page of every demo role on the database the environment points at (run by
`run.py` in a child process per database). Writes one JSON row per page × role.

    GRIDGOV_VAR_DIR=… [DATABASE_URL=…] python bench/pages/_measure.py --repeat 5 --out rows.json
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--roles", default="", help="comma-separated usernames (default: one per demo role)")
    ap.add_argument("--only", default="", help="measure only pages whose address contains this")
    ap.add_argument("--out", required=True)
    args = ap.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from gridgov.core.heap import settle

    settle()  # as the web workers do (gridgov/wsgi.py)
    from django.db import connection
    from django.test import Client

    from gridgov.accounts.models import User
    from gridgov.demo.pages import (
        ANONYMOUS,
        demo_roles,
        login_client,
        measure,
        pages_for,
        public_pages,
        summary_row,
    )

    roles = demo_roles()
    if args.roles:
        wanted = args.roles.split(",")
        roles = [(r, u) for r, u in roles if u in wanted] + [
            (u, u) for u in wanted if u not in {x for _, x in roles} and u != "anonymous"]
    rows = []
    t0 = time.perf_counter()
    if not args.roles or "anonymous" in args.roles.split(","):
        roles = [*roles, ANONYMOUS]  # the public pages, signed out
    for role, username in roles:
        if username:
            user = User.objects.get(username=username)
            client, pages = login_client(user), pages_for(user)
        else:
            client, pages, username = Client(raise_request_exception=True), public_pages(), "anonymous"
        for page in pages:
            if args.only and args.only not in page.url:
                continue
            try:
                m = measure(client, page.url, repeat=args.repeat)
            except Exception as exc:  # a broken page is a finding, not the end of the run
                rows.append({"role": role, "username": username, "page": page.url, "label": page.label,
                             "source": page.source, "status": 500, "error": f"{type(exc).__name__}: {exc}"[:300]})
                print(f"  {username:12s} {page.url:40s} ERROR {exc}", file=sys.stderr, flush=True)
                continue
            row = summary_row(role, page, m)
            row["username"] = username
            rows.append(row)
            print(f"  {username:12s} {page.url:40s} p50 {row['p50_ms']:7.1f} ms  p95 {row['p95_ms']:7.1f} ms"
                  f"  {row['queries']:3d} q  {row['bytes'] / 1024:6.1f} KB  {row['status']}", flush=True)
    out = {"database": connection.vendor, "rows": rows, "seconds": round(time.perf_counter() - t0, 1),
           "load_average": os.getloadavg()}
    Path(args.out).write_text(json.dumps(out, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())

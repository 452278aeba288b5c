"""Search latency (p50/p95) at N persons: name, name prefix, initials, pinyin prefix, full ID
(keyed hash), ID last 6, phone (keyed hash), phone last 4, and the widest ones (a one-character
surname, a single initial letter) — for a district administrator (no
scope filter) and a community worker (division-code prefix).

    .venv/bin/python bench/registry/search_bench.py --rows 700000            # PostgreSQL + SQLite
    .venv/bin/python bench/registry/search_bench.py --rows 200000 --backend sqlite

Uses the same databases as import_bench.py and imports the person file first when the database
does not hold about --rows persons (±5 %).
"""

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))
SAMPLES = 200


def _p(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def run_backend(url, rows):
    import common

    common.setup_django(url)
    from django.db import connection

    from gridgov.registry.models import Person

    if not rows * 0.95 <= Person.objects.count() <= rows * 1.05:  # (re)load a database of the asked size
        import import_bench

        import_bench.run_backend(url, rows, False)
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
    from gridgov.accounts.choices import RoleCode
    from gridgov.accounts.models import RoleAssignment, User
    from gridgov.accounts.roles import ensure_roles
    from gridgov.divisions.models import Division
    from gridgov.registry import queries

    roles = ensure_roles()
    admin = common.admin()
    worker = User.objects.filter(username="bench-community").first()
    if worker is None:
        worker = User.objects.create_user("bench-community", password="Passw0rd-bench")
        RoleAssignment.objects.create(user=worker, role=roles[RoleCode.COMMUNITY_STAFF],
                                      division=Division.objects.filter(level=3).order_by("code").first())
    rng = random.Random(7)
    from django.db.models import Max, Min

    n = Person.objects.count()
    bounds = Person.objects.aggregate(lo=Min("id"), hi=Max("id"))
    ids = [rng.randint(bounds["lo"], bounds["hi"]) for _ in range(SAMPLES * 3)]
    # ID and phone numbers are encrypted at rest (ADR 0026): search for what a user types, the plain number
    sample = [{"name": p.name, "name_pinyin": p.name_pinyin, "name_initials": p.name_initials,
               "id_number": p.id_number_plain, "phone": p.phone_plain}
              for p in Person.objects.filter(pk__in=ids)[:SAMPLES]]
    cases = {
        "姓名": [s["name"] for s in sample],
        "姓名前缀": [s["name"][:2] for s in sample],
        "单字姓": [s["name"][:1] for s in sample],  # the widest name prefix: ~1 % of a district each
        "单个首字母": [s["name_initials"][:1] for s in sample],  # initials = x or pinyin LIKE 'x%'

        "首字母": [s["name_initials"] for s in sample],
        "全拼前缀": [s["name_pinyin"][:6] for s in sample],
        "完整证件号": [s["id_number"] for s in sample],
        "证件后六位": [s["id_number"][-6:] for s in sample],
        "完整手机号": [s["phone"] for s in sample if s["phone"]],
        "手机后四位": [s["phone"][-4:] for s in sample if s["phone"]],
    }
    result = {"backend": connection.vendor, "persons": n, "ms": {}}
    for who, user in (("admin", admin), ("community", worker)):
        for label, qs in cases.items():
            times, hits = [], 0
            if not qs:
                continue
            for q in qs:
                started = time.perf_counter()
                f = queries.person_filter(q)
                found = list(Person.objects.visible_to(user).filter(f).order_by().only(
                    *queries.PERSON_LIST_FIELDS)[:50])
                times.append((time.perf_counter() - started) * 1000)
                hits += bool(found)
            result["ms"][f"{who}:{label}"] = {"p50": round(_p(times, 0.5), 2), "p95": round(_p(times, 0.95), 2),
                                              "hit_rate": round(hits / len(qs), 2)}
            print(f"[{connection.vendor}] {who:9s} {label:6s} p50 {_p(times, .5):7.2f} ms  "
                  f"p95 {_p(times, .95):7.2f} ms  命中 {hits}/{len(qs)}", flush=True)
    print("RESULT " + json.dumps(result, ensure_ascii=False), flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=700_000)
    parser.add_argument("--backend", choices=["pg", "sqlite", "both"], default="both")
    parser.add_argument("--sqlite-file", default=os.path.join(tempfile.gettempdir(), "bench_registry_search.sqlite3"))
    parser.add_argument("--_url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args._url:
        run_backend(args._url, args.rows)
        return
    import common

    urls = []
    if args.backend in ("pg", "both"):
        urls.append(os.environ.get("DATABASE_URL") or common.PG_DEFAULT)
    if args.backend in ("sqlite", "both"):
        urls.append(f"sqlite:///{args.sqlite_file}")
    for url in urls:
        out = subprocess.run([sys.executable, __file__, "--rows", str(args.rows), "--_url", url],
                             capture_output=True, text=True)
        sys.stdout.write(out.stdout)
        sys.stderr.write(out.stderr[-3000:])


if __name__ == "__main__":
    main()

"""Benchmark (not a test): party scoring at district scale and the branch/member page render time.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gridgov_bench_party .venv/bin/python bench/party/score_bench.py
    .venv/bin/python bench/party/score_bench.py --members 3000 --activities 60000   # quicker

Builds a fresh database (the database named in DATABASE_URL is DROPPED and re-created when it is
PostgreSQL; default gridgov_bench_party; SQLite uses a temp file), a district of 577 grids,
15,000 members with approved posts and ~300,000 verified/pending service records in the current
quarter, then measures:
  * score_period(quarter), and the full run (month + quarter + year, with reminders) — target < 10 s;
  * a second run (idempotent upsert, no duplicate reminders);
  * branch page and member page render time through the Django test client — target < 100 ms.
Prints a table and a JSON line.
"""

import argparse
import datetime
import json
import os
import random
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/gridgov_bench_party"
sys.path.insert(0, str(ROOT / "bench"))
import _common  # noqa: E402


def setup(args):
    if args.sqlite:
        os.environ["GRIDGOV_VAR_DIR"] = tempfile.mkdtemp(prefix="gridgov-bench-party-")
        url = f"sqlite:///{os.environ['GRIDGOV_VAR_DIR']}/gridgov.sqlite3"
    else:
        url = os.environ.get("DATABASE_URL", DEFAULT_PG)
    _common.setup_django(url, fresh=not args.sqlite, platform=True)


def build(args, rng):
    from django.db import connection, transaction

    from gridgov.core import clock
    from gridgov.core.actors import system_actor
    from gridgov.divisions.models import Division
    from gridgov.party.actions import sync_organizations
    from gridgov.party.bulk import ACTIVITY_COLUMNS, insert_rows
    from gridgov.party.models import (
        PartyMember,
        PartyOrganization,
        PostClaim,
        RolePost,
        ServiceActivity,
        ServiceItem,
    )
    from gridgov.party.periods import aware_bounds, period_bounds
    from gridgov.registry.models import Person

    t = time.perf_counter()
    district = Division.objects.create(code="430702000000", name="武陵区", level=1)
    grids = []
    for s in range(1, 20):
        street = Division.objects.create(code=f"430702{s:03d}000", name=f"第{s}街道", level=2, parent=district)
        for c in range(1, 10):
            if len(grids) >= args.grids:
                break
            comm = Division.objects.create(code=f"430702{s:03d}{c:03d}", name=f"{street.name}{c}社区", level=3,
                                           parent=street)
            for g in range(1, 5):
                if len(grids) < args.grids:
                    grids.append(Division(code=f"{comm.code}{g:03d}", name=f"{comm.name}第{g}网格", level=4,
                                          parent=comm, path=f"{comm.code}{g:03d}"))
    Division.objects.bulk_create(grids)
    sync_organizations(actor=system_actor())
    branches = {o.division_id: o.pk for o in PartyOrganization.objects.filter(kind="grid")}
    grid_ids = [(d.pk, d.code) for d in Division.objects.filter(level=4).order_by("code")]
    now = clock.now()
    with transaction.atomic():
        persons = [Person(grid_id=gid, division_code=code, name=f"党员{i}", political_status="cpc")
                   for i in range(args.members) for gid, code in [grid_ids[i % len(grid_ids)]]]
        Person.objects.bulk_create(persons, batch_size=5000)
        members = [PartyMember(person=p, name=p.name, category="resident", grid_id=p.grid_id,
                               division_code=p.division_code, branch_id=branches[p.grid_id],
                               registered_at=now - datetime.timedelta(days=400))
                   for p in persons]
        # every 5th member has an account (reminders are sent to them); the first of each branch is secretary
        from gridgov.accounts.models import User

        users = User.objects.bulk_create([User(username=f"bench-m{i}", password="!", full_name=p.name)
                                          for i, p in enumerate(persons) if i % 5 == 0], batch_size=5000)
        for m, u in zip(members[::5], users, strict=True):
            m.user = u
        PartyMember.objects.bulk_create(members, batch_size=5000)
        secretaries = {}
        for m in members:
            secretaries.setdefault(m.branch_id, m.pk)
        orgs = list(PartyOrganization.objects.filter(pk__in=list(secretaries)))
        for o in orgs:
            o.secretary_id = secretaries[o.pk]
        PartyOrganization.objects.bulk_update(orgs, ["secretary"])
        posts = list(RolePost.objects.all())
        claims = []
        for i, m in enumerate(members):
            p = posts[(i // len(grid_ids)) % len(posts)]
            claims.append(PostClaim(member=m, post=p, branch_id=m.branch_id, division_code=m.division_code,
                                    status="approved", requested_at=now, decided_at=now))
        PostClaim.objects.bulk_create(claims, batch_size=5000)
    t_people = time.perf_counter() - t
    items = list(ServiceItem.objects.filter(source="manual"))
    qstart, qend = period_bounds("quarter", clock.today())
    lo, _ = aware_bounds(qstart, qend)
    span = (now - lo).total_seconds()
    t = time.perf_counter()

    def rows():
        for _ in range(args.activities):
            m = members[rng.randrange(len(members))]
            item = rng.choice(items)
            when = lo + datetime.timedelta(seconds=rng.random() * span)
            status = "pending" if rng.random() < 0.08 else "verified"
            yield (m.pk, m.branch_id, item.post_id, item.pk, "manual", "", m.division_code, when, 60, "小区", "",
                   Decimal(1), item.points, status, None, None, None, now if status == "verified" else None, "", now)

    with transaction.atomic():
        n = insert_rows(ServiceActivity, ACTIVITY_COLUMNS, rows())
    if connection.vendor == "postgresql":  # what autovacuum does in production (visibility map, statistics)
        connection.ensure_connection()
        raw = connection.connection
        autocommit = raw.autocommit
        raw.autocommit = True
        raw.execute("VACUUM ANALYZE")
        raw.autocommit = autocommit
    return {"grids": len(grid_ids), "members": len(members), "activities": n,
            "build_people_s": round(t_people, 1), "build_activities_s": round(time.perf_counter() - t, 1)}


def measure_scoring():
    from gridgov.core.actors import system_actor
    from gridgov.party.actions.scoring import run_scoring
    from gridgov.party.scoring import score_period

    t = time.perf_counter()
    r = score_period("quarter", notify=False)
    t_quarter = time.perf_counter() - t
    t = time.perf_counter()
    full = run_scoring(actor=system_actor())
    t_full = time.perf_counter() - t
    t = time.perf_counter()
    again = run_scoring(actor=system_actor())
    t_again = time.perf_counter() - t
    behind = {k: v["behind"] for k, v in full["periods"].items()}
    return {"score_quarter_s": round(t_quarter, 2), "score_full_s": round(t_full, 2),
            "score_rerun_s": round(t_again, 2), "members_scored": r["members"], "behind": behind,
            "notified_first": sum(v["notified"] for v in full["periods"].values()),
            "notified_rerun": sum(v["notified"] for v in again["periods"].values())}


def measure_pages(runs=20):
    from django.test import Client

    from gridgov.accounts.models import User
    from gridgov.party.models import PartyMember, PartyOrganization

    admin = User.objects.create_superuser("bench-admin", password="x" * 12)
    client = Client()
    client.force_login(admin)
    branch = PartyOrganization.objects.filter(kind="grid").order_by("division_code").first()
    member = PartyMember.objects.filter(branch=branch).first()
    from django.db import connection

    with connection.cursor() as cur:
        lat = []
        for _ in range(50):
            t = time.perf_counter()
            cur.execute("SELECT 1")
            cur.fetchone()
            lat.append((time.perf_counter() - t) * 1000)
    out = {"select1_ms_median": round(statistics.median(lat), 2)}
    for name, url in (("branch_page", f"/party/org/{branch.pk}/"), ("member_page", f"/party/members/{member.pk}/"),
                      ("tree_page", "/party/"), ("rankings_page", "/party/rankings/"),
                      ("home_page_baseline", "/")):
        client.get(url)
        times = []
        for _ in range(runs):
            t = time.perf_counter()
            resp = client.get(url)
            times.append((time.perf_counter() - t) * 1000)
            assert resp.status_code == 200, (url, resp.status_code)
        out[f"{name}_ms_median"] = round(statistics.median(times), 1)
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--members", type=int, default=15_000)
    ap.add_argument("--activities", type=int, default=300_000)
    ap.add_argument("--grids", type=int, default=577)
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--sqlite", action="store_true", help="use a temporary SQLite file instead of PostgreSQL")
    args = ap.parse_args(argv)
    setup(args)
    from django.db import connection

    rng = random.Random(args.seed)
    t = time.perf_counter()
    sum(range(10**7))
    # CPU calibration: ~0.15–0.2 s on an idle modern core; scale the figures below by it
    result = {"database": connection.vendor, "cpu_calibration_s": round(time.perf_counter() - t, 2),
              **build(args, rng)}
    result.update(measure_scoring())
    result.update(measure_pages())
    for k, v in result.items():
        print(f"{k:24} {v}")
    ok = result["score_full_s"] < 10 and result["branch_page_ms_median"] < 100 and result["member_page_ms_median"] < 100
    print(("PASS" if ok else "OVER TARGET") + " " + json.dumps(result, ensure_ascii=False))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

"""Services benchmarks (issue 14), on PostgreSQL, each figure beside a baseline measured in the
same run:

1. 办件列表 with filters at --apps applications (default 500,000): server time p50/p95 of the
   list page through the Django test client as a district admin, over random filters (state,
   item, number prefix, overdue, a community's scope); baseline: the home page (工作台).
2. Statistics over a year: `queries.stats` by item / department / community and the queue's
   hourly waiting/serving statistics over the last 365 days; baseline: a one-row query.
3. --counters counters (default 8) calling next concurrently for --seconds (default 60) while a
   reception thread keeps taking tickets; every call timed (p50/p95/p99); then the queue is
   drained and every ticket must have been called exactly once (0 duplicate, 0 lost);
   baseline: the same threads running `SELECT 1` for 5 s.

The database set-up is bench/_common.py's (a PostgreSQL database of its own, migrated) and the
synthetic district of 576 grids bench/cases/common.py's. Rows are generated once and reused (`--fresh` drops them).

    nice .venv/bin/python bench/services/run.py            # full size (~3 minutes to generate)
    nice .venv/bin/python bench/services/run.py --small    # 20,000 applications, 10 s of calling

Note `uptime` beside the figures: the machine is shared.
"""

import argparse
import datetime
import os
import random
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [os.path.join(HERE, ".."), os.path.join(HERE, "..", "cases")]
import _common  # noqa: E402  (bench/_common.py: the database set-up every benchmark shares)
import common  # noqa: E402  (bench/cases/common.py: the synthetic district of 576 grids, the admin user)

DB = "postgres://postgres@127.0.0.1:5432/gridgov_bench_services"
BATCH = 5000


pct = _common.percentile


def ms(values):
    return f"p50 {pct(values, 50) * 1000:.1f} ms, p95 {pct(values, 95) * 1000:.1f} ms, p99 {pct(values, 99) * 1000:.1f} ms"


# -- data --------------------------------------------------------------------------------------

def ensure_people(per_grid=4):
    from gridgov.divisions.models import Division
    from gridgov.registry.models import Person

    if Person.objects.filter(name__startswith="压测居民").exists():
        return list(Person.objects.filter(name__startswith="压测居民").values_list("pk", "division_code", "name"))
    rows = [Person(grid=g, division_code=g.code, name=f"压测居民{g.code[-5:]}{n}", birth_date=datetime.date(1960, 1, 1),
                   id_masked="430702********0000", phone_masked="138****0000")
            for g in Division.objects.filter(level=4) for n in range(per_grid)]
    Person.objects.bulk_create(rows, batch_size=BATCH)
    return list(Person.objects.filter(name__startswith="压测居民").values_list("pk", "division_code", "name"))


def ensure_applications(total, progress=print):
    """`total` applications over the last 365 days in every state, a third of the finished ones
    rated; numbers `B` + community + sequence (never collide with real ones)."""
    from django.db import connection
    from django.utils import timezone

    from gridgov.divisions.models import Division
    from gridgov.services.choices import AppState, Channel
    from gridgov.services.models import Application, Rating, ServiceItem

    have = Application.objects.filter(number__startswith="B").count()
    if have >= total:
        return have
    started = time.perf_counter()
    rng = random.Random(14)
    people = ensure_people()
    communities = {d.code: d.pk for d in Division.objects.filter(level=3)}
    items = list(ServiceItem.objects.filter(current__isnull=False).values_list("pk", "current_id", "department_id"))
    states = [AppState.SUBMITTED, AppState.ACCEPTED, AppState.REVIEW, AppState.CORRECTION, AppState.COMPLETED,
              AppState.DELIVERED, AppState.DELIVERED, AppState.DELIVERED, AppState.REJECTED]
    now = timezone.now()
    n = have
    while n < total:
        apps, ratings = [], []
        for _ in range(min(BATCH, total - n)):
            n += 1
            pid, grid, name = rng.choice(people)
            item, version, dept = rng.choice(items)
            submitted = now - datetime.timedelta(minutes=rng.randrange(365 * 24 * 60))
            state = rng.choice(states)
            done = state in (AppState.COMPLETED, AppState.DELIVERED, AppState.REJECTED)
            accepted = submitted + datetime.timedelta(hours=2) if state != AppState.SUBMITTED else None
            due = accepted + datetime.timedelta(days=rng.choice((3, 5, 7, 10))) if accepted else None
            completed = submitted + datetime.timedelta(hours=rng.randrange(4, 400)) if done else None
            on_time = (completed <= due) if done and due else None
            apps.append(Application(
                number=f"B{grid[:12]}{n:09d}", item_id=item, version_id=version, department_id=dept,
                community_id=communities[grid[:12]], division_code=grid[:12], person_id=pid, applicant_name=name,
                channel=rng.choice(Channel.values), state=state, submitted_at=submitted, accepted_at=accepted,
                due_at=due, completed_at=completed, on_time=on_time,
                working_minutes=rng.randrange(60, 4000) if done else None,
                overdue=bool(due and not done and due < now), result="approved" if done else ""))
        Application.objects.bulk_create(apps, batch_size=BATCH)
        for a in apps:
            if a.completed_at and rng.random() < 0.33:
                level = rng.choice((5, 5, 5, 4, 4, 3, 2, 1))
                ratings.append(Rating(application_id=a.pk, division_code=a.division_code, level=level, efficiency=level,
                                      quality=level, attitude=level, channel="counter", rated_at=a.completed_at))
        Rating.objects.bulk_create(ratings, batch_size=BATCH)
        if n % 50000 < BATCH:
            progress(f"  办件 {n:,} / {total:,}（{time.perf_counter() - started:.0f} 秒）")
    with connection.cursor() as cur:
        cur.execute("ANALYZE services_application; ANALYZE services_rating")
    progress(f"办件：{total:,} 件，生成用时 {time.perf_counter() - started:.0f} 秒")
    return total


def bench_hall(admin):
    """A hall of its own for the queue figures: groups A…H of the first community, counters 1–8
    serving every group (created once)."""
    from gridgov.divisions.models import Division
    from gridgov.services import actions
    from gridgov.services.models import Counter, ServiceGroup

    community = Division.objects.filter(level=3).order_by("code").first()
    groups = []
    for n, prefix in enumerate("ABCDEFGH"):
        g = ServiceGroup.objects.filter(community=community, prefix=prefix).first()
        groups.append(g or actions.save_group(actor=admin, community=community, name=f"压测分组{prefix}", prefix=prefix, sort=n))
    counters = []
    for number in range(1, 9):
        c = Counter.objects.filter(community=community, number=number).first()
        counters.append(c or actions.save_counter(actor=admin, community=community, number=number, groups=groups))
    return community, groups, counters


def ensure_ticket_history(groups, days, per_day, progress=print):
    """A year of served tickets of the hall (waiting 0–40 min, serving 3–25 min)."""
    from django.db import connection
    from django.utils import timezone

    from gridgov.services.models import Ticket

    today = timezone.localdate()
    if Ticket.objects.filter(group__in=groups, day__lt=today).exists():
        return Ticket.objects.filter(group__in=groups, day__lt=today).count()
    rng, rows, tz = random.Random(3), [], timezone.get_current_timezone()
    for d in range(1, days + 1):
        day = today - datetime.timedelta(days=d)
        if day.weekday() >= 5:
            continue
        for g in groups:
            for seq in range(1, per_day // len(groups) + 1):
                taken = datetime.datetime.combine(day, datetime.time(8, 30), tz) + datetime.timedelta(
                    minutes=rng.randrange(0, 540))
                called = taken + datetime.timedelta(minutes=rng.randrange(0, 40), seconds=rng.randrange(60))
                state = "done" if rng.random() < 0.93 else "no_show"
                finished = called + datetime.timedelta(minutes=rng.randrange(3, 25)) if state == "done" else called
                rows.append(Ticket(group=g, division_code=g.division_code, day=day, seq=seq, number=f"{g.prefix}{seq:03d}",
                                   channel=rng.choice(("kiosk", "reception", "appointment")), state=state,
                                   taken_at=taken, called_at=called, finished_at=finished, call_count=1))
    Ticket.objects.bulk_create(rows, batch_size=BATCH)
    with connection.cursor() as cur:
        cur.execute("ANALYZE services_ticket")
    progress(f"排队记录：{len(rows):,} 张号（{days} 天）")
    return len(rows)


# -- figures -----------------------------------------------------------------------------------

def timed(fn, n):
    out = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out


def figure_list(admin, n):
    from django.test import Client

    from gridgov.services.choices import AppState
    from gridgov.services.models import Application, ServiceItem

    client = Client()
    client.force_login(admin)
    items = list(ServiceItem.objects.values_list("pk", flat=True))
    communities = list(Application.objects.values_list("division_code", flat=True).distinct()[:96])
    rng = random.Random(5)

    def params():
        kind = rng.randrange(6)
        if kind == 0:
            return {}
        if kind == 1:
            return {"state": rng.choice(AppState.values)}
        if kind == 2:
            return {"item": rng.choice(items), "state": rng.choice(AppState.values)}
        if kind == 3:
            return {"q": f"B{rng.choice(communities)}"}
        if kind == 4:
            return {"overdue": "1"}
        return {"state": "accepted", "page": rng.randrange(1, 20)}

    def page(url, data=None):
        r = client.get(url, data or {})
        assert r.status_code == 200, (url, data, r.status_code)

    for _ in range(5):  # warm-up
        page("/")
        page("/services/applications/", params())
    def query_only():  # what the view runs: a capped count, then the page's keys, then its rows
        from gridgov.core.paging import KeysFirstPaginator
        from gridgov.services.queries import application_list
        from gridgov.services.views.applications import LIST_CAP

        p = {k: str(v) for k, v in params().items()}
        qs = application_list(admin, p)
        pg = KeysFirstPaginator(qs, 30, cap=LIST_CAP, fetch=lambda keys: qs.filter(pk__in=keys)).get_page(p.get("page"))
        return pg.paginator.count, list(pg)

    base = timed(lambda: page("/"), n)
    lst = timed(lambda: page("/services/applications/", params()), n)
    qry = timed(query_only, n)
    return base, lst, qry


def figure_stats(admin, groups, rounds=3):
    from django.utils import timezone

    from gridgov.divisions.models import Division
    from gridgov.services import queries, queuestats

    end = timezone.localdate()
    start = end - datetime.timedelta(days=365)
    tz = timezone.get_current_timezone()
    a, b = (datetime.datetime.combine(start, datetime.time(), tz),
            datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time(), tz))
    base = timed(lambda: Division.objects.filter(code="430702000000").first(), 50)
    out = {}
    for by in ("item", "department", "community"):
        out[f"办件统计（按{ {'item': '事项', 'department': '部门', 'community': '社区'}[by]}）"] = timed(
            lambda by=by: queries.stats(admin, start=a, end=b, by=by), rounds)
    out["排队统计（按小时）"] = timed(lambda: queuestats.hourly(admin, start=start, end=end), rounds)
    out["排队统计（按分组）"] = timed(lambda: queuestats.by_group(admin, start=start, end=end), rounds)
    return base, out


def _counter_process(counter_pk, admin_pk, seconds, out, producer_done):
    """One counter in a process of its own (as gunicorn workers serve counters): call next,
    'serve' for 20–80 ms, call again; after the reception stops, drain the queue."""
    from django.db import connections

    from gridgov.accounts.models import User
    from gridgov.services import actions
    from gridgov.services.models import Counter

    connections.close_all()
    admin, counter = User.objects.get(pk=admin_pk), Counter.objects.get(pk=counter_pk)
    rng = random.Random(counter_pk)
    latencies, called, errors = [], [], []
    try:
        while True:
            t = time.perf_counter()
            ticket = actions.call_next(actor=admin, counter=counter)
            latencies.append(time.perf_counter() - t)
            if ticket is not None:
                called.append(ticket.pk)
                time.sleep(rng.uniform(0.02, 0.08))
            elif producer_done.is_set():
                break
            else:
                time.sleep(0.02)
    except Exception as exc:  # noqa: BLE001  (reported by the parent)
        errors.append(f"{counter.number} 号窗口：{exc!r}")
    out.put((latencies, called, errors))
    connections.close_all()


def _producer_process(group_pks, admin_pk, seconds, rate, out, producer_done):
    from django.db import connections

    from gridgov.accounts.models import User
    from gridgov.services import actions
    from gridgov.services.models import ServiceGroup

    connections.close_all()
    admin = User.objects.get(pk=admin_pk)
    groups = list(ServiceGroup.objects.filter(pk__in=group_pks))
    rng, taken, errors = random.Random(8), [], []
    try:
        until = time.perf_counter() + seconds
        next_at = time.perf_counter()
        while time.perf_counter() < until:
            taken.append(actions.take_ticket(actor=admin, group=rng.choice(groups), channel="reception",
                                             priority=rng.random() < 0.1).pk)
            next_at += 1 / rate
            time.sleep(max(0.0, next_at - time.perf_counter()))
    except Exception as exc:  # noqa: BLE001
        errors.append(f"取号：{exc!r}")
    producer_done.set()
    out.put((taken, errors))
    connections.close_all()


def _baseline_process(seconds, out):
    from django.db import connection, connections

    connections.close_all()
    lat, until = [], time.perf_counter() + seconds
    while time.perf_counter() < until:
        t = time.perf_counter()
        with connection.cursor() as cur:
            cur.execute("SELECT 1")
            cur.fetchone()
        lat.append(time.perf_counter() - t)
        time.sleep(0.02)
    out.put(lat)
    connections.close_all()


def figure_calling(admin, community, groups, counters, seconds, rate):
    """Counters and the reception in processes of their own (no shared interpreter lock)."""
    import multiprocessing

    from django.db import connections
    from django.utils import timezone

    from gridgov.services import actions
    from gridgov.services.models import NumberSequence, Ticket

    today = timezone.localdate()
    Ticket.objects.filter(group__in=groups, day=today).delete()
    NumberSequence.objects.filter(key__in=[f"T{g.pk}:{today:%Y%m%d}" for g in groups]).delete()
    connections.close_all()
    ctx = multiprocessing.get_context("fork")
    out = ctx.Queue()
    procs = [ctx.Process(target=_baseline_process, args=(5, out)) for _ in counters]
    for p in procs:
        p.start()
    base = [x for _ in procs for x in out.get()]
    for p in procs:
        p.join()

    done, prod_out = ctx.Event(), ctx.Queue()
    producer = ctx.Process(target=_producer_process, args=([g.pk for g in groups], admin.pk, seconds, rate, prod_out, done))
    workers = [ctx.Process(target=_counter_process, args=(c.pk, admin.pk, seconds, out, done)) for c in counters]
    producer.start()
    for w in workers:
        w.start()
    taken, errors = prod_out.get()
    latencies, called = [], []
    for _ in workers:
        lat, got, errs = out.get()
        latencies += lat
        called += got
        errors += errs
    producer.join()
    for w in workers:
        w.join()
    while (ticket := actions.call_next(actor=admin, counter=counters[0])) is not None:  # a last sweep
        called.append(ticket.pk)
    everything = set(Ticket.objects.filter(group__in=groups, day=today).values_list("pk", flat=True))
    return base, latencies, {"taken": len(taken), "called": len(called), "duplicates": len(called) - len(set(called)),
                             "lost": len(everything - set(called)), "errors": errors}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", default=os.environ.get("BENCH_DATABASE_URL", DB))
    ap.add_argument("--small", action="store_true", help="20,000 applications, 60 days of tickets, 10 s of calling")
    ap.add_argument("--apps", type=int, default=500_000)
    ap.add_argument("--days", type=int, default=365)
    ap.add_argument("--tickets-per-day", type=int, default=240)
    ap.add_argument("--seconds", type=int, default=60)
    ap.add_argument("--rate", type=float, default=60.0, help="tickets taken per second while counters call")
    ap.add_argument("-n", type=int, default=200, help="requests per page figure")
    ap.add_argument("--fresh", action="store_true", help="drop the database first")
    args = ap.parse_args()
    if args.small:
        args.apps, args.days, args.seconds, args.n = 20_000, 60, 10, 60
        args.db = args.db.rstrip("/").rsplit("/", 1)[0] + "/gridgov_bench_services_small"
    _common.setup_django(args.db, fresh=args.fresh)
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["*"]
    print(f"负载（开始）：{_common.load_average()}")
    common.ensure_district()
    admin = common.admin_user()
    ensure_applications(args.apps)
    community, groups, counters = bench_hall(admin)
    ensure_ticket_history(groups, args.days, args.tickets_per_day)

    base, lst, qry = figure_list(admin, args.n)
    print(f"\n1. 办件列表（{args.apps:,} 件，随机筛选，{args.n} 次）：{ms(lst)}；目标 p95 < 100 ms")
    print(f"   其中查询（计数 + 一页 30 条）：{ms(qry)}")
    print(f"   基线 工作台首页：{ms(base)}")

    base, out = figure_stats(admin, groups)
    print(f"\n2. 一年统计（取 3 次中位数）：基线 单行查询 p50 {statistics.median(base) * 1000:.2f} ms")
    for label, values in out.items():
        print(f"   {label}：{statistics.median(values):.3f} 秒（最慢 {max(values):.3f} 秒）；目标 < 1 秒")

    base, lat, res = figure_calling(admin, community, groups, counters, args.seconds, args.rate)
    print(f"\n3. {len(counters)} 个窗口同时叫号 {args.seconds} 秒（取号 {args.rate:g} 张/秒）：叫号 {len(lat):,} 次，{ms(lat)}；目标 p99 < 50 ms")
    print(f"   基线 同样 {len(counters)} 个进程 SELECT 1：{ms(base)}")
    print(f"   取号 {res['taken']:,} 张，叫到 {res['called']:,} 张；重复 {res['duplicates']}，丢失 {res['lost']}，"
          f"错误 {len(res['errors'])} {res['errors'][:3]}")
    print(f"\n负载（结束）：{_common.load_average()}")


if __name__ == "__main__":
    main()

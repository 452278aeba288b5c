"""完美社区网 figures under gunicorn + PostgreSQL (issue 16), each beside a baseline measured in
the same run on the same server (/healthz: the cost of the stack itself):

1. community home, p95 (cached fragment; every request still reads the community row and the
   posts/sessions version) — target < 30 ms;
2. 300 concurrent readers browsing community pages while 30 residents book the same slot at
   the same moment — target 0 double bookings, 0 server errors;
3. booking, p99 (sequential residents booking free slots over HTTP) — target < 200 ms.

    nice .venv/bin/python bench/portal/run.py [--readers 300] [--bookers 30] [--seconds 15]

Own database (BENCH_PORTAL_DATABASE_URL, default .../bench_portal_main): the bench district of
bench/cases (12 streets × 8 communities × 6 grids), 8 posts and a session per community, one
bookable room per community, 400 resident accounts with signed-in sessions."""

import argparse
import datetime
import http.client
import os
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "bench", "cases"))

from common import ensure_district, load_average, percentile, setup_django  # noqa: E402

CSRF = "b" * 32  # an unmasked CSRF secret: cookie and form field carry the same value


def prepare(residents=400):
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from gridgov.accounts.models import User
    from gridgov.community.models import Facility, FacilityType
    from gridgov.divisions.models import Division
    from gridgov.portal.models import Booking, BookingRule, Post, ResidentProfile, Session, SessionSlot

    ensure_district()
    communities = list(Division.objects.filter(level=3).order_by("code"))
    if not Post.objects.exists():
        now = timezone.now()
        Post.objects.bulk_create([
            Post(community=c, division_code=c.code, kind=("news", "notice", "activity")[i % 3], state="published",
                 title=f"{c.name}第{i + 1}条消息", summary="摘要" * 10, body="<p>正文</p>" * 20,
                 published_at=now - datetime.timedelta(hours=i), pinned=i == 1)
            for c in communities for i in range(8)])
        sessions = Session.objects.bulk_create([Session(community=c, division_code=c.code, title="义诊", place="服务站",
                                                        kind="health") for c in communities])
        SessionSlot.objects.bulk_create([SessionSlot(session=s, division_code=s.division_code, capacity=10,
                                                     starts_at=now + datetime.timedelta(days=2),
                                                     ends_at=now + datetime.timedelta(days=2, minutes=30))
                                         for s in sessions])
    ftype, _ = FacilityType.objects.get_or_create(code="activity_room", defaults={"name": "活动室"})
    rooms = []
    for c in communities:
        room, _ = Facility.objects.get_or_create(
            community=c, name=f"{c.name}活动室", defaults=dict(
                division_code=c.code, facility_type=ftype, bookable=True, capacity=50,
                opening_hours=[{"days": [1, 2, 3, 4, 5, 6, 7], "open": "00:00", "close": "23:59"}]))
        BookingRule.objects.get_or_create(facility=room, defaults=dict(
            division_code=c.code, slot_minutes=30, max_per_week=50, advance_days=60, verified_only=False))
        rooms.append(room)
    Booking.objects.all().delete()  # every run starts with free slots
    hashed = make_password("Bench-2026-portal")
    have = ResidentProfile.objects.count()
    if have < residents:
        users = User.objects.bulk_create([User(username=f"bench-r{i}", kind="resident", password=hashed)
                                          for i in range(have, residents)])
        ResidentProfile.objects.bulk_create([
            ResidentProfile(user=u, community=communities[0], division_code=communities[0].code,
                            phone_hash=f"bench-{u.username}", phone_masked="139****0000",
                            consent_at=timezone.now(), verified_at=timezone.now()) for u in users])
    SessionStore = import_module(settings.SESSION_ENGINE).SessionStore
    cookies = []
    for profile in ResidentProfile.objects.select_related("user").order_by("pk")[:residents]:
        s = SessionStore()
        s["_auth_user_id"] = str(profile.user.pk)
        s["_auth_user_backend"] = "gridgov.accounts.backends.LockoutModelBackend"
        s["_auth_user_hash"] = profile.user.get_session_auth_hash()
        s.create()
        cookies.append(f"sessionid={s.session_key}; csrftoken={CSRF}")
    return [c.code for c in communities], rooms, cookies


def request(conn, method, path, body=None, cookie=None):
    headers = {"Host": "127.0.0.1"}
    if cookie:
        headers["Cookie"] = cookie
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    t = time.perf_counter()
    conn.request(method, path, body=body, headers=headers)
    r = conn.getresponse()
    data = r.read()
    return r.status, data, (time.perf_counter() - t) * 1000


def sample(port, path, n, clients=4):
    """`n` GETs of `path` from `clients` keep-alive connections; latencies in ms, errors."""
    lat, errors, lock = [], [], threading.Lock()

    def worker(k):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        for _ in range(n // clients):
            status, _, ms = request(conn, "GET", path)
            with lock:
                (lat if status == 200 else errors).append(ms if status == 200 else status)

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(clients)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    return lat, errors


def book_body(start):
    from urllib.parse import urlencode

    return urlencode({"csrfmiddlewaretoken": CSRF, "starts_at": start.strftime("%Y-%m-%d %H:%M"), "slots": "1",
                      "attendees": "3", "purpose": "压测"})


def contention(port, codes, room, cookies, readers, bookers, seconds):
    """`readers` threads browse community pages for `seconds`; meanwhile `bookers` residents book
    the same slot at one instant. Returns reader latencies/errors and the booking outcomes."""
    from django.utils import timezone

    stop = time.perf_counter() + seconds
    lat, errors, lock = [], [], threading.Lock()
    pages = ["/c/{}/", "/c/{}/grids/", "/c/{}/facilities/", "/c/{}/sessions/"]

    def reader(k):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        i = 0
        while time.perf_counter() < stop:
            path = pages[i % len(pages)].format(codes[(k + i) % len(codes)])
            try:
                status, _, ms = request(conn, "GET", path)
            except Exception as exc:  # a refused or reset connection counts as an error
                with lock:
                    errors.append(type(exc).__name__)
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                continue
            with lock:
                (lat if status == 200 else errors).append(ms if status == 200 else status)
            i += 1

    start = (timezone.localtime() + datetime.timedelta(days=3)).replace(hour=10, minute=0, second=0, microsecond=0)
    outcomes, barrier = [], threading.Barrier(bookers)

    def booker(k):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        barrier.wait()
        try:
            status, data, ms = request(conn, "POST", f"/c/{room.division_code}/facilities/{room.pk}/book/",
                                       book_body(start), cookies[k])
        except Exception as exc:
            outcomes.append(("error", type(exc).__name__, 0))
            return
        text = data.decode("utf-8", "replace")
        kind = "booked" if status == 302 else "refused" if status == 200 and "已被预约" in text else f"HTTP {status}"
        outcomes.append((kind, status, ms))

    threads = [threading.Thread(target=reader, args=(k,)) for k in range(readers)]
    [t.start() for t in threads]
    time.sleep(min(3, seconds / 3))
    bthreads = [threading.Thread(target=booker, args=(k,)) for k in range(bookers)]
    [t.start() for t in bthreads]
    [t.join() for t in bthreads + threads]
    return lat, errors, outcomes, start


def sequential_bookings(port, rooms, cookies, n):
    from django.utils import timezone

    lat, bad = [], []
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    base = (timezone.localtime() + datetime.timedelta(days=5)).replace(hour=0, minute=0, second=0, microsecond=0)
    for i in range(n):
        room = rooms[1 + i % (len(rooms) - 1)]
        start = base + datetime.timedelta(minutes=30 * (i // (len(rooms) - 1)))
        status, _, ms = request(conn, "POST", f"/c/{room.division_code}/facilities/{room.pk}/book/",
                                book_body(start), cookies[100 + i % 300])
        (lat if status == 302 else bad).append(ms if status == 302 else status)
    return lat, bad


def fmt(lat):
    if not lat:
        return "无数据"
    return (f"p50 {percentile(lat, 50):6.1f} ms  p95 {percentile(lat, 95):6.1f} ms  p99 {percentile(lat, 99):6.1f} ms"
            f"  (n={len(lat)})")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=8104)
    parser.add_argument("--readers", type=int, default=300)
    parser.add_argument("--bookers", type=int, default=30)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--bookings", type=int, default=200)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()
    url = setup_django(os.environ.get("BENCH_PORTAL_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_portal_main"))
    codes, rooms, cookies = prepare()
    env = dict(os.environ, DATABASE_URL=url, DEBUG="0", LOG_LEVEL="WARNING")
    cmd = [os.path.join(ROOT, ".venv", "bin", "gunicorn"), "gridgov.wsgi:application", "--bind",
           f"127.0.0.1:{args.port}", "--workers", str(args.workers), "--threads", str(args.threads),
           "--worker-class", "gthread", "--backlog", "2048", "--log-level", "warning"]
    server = subprocess.Popen(cmd, cwd=ROOT, env=env)
    try:
        for _ in range(100):
            try:
                http.client.HTTPConnection("127.0.0.1", args.port, timeout=2).request("GET", "/healthz")
                break
            except OSError:
                time.sleep(0.2)
        print(f"gunicorn {args.workers}×{args.threads} gthread，PostgreSQL，{len(codes)} 个社区；{load_average()}")
        home = f"/c/{codes[0]}/"
        sample(args.port, home, 40)  # warm every worker's cache
        base, base_err = sample(args.port, "/healthz", 400)
        home_lat, home_err = sample(args.port, home, 400)
        print(f"基线 /healthz          {fmt(base)}  错误 {len(base_err)}")
        print(f"社区首页（缓存）       {fmt(home_lat)}  错误 {len(home_err)}   目标 p95 < 30 ms")
        lat, errors, outcomes, start = contention(args.port, codes, rooms[0], cookies, args.readers, args.bookers,
                                                  args.seconds)
        from gridgov.portal.models import Booking

        live = Booking.objects.filter(facility=rooms[0], state__in=["pending", "confirmed"], starts_at__lt=start +
                                      datetime.timedelta(minutes=30), ends_at__gt=start).count()
        kinds = {}
        for kind, _status, _ms in outcomes:
            kinds[kind] = kinds.get(kind, 0) + 1
        print(f"{args.readers} 个并发浏览  {fmt(lat)}  错误 {len(errors)} {sorted(set(map(str, errors)))[:5]}")
        print(f"{args.bookers} 人同时预约同一时段：{kinds}；该时段有效预约 {live} 条（重复预约 {max(0, live - 1)}）")
        base2, _ = sample(args.port, "/healthz", 200, clients=1)
        book_lat, bad = sequential_bookings(args.port, rooms, cookies, args.bookings)
        print(f"基线 /healthz（单客户端） {fmt(base2)}")
        print(f"预约（单客户端）       {fmt(book_lat)}  失败 {len(bad)} {bad[:5]}   目标 p99 < 200 ms")
        print(f"结束时{load_average()}")
    finally:
        server.terminate()
        server.wait(timeout=20)


if __name__ == "__main__":
    main()

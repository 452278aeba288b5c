"""Open311 POST throughput under gunicorn + PostgreSQL, beside a trivial endpoint (/healthz)
measured in the same run and the same server.

    .venv/bin/python bench/cases/open311_bench.py [--seconds 20] [--clients 4] [--workers 3] [--threads 4]
    .venv/bin/python bench/cases/open311_bench.py --configs 3x4,4x1,5x1   # compare gunicorn set-ups

The default server is the one `make run` starts (3 workers × 4 threads, gthread). Besides
wall-clock throughput and latency it reports CPU seconds per request of the gunicorn workers,
of the PostgreSQL backends serving them and of this load generator, the machine's busy share
(/proc/stat) and the load average: the machine has 2 cores shared with other work.

Uses its own database (BENCH_OPEN311_DATABASE_URL, default .../gridgov_bench_open311)."""

import argparse
import http.client
import os
import subprocess
import sys
import threading
import time
import urllib.parse

from common import ensure_district, load_average, percentile, setup_django

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
TICK = os.sysconf("SC_CLK_TCK")


def _stat(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return int(fields[1]), (int(fields[11]) + int(fields[12])) / TICK  # ppid, cpu seconds
    except (OSError, IndexError, ValueError):
        return None, 0.0


def tree_cpu(root):
    """CPU seconds of `root` and its children (gunicorn master + workers)."""
    total = _stat(root)[1]
    for name in os.listdir("/proc"):
        if name.isdigit():
            ppid, cpu = _stat(int(name))
            if ppid == root:
                total += cpu
    return total


def backends_cpu(dbname):
    """CPU seconds of the PostgreSQL backends connected to `dbname` other than ours."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()", [dbname])
        return sum(_stat(pid)[1] for (pid,) in cur.fetchall())


def machine_busy():
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    idle = v[3] + v[4]
    return sum(v) - idle, sum(v)


def load(port, seconds, clients, make_request):
    """`clients` threads, each with one keep-alive connection, for `seconds`. Returns latencies, errors."""
    latencies, errors, lock = [], [], threading.Lock()
    deadline = time.perf_counter() + seconds

    def worker(n):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        i = 0
        while time.perf_counter() < deadline:
            method, path, body, headers = make_request(n, i)
            t = time.perf_counter()
            try:
                conn.request(method, path, body=body, headers=headers)
                r = conn.getresponse()
                r.read()
                ok = r.status in (200, 201)
            except Exception as exc:  # connection reset etc.: reconnect and count it
                ok = False
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                r = exc
            elapsed = time.perf_counter() - t
            with lock:
                (latencies if ok else errors).append(elapsed if ok else str(getattr(r, "status", r)))
            i += 1

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, errors, time.perf_counter() - started


def measure(name, server_pid, dbname, port, seconds, clients, make_request):
    s0, d0, c0, (b0, t0) = tree_cpu(server_pid), backends_cpu(dbname), time.process_time(), machine_busy()
    latencies, errors, wall = load(port, seconds, clients, make_request)
    s1, d1, c1, (b1, t1) = tree_cpu(server_pid), backends_cpu(dbname), time.process_time(), machine_busy()
    n = max(len(latencies), 1)
    rate = len(latencies) / wall
    print(f"{name:<20} {rate:7.1f} 次/秒  p50 {percentile(latencies, 50) * 1000:6.1f} ms  "
          f"p99 {percentile(latencies, 99) * 1000:6.1f} ms  成功 {len(latencies)}  失败 {len(errors)}"
          + (f"（例：{errors[0]}）" if errors else ""))
    print(f"{'':<20} 每次 CPU：gunicorn {(s1 - s0) / n * 1000:5.2f} ms，PostgreSQL {(d1 - d0) / n * 1000:5.2f} ms，"
          f"压测端 {(c1 - c0) / n * 1000:5.2f} ms；整机忙 {100 * (b1 - b0) / max(t1 - t0, 1):.0f}%；{load_average()}")
    return rate, percentile(latencies, 99)


def run_config(args, url, key, code, workers, threads):
    env = dict(os.environ, DATABASE_URL=url, DEBUG="0", LOG_LEVEL="WARNING")
    cmd = [os.path.join(ROOT, ".venv", "bin", "gunicorn"), "gridgov.wsgi:application", "--bind",
           f"127.0.0.1:{args.port}", "--workers", str(workers), "--log-level", "warning"]
    if threads > 1:
        cmd += ["--threads", str(threads)]  # gthread worker, as `make run`
    server = subprocess.Popen(cmd, cwd=ROOT, env=env)
    try:
        for _ in range(100):
            try:
                c = http.client.HTTPConnection("127.0.0.1", args.port, timeout=2)
                c.request("GET", "/healthz")
                if c.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.2)
        else:
            print("gunicorn 未能启动", file=sys.stderr)
            return None

        def post(n, i):
            k, c = (n * 7 + i) % 72, i % 8  # the centre of one of the 576 grids of common.ensure_district
            lng, lat = 111.60 + 0.01 * k / 6 + 0.0008, 29.00 + 0.004 * c + 0.002
            body = urllib.parse.urlencode({"api_key": key, "service_code": code, "lat": f"{lat:.6f}",
                                           "long": f"{lng:.6f}", "description": f"压测上报 {n}-{i}"})
            return "POST", "/open311/v2/requests.json", body, {"Content-Type": "application/x-www-form-urlencoded"}

        def health(n, i):
            return "GET", "/healthz", None, {}

        dbname = url.rsplit("/", 1)[1]
        kind = f"{workers} 个工作进程 × {threads} 线程（gthread）" if threads > 1 else f"{workers} 个工作进程（sync）"
        print(f"gunicorn {kind}，{args.clients} 个并发客户端，每项 {args.seconds:.0f} 秒，PostgreSQL")
        load(args.port, 2, args.clients, post)  # warm-up: every worker has its connection and caches
        ceiling, _ = measure("GET /healthz", server.pid, dbname, args.port, args.seconds, args.clients, health)
        rate, p99 = measure("POST requests.json", server.pid, dbname, args.port, args.seconds, args.clients, post)
        print(f"{'':<20} POST 为 /healthz 的 {100 * rate / ceiling:.1f}%；p99 {'OK' if p99 < 0.2 else '超出 200 ms'}")
        return rate, ceiling, p99
    finally:
        server.terminate()
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (make run: 3)")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker (make run: 4; 1 = sync worker)")
    parser.add_argument("--configs", default="", help="several set-ups, e.g. 3x4,4x1,5x1 (workers x threads)")
    parser.add_argument("--port", type=int, default=18311)
    args = parser.parse_args()
    url = os.environ.get("BENCH_OPEN311_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/gridgov_bench_open311")
    setup_django(url)
    ensure_district()
    from gridgov.cases import actions
    from gridgov.cases.models import CaseCategory
    from gridgov.core.actors import system_actor

    _, key = actions.create_api_key(actor=system_actor(), name="压测客户端")
    code = CaseCategory.objects.filter(parent__isnull=False, extra_questions=[]).order_by("code").first().code
    configs = [tuple(int(x) for x in c.split("x")) for c in args.configs.split(",") if c] or \
        [(args.workers, args.threads)]
    print(load_average())
    ok = True
    for workers, threads in configs:
        result = run_config(args, url, key, code, workers, threads)
        ok &= result is not None and result[2] < 0.2
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())

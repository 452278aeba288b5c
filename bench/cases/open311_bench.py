"""Open311 POST throughput under gunicorn + PostgreSQL, beside a trivial endpoint (/healthz)
measured in the same run.

    .venv/bin/python bench/cases/open311_bench.py [--seconds 20] [--clients 4] [--workers 4]

Uses its own database (BENCH_OPEN311_DATABASE_URL, default .../gridgov_bench_open311)."""

import argparse
import http.client
import os
import subprocess
import sys
import threading
import time
import urllib.parse

from common import ensure_district, percentile, setup_django

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


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


def report(name, latencies, errors, wall):
    print(f"{name:<22} {len(latencies) / wall:8.1f} 次/秒  p50 {percentile(latencies, 50) * 1000:7.1f} ms  "
          f"p99 {percentile(latencies, 99) * 1000:7.1f} ms  成功 {len(latencies)}  失败 {len(errors)}"
          + (f"（例：{errors[0]}）" if errors else ""))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--port", type=int, default=18311)
    args = parser.parse_args()
    url = os.environ.get("BENCH_OPEN311_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/gridgov_bench_open311")
    setup_django(url)
    ensure_district()
    from gridgov.cases import actions
    from gridgov.cases.models import CaseCategory

    _, key = actions.create_api_key(actor=None, name="压测客户端")
    code = CaseCategory.objects.filter(parent__isnull=False, extra_questions=[]).order_by("code").first().code
    env = dict(os.environ, DATABASE_URL=url, DEBUG="0", LOG_LEVEL="WARNING")
    server = subprocess.Popen(
        [os.path.join(ROOT, ".venv", "bin", "gunicorn"), "gridgov.wsgi:application", "--bind",
         f"127.0.0.1:{args.port}", "--workers", str(args.workers), "--log-level", "warning"],
        cwd=ROOT, env=env,
    )
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
            return 1

        def post(n, i):
            k, c = (n * 7 + i) % 72, i % 8  # the centre of one of the 576 grids of common.ensure_district
            lng, lat = 111.60 + 0.01 * k / 6 + 0.0008, 29.00 + 0.004 * c + 0.002
            body = urllib.parse.urlencode({"api_key": key, "service_code": code, "lat": f"{lat:.6f}",
                                           "long": f"{lng:.6f}", "description": f"压测上报 {n}-{i}"})
            return "POST", "/open311/v2/requests.json", body, {"Content-Type": "application/x-www-form-urlencoded"}

        def health(n, i):
            return "GET", "/healthz", None, {}

        print(f"gunicorn {args.workers} 个工作进程，{args.clients} 个并发客户端，每项 {args.seconds:.0f} 秒，PostgreSQL")
        report("GET /healthz", *load(args.port, args.seconds, args.clients, health))
        report("POST requests.json", *load(args.port, args.seconds, args.clients, post))
    finally:
        server.terminate()
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

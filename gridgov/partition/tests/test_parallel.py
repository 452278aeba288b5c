"""Per-area work in worker processes: when it is used, and that it changes nothing."""

import os
import threading

from gridgov.partition import parallel


def _square_with_pid(payload, a):
    return a * a + payload, os.getpid()


def test_map_areas_runs_in_other_processes_and_keeps_order():
    out = parallel.map_areas(_square_with_pid, 1, [3, 1, 2, 0], workers=2, weights=[1, 5, 2, 9])
    assert [v for v, _ in out] == [10, 2, 5, 1]
    assert {pid for _, pid in out} - {os.getpid()}  # at least one ran in a worker


def test_broken_pool_falls_back_to_this_process(monkeypatch):
    class Broken:
        def __init__(self, *a, **k):
            raise parallel.BrokenProcessPool("worker killed")

    monkeypatch.setattr(parallel, "ProcessPoolExecutor", Broken)
    out = parallel.map_areas(_square_with_pid, 0, [1, 2, 3], workers=2)
    assert out == [(1, os.getpid()), (4, os.getpid()), (9, os.getpid())]


def test_automatic_worker_count():
    big = parallel.MIN_PARALLEL_BUILDINGS
    assert parallel.worker_count(0, 100, big - 1) == 1  # small input: not worth a fork
    assert parallel.worker_count(0, 1, 10 * big) == 1  # one area: nothing to share
    assert parallel.worker_count(3, 2, 10) == 2  # explicit count, capped by the areas
    auto = parallel.worker_count(0, 100, 10 * big)
    if threading.active_count() == 1:  # (a pytest-xdist worker has threads of its own)
        assert auto == min(100, parallel.available_cores())
    # a caller with threads (threaded web or job worker) never forks
    stop = threading.Event()
    t = threading.Thread(target=stop.wait)
    t.start()
    try:
        assert parallel.worker_count(0, 100, 10 * big) == 1
    finally:
        stop.set()
        t.join()

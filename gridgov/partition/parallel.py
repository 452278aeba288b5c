"""Running independent per-area work on several cores.

Boundary areas are independent (grids nest inside them), so the expensive per-area work —
building the face graph and planning or repairing its grids — can run in worker processes.
Workers are forked: they inherit the validated inputs from the parent, so only an area index
goes out and a compact per-area result comes back (pickled).

Forking is used only where it is safe and worth it: on platforms that have ``fork``, when
the calling process runs a single thread (forking a multi-threaded process, e.g. a threaded
web or job worker, can deadlock in the child), and when there is enough work.  Otherwise the
same function runs in-process, so the output never depends on the worker count.  If a worker
dies (e.g. killed for memory), the work is redone in-process.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

# below this many buildings in total the fork and pickling overhead outweighs the gain
MIN_PARALLEL_BUILDINGS = 4000

_TASK = None  # (function, payload), inherited by forked workers


def _run(a):
    fn, payload = _TASK
    return fn(payload, a)


def available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def worker_count(requested: int, n_tasks: int, n_buildings: int) -> int:
    """Processes to use: ``requested`` (0 = automatic) capped by tasks, cores and safety."""
    if n_tasks < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return 1
    if requested == 0:
        if n_buildings < MIN_PARALLEL_BUILDINGS or threading.active_count() > 1:
            return 1
        requested = available_cores()
    return max(1, min(requested, n_tasks))


def map_areas(fn, payload, areas, *, workers=1, weights=None):
    """``[fn(payload, a) for a in areas]``, spread over ``workers`` forked processes.

    ``weights`` (per area, e.g. building counts) orders the work heaviest first so the
    processes finish together.  Results come back in the order of ``areas``.
    """
    areas = list(areas)
    if workers <= 1 or len(areas) < 2:
        return [fn(payload, a) for a in areas]
    order = sorted(areas, key=lambda a: -weights[a]) if weights is not None else areas
    global _TASK
    _TASK = (fn, payload)
    # objects that exist at fork time go to the permanent generation: the workers' garbage
    # collector then does not walk (and so copy, page by page) the parent's whole heap
    gc.freeze()
    try:
        ctx = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as ex:
            done = dict(zip(order, ex.map(_run, order, chunksize=1), strict=True))
    except (BrokenProcessPool, OSError):
        # a worker died (e.g. killed for memory) or no process could be started: do it here
        return [fn(payload, a) for a in areas]
    finally:
        gc.unfreeze()
        _TASK = None
    return [done[a] for a in areas]

"""The web process's heap after start-up, out of the garbage collector's reach (ADR 0044).

CPython's full (generation-2) collection walks every tracked object. After start-up a worker holds
~360,000 of them (Django, the apps' modules, models, URL patterns, settings) that live as long as
the process; a district page allocates enough that a full collection runs every dozen requests,
and it paused the request for 100–130 ms (bench/pages: the isolated 200–350 ms p95 figures of
otherwise 10–60 ms pages). `gc.freeze()` moves the objects alive now into a permanent
generation that collections skip; what requests allocate is still collected as before.
"""

import gc


def settle():
    """Load what every request needs (the URL configuration imports every view module), collect
    once, then freeze the survivors. Call once per process, after Django is set up."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 (imports the views)
    gc.collect()
    gc.freeze()

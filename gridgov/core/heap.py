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
    """Load what every request needs (the URL configuration imports every view module, and every
    template of the project and its apps is compiled into the cached loader), collect once, then
    freeze the survivors. Call once per process, after Django is set up."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 (imports the views)
    compile_templates()
    gc.collect()
    gc.freeze()


def compile_templates():
    """Compile every project and app template once, now, so the cached loader's compiled nodes
    (half of what a worker accumulates after start-up: ~30,000 objects a full collection walks
    each time) are part of the frozen heap. Returns how many compiled; a template that does not
    compile is left for its page to report."""
    from pathlib import Path

    from django.template import TemplateSyntaxError, engines
    from django.template.exceptions import TemplateDoesNotExist
    from django.template.utils import get_app_template_dirs

    compiled = 0
    for engine in engines.all():
        dirs = [*engine.dirs, *(get_app_template_dirs("templates") if engine.app_dirs else ())]
        for root in map(Path, dirs):
            for path in sorted(root.rglob("*.html")):
                try:
                    engine.get_template(path.relative_to(root).as_posix())
                    compiled += 1
                except (TemplateSyntaxError, TemplateDoesNotExist, UnicodeDecodeError):
                    continue
    return compiled

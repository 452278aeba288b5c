"""A web worker freezes its start-up heap (ADR 0044): loading gridgov.wsgi leaves the modules,
models, URL patterns and compiled templates in the permanent generation, and requests still work."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

PROBE = """
import gc
import gridgov.wsgi
frozen = gc.get_freeze_count()
from django.template import engines
from django.urls import resolve
assert resolve("/healthz").func is not None
loader = engines["django"].engine.template_loaders[0]  # the cached loader, filled before the freeze
assert len(loader.get_template_cache) > 200, len(loader.get_template_cache)
print(frozen)
"""


def test_the_web_entry_point_freezes_the_start_up_heap():
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="gridgov.settings")
    out = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    assert int(out.stdout.split()[-1]) > 100_000  # Django and the apps: a few hundred thousand objects

"""What every benchmark shares: a database of its own, set up the same way, and the figures'
helpers. A benchmark script adds this folder to its path and imports it:

    sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
    import _common

    _common.setup_django("postgres://postgres@127.0.0.1:5432/gridgov_bench_x", fresh=True)

`setup_django` creates the PostgreSQL database when it is missing (or drops and re-creates it
with `fresh=True`, only for a name containing "bench"), points Django at it, migrates and, with
`platform=True`, runs `setup_platform`. A `sqlite:///` URL is used as it is.
"""

import os
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))


def create_database(url, fresh=False):
    """Make sure the PostgreSQL database of `url` exists; empty it first when `fresh`."""
    if not url.startswith("postgres"):
        return
    import psycopg

    base, name = url.rsplit("/", 1)
    if fresh and "bench" not in name:
        raise SystemExit(f"refusing to drop database {name!r}: a benchmark database's name contains “bench”")
    with psycopg.connect(base + "/postgres", autocommit=True) as conn:
        if fresh:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def setup_django(url, fresh=False, platform=False):
    """Point Django at `url` (created, or re-created when `fresh`), set it up and migrate."""
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gridgov.settings")
    if ROOT not in sys.path:
        sys.path.insert(0, ROOT)
    create_database(url, fresh=fresh)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, skip_checks=True)
    if platform:
        call_command("setup_platform", verbosity=0)
    return url


def load_average():
    return "load {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


def percentile(values, p):
    """The p-th percentile (nearest rank) of `values`."""
    values = sorted(values)
    if not values:
        return float("nan")
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]

"""The page bench's cached databases: the demo district loaded once per (database, scale, seed,
schema), then reused by every run.

* SQLite: `var/bench-pages/<scale>-<seed>/gridgov.sqlite3` (the var dir is the bench's own, so
  the secret key that hashes ID numbers stays with its data).
* PostgreSQL: database `bench_pages_<scale>` on the server of `BENCH_PG_URL` (default
  postgres://postgres@127.0.0.1:5432/), its fingerprint kept as the database's comment.

The fingerprint is the scale, the seed and the names of every migration file: a new app or a new
migration means a fresh load (`--reload` forces one; demo code changes alone do not).
"""

import hashlib
import json
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VAR = ROOT / "var" / "bench-pages"
PG_SERVER = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/")


def fingerprint(scale, seed):
    names = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "gridgov").glob("*/migrations/0*.py"))
    digest = hashlib.sha1("\n".join([scale, str(seed), *names]).encode()).hexdigest()[:12]
    return f"{scale}-{seed}-{digest}"


def var_dir(scale, seed):
    path = VAR / f"{scale}-{seed}"
    path.mkdir(parents=True, exist_ok=True)
    return path


def pg_name(scale):
    return f"bench_pages_{scale}"


def environment(db, scale, seed):
    """Environment variables that point the project at the cached database of `db`."""
    env = dict(os.environ, GRIDGOV_VAR_DIR=str(var_dir(scale, seed)), DJANGO_SETTINGS_MODULE="gridgov.settings",
               LOG_LEVEL="WARNING")
    env.pop("DATABASE_URL", None)
    if db == "postgresql":
        env["DATABASE_URL"] = PG_SERVER.rstrip("/") + "/" + pg_name(scale)
        env["CONN_MAX_AGE"] = "60"
    return env


def _pg_admin():
    import psycopg

    return psycopg.connect(PG_SERVER.rstrip("/") + "/postgres", autocommit=True)


def stored_fingerprint(db, scale, seed):
    if db == "sqlite":
        marker = var_dir(scale, seed) / "fingerprint.json"
        if not (var_dir(scale, seed) / "gridgov.sqlite3").exists() or not marker.exists():
            return None
        return json.loads(marker.read_text()).get("fingerprint")
    with _pg_admin() as conn:
        row = conn.execute("SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
                           [pg_name(scale)]).fetchone()
    return row[0] if row else None


def reset(db, scale, seed):
    """An empty database to load into."""
    if db == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            (var_dir(scale, seed) / f"gridgov.sqlite3{suffix}").unlink(missing_ok=True)
        (var_dir(scale, seed) / "fingerprint.json").unlink(missing_ok=True)
        return
    name = pg_name(scale)
    with _pg_admin() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def remember(db, scale, seed, report):
    """Mark the loaded database as complete, with its load report."""
    fp = fingerprint(scale, seed)
    if db == "sqlite":
        (var_dir(scale, seed) / "fingerprint.json").write_text(json.dumps({"fingerprint": fp, "load": report}))
    else:
        with _pg_admin() as conn:
            conn.execute(f'COMMENT ON DATABASE "{pg_name(scale)}" IS ' + "'" + fp.replace("'", "") + "'")
    (var_dir(scale, seed) / f"load-{db}.json").write_text(json.dumps(report, ensure_ascii=False, indent=1))


def last_load_report(db, scale, seed):
    path = var_dir(scale, seed) / f"load-{db}.json"
    return json.loads(path.read_text()) if path.exists() else None

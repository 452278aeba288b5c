"""The one stash of uploaded import files (every import kind, every app).

An upload is stashed as `<32 hex>.csv|.xlsx` under MEDIA_ROOT/imports/stash; the validation job
writes the error file next to it once (`<32 hex>.errors.csv` and `.errors.xlsx`), so the
download never re-validates. The periodic task `core.tasks.clean_import_stash_task` deletes
whatever under MEDIA_ROOT/imports is older than a day (including files the apps' former stashes
left behind). Tokens are checked against TOKEN_RE, so a token is never a path.
"""

import re
import time
import uuid
from pathlib import Path

from django.conf import settings

TOKEN_RE = re.compile(r"^[0-9a-f]{32}\.(csv|xlsx)$")
ERROR_FORMATS = ("csv", "xlsx")
STASH_MAX_AGE = 24 * 3600  # seconds


def import_root():
    return Path(settings.MEDIA_ROOT) / "imports"


def stash_dir():
    path = import_root() / "stash"
    path.mkdir(parents=True, exist_ok=True)
    return path


def stash(upload):
    """Write an uploaded file (chunk by chunk) to the stash; return its token."""
    suffix = ".xlsx" if (getattr(upload, "name", "") or "").lower().endswith(".xlsx") else ".csv"
    token = uuid.uuid4().hex + suffix
    with open(stash_dir() / token, "wb") as fh:
        for chunk in upload.chunks():
            fh.write(chunk)
    return token


def stashed(token):
    """The stashed file of `token`, or None (bad token — no path traversal — or gone)."""
    if not isinstance(token, str) or not TOKEN_RE.match(token):
        return None
    path = stash_dir() / token
    return path if path.exists() else None


def error_file(token, fmt):
    """Where the validation job writes the error file of `token` in `fmt` (csv or xlsx)."""
    if not isinstance(token, str) or not TOKEN_RE.match(token) or fmt not in ERROR_FORMATS:
        return None
    return stash_dir() / f"{token.split('.')[0]}.errors.{fmt}"


def clean_stash(max_age=STASH_MAX_AGE, now=None):
    """Delete stashed uploads and error files older than `max_age` seconds; returns the count."""
    cutoff = (now if now is not None else time.time()) - max_age
    root = import_root()
    if not root.exists():
        return 0
    removed = 0
    for path in root.rglob("*"):
        try:
            if path.is_file() and path.stat().st_mtime < cutoff:
                path.unlink()
                removed += 1
        except FileNotFoundError:  # another worker got there first
            continue
    return removed

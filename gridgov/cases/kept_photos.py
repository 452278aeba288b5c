"""Photos kept across a form error (#12: a grid worker's photo was dropped when her report
failed). The uploads of a refused report are cleaned (re-encoded by the core image helper) and
kept under MEDIA_ROOT/kept/cases/<user id>/ by a random token; the form re-offers them as hidden
tokens and the next submit files them. Only their uploader can use a token; files are removed
once used."""

import re
import secrets
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile

from gridgov.core import uploads

TOKEN_RE = re.compile(r"^[0-9a-f]{32}\.(jpg|png|webp)$")
MAX_KEPT = 6


def _dir(user):
    path = Path(settings.MEDIA_ROOT) / "kept" / "cases" / str(int(user.pk))
    path.mkdir(parents=True, exist_ok=True)
    return path


def keep(user, files):
    """Tokens of the cleanable images among `files` (others are left out: the form says why)."""
    tokens = []
    for f in list(files)[:MAX_KEPT]:
        try:
            image = uploads.clean_image(f)
        except ValidationError:
            continue
        token = f"{secrets.token_hex(16)}.{image.extension}"
        (_dir(user) / token).write_bytes(image.read())
        tokens.append(token)
    return tokens


def kept(user, tokens):
    """[(token, ContentFile)] of the valid tokens of `user` (a bad or foreign token is ignored)."""
    out = []
    for t in tokens[:MAX_KEPT]:
        if isinstance(t, str) and TOKEN_RE.match(t):
            path = _dir(user) / t
            if path.is_file():
                out.append((t, ContentFile(path.read_bytes(), name=t)))
    return out


def discard(user, tokens):
    for t in tokens:
        if isinstance(t, str) and TOKEN_RE.match(t):
            (_dir(user) / t).unlink(missing_ok=True)

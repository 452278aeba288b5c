"""Media that belongs to an object (see docs/security.md, "for app authors").

Every uploaded file lives in a `MediaFileField` of some row. The field names the object the
file belongs to (`owner`, a relation path to a model with `objects.visible_to`, or None when the
row's own model is scoped); `/media/<name>` finds the row holding that name and serves the file
only when the owner is visible to the viewer (`visible_to`), or when the model's optional
`public_media(queryset)` classmethod lets it out to everyone (public case photos). A missing file
and a forbidden one are the same 404.

    class VisitPhoto(models.Model):
        visit = models.ForeignKey(Visit, ...)
        image = MediaFileField(_("照片"), prefix="registry/visits", owner="visit")

Stored names are random (`<prefix>/<yyyy>/<mm>/<32 hex>.<ext>`), whatever the client called the
file. The response's Content-Type comes from the stored kind (the extension the server chose):
images are served inline as image/jpeg|png|webp; anything else is application/octet-stream with
`Content-Disposition: attachment`. Every response carries `nosniff` and a sandboxing CSP.
"""

import datetime
import mimetypes
import secrets
from functools import lru_cache

from django.apps import apps
from django.conf import settings
from django.db import models
from django.http import FileResponse, Http404, HttpResponse
from django.utils.deconstruct import deconstructible

from .uploads import CONTENT_TYPES

SAFE_EXTENSIONS = set(CONTENT_TYPES) | {"pdf", "csv", "xlsx"}


@deconstructible
class RandomName:
    """`upload_to` of a MediaFileField: a random name under the prefix; the extension is kept
    only when it is one the server chooses (images re-encoded by `uploads.clean_image`)."""

    def __init__(self, prefix):
        self.prefix = prefix.strip("/")

    def __call__(self, instance, filename):
        ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
        ext = ext if ext in SAFE_EXTENSIONS else "bin"
        today = datetime.date.today()
        return f"{self.prefix}/{today:%Y/%m}/{secrets.token_hex(16)}.{ext}"

    def __eq__(self, other):
        return isinstance(other, RandomName) and other.prefix == self.prefix


class MediaFileField(models.FileField):
    """A FileField whose files are stored under random names and served through `visible_to` on
    `owner` (a relation path such as "case" or "activity__member"; None: the row's own model)."""

    def __init__(self, verbose_name=None, *, prefix, owner=None, **kwargs):
        self.prefix = prefix.strip("/")
        self.owner = owner
        kwargs["upload_to"] = RandomName(self.prefix)
        kwargs.setdefault("max_length", 200)
        super().__init__(verbose_name, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("upload_to", None)
        kwargs["prefix"] = self.prefix
        if kwargs.get("max_length") == 200:
            del kwargs["max_length"]
        return name, path, args, kwargs


@lru_cache(maxsize=1)
def media_fields():
    """[(prefix, model, field)] of every MediaFileField in the installed apps, longest prefix
    first. Two fields may not share a prefix (checked by `check_media_fields`)."""
    found = []
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, MediaFileField):
                found.append((field.prefix, model, field))
    return sorted(found, key=lambda t: -len(t[0]))


def owner_model(model, field):
    target = model
    for part in (field.owner or "").split("__"):
        if part:
            target = target._meta.get_field(part).related_model
    return target


def visible_rows(model, field, user):
    """The rows of `model` whose `field` file `user` may fetch."""
    rows = model._default_manager.all()
    if field.owner:
        owners = owner_model(model, field).objects.visible_to(user).values("pk")
        visible = rows.filter(**{f"{field.owner}__in": owners})
    else:
        visible = rows.visible_to(user)
    public = getattr(model, "public_media", None)
    if public is not None:
        visible = visible | public(rows)
    return visible


def find_owner_row(path, user):
    """The row holding the media file `path` that `user` may fetch, or None."""
    for prefix, model, field in media_fields():
        if path.startswith(prefix + "/"):
            return visible_rows(model, field, user).filter(**{field.name: path}).first()
    return None


def file_response(fieldfile, *, download_name=None):
    """Serve a stored file with headers decided by its stored kind, never by its bytes."""
    name = fieldfile.name
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    try:
        handle = fieldfile.storage.open(name, "rb")
    except (FileNotFoundError, OSError):
        raise Http404("文件不存在或无权访问")
    content_type = CONTENT_TYPES.get(ext)
    if content_type:
        response = FileResponse(handle, content_type=content_type)
    else:
        guessed = mimetypes.types_map.get(f".{ext}") if ext in SAFE_EXTENSIONS else None
        response = FileResponse(handle, content_type=guessed or "application/octet-stream", as_attachment=True,
                                filename=download_name or f"file.{ext if ext in SAFE_EXTENSIONS else 'bin'}")
    harden(response)
    return response


def harden(response):
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, max-age=300"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


def serve(request, path):
    """`/media/<path>`: the file when its owner is visible to the viewer, else 404."""
    if ".." in path.split("/") or path.startswith("/"):
        raise Http404("文件不存在或无权访问")
    row = find_owner_row(path, request.user)
    if row is None:
        raise Http404("文件不存在或无权访问")
    accel = getattr(settings, "MEDIA_X_ACCEL_REDIRECT", "")
    if accel:  # the reverse proxy sends the bytes (nginx `internal` location on MEDIA_ROOT)
        response = HttpResponse()
        response["X-Accel-Redirect"] = accel.rstrip("/") + "/" + path
        ext = path.rsplit(".", 1)[-1].lower()
        response["Content-Type"] = CONTENT_TYPES.get(ext, "application/octet-stream")
        if ext not in CONTENT_TYPES:
            response["Content-Disposition"] = "attachment"
        return harden(response)
    return file_response(getattr(row, _field_for(path).name))


def _field_for(path):
    for prefix, _model, field in media_fields():
        if path.startswith(prefix + "/"):
            return field
    raise Http404


def check_media_fields(app_configs=None, **kwargs):
    """System check: every file field is a MediaFileField with its own prefix and an owner that
    can be scoped."""
    from django.core import checks

    errors, seen = [], {}
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if not isinstance(field, models.FileField):
                continue
            label = f"{model._meta.label}.{field.name}"
            if not isinstance(field, MediaFileField):  # a warning while apps move over; /media/ never serves it
                errors.append(checks.Warning(f"{label} is a FileField: /media/ will not serve it; use "
                                             "core.media.MediaFileField", id="gridgov.W101",
                                             hint="docs/security.md, for app authors"))
                continue
            if field.prefix in seen:
                errors.append(checks.Error(f"{label} shares the media prefix '{field.prefix}' with {seen[field.prefix]}",
                                           id="gridgov.E102"))
            seen[field.prefix] = label
            target = owner_model(model, field)
            if not hasattr(target.objects, "visible_to"):
                errors.append(checks.Error(f"{label}: owner {target._meta.label} has no objects.visible_to",
                                           id="gridgov.E103"))
    return errors

"""Uploaded images: the only way a picture enters the platform (see docs/security.md).

An upload is decoded with Pillow and written again as a new JPEG, PNG or WebP file, so what is
stored is pixels we produced, never the bytes a client sent: a script, an SVG, an HTML page that
starts with JPEG bytes or a polyglot cannot survive. Limits are checked before decoding (bytes,
then pixels from the header), metadata is dropped (EXIF, GPS, comments, ICC profiles) after the
orientation is applied, and the stored name and extension are chosen by the server.

    from gridgov.core.uploads import clean_image, ImageUploadField, MultiImageUploadField

    photo = ImageUploadField(label="照片", required=False)          # in a form
    image = clean_image(upload)                                      # in an action (idempotent)
    Visit(photo=image)                                               # a CleanImage is a File

`clean_image` is idempotent: a file it produced passes through unchanged, so a form and the
action behind it can both call it. GPS is never kept inside the file; a form that wants the
position asks for it (`read_gps=True`) and stores it in its own fields.
"""

import io
import secrets
import warnings
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile

# Pillow format → (stored extension, Content-Type). Nothing else is accepted.
KINDS = {"JPEG": ("jpg", "image/jpeg"), "PNG": ("png", "image/png"), "WEBP": ("webp", "image/webp")}
CONTENT_TYPES = {ext: ctype for ext, ctype in KINDS.values()}
MAX_IMAGE_BYTES = 10 * 1024 * 1024  # what a phone camera gives; larger uploads are refused unread
MAX_IMAGE_PIXELS = 50_000_000  # from the header, before decoding (a 50 MP photo); bombs are refused
MAX_IMAGE_SIDE = 2560  # stored images are scaled down to this many pixels on the long side
JPEG_QUALITY = 85
ACCEPT = "image/jpeg,image/png,image/webp"  # for <input accept=…>; a hint only, the content decides


class CleanImage(ContentFile):
    """A re-encoded image with a server-chosen random name (`<32 hex>.<jpg|png|webp>`)."""

    def __init__(self, data, *, kind, width, height, gps=None):
        ext, content_type = KINDS[kind]
        super().__init__(data, name=f"{secrets.token_hex(16)}.{ext}")
        self.kind = kind
        self.extension = ext
        self.content_type = content_type
        self.width = width
        self.height = height
        self.gps = gps  # (lng, lat) when asked for and present, else None


@dataclass(frozen=True)
class ImageLimits:
    max_bytes: int = MAX_IMAGE_BYTES
    max_pixels: int = MAX_IMAGE_PIXELS
    max_side: int = MAX_IMAGE_SIDE


def _read(upload, max_bytes):
    size = getattr(upload, "size", None)
    if size is not None and size > max_bytes:
        raise ValidationError(f"图片不能超过 {max_bytes // (1024 * 1024)} MB", code="too_large")
    if hasattr(upload, "seek"):
        upload.seek(0)
    data = upload.read(max_bytes + 1)
    if hasattr(upload, "seek"):
        upload.seek(0)
    if len(data) > max_bytes:
        raise ValidationError(f"图片不能超过 {max_bytes // (1024 * 1024)} MB", code="too_large")
    if not data:
        raise ValidationError("图片文件为空", code="empty")
    return data


def _gps(image):
    """(lng, lat) from the EXIF GPS block, or None."""
    try:
        info = image.getexif().get_ifd(0x8825)
    except Exception:
        return None

    def degrees(values, ref):
        d, m, s = (float(v) for v in values)
        value = d + m / 60 + s / 3600
        return -value if ref in ("S", "W") else value

    try:
        lat = degrees(info[2], info.get(1, "N"))
        lng = degrees(info[4], info.get(3, "E"))
    except (KeyError, TypeError, ValueError, ZeroDivisionError):
        return None
    if -90 <= lat <= 90 and -180 <= lng <= 180:
        return (round(lng, 6), round(lat, 6))
    return None


def clean_image(upload, *, limits=ImageLimits(), read_gps=False):
    """Decode `upload` (any file-like object) and return a `CleanImage`; raise a Chinese
    `ValidationError` for anything that is not a JPEG, PNG or WebP picture within the limits."""
    if isinstance(upload, CleanImage):
        return upload
    from PIL import Image, ImageOps

    data = _read(upload, limits.max_bytes)
    not_an_image = ValidationError("文件不是有效的图片（支持 JPG、PNG、WEBP）", code="not_image")
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        too_many = ValidationError(f"图片像素过多（最多 {limits.max_pixels // 1_000_000} 百万像素）",
                                   code="too_many_pixels")
        try:
            image = Image.open(io.BytesIO(data), formats=list(KINDS))
        except (Image.DecompressionBombWarning, Image.DecompressionBombError):
            raise too_many from None
        except Exception:
            raise not_an_image from None
        kind = image.format
        width, height = image.size
        if width < 1 or height < 1 or width * height > limits.max_pixels:
            raise too_many
        gps = _gps(image) if read_gps else None
        try:
            image.seek(0)  # animations keep their first frame only
            image.load()
            image = ImageOps.exif_transpose(image)
        except Exception:
            raise not_an_image from None
    image = _normalise_mode(image, kind)
    if max(image.size) > limits.max_side:
        image.thumbnail((limits.max_side, limits.max_side), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    if kind == "JPEG":
        image.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
    elif kind == "PNG":
        image.save(out, "PNG", optimize=True)
    else:
        image.save(out, "WEBP", quality=JPEG_QUALITY)
    return CleanImage(out.getvalue(), kind=kind, width=image.size[0], height=image.size[1], gps=gps)


def _normalise_mode(image, kind):
    """A fresh image in a plain mode: drops palettes' tricks, text chunks and profiles."""
    if kind == "JPEG":
        wanted = "L" if image.mode in ("L", "1") else "RGB"
    elif image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        wanted = "RGBA"
    else:
        wanted = "L" if image.mode in ("L", "1") else "RGB"
    if image.mode == "CMYK" and wanted == "RGB":
        image = image.convert("RGB")
    fresh = image.convert(wanted)
    fresh.info = {}
    return fresh


def clean_images(uploads, *, max_count, limits=ImageLimits(), field="photos"):
    """Clean a list of uploads; errors are collected under `field` with the file's position."""
    uploads = [u for u in (uploads or []) if u]
    if len(uploads) > max_count:
        raise ValidationError({field: f"最多上传 {max_count} 张图片"})
    cleaned, errors = [], []
    for i, upload in enumerate(uploads, 1):
        try:
            cleaned.append(clean_image(upload, limits=limits))
        except ValidationError as exc:
            errors.append(f"第 {i} 个文件：{exc.messages[0]}")
    if errors:
        raise ValidationError({field: errors})
    return cleaned


# --- form fields ---------------------------------------------------------------------------------

class ImageUploadField(forms.FileField):
    """A form field whose cleaned value is a `CleanImage` (or None when left empty)."""

    def __init__(self, *, limits=ImageLimits(), read_gps=False, **kwargs):
        self.limits, self.read_gps = limits, read_gps
        kwargs.setdefault("widget", forms.ClearableFileInput(attrs={"accept": ACCEPT}))
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if not upload or upload is initial:
            return upload
        return clean_image(upload, limits=self.limits, read_gps=self.read_gps)


class MultipleImageInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiImageUploadField(forms.FileField):
    """Several pictures in one input (`<input type=file multiple>`): a list of `CleanImage`."""

    def __init__(self, *, max_count=5, limits=ImageLimits(), **kwargs):
        self.max_count, self.limits = max_count, limits
        kwargs.setdefault("widget", MultipleImageInput(attrs={"accept": ACCEPT, "multiple": True}))
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        if not files and self.required:
            raise ValidationError(self.error_messages["required"], code="required")
        try:
            return clean_images(files, max_count=self.max_count, limits=self.limits, field="__all__")
        except ValidationError as exc:
            raise ValidationError(exc.message_dict["__all__"]) from None

"""Evidence files (佐证材料) of reported indicator values: the type is decided by the content,
never by the name or the browser's claim; the stored name is random; the original name is kept
for display only. (Until the security work's shared upload helper lands, this is the one
place that checks evidence uploads.)"""

import io
import os
import uuid
import zipfile

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile

MAX_BYTES = 10 * 1024 * 1024
OOXML = {"word/": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx"),
         "xl/": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx")}


def sniff(data):
    """(content type, extension) from the first bytes, or None."""
    if data.startswith(b"%PDF-"):
        return "application/pdf", ".pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png", ".png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg", ".jpg"
    if data.startswith(b"PK\x03\x04"):
        try:
            names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        except zipfile.BadZipFile:
            return None
        if "[Content_Types].xml" in names:
            for prefix, kind in OOXML.items():
                if any(n.startswith(prefix) for n in names):
                    return kind
    return None


def check(upload):
    """(display name, content type, bytes) of an acceptable upload, or ValidationError."""
    if upload.size > MAX_BYTES:
        raise ValidationError("佐证材料单个文件不能超过 10 MB")
    data = upload.read()
    kind = sniff(data)
    if kind is None:
        raise ValidationError("佐证材料只接受 PDF、JPG、PNG、Word（docx）和 Excel（xlsx）文件")
    base = os.path.basename(upload.name or "佐证材料")[:100]
    return base, kind[0], data


EXTENSIONS = {"application/pdf": ".pdf", "image/png": ".png", "image/jpeg": ".jpg",
              **{kind: ext for kind, ext in OOXML.values()}}


def storage_name(content_type):
    """A random stored name with the extension of the sniffed type."""
    return f"{uuid.uuid4().hex}{EXTENSIONS.get(content_type, '')}"


def as_file(data):
    return ContentFile(data)

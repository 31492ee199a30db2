"""Evidence files: the type is read from the content, never from the name."""

from __future__ import annotations

import io
import os
import unicodedata
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_OOXML_MAIN = {
    DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
}
EXTENSIONS = {
    "application/pdf": "pdf",
    "image/png": "png",
    "image/jpeg": "jpg",
    DOCX: "docx",
    XLSX: "xlsx",
}


def max_size() -> int:
    return int(getattr(settings, "THEODOI_EVIDENCE_MAX_BYTES", 10 * 1024 * 1024))


def sniff(head: bytes, stream: io.IOBase | None = None) -> str | None:
    """The content type the bytes show, or None for anything not allowed."""
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"PK\x03\x04") and stream is not None:
        try:
            with zipfile.ZipFile(stream) as archive:
                info = archive.getinfo("[Content_Types].xml")
                if info.file_size > 1024 * 1024:  # a real one is a few kilobytes
                    return None
                types = archive.read(info).decode("utf-8", "replace")
        except (zipfile.BadZipFile, KeyError, OSError, RuntimeError):
            return None
        for content_type, main in _OOXML_MAIN.items():
            if main in types:
                return content_type
    return None


def check(upload: UploadedFile) -> str:
    """Return the upload's content type or raise ValidationError."""
    limit = max_size()
    if (upload.size or 0) > limit:
        raise ValidationError(
            _("The file is too large: at most %(size)s.") % {"size": filesizeformat(limit)},
            code="too_large",
        )
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    content_type = sniff(head, upload.file if head.startswith(b"PK") else None)
    upload.seek(0)
    if content_type is None:
        raise ValidationError(
            _("Only PDF, PNG, JPEG, DOCX and XLSX files are accepted."), code="bad_type"
        )
    return content_type


def display_name(name: str) -> str:
    """A name safe to show and to offer as a download name: no folders, no control characters."""
    name = os.path.basename(name.replace("\\", "/"))
    name = "".join(
        c for c in unicodedata.normalize("NFC", name) if unicodedata.category(c)[0] != "C"
    )
    name = name.strip().lstrip(".")
    return name[:200] or "file"

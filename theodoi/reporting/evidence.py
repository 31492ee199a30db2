"""Evidence files: the type is read from the content, never from the name."""

from __future__ import annotations

import os
import unicodedata

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from theodoi.core import files

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXTENSIONS = {
    "application/pdf": "pdf",
    "image/png": "png",
    "image/jpeg": "jpg",
    DOCX: "docx",
    XLSX: "xlsx",
}


def max_size() -> int:
    return int(getattr(settings, "THEODOI_EVIDENCE_MAX_BYTES", 10 * 1024 * 1024))


def check(upload: UploadedFile) -> str:
    """Return the upload's content type or raise ValidationError."""
    limit = max_size()
    if (upload.size or 0) > limit:
        raise ValidationError(
            _("The file is too large: at most %(size)s.") % {"size": filesizeformat(limit)},
            code="too_large",
        )
    kind = files.sniff(upload)
    content_type = files.CONTENT_TYPES.get(kind) if kind else None
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

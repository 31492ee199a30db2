"""Evidence files (a conference's minutes, photos, attendance list; a deduction's proof).

An upload is accepted only when its first bytes say it is a PDF, a Word
document (DOCX), an Excel workbook (XLSX), a PNG or a JPEG, and it is not above
``TUYENVAN_EVIDENCE_MAX_BYTES``. The name on disk is generated (a random hex
name under ``tuyenvan/evidence/<year>/``, the extension from the content); the
user's name is kept only as a label. Files are served by views that ask the
permission module (media files are not served publicly).
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from theodoi.core import clock, files

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "png": "image/png",
    "jpg": "image/jpeg",
}


def max_bytes() -> int:
    return int(getattr(settings, "TUYENVAN_EVIDENCE_MAX_BYTES", 10 * 1024 * 1024))


def sniff(upload: Any) -> str | None:
    """The file's type from its content, or None when it is none of the accepted ones."""
    kind = files.sniff(upload)
    return kind if kind in CONTENT_TYPES else None


def check(upload: Any) -> str:
    """The content type code of an acceptable upload; ValidationError otherwise."""
    limit = max_bytes()
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise ValidationError(
            _("The file is too large (%(size)s MB); the limit is %(limit)s MB.")
            % {"size": f"{size / 1024 / 1024:.1f}", "limit": f"{limit / 1024 / 1024:.0f}"}
        )
    if not size:
        raise ValidationError(_("The file is empty."))
    kind = sniff(upload)
    if kind is None:
        raise ValidationError(
            _("Upload a PDF, a Word or Excel document (DOCX, XLSX) or a photo (PNG, JPEG).")
        )
    return kind


def evidence_path(instance: Any, filename: str) -> str:
    """A generated name; the extension comes from the content, never from the user."""
    kind = sniff(instance.file) or "bin"
    return f"tuyenvan/evidence/{clock.today():%Y}/{uuid.uuid4().hex}.{kind}"


def label(name: str) -> str:
    """The user's file name kept as a label: no path, no control characters, 200 at most."""
    name = re.split(r"[\\/]", name or "")[-1]
    name = re.sub(r"[\x00-\x1f\x7f]", "", name).strip()
    return name[:200] or "tep"


def download_name(name: str, kind: str) -> str:
    """An ASCII-safe name for the Content-Disposition header."""
    stem = name.rsplit(".", 1)[0]
    safe = re.sub(r"[^\w.-]+", "-", stem, flags=re.ASCII).strip("-.") or "minh-chung"
    return f"{safe[:80]}.{kind}"

"""Rules documents: checked by content, stored under a generated name.

An upload is accepted only when its first bytes say it is a PDF, a DOCX (a
ZIP holding ``word/document.xml``), a PNG or a JPEG, and it is not above
``TUYENVAN_RULES_MAX_BYTES``; the name given by the user is never used on
disk. The file is served by a view that checks the board's read permission
(media files are not served publicly).
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from theodoi.core import clock, files

MAX_BYTES = int(getattr(settings, "TUYENVAN_RULES_MAX_BYTES", 10 * 1024 * 1024))

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "png": "image/png",
    "jpg": "image/jpeg",
}


def sniff(upload: Any) -> str | None:
    """The file's type from its content ('pdf', 'docx', 'png', 'jpg'), or None."""
    kind = files.sniff(upload)
    return kind if kind in CONTENT_TYPES else None


def validate_rules_file(upload: Any) -> None:
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_BYTES:
        raise ValidationError(
            _("The file is too large (%(size)s MB); the limit is %(limit)s MB."),
            params={
                "size": f"{size / 1024 / 1024:.1f}",
                "limit": f"{MAX_BYTES / 1024 / 1024:.0f}",
            },
            code="too_large",
        )
    if sniff(upload) is None:
        raise ValidationError(
            _("Upload a PDF, a Word document (DOCX) or a scan (PNG, JPEG)."), code="type"
        )


def rules_file_path(instance: Any, filename: str) -> str:
    """A generated name; the extension comes from the content, not the user."""
    kind = sniff(instance.file) or "bin"
    return f"tuyenvan/rules/{clock.today():%Y}/{uuid.uuid4().hex}.{kind}"

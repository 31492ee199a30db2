"""Uploaded files: the type is read from the content, never from the name.

Every app that takes uploads (report evidence, conference files, boards'
rules documents) asks ``sniff`` and keeps only the types it accepts.
"""

from __future__ import annotations

import zipfile
from typing import Any

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# An Office Open XML package: the main part it declares in [Content_Types].xml,
# and where that part usually lies.
_OOXML_MAIN = {
    "docx": ("wordprocessingml.document.main+xml", "word/document.xml"),
    "xlsx": ("spreadsheetml.sheet.main+xml", "xl/workbook.xml"),
}


def _ooxml_kind(upload: Any) -> str | None:
    try:
        with zipfile.ZipFile(upload) as archive:
            info = archive.getinfo("[Content_Types].xml")
            if info.file_size > 1024 * 1024:  # a real one is a few kilobytes
                return None
            types = archive.read(info).decode("utf-8", "replace")
            names = set(archive.namelist())
    except (zipfile.BadZipFile, KeyError, OSError, RuntimeError, ValueError):
        return None
    for kind, (main, part) in _OOXML_MAIN.items():
        if main in types or part in names:
            return kind
    return None


def sniff(upload: Any) -> str | None:
    """'pdf', 'png', 'jpg', 'docx' or 'xlsx' from the file's bytes, or None.

    The file is left at its start.
    """
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    kind: str | None = None
    if head.startswith(b"%PDF-"):
        kind = "pdf"
    elif head.startswith(b"\x89PNG\r\n\x1a\n"):
        kind = "png"
    elif head.startswith(b"\xff\xd8\xff"):
        kind = "jpg"
    elif head.startswith(b"PK\x03\x04"):
        kind = _ooxml_kind(upload)
        upload.seek(0)
    return kind

import io
import zipfile

import pytest

from theodoi.core.files import sniff


def _zip(parts: dict[str, str]) -> io.BytesIO:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    buffer.seek(0)
    return buffer


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        (io.BytesIO(b"%PDF-1.7 ..."), "pdf"),
        (io.BytesIO(b"\x89PNG\r\n\x1a\n...."), "png"),
        (io.BytesIO(b"\xff\xd8\xff\xe0...."), "jpg"),
        (_zip({"[Content_Types].xml": "<Types/>", "word/document.xml": "<w/>"}), "docx"),
        (_zip({"[Content_Types].xml": "...spreadsheetml.sheet.main+xml..."}), "xlsx"),
        (_zip({"word/document.xml": "<w/>"}), None),  # a zip, not an Office package
        (io.BytesIO(b"PK\x03\x04 broken"), None),
        (io.BytesIO(b"MZ\x90\x00 an executable"), None),
    ],
)
def test_it_reads_the_type_from_the_content(content, kind):
    assert sniff(content) == kind
    assert content.tell() == 0

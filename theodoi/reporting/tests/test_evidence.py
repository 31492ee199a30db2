import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from theodoi.reporting import actions
from theodoi.reporting.models import Evidence

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _ooxml(main: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", f'<Types><Override ContentType="{main}"/></Types>')
    return buf.getvalue()


DOCX = _ooxml("application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml")


@pytest.fixture
def report(setup):
    return actions.do_start_report(setup.h1, setup.world.bdv)


def _upload(client, report, name, content, content_type="application/octet-stream"):
    entry = report.entries.first()
    return client.post(
        f"/reporting/reports/{report.pk}/entries/{entry.pk}/evidence/",
        {"file": SimpleUploadedFile(name, content, content_type=content_type)},
    )


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("bien-ban.pdf", PDF, "application/pdf"),
        ("anh.png", PNG, "image/png"),
        (
            "bao-cao.docx",
            DOCX,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
    ],
)
def test_allowed_files_are_stored_under_generated_names(client, setup, report, name, content, kind):
    client.force_login(setup.world.agency)
    assert _upload(client, report, name, content).status_code == 302
    evidence = Evidence.objects.get()
    assert evidence.content_type == kind
    assert evidence.name == name
    assert name not in evidence.file.name
    assert evidence.file.name.startswith(f"evidence/{report.pk}/")


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("virus.pdf", b"MZ\x90\x00 not a pdf"),
        ("trick.png", b"<html><script>alert(1)</script>"),
        ("fake.docx", b"PK\x03\x04 broken zip"),
        ("other.zip", _ooxml("application/x-other")),
    ],
)
def test_wrong_content_is_refused_whatever_the_name(client, setup, report, name, content):
    client.force_login(setup.world.agency)
    response = _upload(client, report, name, content, "application/pdf")
    assert response.status_code == 422
    assert "Chỉ nhận tệp PDF" in response.content.decode()
    assert not Evidence.objects.exists()


def test_too_large_is_refused(client, setup, report, settings):
    settings.THEODOI_EVIDENCE_MAX_BYTES = 100
    client.force_login(setup.world.agency)
    response = _upload(client, report, "big.pdf", PDF + b"x" * 200)
    assert response.status_code == 422
    assert "Tệp quá lớn" in response.content.decode()


def test_path_tricks_in_names_go_nowhere(client, setup, report):
    client.force_login(setup.world.agency)
    assert _upload(client, report, "../../../etc/passwd.pdf", PDF).status_code == 302
    evidence = Evidence.objects.get()
    assert evidence.name == "passwd.pdf"
    assert ".." not in evidence.file.name


def test_files_are_served_only_to_readers(client, setup, report):
    client.force_login(setup.world.agency)
    _upload(client, report, "bien-ban.pdf", PDF)
    evidence = Evidence.objects.get()
    for who, status in (
        ("agency", 200),
        ("coordinator", 200),
        ("viewer", 200),
        ("commune", 404),
        ("outsider", 404),
    ):
        client.force_login(getattr(setup.world, who))
        response = client.get(f"/reporting/evidence/{evidence.pk}/")
        assert response.status_code == status, who
        if status == 200:
            assert b"".join(response.streaming_content) == PDF
            assert response["Content-Disposition"].startswith("attachment")


def test_no_uploads_after_submission(client, setup, report):
    client.force_login(setup.world.agency)
    actions.do_submit_report(report, by=setup.world.agency)
    assert _upload(client, report, "late.pdf", PDF).status_code == 422
    client.force_login(setup.world.coordinator)
    assert _upload(client, report, "x.pdf", PDF).status_code == 403
    assert not Evidence.objects.exists()

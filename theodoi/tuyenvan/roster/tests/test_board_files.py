"""Rules documents: upload checked by content and size, stored under a generated
name, served only to those who may read the board; village teams linked to units."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from theodoi.testing import make_unit, release
from theodoi.tuyenvan.roster import files
from theodoi.tuyenvan.roster.models import Board, RulesDocument, Team
from theodoi.units.models import Unit

from .test_boards import _formset

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def _board_data(board, upload, name="../../evil name.pdf", teams=None):
    return {
        "name": board.name,
        "established_on": "",
        "note": "",
        "reason": "Quy chế mới",
        **_formset("members", []),
        **_formset(
            "rules",
            [
                {
                    "number": "03-QC/ĐU",
                    "issued_on": "2018-03-01",
                    "title": "Quy chế",
                    "file": SimpleUploadedFile(name, upload),
                }
            ],
        ),
        **_formset("teams", teams or []),
    }


def test_a_pdf_is_stored_under_a_generated_name_and_served_to_readers(client, world, settings):
    board = Board.objects.create(unit=world.commune1a, name="Ban tuyên vận xã Một A")
    client.force_login(world.commune)
    response = client.post(f"/tuyenvan/people/boards/{board.pk}/edit/", _board_data(board, PDF))
    assert response.status_code == 302, response.context and response.context["rules_docs"].errors
    doc = RulesDocument.objects.get(board=board)
    assert doc.file.name.startswith("tuyenvan/rules/")
    assert doc.file.name.endswith(".pdf")
    assert "evil" not in doc.file.name and ".." not in doc.file.name
    url = f"/tuyenvan/people/rules/{doc.pk}/file/"
    assert url in client.get(f"/tuyenvan/people/boards/{board.pk}/").content.decode()
    for persona in ("commune", "district", "coordinator", "viewer"):
        client.force_login(getattr(world, persona))
        response = client.get(url)
        assert response.status_code == 200, persona
        assert response["Content-Type"] == "application/pdf"
        assert b"".join(response.streaming_content) == PDF
    # Another district's scorer and another province's coordinator: not found.
    other = make_unit("Xã Hai Z", Unit.Kind.COMMUNE, world.district2)
    other_board = Board.objects.create(unit=other, name="Ban Hai Z")
    RulesDocument.objects.filter(pk=doc.pk).update(board=other_board)
    client.force_login(world.district)
    assert client.get(url).status_code == 404
    client.force_login(world.outsider)
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302  # to the login page


def test_a_docx_and_a_scan_are_accepted(client, world):
    board = Board.objects.create(unit=world.commune1a, name="Ban tuyên vận xã Một A")
    client.force_login(world.commune)
    response = client.post(
        f"/tuyenvan/people/boards/{board.pk}/edit/",
        _board_data(board, docx_bytes(), name="quy che.docx"),
    )
    assert response.status_code == 302
    doc = RulesDocument.objects.get(board=board)
    assert doc.file.name.endswith(".docx")
    response = client.get(f"/tuyenvan/people/rules/{doc.pk}/file/")
    assert "attachment" in response["Content-Disposition"]
    release(response)
    assert files.sniff(io.BytesIO(b"\x89PNG\r\n\x1a\n....")) == "png"
    assert files.sniff(io.BytesIO(b"\xff\xd8\xff\xe0....")) == "jpg"


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"<html><script>alert(1)</script></html>", "quy-che.pdf"),  # a lie in the name
        (b"MZ\x90\x00 executable", "quy-che.docx"),
        (b"PK\x03\x04 not really a zip", "quy-che.docx"),
    ],
)
def test_other_content_is_refused_whatever_its_name(client, world, content, name):
    board = Board.objects.create(unit=world.commune1a, name="Ban tuyên vận xã Một A")
    client.force_login(world.commune)
    response = client.post(
        f"/tuyenvan/people/boards/{board.pk}/edit/", _board_data(board, content, name=name)
    )
    assert response.status_code == 200
    assert response.context["rules_docs"].forms[0].errors["file"]
    assert not RulesDocument.objects.exists()


def test_a_file_above_the_limit_is_refused(client, world, monkeypatch):
    monkeypatch.setattr(files, "MAX_BYTES", 1024)
    board = Board.objects.create(unit=world.commune1a, name="Ban tuyên vận xã Một A")
    client.force_login(world.commune)
    response = client.post(
        f"/tuyenvan/people/boards/{board.pk}/edit/",
        _board_data(board, PDF + b"0" * 2048),
    )
    assert response.status_code == 200
    errors = response.context["rules_docs"].forms[0].errors["file"]
    assert "MB" in errors[0]
    assert not RulesDocument.objects.exists()


# Village teams -------------------------------------------------------------------------


def test_a_team_links_to_a_village_unit_when_villages_exist(client, world):
    board = Board.objects.create(unit=world.commune1a, name="Ban tuyên vận xã Một A")
    village = make_unit("Thôn Nậm Chạc", Unit.Kind.VILLAGE, world.commune1a)
    client.force_login(world.commune)
    page = client.get(f"/tuyenvan/people/boards/{board.pk}/edit/")
    assert "Thôn Nậm Chạc" in page.content.decode()
    data = _board_data(
        board, PDF, teams=[{"village": str(village.pk)}, {"village_name": "Bản Mới"}]
    )
    data.update(_formset("rules", []))
    response = client.post(f"/tuyenvan/people/boards/{board.pk}/edit/", data)
    assert response.status_code == 302, response.context["teams"].errors
    linked = Team.objects.get(village=village)
    assert linked.village_name == "Thôn Nậm Chạc"
    assert Team.objects.get(village_name="Bản Mới").village is None
    # A village of another commune is not offered.
    stranger = make_unit("Thôn Lạ", Unit.Kind.VILLAGE, world.commune1b)
    data.update(_formset("teams", [{"village": str(stranger.pk)}]))
    response = client.post(f"/tuyenvan/people/boards/{board.pk}/edit/", data)
    assert response.status_code == 200
    assert response.context["teams"].forms[0].errors["village"]


def test_without_villages_the_team_is_named_by_hand(client, world):
    board = Board.objects.create(unit=world.commune1a, name="Ban tuyên vận xã Một A")
    client.force_login(world.commune)
    page = client.get(f"/tuyenvan/people/boards/{board.pk}/edit/")
    assert 'teams-0-village"' not in page.content.decode()
    assert "teams-0-village_name" in page.content.decode()

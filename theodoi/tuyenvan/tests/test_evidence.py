"""Evidence files on a conference and on a deduction: checked by content, served by permission."""

import io
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from theodoi.testing import make_criteria_set, release
from theodoi.tuyenvan.models import Criterion, MeetingFile, Score, ScoreFile, ScoreSheet

from .helpers import fill, hold_meeting

pytestmark = pytest.mark.django_db
S = ScoreSheet.Source
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
MONTH_URL = "/tuyenvan/communes/{pk}/2018-03/"


def xlsx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
    return buffer.getvalue()


@pytest.fixture
def tv(world, monkeypatch):
    monkeypatch.setattr("django.conf.settings.THEODOI_TODAY", "2018-04-02")
    make_criteria_set(world)
    hold_meeting(world.commune1a, world.commune, officials=[world.official])
    return world


def upload(client, tv, name, content, kind="minutes"):
    url = MONTH_URL.format(pk=tv.commune1a.pk) + "meeting/files/"
    return client.post(url, {"kind": kind, "file": SimpleUploadedFile(name, content)})


def test_commune_attaches_minutes_photos_and_attendance(client, tv, settings):
    client.force_login(tv.commune)
    assert upload(client, tv, "Biên bản hội nghị.pdf", PDF).status_code == 302
    assert upload(client, tv, "ảnh.png", PNG, kind="photo").status_code == 302
    assert upload(client, tv, "../../danh sách.xlsx", xlsx(), kind="attendance").status_code == 302
    files = {f.kind: f for f in MeetingFile.objects.all()}
    assert set(files) == {"minutes", "photo", "attendance"}
    for f in files.values():
        # A generated name under the evidence folder, the extension from the content.
        assert f.file.name.startswith("tuyenvan/evidence/2018/")
        assert Path(f.file.name).suffix == "." + f.content_type
        assert "Bi" not in f.file.name and ".." not in f.file.name
        assert (Path(settings.MEDIA_ROOT) / f.file.name).exists()
    assert files["attendance"].name == "danh sách.xlsx"
    assert MeetingFile.history.filter(history_user=tv.commune).count() == 3
    page = client.get(MONTH_URL.format(pk=tv.commune1a.pk)).content.decode()
    assert (
        "Biên bản hội nghị.pdf" in page
        and f"/tuyenvan/meeting-files/{files['minutes'].pk}/" in page
    )


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("virus.pdf", b"MZ\x90\x00" + b"\x00" * 60, "minutes"),
        ("trang.html", b"<html><script>alert(1)</script>", "minutes"),
        ("fake.docx", b"PK\x03\x04garbage", "minutes"),
        ("empty.pdf", b"", "minutes"),
        ("ok.pdf", PDF, "bogus"),
        ("ok.pdf", PDF, ""),
    ],
)
def test_bad_files_are_refused_next_to_the_field(client, tv, name, content, kind):
    client.force_login(tv.commune)
    response = upload(client, tv, name, content, kind)
    assert response.status_code == 400
    assert response.context["errors"]
    assert MeetingFile.objects.count() == 0


def test_size_limit(client, tv, settings):
    settings.TUYENVAN_EVIDENCE_MAX_BYTES = 100
    client.force_login(tv.commune)
    response = upload(client, tv, "lớn.pdf", PDF + b"x" * 200)
    assert response.status_code == 400 and "MB" in " ".join(response.context["errors"]["file"])
    assert MeetingFile.objects.count() == 0


@pytest.mark.parametrize(
    ("who", "add", "read"),
    [
        ("commune", 302, 200),
        ("district", 403, 200),
        ("coordinator", 403, 200),
        ("viewer", 403, 200),
        ("official", 403, 200),  # listed as attending
        ("agency", 404, 404),
        ("outsider", 404, 404),
    ],
)
def test_meeting_files_by_role(client, tv, who, add, read):
    client.force_login(tv.commune)
    upload(client, tv, "bb.pdf", PDF)
    first = MeetingFile.objects.get()
    client.force_login(getattr(tv, who))
    assert upload(client, tv, "bb2.pdf", PDF).status_code == add
    response = client.get(f"/tuyenvan/meeting-files/{first.pk}/")
    assert response.status_code == read
    if read == 200:
        assert response["Content-Type"] == "application/pdf"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert b"".join(response.streaming_content) == PDF
    release(response)
    removal = client.post(f"/tuyenvan/meeting-files/{first.pk}/remove/")
    assert removal.status_code == (302 if who == "commune" else read if read == 404 else 403)


def test_an_official_not_attending_cannot_read_the_files(client, tv):
    from theodoi.testing import make_user
    from theodoi.units.models import Membership

    client.force_login(tv.commune)
    upload(client, tv, "bb.pdf", PDF)
    other = make_user("other_official", Membership.Role.OFFICIAL, tv.district1)
    client.force_login(other)
    assert client.get(f"/tuyenvan/meeting-files/{MeetingFile.objects.get().pk}/").status_code == 404


def test_removing_a_file_is_recorded_and_deletes_the_stored_file(
    client, tv, settings, django_capture_on_commit_callbacks
):
    client.force_login(tv.commune)
    upload(client, tv, "bb.pdf", PDF)
    attached = MeetingFile.objects.get()
    stored = Path(settings.MEDIA_ROOT) / attached.file.name
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/tuyenvan/meeting-files/{attached.pk}/remove/")
    assert not MeetingFile.objects.exists() and not stored.exists()
    assert MeetingFile.history.filter(history_type="-", history_user=tv.commune).exists()


def test_files_lock_with_the_month(client, tv):
    from theodoi.tuyenvan import actions

    from .helpers import MONTH

    client.force_login(tv.commune)
    upload(client, tv, "bb.pdf", PDF)
    fill(tv.commune1a, S.DISTRICT, tv.district)
    actions.do_approve_month(tv.commune1a, MONTH, by=tv.district, close_window=True)
    assert upload(client, tv, "bb2.pdf", PDF).status_code == 403
    attached = MeetingFile.objects.get()
    assert client.post(f"/tuyenvan/meeting-files/{attached.pk}/remove/").status_code == 403
    response = client.get(f"/tuyenvan/meeting-files/{attached.pk}/")
    assert response.status_code == 200
    release(response)


def _sheet_post(criterion, **extra):
    data = {}
    for c in Criterion.objects.all():
        if c.scorable_by("district"):
            points = c.max_points if c.kind not in ("bonus", "penalty") else Decimal(0)
            data[f"points-{c.pk}"] = str(points)
    data[f"points-{criterion.pk}"] = "10"
    data[f"reason-{criterion.pk}"] = "Hai thôn chưa tổ chức"
    data.update(extra)
    return data


def test_a_deduction_needing_evidence_accepts_a_file(client, tv):
    c12 = Criterion.objects.get(code="1.2")
    assert c12.evidence_required
    client.force_login(tv.district)
    url = MONTH_URL.format(pk=tv.commune1a.pk) + "sheet/district/"
    # No text and no file: refused on the line.
    response = client.post(url, _sheet_post(c12, submit="1"))
    assert response.status_code == 400
    # A file that is not what it claims: refused on the line, nothing written.
    bad = SimpleUploadedFile("bb.pdf", b"<html>")
    response = client.post(url, _sheet_post(c12, submit="1", **{f"evidence_file-{c12.pk}": bad}))
    assert response.status_code == 400
    row = next(r for r in response.context["rows"] if r["criterion"].pk == c12.pk)
    assert row["errors"] and not ScoreSheet.objects.filter(source="district").exists()
    # A real file stands as the evidence.
    good = SimpleUploadedFile("Biên bản thôn.pdf", PDF)
    response = client.post(url, _sheet_post(c12, submit="1", **{f"evidence_file-{c12.pk}": good}))
    assert response.status_code == 302
    attached = ScoreFile.objects.get()
    assert attached.score.criterion == c12 and attached.score.points == Decimal(10)
    assert attached.file.name.startswith("tuyenvan/evidence/") and attached.content_type == "pdf"
    # Changing the submitted line later keeps the file as its evidence.
    sheet = ScoreSheet.objects.get(source="district")
    response = client.post(url, _sheet_post(c12, change_reason="Sửa", **{f"points-{c12.pk}": "9"}))
    assert response.status_code == 302
    assert Score.objects.get(sheet=sheet, criterion=c12).points == Decimal(9)
    page = client.get(f"/tuyenvan/sheets/{sheet.pk}/").content.decode()
    assert f"/tuyenvan/score-files/{attached.pk}/" in page
    # The commune reads it on its line-by-line explanation too.
    client.force_login(tv.commune)
    page = client.get(MONTH_URL.format(pk=tv.commune1a.pk) + "explain/").content.decode()
    assert f"/tuyenvan/score-files/{attached.pk}/" in page and "Biên bản thôn.pdf" in page


@pytest.mark.parametrize(
    ("who", "status"),
    [("commune", 200), ("district", 200), ("coordinator", 200), ("viewer", 200),
     ("official", 200), ("agency", 404), ("outsider", 404)],
)  # fmt: skip
def test_score_files_are_read_by_who_reads_the_sheet(client, tv, who, status):
    from theodoi.tuyenvan import actions

    from .helpers import MONTH, full_marks

    sheet = actions.sheet_for(tv.commune1a, MONTH, S.DISTRICT)
    c12 = Criterion.objects.get(code="1.2")
    entries = full_marks(sheet)
    entries[c12.pk] = actions.ScoreInput(
        Decimal(10), "lý do", "", [SimpleUploadedFile("a.png", PNG)]
    )
    actions.do_save_sheet(sheet, entries, by=tv.district, submit=True)
    attached = ScoreFile.objects.get()
    client.force_login(getattr(tv, who))
    response = client.get(f"/tuyenvan/score-files/{attached.pk}/")
    assert response.status_code == status
    if status == 200:
        assert response["Content-Type"] == "image/png"
    release(response)


@pytest.mark.parametrize(
    ("who", "add", "read"),
    [("commune", 201, 200), ("district", 403, 200), ("coordinator", 403, 200),
     ("viewer", 403, 200), ("official", 403, 200), ("agency", 404, 404), ("outsider", 404, 404)],
)  # fmt: skip
def test_meeting_files_through_the_api(client, tv, who, add, read):
    from theodoi.tuyenvan.models import Meeting

    meeting = Meeting.objects.get(commune=tv.commune1a)
    url = f"/api/v1/tuyenvan/meetings/{meeting.pk}/files"
    client.force_login(getattr(tv, who))
    response = client.post(url, {"kind": "photo", "file": SimpleUploadedFile("ảnh.png", PNG)})
    assert response.status_code == add, response.content
    listed = client.get(url)
    assert listed.status_code == read
    if add == 201:
        body = response.json()
        assert body["content_type"] == "png" and body["name"] == "ảnh.png"
        assert listed.json()["items"][0]["url"] == f"/tuyenvan/meeting-files/{body['id']}/"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"kind": "photo", "file": SimpleUploadedFile("x.png", b"GIF89a")}, "file"),
        ({"kind": "bogus", "file": SimpleUploadedFile("x.png", PNG)}, "kind"),
        ({"kind": "photo"}, "file"),
        ({"kind": "photo\x00", "file": SimpleUploadedFile("x.png", PNG)}, "kind"),
    ],
)
def test_meeting_file_api_bad_input(client, tv, data, field):
    from theodoi.tuyenvan.models import Meeting

    meeting = Meeting.objects.get(commune=tv.commune1a)
    client.force_login(tv.commune)
    response = client.post(f"/api/v1/tuyenvan/meetings/{meeting.pk}/files", data)
    assert response.status_code == 422, response.content
    assert field in response.json()["fields"]
    assert client.post(f"/api/v1/tuyenvan/meetings/{10**30}/files", data).status_code in (404, 422)

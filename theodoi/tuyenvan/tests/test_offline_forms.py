"""Forms sent late from a device: a newer edit is never overwritten silently
(both versions shown), refusals are said at the row, numbers typed as "7,5"."""

from decimal import Decimal

import pytest

from theodoi.testing import make_criteria_set
from theodoi.tuyenvan import actions
from theodoi.tuyenvan.models import Criterion, Meeting, ScoreSheet
from theodoi.tuyenvan.views.months import meeting_version
from theodoi.tuyenvan.views.sheets import sheet_version

from .helpers import MONTH, fill, full_marks, hold_meeting

pytestmark = pytest.mark.django_db


@pytest.fixture
def tv(world, monkeypatch):
    monkeypatch.setattr("django.conf.settings.THEODOI_TODAY", "2018-04-02")
    make_criteria_set(world)
    return world


def _url(tv, suffix):
    return f"/tuyenvan/communes/{tv.commune1a.pk}/2018-03/{suffix}"


def _posted(sheet, version, **points):
    data = {"version": version}
    for pk, entry in full_marks(sheet).items():
        data[f"points-{pk}"] = str(entry.points)
    for code, value in points.items():
        data[f"points-{Criterion.objects.get(code=code).pk}"] = value
    return data


def test_a_stale_sheet_is_refused_with_both_versions(client, tv):
    client.force_login(tv.commune)
    sheet = actions.sheet_for(tv.commune1a, MONTH, "self", None)
    opened = sheet_version(sheet)
    assert f'value="{opened}"' in client.get(_url(tv, "sheet/self/")).content.decode()
    c21 = Criterion.objects.get(code="2.1")
    # Saved on another device after the form was opened here.
    actions.do_save_sheet(
        sheet, {c21.pk: actions.ScoreInput("5", "Theo máy tính bảng")}, by=tv.commune
    )
    response = client.post(
        _url(tv, "sheet/self/"),
        _posted(sheet, opened, **{"2.1": "6"}) | {f"reason-{c21.pk}": "Theo điện thoại"},
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "Bản lưu mới hơn" in page and "Theo máy tính bảng" in page
    assert f'name="points-{c21.pk}" value="6"' in page  # the typed value stays
    assert sheet.scores.get(criterion=c21).points == Decimal(5)  # the newer one stands
    assert f'value="{sheet_version(sheet)}"' in page  # sending again keeps mine
    again = client.post(
        _url(tv, "sheet/self/"),
        _posted(sheet, sheet_version(sheet), **{"2.1": "6"})
        | {f"reason-{c21.pk}": "Theo điện thoại"},
    )
    assert again.status_code == 302
    assert sheet.scores.get(criterion=c21).points == Decimal(6)


def test_points_typed_the_vietnamese_way(client, tv):
    client.force_login(tv.commune)
    sheet = actions.sheet_for(tv.commune1a, MONTH, "self", None)
    c21 = Criterion.objects.get(code="2.1")
    data = _posted(sheet, sheet_version(sheet), **{"2.1": "7,5"}) | {f"reason-{c21.pk}": "Chưa đạt"}
    assert client.post(_url(tv, "sheet/self/"), data).status_code == 302
    sheet = ScoreSheet.objects.get(commune=tv.commune1a, source="self")
    assert sheet.scores.get(criterion=c21).points == Decimal("7.5")
    assert 'value="7,5"' in client.get(_url(tv, "sheet/self/")).content.decode()


def test_a_stale_conference_record_shows_the_newer_values(client, tv):
    client.force_login(tv.commune)
    hold_meeting(tv.commune1a, tv.commune)
    meeting = Meeting.objects.get()
    opened = meeting_version(meeting)
    meeting.place = "Nhà văn hóa thôn"
    meeting.save()
    data = {
        "version": opened, "held_on": "2018-03-12", "place": "Hội trường xã", "chair": "Bí thư",
        "topics": "Cháy rừng", "participants": "1.250",
    }  # fmt: skip
    response = client.post(_url(tv, "meeting/"), data)
    assert response.status_code == 409
    assert "Nhà văn hóa thôn" in response.content.decode()
    assert Meeting.objects.get().place == "Nhà văn hóa thôn"
    data["version"] = meeting_version(Meeting.objects.get())
    assert client.post(_url(tv, "meeting/"), data).status_code == 302
    assert (Meeting.objects.get().place, Meeting.objects.get().participants) == (
        "Hội trường xã",
        1250,
    )


def test_a_refused_resolution_is_said_at_its_row(client, tv):
    hold_meeting(tv.commune1a, tv.commune)
    fill(tv.commune1a, "self", tv.commune)
    fill(tv.commune1a, "district", tv.district, _2_1=(Decimal(5), "Chưa sát", "biên bản"))
    client.force_login(tv.district)
    c21 = Criterion.objects.get(code="2.1")
    response = client.post(
        _url(tv, f"flags/{c21.pk}/resolve/"), {"points": "x", "reason": "Đối chiếu"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    row = page[page.index('id="c-2.1"') :]
    row = row[: row.index("</section>")]
    assert 'class="error"' in row and 'value="Đối chiếu"' in row
    ok = client.post(_url(tv, f"flags/{c21.pk}/resolve/"), {"points": "6", "reason": "Đối chiếu"})
    assert ok.status_code == 302 and ok["Location"].endswith("/explain/#c-2.1")


def test_an_appeal_with_several_lines_and_an_attachment(client, tv):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from theodoi.tuyenvan.models import Appeal

    hold_meeting(tv.commune1a, tv.commune)
    fill(tv.commune1a, "self", tv.commune)
    fill(tv.commune1a, "district", tv.district, _2_1=(Decimal(5), "Chưa sát", "biên bản"))
    c21 = Criterion.objects.get(code="2.1")
    client.force_login(tv.commune)
    page = client.get(_url(tv, "explain/")).content.decode()
    assert '<textarea id="appeal-text-' in page and 'name="file"' in page
    pdf = SimpleUploadedFile("bien-ban.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")
    text = "Xã đã tổ chức đủ 12 thôn.\nBiên bản kèm theo."
    response = client.post(_url(tv, f"appeal/{c21.pk}/"), {"text": text, "file": pdf})
    assert response.status_code == 302 and response["Location"].endswith("#c-2.1")
    appeal = Appeal.objects.get()
    assert appeal.text == text and appeal.file_name == "bien-ban.pdf" and appeal.file_type == "pdf"
    client.force_login(tv.district)
    page = client.get(_url(tv, "explain/")).content.decode()
    assert "Xã đã tổ chức đủ 12 thôn.<br>Biên bản kèm theo." in page
    served = client.get(f"/tuyenvan/appeals/{appeal.pk}/file/")
    # Reading the stream to its end closes the file (the test client's wrapper); closing
    # the response again would end the request twice and, on PostgreSQL, its connection.
    assert served.status_code == 200 and b"".join(served.streaming_content).startswith(b"%PDF")
    # Not a file the checks accept: said at the row, nothing filed.
    client.force_login(tv.commune)
    bad = SimpleUploadedFile("x.pdf", b"MZ\x90\x00", "application/pdf")
    refused = client.post(_url(tv, f"appeal/{c21.pk}/"), {"text": "Lần hai", "file": bad})
    assert refused.status_code == 400 and Appeal.objects.count() == 1
    assert "Lần hai" in refused.content.decode()


def test_an_appeal_or_answer_with_a_nul_byte_is_refused_at_its_row(client, tv):
    from theodoi.tuyenvan.models import Appeal

    hold_meeting(tv.commune1a, tv.commune)
    fill(tv.commune1a, "self", tv.commune)
    fill(tv.commune1a, "district", tv.district, _2_1=(Decimal(5), "Chưa sát", "biên bản"))
    c21 = Criterion.objects.get(code="2.1")
    client.force_login(tv.commune)
    refused = client.post(_url(tv, f"appeal/{c21.pk}/"), {"text": "a\x00b"})
    assert refused.status_code == 400 and not Appeal.objects.exists()
    client.post(_url(tv, f"appeal/{c21.pk}/"), {"text": "Xã đã tổ chức đủ."})
    appeal = Appeal.objects.get()
    client.force_login(tv.district)
    answer = client.post(f"/tuyenvan/appeals/{appeal.pk}/answer/", {"answer": "x\x00y"})
    assert answer.status_code == 400
    appeal.refresh_from_db()
    assert not appeal.answer

"""Rankings over periods, the district's section and the bulletin."""

import io
from datetime import date
from decimal import Decimal

import pytest
from docx import Document

from theodoi.testing import make_criteria_set
from theodoi.tuyenvan import documents, results
from theodoi.tuyenvan.models import ScoreSheet, Submission

from .helpers import fill, hold_meeting

pytestmark = pytest.mark.django_db
S = ScoreSheet.Source
FEB, MAR = date(2018, 2, 1), date(2018, 3, 1)


@pytest.fixture
def tv(world, monkeypatch):
    monkeypatch.setattr("django.conf.settings.THEODOI_TODAY", "2018-04-02")
    make_criteria_set(world)
    return world


def test_quarter_scores_are_means_and_ineligible_months_are_not_ranked(tv):
    for month, a, b in ((FEB, Decimal(4), Decimal(10)), (MAR, Decimal(10), Decimal(8))):
        hold_meeting(tv.commune1a, tv.commune, month=month)
        hold_meeting(tv.commune1b, tv.commune, month=month)
        fill(tv.commune1a, S.DISTRICT, tv.district, month=month, _2_1=a)
        fill(tv.commune1b, S.DISTRICT, tv.district, month=month, _2_1=b)
    fill(tv.commune2a, S.DISTRICT, tv.district, month=MAR)  # no conference: not eligible
    q1 = results.rank_communes(tv.province, results.parse_period("2018-Q1"))
    by_name = {r.name: r for r in q1}
    assert set(by_name) == {"Xã Một A", "Xã Một B"}
    # People 93 + conference 5 + reports 0 (none sent after the due date):
    # 1a (92 + 98) / 2 = 95; 1b (98 + 96) / 2 = 97.
    assert (by_name["Xã Một A"].score, by_name["Xã Một B"].score) == (95, 97)
    assert by_name["Xã Một B"].rank == 1 and by_name["Xã Một A"].rank == 2
    assert by_name["Xã Một A"].months == 2
    districts = results.rank_districts(tv.province, results.parse_period("2018"))
    assert [d.name for d in districts] == ["Huyện ủy Một"]


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2018-03", MAR, MAR),
        ("2018-Q2", date(2018, 4, 1), date(2018, 6, 1)),
        ("2018", date(2018, 1, 1), date(2018, 12, 1)),
    ],
)
def test_periods(text, start, end):
    period = results.parse_period(text)
    assert (period.start, period.end) == (start, end)


@pytest.mark.parametrize("text", ["2018-13", "2018-Q0", "18", "2018-3", ""])
def test_bad_periods(text):
    with pytest.raises(ValueError):
        results.parse_period(text)


def test_the_district_section_content(tv):
    meeting = hold_meeting(tv.commune1a, tv.commune, month=MAR, officials=[tv.official])
    meeting.issues_raised = "Đường vào thôn xuống cấp"
    meeting.proposals = "Đề nghị hỗ trợ tài liệu song ngữ"
    meeting.save()
    fill(tv.commune1a, S.DISTRICT, tv.district, month=MAR)
    section = documents.district_section(tv.district1, MAR)
    assert (section.communes, section.meetings, section.participants, section.officials) == (
        2,
        1,
        40,
        1,
    )
    assert "1/2 xã" in section.text
    assert "Đường vào thôn xuống cấp" in section.text
    assert "Đề nghị hỗ trợ tài liệu song ngữ" in section.text
    assert section.rows[0][1] == "Xã Một A" and section.rows[0][5] == "Tốt"
    assert section.rows[1][2] == "Không tổ chức"
    doc = Document(io.BytesIO(documents.district_section_docx(section)))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "BÁO CÁO" in text and "Đường vào thôn" in text


def test_the_district_sends_its_section_to_btg(client, tv):
    url = f"/tuyenvan/districts/{tv.district1.pk}/2018-03/section/"
    for who in (tv.commune, tv.viewer, tv.official):
        client.force_login(who)
        assert client.post(url).status_code in (403, 404)
    client.force_login(tv.district)
    assert client.post(url).status_code == 302
    sent = Submission.objects.get()
    assert (sent.kind, sent.recipient, sent.sender) == ("district_section", tv.btg, tv.district1)
    client.force_login(tv.coordinator)
    client.get(f"/tuyenvan/submissions/{sent.pk}/")
    sent.refresh_from_db()
    assert sent.opened_by == tv.coordinator


def test_the_bulletin_is_in_the_party_format(tv):
    hold_meeting(tv.commune1a, tv.commune, month=MAR)
    fill(tv.commune1a, S.DISTRICT, tv.district, month=MAR)
    doc = Document(io.BytesIO(documents.bulletin_docx(tv.province, MAR)))
    letterhead = doc.tables[0].cell(0, 0).text
    assert "TỈNH ỦY THỬ NGHIỆM" in letterhead and "BAN TUYÊN GIÁO" in letterhead
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in doc.tables[0].cell(0, 1).text
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "BẢN TIN" in text and "tháng 3 năm 2018" in text
    rows = [[c.text for c in r.cells] for r in doc.tables[2].rows]
    assert rows[1][1] == "Huyện ủy Một"


def test_rankings_xlsx(tv):
    from openpyxl import load_workbook

    hold_meeting(tv.commune1a, tv.commune, month=MAR)
    fill(tv.commune1a, S.DISTRICT, tv.district, month=MAR)
    data = documents.rankings_xlsx(tv.province, results.parse_period("2018-03"), "commune")
    ws = load_workbook(io.BytesIO(data)).active
    values = [[c.value for c in row] for row in ws.iter_rows()]
    assert [
        "Hạng",
        "Đơn vị",
        "Huyện",
        "Điểm",
        "Xếp loại",
        "Số tiêu chí bị trừ",
        "Số tháng",
    ] in values
    assert any(row[:2] == [1, "Xã Một A"] for row in values)


def test_a_submission_opened_by_nobody_known_shows(client, tv):
    """The seed (or a deleted account) leaves `opened_at` without `opened_by`: no 500."""
    client.force_login(tv.district)
    client.post(f"/tuyenvan/districts/{tv.district1.pk}/2018-03/section/")
    sent = Submission.objects.get()
    Submission.objects.filter(pk=sent.pk).update(opened_at=sent.sent_at, opened_by=None)
    client.force_login(tv.coordinator)
    response = client.get(f"/tuyenvan/submissions/{sent.pk}/")
    assert response.status_code == 200

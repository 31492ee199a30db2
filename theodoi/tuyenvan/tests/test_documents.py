"""The monthly bulletin and the district's section, opened as DOCX and read back."""

import io
from decimal import Decimal

import pytest
from docx import Document

from theodoi.testing import make_criteria_set
from theodoi.tuyenvan import documents
from theodoi.tuyenvan.models import Meeting, ScoreSheet

from .helpers import MONTH, fill, hold_meeting

pytestmark = pytest.mark.django_db
S = ScoreSheet.Source


@pytest.fixture
def tv(world, monkeypatch):
    monkeypatch.setattr("django.conf.settings.THEODOI_TODAY", "2018-04-02")
    make_criteria_set(world)
    hold_meeting(world.commune1a, world.commune)
    hold_meeting(world.commune2a, world.commune)
    Meeting.objects.filter(commune=world.commune1a).update(
        participants=1250, issues_raised="Giá phân bón tăng.", proposals="Cấp tài liệu song ngữ"
    )
    Meeting.objects.filter(commune=world.commune2a).update(issues_raised="Giá phân bón  tăng")
    fill(world.commune1a, S.DISTRICT, world.district, _5_1=Decimal("6.5"))
    fill(world.commune2a, S.DISTRICT, world.district)
    fill(world.commune1b, S.DISTRICT, world.district)  # no conference: not eligible
    world.province.place = "Thử nghiệm"
    world.province.save()
    return world


def read(data: bytes):
    return Document(io.BytesIO(data))


def cells(table) -> list[list[str]]:
    return [[c.text.strip() for c in row.cells] for row in table.rows]


def body_text(doc) -> str:
    return "\n".join(p.text for p in doc.paragraphs)


def test_bulletin_reads_as_a_party_document(client, tv):
    client.force_login(tv.coordinator)
    response = client.get("/tuyenvan/bulletin/2018-03.docx")
    assert response.status_code == 200
    assert "ban-tin-tuyen-van-2018-03.docx" in response["Content-Disposition"]
    doc = read(response.content)
    letterhead = doc.tables[0]
    left = [p.text for p in letterhead.cell(0, 0).paragraphs]
    right = [p.text for p in letterhead.cell(0, 1).paragraphs]
    # A draft leaves room for the number; issuing (POST) reserves the BTG register's
    # next one (issue 9), which the same bulletin keeps.
    assert left[:3] == ["TỈNH ỦY THỬ NGHIỆM", "BAN TUYÊN GIÁO", "*"]
    assert left[3].replace("\u200b", "").replace("\xa0", " ").split() == ["Số", "-BT/BTGTU"]
    issued = read(client.post("/tuyenvan/bulletin/2018-03.docx").content)
    assert issued.tables[0].cell(0, 0).paragraphs[3].text == "Số 01-BT/BTGTU"
    again = read(client.get("/tuyenvan/bulletin/2018-03.docx").content)
    assert again.tables[0].cell(0, 0).paragraphs[3].text == "Số 01-BT/BTGTU"
    other_month = read(client.post("/tuyenvan/bulletin/2018-02.docx").content)
    assert other_month.tables[0].cell(0, 0).paragraphs[3].text == "Số 02-BT/BTGTU"
    assert letterhead.cell(0, 0).paragraphs[1].runs[0].bold  # the issuer in bold
    assert right[0] == "ĐẢNG CỘNG SẢN VIỆT NAM"
    assert right[-1] == "Thử nghiệm, ngày 02 tháng 4 năm 2018"
    text = body_text(doc)
    assert "BẢN TIN" in text and "Công tác tuyên vận tháng 3 năm 2018" in text
    assert "2/3 xã, phường, thị trấn tổ chức hội nghị tuyên vận" in text
    bands = cells(doc.tables[1])
    assert bands[0] == ["TT", "Xếp loại", "Số đơn vị", "Tỷ lệ (%)"]
    assert bands[-1][1:] == ["Tổng cộng", "3", "100"]
    assert ["1", "Tốt", "2", "66,7"] in bands
    assert ["2", "Không đủ điều kiện xếp loại", "1", "33,3"] in bands
    ranking = cells(doc.tables[2])
    assert ranking[0] == ["Hạng", "Đơn vị", "Điểm bình quân", "Xếp loại", "Số xã"]
    # Two places always, the Vietnamese decimal comma.
    scores = [row[2] for row in ranking[1:]]
    assert all("," in s and len(s.split(",")[1]) == 2 for s in scores), scores
    assert [row[1] for row in ranking[1:]] == ["Huyện ủy Hai", "Huyện ủy Một"]
    # The communes to watch, by district; then the closing block.
    assert "V. ĐƠN VỊ CẦN QUAN TÂM" in text or "IV. ĐƠN VỊ CẦN QUAN TÂM" in text
    assert "- Huyện ủy Một: Xã Một B." in text
    closing = cells(doc.tables[-1])[0]
    assert closing[0].startswith("Nơi nhận:") and "Lưu VP, BTG." in closing[0]
    assert closing[1].startswith("K/T TRƯỞNG BAN\nPHÓ TRƯỞNG BAN")


def test_bulletin_is_vietnamese_whatever_the_page_language(client, tv):
    client.cookies["django_language"] = "en"
    client.force_login(tv.coordinator)
    doc = read(client.get("/tuyenvan/bulletin/2018-03.docx").content)
    assert "Not classified" not in body_text(doc) + str(cells(doc.tables[1]))


@pytest.mark.parametrize(
    ("who", "status"),
    [("coordinator", 200), ("viewer", 200), ("district", 404), ("commune", 404),
     ("official", 404), ("agency", 404), ("outsider", 200)],
)  # fmt: skip
def test_bulletin_for_province_readers_only(client, tv, who, status):
    client.force_login(getattr(tv, who))
    response = client.get("/tuyenvan/bulletin/2018-03.docx")
    assert response.status_code == status
    if status == 200:
        # Each province's readers get their own province's bulletin.
        own = "TỈNH ỦY KHÁC" if who == "outsider" else "TỈNH ỦY THỬ NGHIỆM"
        assert read(response.content).tables[0].cell(0, 0).paragraphs[0].text == own


def test_district_section_docx_and_text(client, tv):
    section = documents.district_section(tv.district1, MONTH)
    assert "1/2 xã, thị trấn tổ chức hội nghị tuyên vận với 1.250 lượt người dự" in section.text
    assert "- Giá phân bón tăng (Xã Một A)." in section.text
    client.force_login(tv.district)
    response = client.get(f"/tuyenvan/districts/{tv.district1.pk}/2018-03/section/?format=docx")
    assert response.status_code == 200
    doc = read(response.content)
    left = [p.text for p in doc.tables[0].cell(0, 0).paragraphs]
    assert left[:3] == ["ĐẢNG BỘ TỈNH THỬ NGHIỆM", "HUYỆN ỦY MỘT", "*"]
    assert left[3].replace("\u200b", "").replace("\xa0", " ").split() == ["Số", "-BC/HU"]
    assert doc.tables[0].cell(0, 1).paragraphs[-1].text.endswith("ngày 02 tháng 4 năm 2018")
    text = body_text(doc)
    assert "BÁO CÁO" in text and "I. KẾT QUẢ THỰC HIỆN" in text
    assert "II. KẾT QUẢ CHẤM ĐIỂM CÁC XÃ" in text
    table = cells(doc.tables[1])
    assert table[0] == documents.SECTION_COLUMNS
    one_a = next(row for row in table if row[1] == "Xã Một A")
    one_b = next(row for row in table if row[1] == "Xã Một B")
    assert one_a[2] == "10/03" and one_a[3] == "1.250" and one_a[4].endswith(",50")
    assert one_a[6] == "1"
    assert one_b[2] == "Không tổ chức" and one_b[6] == "—"
    closing = cells(doc.tables[-1])[0]
    assert "- Ban Tuyên giáo Tỉnh ủy (để b/c),\n- Lưu Văn phòng Huyện ủy." in closing[0]
    assert closing[1].startswith("T/M BAN THƯỜNG VỤ\nPHÓ BÍ THƯ")


def test_identical_issues_are_merged_naming_every_commune(tv):
    section = documents.district_section(tv.district2, MONTH)
    assert "- Giá phân bón tăng (Xã Hai A)." in section.text
    assert documents._by_text([("A", "Giá tăng."), ("B", "Giá  tăng")]) == ["Giá tăng (A, B)."]


def test_a_province_without_a_place_dates_its_bulletin_with_its_own_name(tv):
    tv.province.name = "Tỉnh ủy Hà Giang"
    tv.province.place = ""
    tv.province.save(update_fields=["name", "place"])
    doc = read(documents.bulletin_docx(tv.province, MONTH))
    text = "\n".join(p.text for p in doc.paragraphs)
    text += "\n".join(cell.text for t in doc.tables for row in t.rows for cell in row.cells)
    assert "Hà Giang, ngày 02 tháng 4 năm 2018" in text
    assert "Lào Cai" not in text

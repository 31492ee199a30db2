"""Tests for the Party-format DOCX builder (no database, no Django)."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn

from theodoi.documents.party import (
    Letterhead,
    PartyDocument,
    Signature,
    format_vn_number,
    place_date_line,
)


@pytest.mark.parametrize(
    ("d", "expected"),
    [
        (date(2018, 1, 5), "Lào Cai, ngày 05 tháng 01 năm 2018"),
        (date(2018, 7, 10), "Lào Cai, ngày 10 tháng 7 năm 2018"),
        (date(2018, 4, 3), "Lào Cai, ngày 03 tháng 4 năm 2018"),
        (date(2018, 2, 20), "Lào Cai, ngày 20 tháng 02 năm 2018"),
        (date(2018, 12, 1), "Lào Cai, ngày 01 tháng 12 năm 2018"),
    ],
)
def test_place_date_line_padding(d: date, expected: str) -> None:
    assert place_date_line("Lào Cai", d) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1234567, "1.234.567"),
        (-1500, "-1.500"),
        (0, "0"),
        (8.5, "8,5"),
        (12.0, "12"),
        (1234.567, "1.234,57"),
        (Decimal("85.0"), "85"),
        ("85,0%", "85,0%"),
        (None, ""),
        (True, "True"),
    ],
)
def test_format_vn_number(value: object, expected: str) -> None:
    assert format_vn_number(value) == expected


def test_format_vn_number_fixed_decimals() -> None:
    assert format_vn_number(85.0, decimals=1) == "85,0"


def _build() -> PartyDocument:
    doc = PartyDocument(
        Letterhead(
            "TỈNH ỦY LÀO CAI", "BAN TUYÊN GIÁO", "15-BC/BTGTU", "Lào Cai", date(2018, 7, 10)
        ),
        "Báo cáo",
        "Sơ kết 6 tháng đầu năm 2018 thực hiện Kế hoạch 112-KH/TU",
    )
    doc.heading("I. KẾT QUẢ THỰC HIỆN")
    doc.paragraph("Ban Tuyên giáo Tỉnh ủy đã tham mưu triển khai kế hoạch.")
    doc.bullet("Kiện toàn ban tuyên vận.")
    doc.heading("1. Tổ chức", level=2)
    doc.heading("a) Chi tiết", level=3)
    doc.table(
        ["STT", "Đơn vị", "Kinh phí", "Tỷ lệ"],
        [[1, "Bát Xát", 1234567, "85,0%"], [2, "Bảo Yên", 2000000, "90,5%"]],
        widths_cm=[1.5, 7, 4, 4],
        total_row=["", "Tổng cộng", 3234567, "87,8%"],
    )
    doc.heading("II. PHƯƠNG HƯỚNG")
    doc.closing(
        ["Thường trực Tỉnh ủy (b/c),", "- Các đồng chí Ủy viên BTV Tỉnh ủy,", "- Lưu VP, BTG."],
        Signature("K/T TRƯỞNG BAN", "PHÓ TRƯỞNG BAN", "Phùng Nam Trung"),
    )
    return doc


@pytest.fixture(scope="module")
def reopened():
    return Document(io.BytesIO(_build().to_bytes()))


def _cm(length) -> float:
    # Lengths are stored in twips, so they round-trip within ~0.001 cm.
    return length.cm


def _cell_texts(cell) -> list[str]:
    return [p.text for p in cell.paragraphs]


def _runs(paragraph):
    return [r for r in paragraph.runs if r.text]


def test_letterhead_table(reopened) -> None:
    letterhead = reopened.tables[0]
    left, right = letterhead.rows[0].cells
    assert _cell_texts(left) == ["TỈNH ỦY LÀO CAI", "BAN TUYÊN GIÁO", "*", "Số 15-BC/BTGTU"]
    superior, issuer = left.paragraphs[0], left.paragraphs[1]
    assert not any(r.bold for r in _runs(superior))
    assert all(r.bold for r in _runs(issuer))
    right_texts = [t for t in _cell_texts(right) if t]
    assert right_texts == ["ĐẢNG CỘNG SẢN VIỆT NAM", "Lào Cai, ngày 10 tháng 7 năm 2018"]
    title = right.paragraphs[0]
    assert all(r.bold for r in _runs(title))
    assert _runs(title)[0].font.size.pt == 15
    date_p = next(p for p in right.paragraphs if p.text.startswith("Lào Cai"))
    assert all(r.italic for r in _runs(date_p))
    # The rule under the title is a paragraph bottom border.
    assert right.paragraphs[1]._p.find(f"{qn('w:pPr')}/{qn('w:pBdr')}/{qn('w:bottom')}") is not None
    # Borderless.
    borders = letterhead._tbl.tblPr.find(qn("w:tblBorders"))
    assert {b.get(qn("w:val")) for b in borders} == {"nil"}


def test_title_and_headings(reopened) -> None:
    texts = [p.text for p in reopened.paragraphs]
    assert "BÁO CÁO" in texts  # doc_type is upper-cased
    assert "Sơ kết 6 tháng đầu năm 2018 thực hiện Kế hoạch 112-KH/TU" in texts
    assert "-----" in texts
    by_text = {p.text: p for p in reopened.paragraphs}
    doc_type = by_text["BÁO CÁO"]
    assert doc_type.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert all(r.bold for r in _runs(doc_type))
    for heading in ("I. KẾT QUẢ THỰC HIỆN", "1. Tổ chức", "II. PHƯƠNG HƯỚNG"):
        assert all(r.bold for r in _runs(by_text[heading]))
    assert all(r.italic and r.bold for r in _runs(by_text["a) Chi tiết"]))
    body = by_text["Ban Tuyên giáo Tỉnh ủy đã tham mưu triển khai kế hoạch."]
    assert body.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
    assert _cm(body.paragraph_format.first_line_indent) == pytest.approx(1, abs=0.01)
    assert "- Kiện toàn ban tuyên vận." in texts


def test_data_table(reopened) -> None:
    table = reopened.tables[1]
    cells = [[c.text for c in row.cells] for row in table.rows]
    assert cells == [
        ["STT", "Đơn vị", "Kinh phí", "Tỷ lệ"],
        ["1", "Bát Xát", "1.234.567", "85,0%"],
        ["2", "Bảo Yên", "2.000.000", "90,5%"],
        ["", "Tổng cộng", "3.234.567", "87,8%"],
    ]
    header = table.rows[0]
    assert header._tr.trPr.find(qn("w:tblHeader")) is not None
    assert all(r.bold for c in header.cells for r in _runs(c.paragraphs[0]))
    total = table.rows[-1]
    assert all(r.bold for c in total.cells for r in _runs(c.paragraphs[0]))
    body = table.rows[1]
    assert not any(r.bold for c in body.cells for r in _runs(c.paragraphs[0]))
    assert body.cells[2].paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert body.cells[3].paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert body.cells[1].paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.LEFT
    assert body.cells[0].paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.CENTER  # STT
    assert _cm(table.rows[1].cells[1].width) == pytest.approx(7, abs=0.01)


def test_table_rejects_ragged_rows() -> None:
    doc = PartyDocument(
        Letterhead("TỈNH ỦY LÀO CAI", "BAN TUYÊN GIÁO", "1-BC/BTGTU", "Lào Cai", date(2018, 1, 1)),
        "BÁO CÁO",
        "x",
    )
    with pytest.raises(ValueError):
        doc.table(["A", "B"], [[1]])


def test_closing(reopened) -> None:
    closing = reopened.tables[-1]
    left, right = closing.rows[0].cells
    nn = left.paragraphs[0]
    assert nn.text == "Nơi nhận:"
    run = _runs(nn)[0]
    assert run.bold and run.italic and run.underline
    assert run.font.size.pt == 12
    assert _cell_texts(left)[1:] == [
        "- Thường trực Tỉnh ủy (b/c),",
        "- Các đồng chí Ủy viên BTV Tỉnh ủy,",
        "- Lưu VP, BTG.",
    ]
    assert _runs(left.paragraphs[1])[0].font.size.pt == 11
    sig = [t for t in _cell_texts(right) if t]
    assert sig == ["K/T TRƯỞNG BAN", "PHÓ TRƯỞNG BAN", "Phùng Nam Trung"]
    name_p = next(p for p in right.paragraphs if p.text == "Phùng Nam Trung")
    assert all(r.bold for r in _runs(name_p))
    # At least three blank lines for the signature.
    texts = _cell_texts(right)
    gap = texts.index("Phùng Nam Trung") - texts.index("PHÓ TRƯỞNG BAN") - 1
    assert gap >= 3


def test_page_setup(reopened) -> None:
    section = reopened.sections[0]
    assert _cm(section.page_width) == pytest.approx(21, abs=0.01)
    assert _cm(section.page_height) == pytest.approx(29.7, abs=0.01)
    assert _cm(section.top_margin) == pytest.approx(2, abs=0.01)
    assert _cm(section.bottom_margin) == pytest.approx(2, abs=0.01)
    assert _cm(section.left_margin) == pytest.approx(3, abs=0.01)
    assert _cm(section.right_margin) == pytest.approx(1.5, abs=0.01)
    assert section.different_first_page_header_footer
    header_xml = section.header._element.xml
    assert "PAGE" in header_xml
    assert "PAGE" not in section.first_page_header._element.xml


def test_fonts(reopened) -> None:
    normal = reopened.styles["Normal"]
    assert normal.font.size.pt == 14
    rfonts = normal.element.rPr.find(qn("w:rFonts"))
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        assert rfonts.get(qn(attr)) == "Times New Roman"


def test_save_to_path_and_file(tmp_path) -> None:
    doc = _build()
    target = tmp_path / "out.docx"
    doc.save(target)
    buf = io.BytesIO()
    doc.save(buf)
    assert target.read_bytes()[:2] == b"PK"
    assert buf.getvalue()[:2] == b"PK"
    Document(str(target))  # re-opens


def test_multiline_superior() -> None:
    doc = PartyDocument(
        Letterhead(
            "Đảng bộ tỉnh Thái Nguyên\nĐảng bộ huyện Đại Từ",
            "ĐẢNG ỦY XÃ LA BẰNG",
            "09-KH/ĐU",
            "La Bằng",
            date(2018, 3, 3),
        ),
        "KẾ HOẠCH",
        "",
    )
    reopened = Document(io.BytesIO(doc.to_bytes()))
    left = reopened.tables[0].rows[0].cells[0]
    assert _cell_texts(left) == [
        "ĐẢNG BỘ TỈNH THÁI NGUYÊN",
        "ĐẢNG BỘ HUYỆN ĐẠI TỪ",
        "ĐẢNG ỦY XÃ LA BẰNG",
        "*",
        "Số 09-KH/ĐU",
    ]


class _Unit:
    def __init__(self, name: str, place: str = "") -> None:
        self.name, self.place = name, place


@pytest.mark.parametrize(
    ("units", "expected"),
    [
        ((_Unit("Tỉnh ủy Lào Cai", "Lào Cai"),), "Lào Cai"),
        ((_Unit("Tỉnh ủy Hà Giang"),), "Hà Giang"),
        ((_Unit("Tỉnh uỷ Điện Biên"),), "Điện Biên"),
        ((_Unit("Thành ủy Hà Nội"),), "Hà Nội"),
        ((_Unit("Thành ủy Thành phố Hồ Chí Minh"),), "Thành phố Hồ Chí Minh"),
        ((_Unit("Huyện ủy Bát Xát"), _Unit("Tỉnh ủy Lào Cai", "Lào Cai")), "Lào Cai"),
        ((_Unit("Huyện ủy Bát Xát", "Bát Xát"), _Unit("Tỉnh ủy Lào Cai", "Lào Cai")), "Bát Xát"),
        ((_Unit("Huyện ủy Một"), _Unit("Tỉnh ủy Cao Bằng")), "Cao Bằng"),
        ((_Unit("Sơn La"),), "Sơn La"),
        ((None, _Unit("Tỉnh ủy Yên Bái")), "Yên Bái"),
    ],
)
def test_place_of_the_issuing_unit(units, expected) -> None:
    from theodoi.documents.party import place_of

    assert place_of(*units) == expected

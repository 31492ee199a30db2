"""Reading what people write: headers, time frames, units, files of every kind."""

import io
import re
import zipfile
from datetime import date

import pytest
from docx import Document
from docx.shared import Cm

from theodoi.intake import review as rv
from theodoi.intake.columns import SYNONYMS, guess_field
from theodoi.intake.reader import FileRefused, read_upload
from theodoi.intake.text import fold
from theodoi.intake.timeframes import parse_time_frame
from theodoi.intake.units import UnitResolver
from theodoi.plans.models import Field, Task, WorkItem
from theodoi.units.models import UnitAlias, UnitGroup

from .conftest import workbook

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

PLAN_KEYS = (
    "number",
    "field",
    "task",
    "title",
    "leads",
    "coordinating",
    "time",
    "start",
    "end",
    "output",
    "note",
)


@pytest.mark.parametrize(
    "header,key",
    [
        (h, k)
        for k in PLAN_KEYS
        for h in SYNONYMS[k]
        if not (k == "task" and h == "Nhiệm vụ cụ thể")
    ],
)
def test_each_header_synonym_with_and_without_diacritics(header, key):
    assert guess_field(header) == key
    assert guess_field(header.upper()) == key
    assert guess_field(fold(header)) == key  # "Co quan chu tri"


@pytest.mark.parametrize(
    "header,key",
    [
        ("Cơ quan chủ trì thực hiện (*)", "leads"),
        ("CƠ QUAN, ĐƠN VỊ PHỐI HỢP", "coordinating"),
        ("Thời gian thực hiện\n(dự kiến)", "time"),
        ("Sản phẩm đầu ra", "output"),
        ("Tiến độ", "time"),
    ],
)
def test_headers_with_more_words(header, key):
    assert guess_field(header) == key


@pytest.mark.parametrize(
    "text,start,end",
    [
        ("Quý I/2018", date(2018, 1, 1), date(2018, 3, 31)),
        ("Quý II", date(2018, 4, 1), date(2018, 6, 30)),
        ("quý 3 năm 2018", date(2018, 7, 1), date(2018, 9, 30)),
        ("Quý IV/2018", date(2018, 10, 1), date(2018, 12, 31)),
        ("Quý I-II/2018", date(2018, 1, 1), date(2018, 6, 30)),
        ("Quý II, III", date(2018, 4, 1), date(2018, 9, 30)),
        ("6 tháng đầu năm", date(2018, 1, 1), date(2018, 6, 30)),
        ("6 tháng cuối năm 2018", date(2018, 7, 1), date(2018, 12, 31)),
        ("Sáu tháng đầu năm", date(2018, 1, 1), date(2018, 6, 30)),
        ("Cả năm", date(2018, 1, 1), date(2018, 12, 31)),
        ("Năm 2018", date(2018, 1, 1), date(2018, 12, 31)),
        ("Trong năm", date(2018, 1, 1), date(2018, 12, 31)),
        ("Thường xuyên", date(2018, 1, 1), date(2018, 12, 31)),
        ("Hằng tháng", date(2018, 1, 1), date(2018, 12, 31)),
        ("Hàng quý", date(2018, 1, 1), date(2018, 12, 31)),
        ("Trước 30/6/2018", date(2018, 1, 1), date(2018, 6, 30)),
        ("Trước ngày 15/3", date(2018, 1, 1), date(2018, 3, 15)),
        ("Chậm nhất 31/10/2018", date(2018, 1, 1), date(2018, 10, 31)),
        ("Tháng 3/2018", date(2018, 3, 1), date(2018, 3, 31)),
        ("Tháng 3-4/2018", date(2018, 3, 1), date(2018, 4, 30)),
        ("Tháng 2 - 4", date(2018, 2, 1), date(2018, 4, 30)),
        ("Từ tháng 3 đến tháng 5/2018", date(2018, 3, 1), date(2018, 5, 31)),
        ("Tháng 12", date(2018, 12, 1), date(2018, 12, 31)),
        ("15/01 - 31/3/2018", date(2018, 1, 15), date(2018, 3, 31)),
        ("Từ 01/02/2018 đến 30/11/2018", date(2018, 2, 1), date(2018, 11, 30)),
        ("30/6/2018", date(2018, 6, 30), date(2018, 6, 30)),
        ("THUONG XUYEN", date(2018, 1, 1), date(2018, 12, 31)),
    ],
)
def test_each_time_frame_phrase(text, start, end):
    frame = parse_time_frame(text, 2018)
    assert frame is not None and (frame.start, frame.end) == (start, end)
    assert frame.text == text


@pytest.mark.parametrize("text", ["Quý V", "Tháng 13", "Tháng 5-3", "sớm", "31/02/2018", ""])
def test_what_is_not_a_time_frame(text):
    assert parse_time_frame(text, 2018) is None


@pytest.fixture
def resolver(world, plan, more_units):
    UnitAlias.objects.create(unit=world.btg, name="Ban TG")
    group = UnitGroup.objects.create(name="Khối tuyên truyền")
    group.units.set([world.btg, world.sotttt])
    return UnitResolver(plan)


@pytest.mark.parametrize(
    "text,names",
    [
        ("BTG", ["btg"]),
        ("Ban Tuyên giáo", ["btg"]),
        ("Ban Tuyen giao Tinh uy", ["btg"]),
        ("ban tuyên giáo tỉnh ủy", ["btg"]),
        ("Ban TG", ["btg"]),  # an alias
        ("BDV", ["bdv"]),
        ("Ban Dân vận", ["bdv"]),
        ("BTC", ["btc"]),
        ("MTTQ", ["mttq"]),
        ("MTTQ tỉnh", ["mttq"]),
        ("Mặt trận Tổ quốc tỉnh", ["mttq"]),
        ("UBND tỉnh", ["ubnd"]),
        ("Sở TT&TT", ["sotttt"]),
        ("So Thong tin va Truyen thong", ["sotttt"]),
        ("STTTT", ["sotttt"]),
        ("Hội Nông dân", ["hnd"]),
        ("Các huyện ủy, thành ủy", ["district1", "district2"]),
        ("các huyện ủy, thành ủy; BTG", ["district1", "district2", "btg"]),
        ("MTTQ tỉnh, các đoàn thể", ["mttq", "td", "hnd"]),
        ("Khối tuyên truyền", ["btg", "sotttt"]),  # a unit group of the database
        ("BTG, BDV\nSở TT&TT", ["btg", "bdv", "sotttt"]),
    ],
)
def test_each_alias_abbreviation_and_group(world, more_units, resolver, text, names):
    units = {**world.__dict__, **more_units}
    found = resolver.find(text)
    assert not found.unknown and not found.asked
    assert sorted(u.pk for u in found.units) == sorted(units[n].pk for n in names)


def test_a_name_matching_two_units_is_asked_never_guessed(world, plan, more_units):
    UnitAlias.objects.create(unit=more_units["stc"], name="BTC")
    UnitAlias.objects.create(unit=more_units["btc"], name="BTC")
    resolver = UnitResolver(plan)
    found = resolver.find("BTC; BDV")
    assert [u.pk for u in found.units] == [world.bdv.pk]
    assert found.asked == [
        (
            "BTC",
            sorted(
                [
                    (more_units["btc"].pk, "Ban Tổ chức Tỉnh ủy"),
                    (more_units["stc"].pk, "Sở Tài chính"),
                ],
                key=lambda o: o[1],
            ),
        )
    ]
    chosen = resolver.find("BTC; BDV", {"btc": more_units["stc"].pk})
    assert [u.pk for u in chosen.units] == [more_units["stc"].pk, world.bdv.pk]

    data = workbook([["Nội dung", "Chủ trì", "Thời gian"], ["Dự toán kinh phí", "BTC", "Quý I"]])
    fmt, grid = read_upload("a.xlsx", data)
    staged = rv.stage(plan, "a.xlsx", grid, fmt, by=world.coordinator)
    review = rv.understand(staged)
    assert review.problem_count == 1 and list(review.asked) == ["btc"]
    with pytest.raises(rv.CommitRefused):
        rv.commit(staged, by=world.coordinator, reason="x")
    assert not WorkItem.objects.exists()
    staged.choices = {"btc": more_units["btc"].pk}
    staged.save()
    rv.commit(staged, by=world.coordinator, reason="x")
    assert WorkItem.objects.get().assignments.get().unit == more_units["btc"]


def test_an_unknown_name_is_marked_at_its_cell(world, plan):
    data = workbook(
        [
            ["Nội dung", "Chủ trì", "Phối hợp", "Thời gian"],
            ["Việc", "BTG", "Ban Không Có", "Cả năm"],
        ]
    )
    fmt, grid = read_upload("a.xlsx", data)
    review = rv.understand(rv.stage(plan, "a.xlsx", grid, fmt, by=world.coordinator))
    (item,) = review.items
    assert item.problems == {"coordinating": ["No unit “Ban Không Có” in this province."]}


# Files ------------------------------------------------------------------------------


def _docx_bytes():
    buf = io.BytesIO()
    Document().save(buf)
    return buf.getvalue()


@pytest.mark.parametrize(
    "name,data,message",
    [
        ("bang.xlsx", _docx_bytes(), "named .xlsx but it is a Word document"),
        ("bang.xlsx", b"%PDF-1.7\n...", "named .xlsx but it is a PDF"),
        ("bang.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "an old Office file"),
        ("bang.xlsx", "TT;Nội dung\n1;Việc".encode(), "a text file"),
        ("bang.docx", b"PK\x03\x04broken", "is named .docx but it is a file of an unknown kind"),
        ("bang.csv", b"a,b", "Upload an Excel workbook (.xlsx) or a Word document (.docx)"),
    ],
)
def test_a_file_of_another_kind_is_refused_with_a_message(name, data, message):
    with pytest.raises(FileRefused, match=re.escape(message)):
        read_upload(name, data)


def test_an_oversize_file_is_refused(settings):
    settings.THEODOI_IMPORT_MAX_BYTES = 1000
    with pytest.raises(FileRefused, match="too large"):
        read_upload("bang.xlsx", b"PK\x03\x04" + b"x" * 2000)


def test_a_zip_bomb_is_refused_unread(settings):
    settings.THEODOI_IMPORT_MAX_BYTES = 100_000
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", "0" * 50_000_000)
    with pytest.raises(FileRefused, match="expands to too much data"):
        read_upload("bang.xlsx", buf.getvalue())


def _with_cached_formulas(data: bytes, cached: dict[str, str]) -> bytes:
    """Give formula cells a saved value, as Excel does (openpyxl writes none)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                text = content.decode()
                for ref, value in cached.items():
                    text = re.sub(
                        rf'<c r="{ref}"([^>]*)><f>(.*?)</f><v\s*/?>(</v>)?',
                        rf'<c r="{ref}" t="str"><f>\2</f><v>{value}</v>',
                        text,
                    )
                content = text.encode()
            target.writestr(info, content)
    return out.getvalue()


def test_a_formula_cell_is_read_by_its_saved_value_never_computed(world, plan):
    rows = [
        ["Nội dung", "Chủ trì", "Thời gian"],
        ["Việc một", '="BDV"', "Quý I"],  # saved value "BTG": the formula would give BDV
        ["Việc hai", '=A1&"x"', "Quý II"],  # no saved value at all
    ]
    data = _with_cached_formulas(workbook(rows), {"B2": "BTG"})
    fmt, grid = read_upload("a.xlsx", data)
    assert [f[:3] for f in grid["formulas"]] == [[1, 1, True], [2, 1, False]]
    review = rv.understand(rv.stage(plan, "a.xlsx", grid, fmt, by=world.coordinator))
    first, second = review.items
    assert first.leads == [world.btg]
    assert second.problems == {"leads": ["Choose at least one lead unit."]}
    assert review.formulas == 2


def test_vertically_merged_task_and_lead_cells_repeat_on_each_row(world, plan):
    rows = [
        ["Lĩnh vực", "Nhiệm vụ", "Nhóm đầu công việc", "Đơn vị chủ trì", "Thời gian"],
        ["Tuyên truyền", "Đổi mới tuyên truyền", "Giao ban báo chí", "BTG", "Hằng tháng"],
        [None, None, "Hướng dẫn tuyên truyền", None, "Quý I"],
        [None, None, "Chuyên mục", None, "Quý II"],
    ]
    data = workbook(rows, merges=["A2:A4", "B2:B4", "D2:D4"])
    fmt, grid = read_upload("a.xlsx", data)
    review = rv.understand(rv.stage(plan, "a.xlsx", grid, fmt, by=world.coordinator))
    assert [(r.field, r.task, r.title, r.leads) for r in review.items] == [
        ("Tuyên truyền", "Đổi mới tuyên truyền", t, [world.btg])
        for t in ("Giao ban báo chí", "Hướng dẫn tuyên truyền", "Chuyên mục")
    ]


def _appendix_docx() -> bytes:
    """A hand-made Word appendix: a title merged across, a lead merged down."""
    document = Document()
    document.add_paragraph("PHỤ LỤC")
    table = document.add_table(rows=6, cols=5)
    header = ["STT", "Nội dung nhiệm vụ, công việc", "Đơn vị chủ trì", "Phối hợp", "Thời hạn"]
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = text
    table.cell(1, 0).text = "I"
    table.cell(1, 1).merge(table.cell(1, 4)).text = "Công tác tư tưởng"
    table.cell(2, 0).text = "1"
    table.cell(2, 1).merge(table.cell(2, 4)).text = "Học tập nghị quyết"
    for r, (number, title, coordinating, when) in enumerate(
        [("a)", "Hội nghị quán triệt", "Các huyện ủy, thành ủy", "Quý I/2018"),
         ("b)", "Tài liệu hỏi đáp", "Sở TT&TT", "Trước 30/6/2018")],
        start=3,
    ):  # fmt: skip
        table.cell(r, 0).text = number
        table.cell(r, 1).text = title
        table.cell(r, 3).text = coordinating
        table.cell(r, 4).text = when
    table.cell(3, 2).text = "Ban Tuyên giáo Tỉnh ủy"
    table.cell(3, 2).merge(table.cell(4, 2))
    table.cell(5, 0).text = "Ghi chú: các đơn vị báo cáo trước 15/12."
    table.cell(5, 0).width = Cm(2)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def test_a_docx_appendix_with_merged_cells(world, plan):
    fmt, grid = read_upload("phu-luc.docx", _appendix_docx())
    assert fmt == "docx"
    review = rv.understand(rv.stage(plan, "phu-luc.docx", grid, fmt, by=world.coordinator))
    assert [(r.kind, r.title) for r in review.shown][1:3] == [
        ("field", "Công tác tư tưởng"),
        ("task", "Học tập nghị quyết"),
    ]
    first, second = review.items
    assert (first.task, first.number, first.leads) == ("Học tập nghị quyết", "a)", [world.btg])
    assert {u.pk for u in first.coordinating} == {world.district1.pk, world.district2.pk}
    assert second.leads == [world.btg] and second.coordinating == [world.sotttt]
    assert (second.start, second.end) == (date(2018, 1, 1), date(2018, 6, 30))
    assert review.shown[-1].skip_reason == "note below the table"
    assert review.problem_count == 0


def test_nothing_is_written_before_commit_even_when_the_commit_fails(world, plan, monkeypatch):
    rows = [["Lĩnh vực", "Nội dung", "Chủ trì", "Thời gian"]]
    rows += [["Tuyên truyền", f"Việc {n}", "BTG", "Cả năm"] for n in range(5)]
    fmt, grid = read_upload("a.xlsx", workbook(rows))
    staged = rv.stage(plan, "a.xlsx", grid, fmt, by=world.coordinator)
    assert rv.understand(staged).problem_count == 0
    assert not Field.objects.exists() and not WorkItem.objects.exists()
    from theodoi.plans import importer

    real = importer.bulk_create_with_history
    calls = []

    def failing(objects, model, **kwargs):
        calls.append(model.__name__)
        if model.__name__ == "Assignment":  # after the work items were inserted
            raise RuntimeError("the disk is full")
        return real(objects, model, **kwargs)

    monkeypatch.setattr(importer, "bulk_create_with_history", failing)
    with pytest.raises(RuntimeError):
        rv.commit(staged, by=world.coordinator, reason="x")
    assert calls == ["Field", "Task", "WorkItem", "Assignment"]
    assert not Field.objects.exists() and not Task.objects.exists()
    assert not WorkItem.objects.exists()
    assert not WorkItem.history.exists()
    staged.refresh_from_db()
    assert staged.state == "review"
    monkeypatch.setattr(importer, "bulk_create_with_history", real)
    rv.commit(staged, by=world.coordinator, reason="x")
    assert WorkItem.objects.count() == 5


def test_the_column_mapping_is_remembered_per_issuing_body(world, plan):
    from theodoi.intake.views import _save_mapping

    rows = [["Việc", "Đầu mối", "Khi nào"], ["Hội nghị", "BTG", "Quý I"]]
    fmt, grid = read_upload("a.xlsx", workbook(rows))
    staged = rv.stage(plan, "a.xlsx", grid, fmt, by=world.coordinator)
    assert staged.mapping == {}
    _save_mapping(staged, {"header_row": "1", "map0": "title", "map1": "leads", "map2": "time"})
    assert rv.understand(staged).problem_count == 0
    again = rv.stage(plan, "b.xlsx", grid, fmt, by=world.coordinator)
    assert again.mapping == {"0": "title", "1": "leads", "2": "time"}

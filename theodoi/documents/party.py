"""DOCX documents in the Party format (Hướng dẫn 36-HD/VPTW).

Layout: A4, margins top/bottom 2 cm, left 3 cm, right 1.5 cm; Times New Roman,
body 14 pt; a two-column letterhead table (superior and issuing body, "*",
number | "ĐẢNG CỘNG SẢN VIỆT NAM", a rule, the italic place-date line); the
document type and subject centred; page numbers centred in the header from
page 2 on; a closing table with "Nơi nhận:" on the left and the signature block
on the right.

Usage::

    doc = PartyDocument(
        Letterhead("TỈNH ỦY LÀO CAI", "BAN TUYÊN GIÁO", "15-BC/BTGTU",
                   "Lào Cai", date(2018, 7, 10)),
        "BÁO CÁO", "Sơ kết 6 tháng đầu năm 2018 ...",
    )
    doc.heading("I. KẾT QUẢ THỰC HIỆN")
    doc.paragraph("...")
    doc.closing(["- Lưu VP, BTG."], Signature("K/T TRƯỞNG BAN", "PHÓ TRƯỞNG BAN", "..."))
    data = doc.to_bytes()
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

# python-docx (with lxml, ~16 MB in every server process) is imported by the
# functions that build a document, not here: the pages and the API import this
# module for its text helpers, and the server never builds a document until an
# export runs (issue 14; tests/test_lazy_imports.py keeps it so).
if TYPE_CHECKING:
    from docx.document import Document as DocxDocument
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.table import Table, _Cell
    from docx.text.paragraph import Paragraph
    from docx.text.run import Run

__all__ = [
    "FONT_NAME",
    "Letterhead",
    "PartyDocument",
    "Signature",
    "format_vn_number",
    "place_date_line",
    "place_of",
]

FONT_NAME = "Times New Roman"

# Page geometry (36-HD/VPTW as usually quoted; see domain-vn.md §1.4).
PAGE_WIDTH_CM = 21.0
PAGE_HEIGHT_CM = 29.7
MARGIN_TOP_CM = 2.0
MARGIN_BOTTOM_CM = 2.0
MARGIN_LEFT_CM = 3.0
MARGIN_RIGHT_CM = 1.5
HEADER_DISTANCE_CM = 1.0  # page number about 10 mm from the top edge
TEXT_WIDTH_CM = PAGE_WIDTH_CM - MARGIN_LEFT_CM - MARGIN_RIGHT_CM  # 16.5

BODY_SIZE = 14
TITLE = "ĐẢNG CỘNG SẢN VIỆT NAM"
TITLE_SIZE = 15
DOC_TYPE_SIZE = 16
PAGE_NUMBER_SIZE = 13
FIRST_LINE_INDENT_CM = 1.0

# Letterhead and closing column widths (sum = text width).
LETTERHEAD_LEFT_CM = 7.0
LETTERHEAD_RIGHT_CM = TEXT_WIDTH_CM - LETTERHEAD_LEFT_CM
CLOSING_LEFT_CM = 7.5
CLOSING_RIGHT_CM = TEXT_WIDTH_CM - CLOSING_LEFT_CM
# Width of "ĐẢNG CỘNG SẢN VIỆT NAM" in Times New Roman bold 15 pt (from the
# font's advance widths: ~13.8 em); the rule under the title matches it.
TITLE_RULE_CM = 7.3

_NUMERIC_TEXT = re.compile(r"^[-+]?\d[\d.,]*\s*%?$")


# --------------------------------------------------------------------------
# Text helpers
# --------------------------------------------------------------------------


# A committee's or an area's name before its place: "Tỉnh ủy Lào Cai" -> "Lào Cai".
_NAME_PREFIX = re.compile(
    r"^(?:(?:tỉnh|thành|huyện|thị|quận|đảng) (?:ủy|uỷ)|tỉnh|huyện|quận|xã|phường|thị xã|thị trấn)"
    r"\s+",
    re.IGNORECASE,
)


def place_of(*units: Any) -> str:
    """The place on the date line of a document issued by the first of ``units``.

    The first unit with its own ``place`` gives it (the issuing unit, then the
    bodies above it, e.g. the district then its province); with none set, the
    last unit's name without its kind ("Tỉnh ủy Hà Giang" gives "Hà Giang").
    Never another province's place.
    """
    present = [unit for unit in units if unit is not None]
    for unit in present:
        if (unit.place or "").strip():
            return unit.place.strip()
    if not present:
        return ""
    name = unicodedata.normalize("NFC", present[-1].name.strip())
    return _NAME_PREFIX.sub("", name, count=1).strip() or name


# An issuer's name longer than this wraps in the letterhead's left column (14 pt bold).
ISSUER_LINE_CHARS = 22


def issuer_lines(issuer: str) -> list[str]:
    """The issuing body's name in caps, on the lines the letterhead gives it.

    Lines given with "\\n" are kept. A name too long for one line is broken
    before its last "VÀ" as such headers are written ("BAN TUYÊN GIÁO" / "VÀ DÂN
    VẬN"), not wherever the word processor would wrap it ("… VÀ DÂN" / "VẬN").
    """
    lines = []
    for line in issuer.upper().splitlines():
        line = " ".join(line.split())
        cut = line.rfind(" VÀ ")
        if len(line) > ISSUER_LINE_CHARS and cut > 0:
            lines.extend([line[:cut], line[cut + 1 :]])
        elif line:
            lines.append(line)
    return lines


def place_date_line(place: str, d: date) -> str:
    """Return the place-and-date line, e.g. "Lào Cai, ngày 05 tháng 01 năm 2018".

    The day is zero-padded when below 10; the month only for January and
    February ("ngày 10 tháng 7 năm 2018", "ngày 20 tháng 02 năm 2018").
    """
    month = f"{d.month:02d}" if d.month <= 2 else str(d.month)
    return f"{place}, ngày {d.day:02d} tháng {month} năm {d.year}"


def format_vn_number(value: object, decimals: int | None = None) -> str:
    """Format a number Vietnamese style: "." groups thousands, "," is decimal.

    ``int`` -> "1.234.567"; ``float``/``Decimal`` -> ``decimals`` places, or when
    ``decimals`` is None up to 2 places with trailing zeros dropped
    ("8,5", "12"). ``None`` -> ""; anything else (including ``bool`` and
    ``str``) is returned as ``str(value)`` unchanged.
    """
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return str(value)
    if isinstance(value, int):
        text = f"{value:,}"
    else:
        places = 2 if decimals is None else decimals
        text = f"{value:,.{places}f}"
        if decimals is None and "." in text:
            text = text.rstrip("0").rstrip(".")
    # Swap the separators: "," -> ".", "." -> ",".
    return text.translate(str.maketrans({",": ".", ".": ","}))


def _is_numeric(value: object) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float | Decimal):
        return True
    return isinstance(value, str) and bool(_NUMERIC_TEXT.match(value.strip()))


# --------------------------------------------------------------------------
# Low-level OOXML helpers
# --------------------------------------------------------------------------

_PPR_SEQ = (
    "w:pStyle", "w:keepNext", "w:keepLines", "w:pageBreakBefore", "w:framePr",
    "w:widowControl", "w:numPr", "w:suppressLineNumbers", "w:pBdr", "w:shd",
    "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap",
    "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN",
    "w:bidi", "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind",
    "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc",
    "w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl",
    "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange",
)  # fmt: skip
_TBLPR_SEQ = (
    "w:tblStyle", "w:tblpPr", "w:tblOverlap", "w:bidiVisual",
    "w:tblStyleRowBandSize", "w:tblStyleColBandSize", "w:tblW", "w:jc",
    "w:tblCellSpacing", "w:tblInd", "w:tblBorders", "w:shd", "w:tblLayout",
    "w:tblCellMar", "w:tblLook", "w:tblCaption", "w:tblDescription",
    "w:tblPrChange",
)  # fmt: skip
_TRPR_SEQ = (
    "w:cnfStyle", "w:divId", "w:gridBefore", "w:gridAfter", "w:wBefore",
    "w:wAfter", "w:cantSplit", "w:trHeight", "w:tblHeader", "w:tblCellSpacing",
    "w:jc", "w:hidden", "w:ins", "w:del", "w:trPrChange",
)  # fmt: skip


def _set_child(parent, tag: str, seq: Sequence[str]):
    """Replace (or add) child ``tag`` of ``parent`` keeping schema order."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    for old in parent.findall(qn(tag)):
        parent.remove(old)
    el = OxmlElement(tag)
    successors = seq[seq.index(tag) + 1 :]
    parent.insert_element_before(el, *successors)
    return el


def _set_run_fonts(rpr, name: str = FONT_NAME) -> None:
    """Set w:rFonts ascii/hAnsi/cs/eastAsia so every script uses ``name``."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        rfonts.set(qn(attr), name)


def _style_run(
    run: Run,
    *,
    size: float | None = None,
    bold: bool = False,
    italic: bool = False,
    underline: bool = False,
) -> Run:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    if size is not None:
        run.font.size = Pt(size)
        # Complex-script size too, so LibreOffice/Word agree.
        rpr = run._r.get_or_add_rPr()
        szcs = rpr.find(qn("w:szCs"))
        if szcs is None:
            szcs = OxmlElement("w:szCs")
            sz = rpr.find(qn("w:sz"))
            sz.addnext(szcs)
        szcs.set(qn("w:val"), str(int(size * 2)))
    if bold:
        run.bold = True
    if italic:
        run.italic = True
    if underline:
        run.underline = True
    return run


def _format_paragraph(
    p: Paragraph,
    *,
    align: WD_ALIGN_PARAGRAPH | None = None,
    before: float = 0,
    after: float = 0,
    line: float | None = None,
    first_line_cm: float | None = None,
    keep_with_next: bool = False,
) -> Paragraph:
    from docx.enum.text import WD_LINE_SPACING
    from docx.shared import Cm, Pt

    pf = p.paragraph_format
    if align is not None:
        p.alignment = align
    pf.space_before = Pt(before)
    pf.space_after = Pt(after)
    if line is None:
        pf.line_spacing_rule = WD_LINE_SPACING.SINGLE
    else:
        pf.line_spacing = line
    pf.first_line_indent = Cm(first_line_cm) if first_line_cm else None
    if keep_with_next:
        pf.keep_with_next = True
    return p


def _bottom_border(p: Paragraph, *, size_eighths: int = 8, space_pt: int = 1) -> None:
    """Give paragraph ``p`` a single bottom border (a rule under its text)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    pbdr = _set_child(p._p.get_or_add_pPr(), "w:pBdr", _PPR_SEQ)
    bottom = OxmlElement("w:bottom")
    bottom.set(qn("w:val"), "single")
    bottom.set(qn("w:sz"), str(size_eighths))
    bottom.set(qn("w:space"), str(space_pt))
    bottom.set(qn("w:color"), "000000")
    pbdr.append(bottom)


def _table_borders(table: Table, val: str) -> None:
    """Set all table borders to ``val`` ("single" or "nil")."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    borders = _set_child(table._tbl.tblPr, "w:tblBorders", _TBLPR_SEQ)
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), val)
        if val != "nil":
            el.set(qn("w:sz"), "4")
            el.set(qn("w:space"), "0")
            el.set(qn("w:color"), "000000")
        borders.append(el)


def _table_cell_margins(table: Table, left_cm: float, right_cm: float) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm

    mar = _set_child(table._tbl.tblPr, "w:tblCellMar", _TBLPR_SEQ)
    for edge, cm in (("left", left_cm), ("right", right_cm)):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:w"), str(int(Cm(cm).twips)))
        el.set(qn("w:type"), "dxa")
        mar.append(el)


def _new_table(doc: DocxDocument, rows: int, widths_cm: Sequence[float], *, borders: bool) -> Table:
    """A fixed-layout table of ``widths_cm`` columns, centred on the page."""
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.oxml.ns import qn
    from docx.shared import Cm

    table = doc.add_table(rows=rows, cols=len(widths_cm))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    tblpr = table._tbl.tblPr
    tblw = _set_child(tblpr, "w:tblW", _TBLPR_SEQ)
    tblw.set(qn("w:w"), str(int(Cm(sum(widths_cm)).twips)))
    tblw.set(qn("w:type"), "dxa")
    _table_borders(table, "single" if borders else "nil")
    for i, w in enumerate(widths_cm):
        table.columns[i].width = Cm(w)
        for cell in table.columns[i].cells:
            cell.width = Cm(w)
    return table


def _row_flags(row, *, header: bool = False, cant_split: bool = True) -> None:
    trpr = row._tr.get_or_add_trPr()
    if cant_split:
        _set_child(trpr, "w:cantSplit", _TRPR_SEQ)
    if header:
        _set_child(trpr, "w:tblHeader", _TRPR_SEQ)


def _cell_paragraph(cell: _Cell, index: int = 0) -> Paragraph:
    """Paragraph ``index`` of ``cell``, adding paragraphs as needed."""
    while len(cell.paragraphs) <= index:
        cell.add_paragraph()
    return cell.paragraphs[index]


def _add_page_number_field(p: Paragraph, size: float) -> None:
    """Append a PAGE field to ``p``."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    for kind, text in (("begin", None), ("instr", " PAGE "), ("separate", None),
                       ("text", "2"), ("end", None)):  # fmt: skip
        run = _style_run(p.add_run(), size=size)
        if kind == "instr":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)
        elif kind == "text":
            run.text = text or ""
        else:
            fld = OxmlElement("w:fldChar")
            fld.set(qn("w:fldCharType"), kind)
            run._r.append(fld)


# --------------------------------------------------------------------------
# Public data classes
# --------------------------------------------------------------------------


@dataclass
class Letterhead:
    """The letterhead (ô 1-4). ``superior`` may hold several lines joined by "\\n"."""

    superior: str  # "TỈNH ỦY LÀO CAI" (caps, regular 14 pt)
    issuer: str  # "BAN TUYÊN GIÁO" (caps, bold 14 pt)
    number: str  # "15-BC/BTGTU", printed "Số 15-BC/BTGTU"
    place: str  # "Lào Cai"
    date: date


@dataclass
class Signature:
    """Signature block (ô 7a-7c). Empty fields are left out."""

    authority: str = ""  # "K/T TRƯỞNG BAN", "T/M BAN THƯỜNG VỤ" (bold caps)
    position: str = ""  # "PHÓ TRƯỞNG BAN" (bold caps)
    name: str = ""  # full name, bold, below the space for the signature


# --------------------------------------------------------------------------
# The document
# --------------------------------------------------------------------------


class PartyDocument:
    """A Party document built top to bottom: letterhead and title on creation,
    then headings, paragraphs, bullets and tables in call order, then
    :meth:`closing`. The underlying python-docx document is ``self.document``.
    """

    def __init__(self, letterhead: Letterhead, doc_type: str, subject: str) -> None:
        """Start a document with the letterhead, ``doc_type`` (printed in caps)
        and ``subject`` (bold, centred), followed by a short centred rule."""
        from docx import Document

        self.letterhead = letterhead
        self.doc_type = doc_type
        self.subject = subject
        self.document: DocxDocument = Document()
        self._setup_styles()
        self._setup_page()
        # The template starts with no paragraphs; the letterhead table is first.
        self._add_letterhead()
        self._add_title()

    # -- setup -------------------------------------------------------------

    def _setup_styles(self) -> None:
        from docx.enum.text import WD_LINE_SPACING
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn
        from docx.shared import Pt

        styles = self.document.styles
        normal = styles["Normal"]
        normal.font.name = FONT_NAME
        normal.font.size = Pt(BODY_SIZE)
        rpr = normal.element.get_or_add_rPr()
        _set_run_fonts(rpr)
        for tag in ("w:szCs",):
            el = rpr.find(qn(tag))
            if el is None:
                el = OxmlElement(tag)
                rpr.append(el)
            el.set(qn("w:val"), str(BODY_SIZE * 2))
        lang = rpr.find(qn("w:lang"))
        if lang is None:
            lang = OxmlElement("w:lang")
            rpr.append(lang)
        lang.set(qn("w:val"), "vi-VN")
        lang.set(qn("w:eastAsia"), "vi-VN")
        normal.paragraph_format.space_before = Pt(0)
        normal.paragraph_format.space_after = Pt(0)
        normal.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
        # Document defaults too, so table/header styles not based on Normal
        # (and theme fonts) cannot leak Calibri/Cambria into the output.
        defaults = self.document.styles.element.find(qn("w:docDefaults"))
        if defaults is not None:
            rpr_default = defaults.find(qn("w:rPrDefault"))
            if rpr_default is not None:
                drpr = rpr_default.find(qn("w:rPr"))
                if drpr is not None:
                    rfonts = drpr.find(qn("w:rFonts"))
                    if rfonts is not None:
                        for attr in list(rfonts.attrib):
                            del rfonts.attrib[attr]
                    _set_run_fonts(drpr)

    def _setup_page(self) -> None:
        from docx.enum.section import WD_ORIENT
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Cm

        section = self.document.sections[0]
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width = Cm(PAGE_WIDTH_CM)
        section.page_height = Cm(PAGE_HEIGHT_CM)
        section.top_margin = Cm(MARGIN_TOP_CM)
        section.bottom_margin = Cm(MARGIN_BOTTOM_CM)
        section.left_margin = Cm(MARGIN_LEFT_CM)
        section.right_margin = Cm(MARGIN_RIGHT_CM)
        section.header_distance = Cm(HEADER_DISTANCE_CM)
        section.footer_distance = Cm(HEADER_DISTANCE_CM)
        section.different_first_page_header_footer = True
        # Page number centred in the header from page 2 on.
        header_p = section.header.paragraphs[0]
        _format_paragraph(header_p, align=WD_ALIGN_PARAGRAPH.CENTER)
        _add_page_number_field(header_p, PAGE_NUMBER_SIZE)
        # First-page header stays empty (but must exist for "different first page").
        first = section.first_page_header
        first.is_linked_to_previous = False
        _format_paragraph(first.paragraphs[0])

    # -- letterhead and title ---------------------------------------------

    def _add_letterhead(self) -> None:
        from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
        from docx.shared import Cm, Pt

        lh = self.letterhead
        table = _new_table(
            self.document, 1, (LETTERHEAD_LEFT_CM, LETTERHEAD_RIGHT_CM), borders=False
        )
        _table_cell_margins(table, 0.05, 0.05)
        left, right = table.rows[0].cells

        lines: list[tuple[str, bool]] = [
            (line.strip().upper(), False) for line in lh.superior.splitlines() if line.strip()
        ]
        lines.extend((line, True) for line in issuer_lines(lh.issuer))
        lines.append(("*", False))
        lines.append((f"Số {lh.number.strip()}", False))
        for i, (text, bold) in enumerate(lines):
            p = _format_paragraph(_cell_paragraph(left, i), align=WD_ALIGN_PARAGRAPH.CENTER)
            _style_run(p.add_run(text), size=BODY_SIZE, bold=bold)

        # Right column: title, a rule of the title's length, the date line.
        title_p = _format_paragraph(_cell_paragraph(right, 0), align=WD_ALIGN_PARAGRAPH.CENTER)
        _style_run(title_p.add_run(TITLE), size=TITLE_SIZE, bold=True)

        rule_p = _format_paragraph(_cell_paragraph(right, 1), align=WD_ALIGN_PARAGRAPH.CENTER)
        inner = LETTERHEAD_RIGHT_CM - 0.1  # minus cell margins
        side = max((inner - TITLE_RULE_CM) / 2, 0)
        rule_p.paragraph_format.left_indent = Cm(side)
        rule_p.paragraph_format.right_indent = Cm(side)
        # An empty 4 pt line: its bottom border is the rule, close under the title.
        _style_run(rule_p.add_run(""), size=4)
        rule_p.paragraph_format.line_spacing = Pt(4)
        rule_p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        _set_mark_size(rule_p, 4)
        _bottom_border(rule_p, size_eighths=8, space_pt=0)

        date_p = _format_paragraph(
            _cell_paragraph(right, 2), align=WD_ALIGN_PARAGRAPH.CENTER, before=9
        )
        _style_run(date_p.add_run(place_date_line(lh.place, lh.date)), size=BODY_SIZE, italic=True)

    def _add_title(self) -> None:
        from docx.enum.text import WD_ALIGN_PARAGRAPH

        doc = self.document
        p = _format_paragraph(
            doc.add_paragraph(), align=WD_ALIGN_PARAGRAPH.CENTER, before=18, keep_with_next=True
        )
        _style_run(p.add_run(self.doc_type.strip().upper()), size=DOC_TYPE_SIZE, bold=True)
        if self.subject.strip():
            p = _format_paragraph(
                doc.add_paragraph(), align=WD_ALIGN_PARAGRAPH.CENTER, keep_with_next=True
            )
            _style_run(p.add_run(self.subject.strip()), size=BODY_SIZE, bold=True)
        p = _format_paragraph(doc.add_paragraph(), align=WD_ALIGN_PARAGRAPH.CENTER, after=12)
        _style_run(p.add_run("-----"), size=BODY_SIZE)

    # -- body --------------------------------------------------------------

    def heading(self, text: str, level: int = 1) -> None:
        """Add a heading, text as given (include the "I." / "1." numbering).

        Level 1 bold, level 2 bold, level 3 bold italic; 14 pt, first-line
        indent 1 cm, kept with the next paragraph.
        """
        from docx.enum.text import WD_ALIGN_PARAGRAPH

        if level not in (1, 2, 3):
            raise ValueError(f"heading level must be 1, 2 or 3, not {level!r}")
        p = _format_paragraph(
            self.document.add_paragraph(),
            align=WD_ALIGN_PARAGRAPH.JUSTIFY,
            before=6 if level == 1 else 0,
            after=6,
            line=1.15,
            first_line_cm=FIRST_LINE_INDENT_CM,
            keep_with_next=True,
        )
        _style_run(p.add_run(text), size=BODY_SIZE, bold=True, italic=level == 3)

    def paragraph(
        self, text: str, *, bold: bool = False, italic: bool = False, indent: bool = True
    ) -> None:
        """Add a justified 14 pt body paragraph (first-line indent 1 cm unless
        ``indent`` is False; 6 pt after; line spacing 1.15)."""
        from docx.enum.text import WD_ALIGN_PARAGRAPH

        p = _format_paragraph(
            self.document.add_paragraph(),
            align=WD_ALIGN_PARAGRAPH.JUSTIFY,
            after=6,
            line=1.15,
            first_line_cm=FIRST_LINE_INDENT_CM if indent else None,
        )
        _style_run(p.add_run(text), size=BODY_SIZE, bold=bold, italic=italic)

    def bullet(self, text: str) -> None:
        """Add a "- text" paragraph (dash added unless ``text`` starts with "-")."""
        text = text.strip()
        if not text.startswith(("-", "–", "+")):
            text = f"- {text}"
        self.paragraph(text)

    def table(
        self,
        columns: list[str],
        rows: list[list[object]],
        *,
        widths_cm: list[float] | None = None,
        total_row: list[object] | None = None,
        font_size: int = 12,
        aligns: list[str] | None = None,
    ) -> None:
        """Add a bordered data table.

        The bold centred header row repeats on every page; rows do not split
        across pages. Numbers (int/float/Decimal) are formatted Vietnamese style
        (1.234.567; 8,5) and right-aligned, as are numeric-looking strings such
        as "85,0%" (printed as given); other text is left-aligned. ``None`` is
        printed empty. ``total_row`` is appended in bold. ``widths_cm``
        defaults to equal columns across the text width (16.5 cm).
        ``aligns`` ("left"/"center"/"right"/None per column) overrides the
        automatic alignment of body cells; a column headed "STT" or "TT" is
        centred by default.
        """
        from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
        from docx.enum.text import WD_ALIGN_PARAGRAPH

        ncols = len(columns)
        if widths_cm is None:
            widths_cm = [TEXT_WIDTH_CM / ncols] * ncols
        if len(widths_cm) != ncols:
            raise ValueError("widths_cm must have one width per column")
        if aligns is None:
            aligns = [
                "center" if str(c).strip().upper() in ("STT", "TT") else None for c in columns
            ]
        if len(aligns) != ncols:
            raise ValueError("aligns must have one entry per column")
        align = {
            "left": WD_ALIGN_PARAGRAPH.LEFT,
            "center": WD_ALIGN_PARAGRAPH.CENTER,
            "right": WD_ALIGN_PARAGRAPH.RIGHT,
        }
        col_align = [align[a] if a else None for a in aligns]
        all_rows = [list(r) for r in rows]
        if total_row is not None:
            all_rows.append(list(total_row))
        for r in all_rows:
            if len(r) != ncols:
                raise ValueError(f"row {r!r} has {len(r)} cells, expected {ncols}")

        table = _new_table(self.document, 1 + len(all_rows), widths_cm, borders=True)
        _table_cell_margins(table, 0.1, 0.1)

        header = table.rows[0]
        _row_flags(header, header=True)
        for cell, text in zip(header.cells, columns, strict=True):
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            p = _format_paragraph(
                cell.paragraphs[0], align=WD_ALIGN_PARAGRAPH.CENTER, before=2, after=2
            )
            _style_run(p.add_run(str(text)), size=font_size, bold=True)

        last = len(all_rows) - 1
        for i, values in enumerate(all_rows):
            row = table.rows[i + 1]
            _row_flags(row)
            bold = total_row is not None and i == last
            for cell, value, forced in zip(row.cells, values, col_align, strict=True):
                cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
                auto = WD_ALIGN_PARAGRAPH.RIGHT if _is_numeric(value) else WD_ALIGN_PARAGRAPH.LEFT
                p = _format_paragraph(
                    cell.paragraphs[0],
                    align=forced or auto,
                    before=2,
                    after=2,
                )
                _style_run(p.add_run(format_vn_number(value)), size=font_size, bold=bold)

        # Breathing space after the table.
        _format_paragraph(self.document.add_paragraph(), after=6)

    # -- closing -----------------------------------------------------------

    def closing(self, recipients: list[str], signature: Signature) -> None:
        """Add the closing block: "Nơi nhận:" and the recipient lines on the
        left (a "- " is added to lines not starting with "-"; punctuation is
        printed as given, so end the last with "- Lưu …."), the signature block
        centred on the right. The block is one row that never splits."""
        from docx.enum.text import WD_ALIGN_PARAGRAPH

        table = _new_table(self.document, 1, (CLOSING_LEFT_CM, CLOSING_RIGHT_CM), borders=False)
        _table_cell_margins(table, 0.0, 0.05)
        row = table.rows[0]
        _row_flags(row)
        left, right = row.cells

        p = _format_paragraph(_cell_paragraph(left, 0), align=WD_ALIGN_PARAGRAPH.LEFT)
        _style_run(p.add_run("Nơi nhận:"), size=12, bold=True, italic=True, underline=True)
        for i, line in enumerate(recipients, start=1):
            line = line.strip()
            if not line.startswith(("-", "–")):
                line = f"- {line}"
            p = _format_paragraph(_cell_paragraph(left, i), align=WD_ALIGN_PARAGRAPH.LEFT)
            _style_run(p.add_run(line), size=11)

        idx = 0
        for text in (signature.authority, signature.position):
            if text.strip():
                p = _format_paragraph(_cell_paragraph(right, idx), align=WD_ALIGN_PARAGRAPH.CENTER)
                _style_run(p.add_run(text.strip().upper()), size=BODY_SIZE, bold=True)
                idx += 1
        # Space for the signature and seal (~3 blank lines), then the name.
        for _ in range(3):
            _format_paragraph(_cell_paragraph(right, idx))
            _style_run(_cell_paragraph(right, idx).add_run(""), size=BODY_SIZE)
            idx += 1
        p = _format_paragraph(
            _cell_paragraph(right, idx), align=WD_ALIGN_PARAGRAPH.CENTER, before=6
        )
        if signature.name.strip():
            _style_run(p.add_run(signature.name.strip()), size=BODY_SIZE, bold=True)

    def appendix(self, title: str, note: str = "") -> None:
        """Start an annex on a new page: the title centred in bold, the note
        ("(Kèm theo Báo cáo số …)") centred in italics below it."""
        from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK

        p = _format_paragraph(self.document.add_paragraph(), align=WD_ALIGN_PARAGRAPH.CENTER)
        p.add_run().add_break(WD_BREAK.PAGE)
        _style_run(p.add_run(title.strip()), size=BODY_SIZE, bold=True)
        if note.strip():
            p = _format_paragraph(
                self.document.add_paragraph(), align=WD_ALIGN_PARAGRAPH.CENTER, after=12
            )
            _style_run(p.add_run(note.strip()), size=BODY_SIZE, italic=True)

    # -- output ------------------------------------------------------------

    def save(self, target: str | Path | IO[bytes]) -> None:
        """Write the DOCX to a path or a binary file object."""
        if isinstance(target, Path):
            target = str(target)
        self.document.save(target)

    def to_bytes(self) -> bytes:
        """Return the DOCX file as bytes."""
        buf = io.BytesIO()
        self.document.save(buf)
        return buf.getvalue()


def _set_mark_size(p: Paragraph, size: float) -> None:
    """Set the paragraph-mark font size (controls an empty paragraph's height)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    ppr = p._p.get_or_add_pPr()
    rpr = _set_child(ppr, "w:rPr", _PPR_SEQ)
    for tag in ("w:sz", "w:szCs"):
        el = OxmlElement(tag)
        el.set(qn("w:val"), str(int(size * 2)))
        rpr.append(el)

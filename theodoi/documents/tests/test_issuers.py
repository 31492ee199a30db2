"""Documents carry the issuing body's name as it was on the document's date."""

from __future__ import annotations

import io
from datetime import date

import pytest
from docx import Document

from theodoi.core.clock import fixed_today
from theodoi.documents.issuers import issuer_on, propaganda_ban_on, unit_on
from theodoi.reporting import consolidation
from theodoi.reporting.models import ReportingPeriod
from theodoi.testing import make_plan, make_reform, make_work_item
from theodoi.units.handover import hand_over

OLD, NEW = date(2018, 7, 10), date(2026, 1, 10)


@pytest.fixture
def reform(world):
    return make_reform(world)


def _letterhead(content: bytes) -> str:
    """The letterhead table's text (superior, issuer, number | motto, place and date)."""
    table = Document(io.BytesIO(content)).tables[0]
    return " ".join(" ".join(cell.text.split()) for row in table.rows for cell in row.cells)


def test_the_unit_standing_on_a_date_follows_the_lineage(world, reform):
    assert unit_on(reform.ban, OLD) == world.btg  # the older of the two bans
    assert unit_on(reform.ban, OLD, prefer=[world.bdv.pk]) == world.bdv
    assert unit_on(reform.ban, NEW) == reform.ban
    assert unit_on(world.btg, NEW) == reform.ban  # forwards after it ended
    assert unit_on(world.btg, OLD) == world.btg
    assert unit_on(world.sotttt, NEW) == world.sotttt  # no lineage: itself
    old, new = issuer_on(reform.ban, OLD), issuer_on(reform.ban, NEW)
    assert (old.name, old.symbol, old.unit.parent) == ("BAN TUYÊN GIÁO", "BTGTU", world.province)
    assert (new.name, new.symbol) == ("BAN TUYÊN GIÁO VÀ DÂN VẬN", "BTGDVTU")
    assert new.unit.parent == reform.province
    assert propaganda_ban_on(reform.province, OLD).unit == world.btg
    assert propaganda_ban_on(world.province, NEW).unit == reform.ban


def test_a_handed_over_plans_report_is_headed_by_the_body_of_its_date(world, reform):
    plan = make_plan(world, year=2025)
    plan.owner = world.bdv  # the Ban Dân vận's plan: the hint beats the order
    plan.save()
    make_work_item(plan, lead=world.commune1a)
    period = ReportingPeriod.objects.create(
        plan=plan, kind="half", code="2025-H1", title="6 tháng đầu năm 2025",
        start=date(2025, 1, 1), end=date(2025, 6, 30), due=date(2025, 7, 10),
    )  # fmt: skip
    hand_over(world.bdv, reform.ban, reason="Hợp nhất")
    data = consolidation.build(period)
    before = _letterhead(consolidation.to_docx(data, today=date(2025, 6, 20)))
    after = _letterhead(consolidation.to_docx(data, today=NEW))
    assert "BAN DÂN VẬN" in before and "-BC/BDVTU" in before
    assert "VÀ DÂN VẬN" not in before
    assert "BAN TUYÊN GIÁO VÀ DÂN VẬN" in after and "-BC/BTGDVTU" in after
    assert "ngày 10 tháng 01 năm 2026" in after or "ngày 10 tháng 1 năm 2026" in after


def test_a_2018_report_stays_the_ban_tuyen_giaos(world, reform):
    plan = make_plan(world, year=2018)
    make_work_item(plan, lead=world.commune1a)
    period = ReportingPeriod.objects.create(
        plan=plan, kind="half", code="2018-H1", title="6 tháng đầu năm 2018",
        start=date(2018, 1, 1), end=date(2018, 6, 30), due=date(2018, 7, 10),
    )  # fmt: skip
    hand_over(world.btg, reform.ban, reason="Hợp nhất")
    plan.refresh_from_db()
    assert plan.owner == world.btg
    head = _letterhead(consolidation.to_docx(consolidation.build(period), today=OLD))
    assert "BAN TUYÊN GIÁO" in head and "VÀ DÂN VẬN" not in head
    assert "TỈNH ỦY THỬ NGHIỆM" in head


def test_the_bulletin_is_headed_by_the_ban_of_its_date(world, reform):
    from theodoi.tuyenvan.documents import bulletin_docx

    with fixed_today(date(2018, 4, 2)):
        old = _letterhead(bulletin_docx(world.province, date(2018, 3, 1)))
    with fixed_today(NEW):
        new = _letterhead(bulletin_docx(reform.province, date(2025, 12, 1)))
    assert "BAN TUYÊN GIÁO" in old and "VÀ DÂN VẬN" not in old and "BT/BTGTU" in old
    assert "BAN TUYÊN GIÁO VÀ DÂN VẬN" in new and "BT/BTGDVTU" in new


def test_a_long_issuer_name_breaks_before_va():
    from theodoi.documents.party import issuer_lines

    assert issuer_lines("Ban Tuyên giáo và Dân vận") == ["BAN TUYÊN GIÁO", "VÀ DÂN VẬN"]
    assert issuer_lines("Ban Tuyên giáo") == ["BAN TUYÊN GIÁO"]
    assert issuer_lines("Ban Dân vận\nTỉnh ủy") == ["BAN DÂN VẬN", "TỈNH ỦY"]


def _closing(content: bytes) -> str:
    """Every paragraph's text (the "Nơi nhận" lines are in the closing table)."""
    doc = Document(io.BytesIO(content))
    cells = [cell.text for table in doc.tables for row in table.rows for cell in row.cells]
    return " ".join([p.text for p in doc.paragraphs] + cells)


def test_the_committee_heading_follows_the_date(world, reform):
    from theodoi.documents.issuers import archive_mark, committee_name

    assert committee_name(world.btg, OLD) == "TỈNH ỦY THỬ NGHIỆM"
    assert committee_name(reform.ban, NEW) == "TỈNH ỦY THỬ NGHIỆM"
    assert committee_name(reform.ban, OLD) == "TỈNH ỦY THỬ NGHIỆM"  # the old ban's own
    assert committee_name(world.district1, OLD) == "HUYỆN ỦY MỘT"
    assert committee_name(world.commune1a, OLD) == "HUYỆN ỦY MỘT"
    assert committee_name(reform.commune, NEW) == "TỈNH ỦY THỬ NGHIỆM"
    assert (archive_mark("BTGTU"), archive_mark("BTGDVTU"), archive_mark("")) == (
        "BTG",
        "BTGDV",
        "BTG",
    )


def test_a_plan_docx_is_headed_by_its_issuer_on_the_plans_date(world, reform):
    from theodoi.intake.plan_docx import plan_docx

    plan = make_plan(world, year=2018)
    plan.issuer, plan.issued_on, plan.number = world.btg, date(2018, 1, 5), "5-KH/BTGTU"
    plan.save()
    old = _letterhead(plan_docx(plan))
    assert "TỈNH ỦY THỬ NGHIỆM" in old and "BAN TUYÊN GIÁO" in old and "VÀ DÂN VẬN" not in old
    assert "Lưu VP, BTG." in _closing(plan_docx(plan))
    # The same body issuing after the merger is the merged ban under the new Tỉnh ủy.
    plan.issued_on, plan.number = NEW, "12-KH/BTGDVTU"
    plan.save()
    new = _letterhead(plan_docx(plan))
    assert "BAN TUYÊN GIÁO VÀ DÂN VẬN" in new
    assert "Lưu VP, BTGDV." in _closing(plan_docx(plan))
    # A Tỉnh ủy's plan keeps its 2018 header and closing.
    plan.issuer, plan.issued_on = world.province, OLD
    plan.save()
    head = _letterhead(plan_docx(plan))
    assert head.startswith("TỈNH ỦY THỬ NGHIỆM") and "Lưu Văn phòng Tỉnh ủy." in _closing(
        plan_docx(plan)
    )


def test_the_survey_report_is_headed_by_its_owner_on_the_reports_date(world, reform):
    from theodoi.surveys.report import report_docx
    from theodoi.surveys.tests.factories import make_survey

    survey = make_survey(world)
    with fixed_today(OLD):
        old = report_docx(survey)
    with fixed_today(NEW):
        new = report_docx(survey)
    assert "TỈNH ỦY THỬ NGHIỆM" in _letterhead(old)
    assert "BAN TUYÊN GIÁO" in _letterhead(old) and "VÀ DÂN VẬN" not in _letterhead(old)
    assert "-BC/BTGTU" in _letterhead(old) and "Lưu VP, BTG." in _closing(old)
    assert "BAN TUYÊN GIÁO VÀ DÂN VẬN" in _letterhead(new) and "-BC/BTGDVTU" in _letterhead(new)
    assert "Lưu VP, BTGDV." in _closing(new)


def test_a_province_named_administratively_is_headed_by_its_tinh_uy(world, reform):
    from theodoi.documents.issuers import committee_name, committee_title

    reform.province.name = "Tỉnh Lào Cai"
    reform.province.save()
    assert committee_name(reform.ban, NEW) == "TỈNH ỦY LÀO CAI"
    assert committee_title(reform.province, NEW) == "Tỉnh ủy Lào Cai"
    assert issuer_on(reform.ban, NEW).superior == "TỈNH ỦY LÀO CAI"
    assert committee_name(world.btg, OLD) == "TỈNH ỦY THỬ NGHIỆM"  # already a committee's name

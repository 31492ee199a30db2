from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from theodoi.testing import make_criteria_set, make_unit
from theodoi.tuyenvan import actions, results, scoring
from theodoi.tuyenvan.models import CriteriaSet, MonthlyResult, ScoreSheet, Submission
from theodoi.units.models import Unit

from .helpers import MONTH, fill, hold_meeting, send

pytestmark = pytest.mark.django_db
S = ScoreSheet.Source
K = Submission.Kind
# All people-scored maxima (bonus 0, penalty 0) = 93; system: 5 (conference) + 2 (on time).
FULL = Decimal(93)


@pytest.fixture
def tv(world, monkeypatch):
    monkeypatch.setattr("django.conf.settings.THEODOI_TODAY", "2018-04-10")
    make_criteria_set(world)
    return world


def result(commune, month=MONTH):
    return MonthlyResult.objects.get(commune=commune, month=month)


def on_time(commune, month=MONTH):
    send(commune, K.REPORT, 20, month)
    send(commune, K.DOCUMENTS, 20, month)


def test_the_district_score_stands_and_self_is_shown_beside_it(tv):
    hold_meeting(tv.commune1a, tv.commune)
    on_time(tv.commune1a)
    fill(tv.commune1a, S.SELF, tv.commune)
    fill(tv.commune1a, S.DISTRICT, tv.district, _2_1=Decimal(9), _5_1=Decimal(8))
    r = result(tv.commune1a)
    assert r.self_total == FULL - 10  # self does not score the upper level's 10
    assert r.district_total == FULL - 3
    assert r.total == FULL - 3 + 7
    assert (r.band, r.band_label) == ("tot", "Tốt")
    assert r.open_flags == 0  # 1 and 2 points apart: within the threshold of 2
    assert r.deductions == 2
    assert r.missing_sources == []


def test_a_missing_source_is_shown_never_zero(tv):
    hold_meeting(tv.commune1a, tv.commune)
    fill(tv.commune1a, S.SELF, tv.commune)
    r = result(tv.commune1a)
    assert r.total is None
    assert r.band == ""
    assert r.district_total is None
    assert r.self_total == FULL - 10
    assert r.missing_sources == ["district"]


def test_a_listed_official_without_a_sheet_is_a_missing_source(tv):
    hold_meeting(tv.commune1a, tv.commune, officials=[tv.official])
    fill(tv.commune1a, S.DISTRICT, tv.district)
    assert result(tv.commune1a).missing_sources == ["self", "official"]
    fill(tv.commune1a, S.OFFICIAL, tv.official, official=tv.official)
    assert result(tv.commune1a).missing_sources == ["self"]


def test_sources_differing_by_more_than_the_threshold_are_flagged_until_resolved(tv):
    hold_meeting(tv.commune1a, tv.commune)
    fill(tv.commune1a, S.SELF, tv.commune, _2_1=Decimal(8), _3_1=Decimal("4.99"))
    fill(tv.commune1a, S.DISTRICT, tv.district, _2_1=Decimal(10), _3_1=Decimal(8))
    # 2.1: 10 - 8 = 2, not more than 2; 3.1: 8 - 4.99 = 3.01 > 2.
    assert result(tv.commune1a).open_flags == 1
    criterion = tv.__dict__.setdefault("c31", None) or _criterion("3.1")
    with pytest.raises(ValidationError):
        actions.do_resolve_flag(
            tv.commune1a, MONTH, criterion, points="", reason=" ", by=tv.district
        )
    actions.do_resolve_flag(
        tv.commune1a, MONTH, criterion, points="6", reason="Đối chiếu biên bản", by=tv.district
    )
    r = result(tv.commune1a)
    assert r.open_flags == 0
    assert r.district_total == FULL - 2
    history = _criterion("3.1").scores.get(sheet__source=S.DISTRICT).history.first()
    assert history.history_change_reason == "Đối chiếu biên bản"


def _criterion(code):
    from theodoi.tuyenvan.models import Criterion

    return Criterion.objects.get(code=code)


def test_system_criteria_come_from_the_records(tv):
    # No conference, report late, documents missing (due 25/03, today 10/04).
    send(tv.commune1a, K.REPORT, 27)
    fill(tv.commune1a, S.DISTRICT, tv.district)
    r = result(tv.commune1a)
    assert (r.reports_missing, r.reports_late, r.meeting_held) == (1, 1, False)
    assert r.system_total == Decimal("0.5")  # 0 + (2 - 1 - 0.5)
    assert r.total == FULL + Decimal("0.5")
    assert r.eligible is False
    assert r.band == scoring.NOT_ELIGIBLE


def test_before_the_due_date_nothing_is_missing_yet(tv, monkeypatch):
    monkeypatch.setattr("django.conf.settings.THEODOI_TODAY", "2018-03-20")
    hold_meeting(tv.commune1a, tv.commune)
    fill(tv.commune1a, S.DISTRICT, tv.district)
    r = result(tv.commune1a)
    assert (r.reports_missing, r.reports_late) == (0, 0)
    assert r.total == FULL + 7


def test_system_points_cannot_be_typed(tv):
    sheet = actions.sheet_for(tv.commune1a, MONTH, S.DISTRICT)
    entries = {**_entries(sheet), _criterion("6.2").pk: actions.ScoreInput(2)}
    with pytest.raises(ValidationError):
        actions.do_save_sheet(sheet, entries, by=tv.district)


def _entries(sheet):
    from .helpers import full_marks

    return full_marks(sheet)


@pytest.mark.parametrize(
    ("total", "band"),
    [
        ("100", "tot"),
        ("80", "tot"),
        ("79.99", "kha"),
        ("65", "kha"),
        ("64.99", "trung_binh"),
        ("50", "trung_binh"),
        ("49.99", "yeu"),
        ("0", "yeu"),
        ("-3", "yeu"),
    ],
)
def test_bands_at_the_thresholds(total, band):
    assert (
        CriteriaSet(bands=CriteriaSet._meta.get_field("bands").default()).band_for(Decimal(total))[
            0
        ]
        == band
    )


def test_bands_are_configurable_per_set():
    bands = [
        {"code": "xs", "label": "Xuất sắc", "min": 90},
        {"code": "ht", "label": "Hoàn thành", "min": 0},
    ]
    assert CriteriaSet(bands=bands).band_for(Decimal(90)) == ("xs", "Xuất sắc")
    assert CriteriaSet(bands=bands).band_for(Decimal("89.5")) == ("ht", "Hoàn thành")


def test_score_bounds_reasons_and_evidence(tv):
    sheet = actions.sheet_for(tv.commune1a, MONTH, S.DISTRICT)
    from .helpers import full_marks

    for overrides, code in [
        ({"_2_1": (Decimal(11), "")}, "2.1"),
        ({"_9_2": (Decimal(-6), "x", "y")}, "9.2"),
        ({"_2_1": (Decimal(9), "")}, "2.1"),  # deduction without a reason
        ({"_1_2": (Decimal(9), "thiếu", "")}, "1.2"),  # evidence required
        ({"_2_1": ("abc", "")}, "2.1"),
    ]:
        with pytest.raises(ValidationError) as error:
            actions.do_save_sheet(sheet, full_marks(sheet, **overrides), by=tv.district)
        assert code in error.value.message_dict
    entries = full_marks(sheet)
    entries.pop(_criterion("2.1").pk)
    actions.do_save_sheet(sheet, entries, by=tv.district)  # a draft may be partial
    with pytest.raises(ValidationError) as error:
        actions.do_save_sheet(sheet, entries, by=tv.district, submit=True)
    assert "2.1" in error.value.message_dict


def test_a_submitted_sheet_changes_only_with_a_reason(tv):
    sheet = fill(tv.commune1a, S.DISTRICT, tv.district)
    from .helpers import full_marks

    with pytest.raises(ValidationError) as error:
        actions.do_save_sheet(sheet, full_marks(sheet, _2_1=Decimal(9)), by=tv.district)
    assert "change_reason" in error.value.message_dict
    actions.do_save_sheet(
        sheet, full_marks(sheet, _2_1=Decimal(9)), by=tv.district, change_reason="Kiểm tra lại"
    )
    sheet.refresh_from_db()
    assert sheet.version == 2
    record = sheet.scores.get(criterion__code="2.1").history.first()
    assert (record.history_user, record.history_change_reason) == (tv.district, "Kiểm tra lại")
    assert record.prev_record.points == 10


def test_explain_agrees_with_the_aggregate(tv):
    hold_meeting(tv.commune1a, tv.commune, officials=[tv.official])
    send(tv.commune1a, K.REPORT, 26)
    fill(tv.commune1a, S.SELF, tv.commune, _2_1=Decimal(5), _9_1=Decimal(3))
    fill(tv.commune1a, S.OFFICIAL, tv.official, official=tv.official, _2_1=Decimal(8))
    fill(tv.commune1a, S.DISTRICT, tv.district, _2_1=Decimal(9), _8_1=Decimal(6), _9_1=Decimal(2))
    r = result(tv.commune1a)
    e = scoring.explain(tv.commune1a, MONTH)
    assert (e.total, e.band, e.eligible, e.open_flags, e.deductions) == (
        r.total,
        r.band,
        r.eligible,
        r.open_flags,
        r.deductions,
    )
    assert e.missing_sources == r.missing_sources == []
    line = next(line for line in e.lines if line.criterion.code == "2.1")
    assert (line.self_points, line.district_points, line.official_points) == (5, 9, [8])
    assert line.flagged and line.final == 9 and line.final_source == "district"
    sysline = next(line for line in e.lines if line.criterion.code == "6.2")
    assert sysline.final_source == "system" and sysline.final == Decimal("0.5")


def test_a_month_is_scored_under_the_set_in_force_and_closed_months_keep_theirs(tv):
    v1 = CriteriaSet.objects.get()
    hold_meeting(tv.commune1a, tv.commune)
    fill(tv.commune1a, S.DISTRICT, tv.district)
    actions.do_approve_month(tv.commune1a, MONTH, by=tv.district, close_window=True)
    actions.do_close_month([tv.commune1a], MONTH, by=tv.coordinator)
    v2 = actions.do_copy_set(v1, effective_from=date(2018, 3, 1), by=tv.coordinator)
    v2.discrepancy_threshold = Decimal(0)
    v2.save()
    v2.groups.get(code="V").criteria.update(max_points=12)
    actions.do_publish_set(v2, by=tv.coordinator)
    assert scoring.set_in_force(tv.commune1a, date(2018, 2, 1)) == v1
    assert scoring.set_in_force(tv.commune1a, MONTH) == v1  # closed under v1
    assert scoring.set_in_force(tv.commune1a, date(2018, 4, 1)) == v2
    april = date(2018, 4, 1)
    hold_meeting(tv.commune1a, tv.commune, month=april)
    fill(tv.commune1a, S.DISTRICT, tv.district, month=april)
    scoring.compute_month(tv.province, MONTH)
    assert result(tv.commune1a).criteria_set == v1
    assert result(tv.commune1a).total == FULL + 5  # unchanged
    assert result(tv.commune1a, april).criteria_set == v2
    # 5.1 is out of 12 in v2 (+2); conference 5; April's reports are not due yet (2).
    assert result(tv.commune1a, april).total == FULL + 2 + 5 + 2
    # Reopening March scores it under the set now in force for it.
    actions.do_reopen_month(tv.commune1a, MONTH, reason="Áp dụng tiêu chí mới", by=tv.coordinator)
    assert result(tv.commune1a).criteria_set == v2
    assert result(tv.commune1a).missing_sources == ["self", "district"]


def test_publishing_refuses_to_strand_sheets_of_open_months(tv):
    v1 = CriteriaSet.objects.get()
    fill(tv.commune1a, S.SELF, tv.commune)  # March, open, under v1
    v2 = actions.do_copy_set(v1, effective_from=date(2018, 3, 1), by=tv.coordinator)
    with pytest.raises(ValidationError) as error:
        actions.do_publish_set(v2, by=tv.coordinator)
    assert "03/2018" in str(error.value)
    v2.effective_from = date(2018, 4, 1)
    v2.save()
    actions.do_publish_set(v2, by=tv.coordinator)


def _world_with_communes(n):
    province = Unit.objects.get(name="Tỉnh ủy Thử nghiệm")
    district = make_unit(f"Huyện {n}", Unit.Kind.DISTRICT, province)
    return [make_unit(f"Xã {n}-{i}", Unit.Kind.COMMUNE, district) for i in range(n)]


def test_compute_month_uses_a_constant_number_of_queries(tv, django_assert_num_queries):
    from theodoi.tuyenvan.models import Meeting, Score
    from theodoi.tuyenvan.models import ScoreSheet as Sheet

    v1 = CriteriaSet.objects.get()

    def populate(communes):
        criteria = list(v1.groups.model.objects.none())  # noqa: F841
        from theodoi.tuyenvan.models import Criterion

        cs = [c for c in Criterion.objects.filter(group__criteria_set=v1) if not c.system_rule]
        for commune in communes:
            Meeting.objects.create(
                commune=commune,
                month=MONTH,
                held_on=date(2018, 3, 9),
                place="x",
                chair="y",
                topics="z",
                participants=10,
            )
            for source in (S.SELF, S.DISTRICT):
                sheet = Sheet.objects.create(
                    commune=commune, month=MONTH, source=source, criteria_set=v1, state="submitted"
                )
                Score.objects.bulk_create(
                    Score(sheet=sheet, criterion=c, points=c.max_points - (source == S.SELF) * 3)
                    for c in cs
                )

    populate(_world_with_communes(2))
    with django_assert_num_queries(9):
        scoring.compute_month(tv.province, MONTH)
    populate(_world_with_communes(12))
    with django_assert_num_queries(9):
        assert scoring.compute_month(tv.province, MONTH) == 17
    r = MonthlyResult.objects.filter(commune__name="Xã 12-3").get()
    assert r.open_flags > 0 and r.total is not None


def test_two_tier_provinces_each_under_their_own_set(tv, django_assert_num_queries):
    """From 7/2025 communes sit directly under the province; each province has its set."""
    from theodoi.tuyenvan.defaults import build_default_set

    country = make_unit("Cả nước", Unit.Kind.OTHER)
    new_province = make_unit("Tỉnh Mới", Unit.Kind.PROVINCE, country)
    commune = make_unit("Xã Mới", Unit.Kind.COMMUNE, new_province)
    own = build_default_set(new_province, date(2018, 1, 1))
    own.discrepancy_threshold = Decimal(5)
    own.save()
    tv.province.parent = country
    tv.province.save()
    hold_meeting(commune, tv.commune)
    fill(commune, S.DISTRICT, tv.district)
    fill(tv.commune1a, S.DISTRICT, tv.district)
    with django_assert_num_queries(9):
        assert scoring.compute_month(country, MONTH) == 4
    r = result(commune)
    assert (r.criteria_set, r.district, r.province) == (own, new_province, new_province)
    assert result(tv.commune1a).province == tv.province
    ranked = results.rank_communes(new_province, results.parse_period("2018-03"))
    assert [r.name for r in ranked] == ["Xã Mới"]


def test_the_compute_command(tv, capsys):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    hold_meeting(tv.commune1a, tv.commune)
    MonthlyResult.objects.all().delete()
    call_command("tuyenvan_compute", "--month", "2018-03")
    assert MonthlyResult.objects.filter(month=MONTH).count() == 3
    call_command("tuyenvan_compute")  # this month (04) and the one before
    assert "2018-04" in capsys.readouterr().out
    with pytest.raises(CommandError):
        call_command("tuyenvan_compute", "--month", "03/2018")


def test_accepted_months_lock_the_district_too(tv):
    for commune in (tv.commune1a, tv.commune1b):
        hold_meeting(commune, tv.commune)
        fill(commune, S.DISTRICT, tv.district)
        actions.do_approve_month(commune, MONTH, by=tv.district, close_window=True)
    sheet = ScoreSheet.objects.get(commune=tv.commune1a, source=S.DISTRICT)
    assert tv.district.has_perm("tuyenvan.change_sheet", sheet)
    actions.do_accept_district(tv.district1, MONTH, by=tv.coordinator)
    assert result(tv.commune1a).status == "accepted"
    tv.district.__dict__.pop("_theodoi_reach", None)
    assert not tv.district.has_perm("tuyenvan.change_sheet", sheet)
    with pytest.raises(ValidationError):
        actions.do_return_month(tv.commune1a, MONTH, reason="x", by=tv.district)
    actions.do_close_month([tv.commune1a, tv.commune1b], MONTH, by=tv.district)
    assert result(tv.commune1b).status == "closed"
    events = [e.action for e in result(tv.commune1a).events.all()]
    assert events == ["approve", "accept", "close"]


def test_criteria_keep_the_rule_consistent(tv):
    from theodoi.tuyenvan.models import Criterion

    criterion = Criterion.objects.get(code="2.1")
    criterion.by_district = False
    with pytest.raises(ValidationError) as error:
        criterion.full_clean()
    assert "by_district" in error.value.message_dict
    system = Criterion.objects.get(code="6.2")
    system.by_self = True
    with pytest.raises(ValidationError) as error:
        system.full_clean()
    assert "system_rule" in error.value.message_dict


@pytest.mark.parametrize("reason", ["x" * 101, "a\x00b"])
def test_a_reason_the_history_cannot_hold_is_refused_at_the_field(tv, reason):
    """PostgreSQL refuses NUL bytes and the change reason holds 100 characters."""
    hold_meeting(tv.commune1a, tv.commune)
    fill(tv.commune1a, S.DISTRICT, tv.district)
    actions.do_approve_month(tv.commune1a, MONTH, by=tv.district, close_window=True)
    with pytest.raises(ValidationError) as error:
        actions.do_return_month(tv.commune1a, MONTH, reason=reason, by=tv.district)
    assert "reason" in error.value.message_dict
    assert result(tv.commune1a).status == "approved"

"""THE RULE as a pure function (scoring.decide), on hand-computed inputs: no database."""

from dataclasses import replace
from datetime import date
from decimal import Decimal as D

import pytest

from theodoi.tuyenvan.models import NOT_ELIGIBLE, CriteriaSet, Criterion
from theodoi.tuyenvan.scoring import (
    CriterionScores,
    MonthInputs,
    PeopleTotals,
    decide,
    lateness,
)

DUE = date(2018, 3, 25)
AFTER = date(2018, 4, 2)
REPORT, DOCUMENTS = "report", "documents"


def criterion(code, lo, hi, *, kind="normal", rule="", missing=D(0), late=D(0)):
    return Criterion(
        pk=hash(code) % 10_000,
        code=code,
        min_points=D(lo),
        max_points=D(hi),
        kind=kind,
        system_rule=rule,
        missing_penalty=missing,
        late_penalty=late,
    )


A = criterion("2.1", 0, 10)
B = criterion("3.1", 0, 20)
BONUS = criterion("9.1", 0, 5, kind="bonus")
MEETING = criterion("6.1", 0, 10, rule="meeting")
SENT = criterion("6.2", -2, 2, rule="submissions", missing=D(1), late=D("0.5"))


def criteria_set(*, ineligible_without_meeting=True):
    return CriteriaSet(
        discrepancy_threshold=D(2),
        report_due_day=25,
        ineligible_without_meeting=ineligible_without_meeting,
    )


SET = criteria_set()


def inputs(**changes):
    base = MonthInputs(
        criteria_set=SET,
        system_criteria=(MEETING, SENT),
        sheets={"self": 1, "district": 1, "official": 1},
        officials_expected=1,
        first_sent={REPORT: date(2018, 3, 20), DOCUMENTS: date(2018, 3, 25)},
        due=DUE,
        today=AFTER,
        people=(
            CriterionScores(A, self_points=D(5), district_points=D(9), official_points=(D(8),)),
            CriterionScores(B, self_points=D(18), district_points=D(20), official_points=(D(19),)),
            CriterionScores(BONUS, self_points=D(3), district_points=D(2)),
        ),
    )
    return replace(base, **changes)


def test_the_district_score_stands_and_the_system_lines_are_added():
    result = decide(inputs())
    # District 9 + 20 + 2 = 31; conference held: 10; both sent on time: 2.
    assert (result.district_total, result.system_total, result.total) == (D(31), D(12), D(43))
    assert (result.self_total, result.official_total) == (D(26), D(27))
    assert (result.band, result.band_label, result.eligible) == ("yeu", "Yếu", True)
    assert result.missing_sources == ()
    assert (result.lateness.missing, result.lateness.late) == (0, 0)


def test_flags_deductions_and_resolutions_line_by_line():
    result = decide(inputs())
    lines = {line.criterion.code: line for line in result.lines}
    # 2.1: 5, 9, 8 spread 4 > 2: flagged and open; 9 < 10: deducted.
    assert (lines["2.1"].flagged, lines["2.1"].open_flag, lines["2.1"].deducted) == (
        True,
        True,
        True,
    )
    assert (lines["2.1"].final, lines["2.1"].source) == (D(9), "district")
    # 3.1: spread 2 is not more than 2; full marks.
    assert (lines["3.1"].flagged, lines["3.1"].deducted) == (False, False)
    # A bonus below its maximum is no deduction; 6.1 and 6.2 at their maximum.
    assert not lines["9.1"].deducted
    assert (lines["6.1"].source, lines["6.1"].final, lines["6.2"].final) == ("system", D(10), D(2))
    assert (result.open_flags, result.deductions) == (1, 1)
    resolved = inputs().people[0]
    resolved = replace(resolved, resolved=True)
    result = decide(inputs(people=(resolved, *inputs().people[1:])))
    assert result.open_flags == 0
    assert next(line for line in result.lines if line.criterion is A).flagged


def test_without_the_district_sheet_there_is_no_total_whatever_else_is_present():
    result = decide(inputs(sheets={"self": 1, "official": 1}))
    assert (result.total, result.district_total, result.band) == (None, None, "")
    assert result.missing_sources == ("district",)
    assert result.self_total == D(26)


def test_missing_sources_are_listed_never_counted_as_zero():
    result = decide(inputs(sheets={"district": 1, "official": 1}, officials_expected=2))
    assert result.missing_sources == ("self", "official")
    assert result.self_total is None
    assert result.total == D(43)


def test_no_conference_means_minimum_points_and_not_eligible():
    result = decide(inputs(officials_expected=None))
    assert result.system_total == D(2)  # meeting 0, submissions 2
    assert result.total == D(33)
    assert (result.band, result.eligible, result.meeting_held) == (NOT_ELIGIBLE, False, False)
    lenient = criteria_set(ineligible_without_meeting=False)
    assert decide(inputs(officials_expected=None, criteria_set=lenient)).band == "yeu"


@pytest.mark.parametrize(
    ("sent", "today", "missing", "late", "points"),
    [
        ({REPORT: date(2018, 3, 20), DOCUMENTS: date(2018, 3, 25)}, AFTER, 0, 0, D(2)),
        ({REPORT: date(2018, 3, 26), DOCUMENTS: date(2018, 3, 25)}, AFTER, 0, 1, D("1.5")),
        ({REPORT: date(2018, 3, 26)}, AFTER, 1, 1, D("0.5")),
        ({}, AFTER, 2, 0, D(0)),
        ({}, DUE, 0, 0, D(2)),  # not missing before the due date has passed
        ({REPORT: date(2018, 4, 1), DOCUMENTS: date(2018, 4, 1)}, AFTER, 0, 2, D(1)),
    ],
)
def test_lateness_and_the_submissions_line(sent, today, missing, late, points):
    facts = lateness(sent, DUE, today)
    assert (facts.missing, facts.late) == (missing, late)
    result = decide(inputs(first_sent=sent, today=today))
    assert result.lateness == facts
    assert next(line for line in result.lines if line.criterion is SENT).final == points


def test_the_submissions_line_never_goes_below_its_minimum():
    harsh = criterion("6.2", -2, 2, rule="submissions", missing=D(5), late=D("0.5"))
    result = decide(inputs(system_criteria=(MEETING, harsh), first_sent={}))
    assert result.system_total == D(10) + D(-2)


@pytest.mark.parametrize(("total", "band"), [(D(80), "tot"), (D("79.99"), "kha"), (D(0), "yeu")])
def test_bands_are_reached_at_their_minimum(total, band):
    # Only the district's 2.1 line: total = its points + 12 from the system lines.
    points = total - D(12)
    only = CriterionScores(criterion("1.1", -100, 100), district_points=points)
    assert decide(inputs(people=(only,))).band == band


def test_totals_summed_by_the_database_give_the_same_result():
    lines = decide(inputs())
    summed = decide(
        inputs(
            people=None,
            totals=PeopleTotals(
                district=D(31), self=D(26), official=D(27), open_flags=1, deductions=1
            ),
        )
    )
    fields = ("total", "band", "open_flags", "deductions", "missing_sources", "self_total")
    assert [getattr(summed, f) for f in fields] == [getattr(lines, f) for f in fields]
    assert [line.criterion.code for line in summed.lines] == ["6.1", "6.2"]


def test_the_result_is_frozen():
    result = decide(inputs())
    with pytest.raises(AttributeError):
        result.total = D(100)


# The loaders agree: compute (database totals) and explain (lines) through decide -----


@pytest.mark.django_db
def test_compute_and_explain_agree_on_a_bonus_system_line(world, monkeypatch):
    """compute used to count a system bonus line below its maximum as a deduction
    where explain did not; with one rule they cannot differ."""
    from theodoi.testing import make_criteria_set
    from theodoi.tuyenvan import scoring
    from theodoi.tuyenvan.models import MonthlyResult, ScoreSheet

    from .helpers import MONTH, fill, hold_meeting

    monkeypatch.setenv("THEODOI_TODAY", "2018-04-10")
    criteria_set = make_criteria_set(world)
    Criterion.objects.filter(group__criteria_set=criteria_set, system_rule="submissions").update(
        kind="bonus"
    )
    hold_meeting(world.commune1a, world.commune)
    fill(world.commune1a, ScoreSheet.Source.DISTRICT, world.district)  # nothing sent: late
    stored = MonthlyResult.objects.get(commune=world.commune1a, month=MONTH)
    explained = scoring.explain(world.commune1a, MONTH)
    assert explained.result.lateness.missing == 2
    assert (stored.total, stored.deductions, stored.band) == (
        explained.total,
        explained.deductions,
        explained.band,
    )

"""A ceased body's unsent reports of periods ending on or after the effective day pass
to its successor; sent reports and those of earlier periods stay its own."""

from __future__ import annotations

from datetime import date

import pytest

from theodoi.reporting.models import ProgressReport, ReportingPeriod
from theodoi.testing import (
    HANDOVER_REASON,
    handover_failing_at_the_end,
    handover_preview_and_run,
    handover_refusals,
    make_handover_admin,
    make_plan,
)
from theodoi.units.handover import hand_over


@pytest.fixture
def work(world):
    plan = make_plan(world, year=2025)

    def period(code, start, end):
        return ReportingPeriod.objects.create(
            plan=plan, kind="half", code=code, title=code, start=start, end=end, due=end
        )

    h1 = period("2025-H1", date(2025, 1, 1), date(2025, 6, 30))
    h2 = period("2025-H2", date(2025, 7, 1), date(2025, 12, 31))
    report = ProgressReport.objects.create
    return {
        "draft": report(period=h2, unit=world.btg),
        "early": report(period=h1, unit=world.btg),
        "sent": report(period=h2, unit=world.bdv, state=ProgressReport.State.SUBMITTED),
    }


def _unit(obj):
    obj.refresh_from_db()
    return obj.unit


def test_unsent_reports_move_sent_and_earlier_ones_stay(world, reform, work):
    _preview, done = handover_preview_and_run(world.btg, reform.ban, make_handover_admin(reform))
    assert _unit(work["draft"]) == reform.ban
    assert _unit(work["early"]) == world.btg
    assert done.kept["reports"] == 1 and done.notes["reports"]
    assert done.kept["inspection_follow_ups"] == 0  # counted, and said to stay
    assert HANDOVER_REASON[:40] in work["draft"].history.first().history_change_reason
    handover_preview_and_run(world.bdv, reform.ban, make_handover_admin(reform))
    assert _unit(work["sent"]) == world.bdv


def test_refused_and_all_or_nothing(world, reform, work, monkeypatch):
    handover_refusals(world, reform)
    handover_failing_at_the_end(monkeypatch)
    with pytest.raises(RuntimeError):
        hand_over(world.btg, reform.ban, reason=HANDOVER_REASON, by=make_handover_admin(reform))
    assert _unit(work["draft"]) == world.btg


def test_a_moved_report_takes_its_next_version(world, reform, work):
    """A report form opened by the old body's reporter before the handover carries
    the old version: saving it is refused as stale, not written over the move."""
    before = work["draft"].version
    handover_preview_and_run(world.btg, reform.ban, make_handover_admin(reform))
    work["draft"].refresh_from_db()
    assert work["draft"].version == before + 1
    work["early"].refresh_from_db()
    assert work["early"].version == before  # what stays is not touched

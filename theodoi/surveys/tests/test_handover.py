"""A ceased body's draft and open surveys pass to its successor; closed ones stay."""

from __future__ import annotations

import pytest

from theodoi.surveys.models import Survey
from theodoi.testing import (
    HANDOVER_REASON,
    handover_failing_at_the_end,
    handover_preview_and_run,
    handover_refusals,
    make_handover_admin,
)
from theodoi.units.handover import hand_over


@pytest.fixture
def work(world):
    def survey(state):
        return Survey.objects.create(
            owner=world.btg, title={"vi": f"Khảo sát {state}"}, state=state
        )

    S = Survey.State
    return {s: survey(s) for s in (S.DRAFT, S.OPEN, S.CLOSED, S.PUBLISHED)}


def _owner(obj):
    obj.refresh_from_db()
    return obj.owner


def test_draft_and_open_surveys_move_the_others_stay(world, reform, work):
    _preview, done = handover_preview_and_run(world.btg, reform.ban, make_handover_admin(reform))
    S = Survey.State
    assert _owner(work[S.DRAFT]) == _owner(work[S.OPEN]) == reform.ban
    assert _owner(work[S.CLOSED]) == _owner(work[S.PUBLISHED]) == world.btg
    assert done.kept["surveys"] == 2 and done.notes["surveys"]
    assert HANDOVER_REASON[:40] in work[S.OPEN].history.first().history_change_reason


def test_refused_and_all_or_nothing(world, reform, work, monkeypatch):
    handover_refusals(world, reform)
    handover_failing_at_the_end(monkeypatch)
    with pytest.raises(RuntimeError):
        hand_over(world.btg, reform.ban, reason=HANDOVER_REASON, by=make_handover_admin(reform))
    assert _owner(work[Survey.State.DRAFT]) == world.btg

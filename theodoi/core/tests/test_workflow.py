"""The shared workflow module itself (theodoi.core.workflow), on a document with a
state, a version and a history (a progress report, driven here by the module alone)."""

from datetime import date, datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError

from theodoi.core import workflow
from theodoi.core.workflow import Stale, TransitionRefused, clean_reason, move, moved, review
from theodoi.reporting.models import ProgressReport, ReportingPeriod
from theodoi.testing import make_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def document(world):
    plan = make_plan(world)
    period = ReportingPeriod.objects.create(
        plan=plan,
        kind="ad_hoc",
        code="T",
        title="Thử",
        start=date(2018, 1, 1),
        end=date(2018, 6, 30),
        due=date(2018, 7, 10),
    )
    return ProgressReport.objects.create(period=period, unit=world.bdv)


def _state(obj):
    obj.refresh_from_db()
    return obj.state


def test_each_step_of_the_review(document, world):
    flow = review()
    version = document.version
    document = move(flow, document, "submit", by=world.agency)
    assert (_state(document), document.version) == ("submitted", version + 1)
    document = move(flow, document, "return", by=world.coordinator, reason="Bổ sung")
    assert _state(document) == "returned"
    document = move(flow, document, "submit", by=world.agency)  # a returned one again
    document = move(flow, document, "accept", by=world.coordinator)
    assert _state(document) == "accepted"
    document = move(flow, document, "reopen", by=world.coordinator, reason="Sai số liệu")
    assert (_state(document), document.version) == ("returned", version + 5)


@pytest.mark.parametrize(
    ("state", "step"),
    [
        ("draft", "accept"),
        ("draft", "return"),
        ("draft", "reopen"),
        ("submitted", "submit"),
        ("submitted", "reopen"),
        ("accepted", "submit"),
        ("accepted", "accept"),
        ("accepted", "return"),
        ("returned", "accept"),
        ("returned", "reopen"),
    ],
)
def test_refused_sources(document, world, state, step):
    ProgressReport.objects.filter(pk=document.pk).update(state=state)
    document.refresh_from_db()
    version = document.version
    flow = review()
    assert step not in flow.allowed(document)
    with pytest.raises(TransitionRefused) as caught:
        move(flow, document, step, by=world.coordinator, reason="Lý do")
    assert str(caught.value) == str(flow.steps[step].refused)  # the message, not a list
    with pytest.raises(TransitionRefused):
        flow.check(document, step)
    document.refresh_from_db()
    assert (document.state, document.version) == (state, version)


@pytest.mark.parametrize("step", ["return", "reopen"])
@pytest.mark.parametrize("reason", ["", "   ", None])
def test_a_reason_is_required_to_return_and_reopen(document, world, step, reason):
    state = "submitted" if step == "return" else "accepted"
    ProgressReport.objects.filter(pk=document.pk).update(state=state)
    with pytest.raises(ValidationError) as caught:
        move(review(), document, step, by=world.coordinator, reason=reason)
    assert not isinstance(caught.value, TransitionRefused)
    assert "reason" in caught.value.message_dict
    assert _state(document) == state


def test_reasons_are_bounded_and_without_nul(world):
    assert clean_reason("  Sai \n số  liệu ", required=True) == "Sai số liệu"
    for bad in ("x" * 101, "Sai\x00"):
        with pytest.raises(ValidationError):
            clean_reason(bad, required=False)
    assert clean_reason("x" * 500, required=True, max_length=1000) == "x" * 500


def test_a_stale_version_is_refused_with_the_current_object(document, world):
    seen = document.version
    move(review(), document, "submit", by=world.agency, version=seen)
    ProgressReport.objects.filter(pk=document.pk).update(state="submitted")
    with pytest.raises(Stale) as caught:
        move(review(), document, "accept", by=world.coordinator, version=seen)
    assert caught.value.current.version == seen + 1
    assert _state(document) == "submitted"


def test_each_step_is_attributed_in_the_history(document, world):
    flow = review()
    move(flow, document, "submit", by=world.agency)
    last = document.history.first()
    assert (last.history_user, last.history_change_reason, last.state) == (
        world.agency,
        "submit",
        "submitted",
    )
    move(flow, document, "return", by=world.coordinator, reason="Bổ sung số liệu")
    last = document.history.first()
    assert (last.history_user, last.history_change_reason) == (world.coordinator, "Bổ sung số liệu")


def test_a_longer_reason_keeps_its_start_in_the_history(document, world):
    flow = review(reason_max=1000)
    move(flow, document, "submit", by=world.agency)
    reason = "Bổ sung " * 50
    move(flow, document, "return", by=world.coordinator, reason=reason)
    assert document.history.first().history_change_reason == reason.strip()[:100]
    with pytest.raises(ValidationError):
        move(flow, document, "submit", by=world.agency, reason="x" * 1001)


def test_the_moved_signal_names_the_object_step_user_and_reason(document, world):
    heard = []

    def listener(sender, **kwargs):
        heard.append(
            (sender, kwargs["obj"].pk, kwargs["step"].name, kwargs["by"], kwargs["reason"])
        )

    moved.connect(listener)
    try:
        move(review(), document, "submit", by=world.agency)
        move(review(), document, "return", by=world.coordinator, reason="Sửa")
        with pytest.raises(TransitionRefused):
            move(review(), document, "accept", by=world.coordinator)
    finally:
        moved.disconnect(listener)
    assert heard == [
        (ProgressReport, document.pk, "submit", world.agency, ""),
        (ProgressReport, document.pk, "return", world.coordinator, "Sửa"),
    ]


def test_stamps_updates_and_adjusted_steps(document, world):
    flow = review().adjust(
        "submit", refused="Chỉ gửi bản nháp.", stamps=("submitted_at",), sources=["draft"]
    )
    assert flow.steps["submit"].sources == frozenset({"draft"})
    moment = datetime(2018, 7, 5, 9, 0).astimezone()
    with time_machine.travel(moment, tick=False):
        document = move(flow, document, "submit", by=world.agency, update={"comment": "Gửi"})
    document.refresh_from_db()
    assert (document.submitted_at, document.comment) == (moment, "Gửi")
    ProgressReport.objects.filter(pk=document.pk).update(state="returned")
    document.refresh_from_db()
    with pytest.raises(TransitionRefused, match="Chỉ gửi bản nháp"):
        move(flow, document, "submit", by=world.agency)
    # The declared review is untouched by another's adjustment.
    assert "returned" in review().steps["submit"].sources


def test_a_workflow_of_other_states(document, world):
    """Variants declare their own steps (a survey: draft → open → closed)."""
    flow = (
        workflow.Workflow("state")
        .step("open", ["draft"], "submitted", "Only a draft opens.")
        .step("close", ["submitted"], "accepted", "Only an open one closes.")
    )
    assert flow.allowed(document) == ["open"]
    document = move(flow, document, "open", by=world.coordinator)
    assert flow.allowed(document) == ["close"]

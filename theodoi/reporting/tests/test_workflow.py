from datetime import date

import pytest
import time_machine

from theodoi.plans.models import Assignment
from theodoi.reporting import actions
from theodoi.reporting.models import ProgressReport, ReportRevision

pytestmark = pytest.mark.django_db

DONE = {"status": "done_on_time", "percent": 100, "results": "Đã tổ chức 12 hội nghị."}


def test_report_has_one_entry_per_work_item_leads_first(setup):
    w = setup.world
    report = actions.do_start_report(setup.h1, w.bdv)
    assert [(e.work_item_id, e.role) for e in report.entries.all()] == [
        (setup.item1.pk, "lead"),
        (setup.item2.pk, "lead"),
    ]
    coord = actions.do_start_report(setup.h1, w.sotttt)
    assert [(e.work_item_id, e.role) for e in coord.entries.all()] == [
        (setup.item1.pk, "coordinating")
    ]
    assert actions.do_start_report(setup.h1, w.bdv) == report


def test_entries_carry_forward_from_the_previous_period(setup):
    w = setup.world
    h1 = actions.do_start_report(setup.h1, w.bdv)
    actions.do_save_draft(
        h1,
        {
            setup.item2.pk: {
                "status": "in_progress",
                "percent": 40,
                "results": "Một nửa",
                "budget_spent": 5_000_000,
            }
        },
        version=h1.version,
        by=w.agency,
    )
    year = actions.do_start_report(setup.year, w.bdv)
    entry = year.entries.get(work_item=setup.item2)
    assert (entry.status, entry.percent, entry.results) == ("in_progress", 40, "Một nửa")
    assert entry.budget_spent is None


def test_whole_workflow_with_revisions_and_assignment_update(setup):
    w = setup.world
    report = actions.do_start_report(setup.h1, w.bdv)
    with time_machine.travel(date(2018, 7, 5)):
        report = actions.do_submit_report(
            report,
            by=w.agency,
            data={
                setup.item1.pk: DONE,
                setup.item2.pk: {"status": "in_progress", "percent": 30, "results": "Đang làm"},
            },
        )
    assert report.state == "submitted"
    with pytest.raises(actions.TransitionRefused):
        actions.do_save_draft(report, {}, version=None, by=w.agency)
    with pytest.raises(actions.TransitionRefused):
        actions.do_return_report(report, by=w.coordinator, comment="  ")
    report = actions.do_return_report(report, by=w.coordinator, comment="Bổ sung số liệu")
    assert report.state == "returned"
    report = actions.do_save_draft(
        report, {setup.item2.pk: {"percent": 50}}, version=report.version, by=w.agency
    )
    report = actions.do_submit_report(report, by=w.agency)
    with pytest.raises(actions.TransitionRefused):
        actions.do_reopen_report(report, by=w.coordinator, reason="x")
    report = actions.do_accept_report(report, by=w.coordinator)
    assert report.state == "accepted"
    a1 = Assignment.objects.get(work_item=setup.item1, unit=w.bdv)
    assert (a1.status, a1.percent_done, a1.completed_on) == ("done", 100, date(2018, 6, 30))
    a2 = Assignment.objects.get(work_item=setup.item2, unit=w.bdv)
    assert (a2.status, a2.percent_done) == ("in_progress", 50)
    # Coordinating assignments are not touched.
    assert Assignment.objects.get(work_item=setup.item1, unit=w.sotttt).status == "not_started"
    with pytest.raises(actions.TransitionRefused):
        actions.do_reopen_report(report, by=w.coordinator, reason="")
    report = actions.do_reopen_report(report, by=w.coordinator, reason="Sai số liệu kinh phí")
    assert report.state == "returned"
    revisions = list(report.revisions.values_list("action", "comment"))
    assert revisions == [
        ("submit", ""),
        ("return", "Bổ sung số liệu"),
        ("submit", ""),
        ("accept", ""),
        ("reopen", "Sai số liệu kinh phí"),
    ]
    second = report.revisions.filter(action="submit").last()
    assert second.changes == {str(setup.item2.pk): {"percent": [30, 50]}}
    assert report.first_submitted_at.date() == date(2018, 7, 5)


def test_refused_transitions(setup):
    w = setup.world
    report = actions.do_start_report(setup.h1, w.bdv)
    for step in (actions.do_accept_report,):
        with pytest.raises(actions.TransitionRefused):
            step(report, by=w.coordinator)
    with pytest.raises(actions.TransitionRefused):
        actions.do_return_report(report, by=w.coordinator, comment="x")
    report = actions.do_submit_report(report, by=w.agency)
    with pytest.raises(actions.TransitionRefused):
        actions.do_submit_report(report, by=w.agency)
    assert report.revisions.count() == 1


def test_submit_validates_every_entry_next_to_its_field(setup):
    w = setup.world
    report = actions.do_start_report(setup.h1, w.bdv)
    with pytest.raises(actions.EntryErrors) as caught:
        actions.do_submit_report(
            report,
            by=w.agency,
            data={
                setup.item1.pk: {"status": "done_on_time", "percent": 80},
                setup.item2.pk: {"status": "in_progress", "percent": 120},
            },
        )
    errors = caught.value.errors
    assert set(errors[setup.item1.pk]) == {"percent", "results"}
    assert "percent" in errors[setup.item2.pk]
    report.refresh_from_db()
    assert report.state == "draft"
    assert report.entries.get(work_item=setup.item1).percent == 0  # all or nothing


def test_optimistic_locking_refuses_the_second_save(setup):
    w = setup.world
    report = actions.do_start_report(setup.h1, w.bdv)
    seen = report.version
    actions.do_save_draft(
        report, {setup.item1.pk: {"results": "Người A"}}, version=seen, by=w.agency
    )
    with pytest.raises(actions.StaleReport) as caught:
        actions.do_save_draft(
            report, {setup.item1.pk: {"results": "Người B"}}, version=seen, by=w.agency
        )
    newer = caught.value.report
    assert newer.version == seen + 1
    assert newer.entries.get(work_item=setup.item1).results == "Người A"
    assert (
        ProgressReport.objects.get(pk=report.pk).entries.get(work_item=setup.item1).results
        == "Người A"
    )


def test_unknown_work_item_is_refused(setup):
    report = actions.do_start_report(setup.h1, setup.world.bdv)
    with pytest.raises(actions.EntryErrors):
        actions.do_save_draft(
            report, {setup.item3.pk: {"percent": 1}}, version=None, by=setup.world.agency
        )
    assert ReportRevision.objects.count() == 0


def test_draft_saves_are_attributed_in_history(setup):
    w = setup.world
    report = actions.do_start_report(setup.h1, w.bdv)
    actions.do_save_draft(report, {setup.item1.pk: {"results": "Một"}}, version=None, by=w.agency)
    entry = report.entries.get(work_item=setup.item1)
    last = entry.history.first()
    assert (last.results, last.history_user) == ("Một", w.agency)

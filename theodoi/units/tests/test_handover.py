"""The merged ban takes over the old bans' open work; history stays where it was earned."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.http import Http404

from theodoi.permissions import history_reach, reach
from theodoi.permissions.plans import visible_plans
from theodoi.permissions.reporting import access_report, visible_reports
from theodoi.permissions.units import access_unit
from theodoi.plans.models import Assignment
from theodoi.reporting.models import ProgressReport, ReportingPeriod
from theodoi.testing import (
    handover_failing_at_the_end,
    handover_preview_and_run,
    handover_refusals,
    make_plan,
    make_user,
    make_work_item,
)
from theodoi.units.handover import HandoverError, hand_over
from theodoi.units.models import Membership, UnitHandover

REASON = "Quyết định 01-QĐ/TU hợp nhất hai ban"


def _period(plan, code, start, end):
    return ReportingPeriod.objects.create(
        plan=plan, kind="half", code=code, title=code, start=start, end=end, due=end
    )


@pytest.fixture
def admin_2025(reform):
    """An administrator of the new Tỉnh ủy: the successor is in its reach."""
    return make_user("admin_2025", "admin", reform.province)


@pytest.fixture
def work(world, reform):
    """2018: a BTG plan with an accepted BDV report and an item left open. 2025: a
    running BTG plan with open and done items, and reports of both halves."""
    old = make_plan(world, year=2018)
    old_item = make_work_item(old, lead=world.bdv)
    old_period = _period(old, "2018-H1", date(2018, 1, 1), date(2018, 6, 30))
    old_report = ProgressReport.objects.create(
        period=old_period, unit=world.bdv, state=ProgressReport.State.ACCEPTED
    )
    running = make_plan(world, year=2025)
    open_item = make_work_item(running, lead=world.btg, coordinating=world.bdv)
    done_item = make_work_item(running, lead=world.bdv)
    Assignment.objects.filter(work_item=done_item).update(status=Assignment.Status.DONE)
    h1 = _period(running, "2025-H1", date(2025, 1, 1), date(2025, 6, 30))
    h2 = _period(running, "2025-H2", date(2025, 7, 1), date(2025, 12, 31))
    return {
        "old": old,
        "old_item": old_item,
        "old_report": old_report,
        "running": running,
        "open_item": open_item,
        "done_item": done_item,
        "h1_draft": ProgressReport.objects.create(period=h1, unit=world.btg),
        "h2_draft": ProgressReport.objects.create(period=h2, unit=world.btg),
        "h2_sent": ProgressReport.objects.create(
            period=h2, unit=world.bdv, state=ProgressReport.State.SUBMITTED
        ),
    }


def test_the_open_work_moves_and_history_stays(world, reform, work, admin_2025):
    result = hand_over(world.btg, reform.ban, reason=REASON, by=admin_2025)

    work["running"].refresh_from_db()
    work["old"].refresh_from_db()
    assert work["running"].owner == reform.ban  # still running on 01/07/2025
    assert work["old"].owner == world.btg  # 2018 stays the Ban Tuyên giáo's
    assert work["running"].issuer == world.province  # who issued it never changes
    lead = work["open_item"].assignments.get(role=Assignment.Role.LEAD)
    assert lead.unit == reform.ban
    # An unsent report of a period ending after the reform passes; of one before, stays.
    assert ProgressReport.objects.get(pk=work["h2_draft"].pk).unit == reform.ban
    assert ProgressReport.objects.get(pk=work["h1_draft"].pk).unit == world.btg
    # The coordinator's membership moved, with who and why in its history.
    membership = Membership.objects.get(user=world.coordinator)
    assert membership.unit == reform.ban
    record = membership.history.first()
    assert REASON in record.history_change_reason
    assert record.history_user == admin_2025
    plan_record = work["running"].history.first()
    assert REASON in plan_record.history_change_reason
    handover = UnitHandover.objects.get()
    assert handover.by == admin_2025 and handover.reason == REASON
    assert handover.effective == date(2025, 7, 1)
    assert handover.moved["plans"] == [work["running"].pk]
    assert {k: result.kept[k] for k in ("plans", "assignments", "reports")} == {
        "plans": 1,
        "assignments": 0,
        "reports": 1,
    }


def test_both_bans_become_one_part_in_a_shared_item(world, reform, work):
    hand_over(world.btg, reform.ban, reason=REASON)
    hand_over(world.bdv, reform.ban, reason=REASON)

    parts = list(work["open_item"].assignments.all())
    assert [(a.unit, a.role) for a in parts] == [(reform.ban, Assignment.Role.LEAD)]
    # BDV's closed work and 2018 work stay its own; its sent report too.
    assert work["done_item"].assignments.get().unit == world.bdv
    assert work["old_item"].assignments.get().unit == world.bdv
    assert ProgressReport.objects.get(pk=work["old_report"].pk).unit == world.bdv
    assert ProgressReport.objects.get(pk=work["h2_sent"].pk).unit == world.bdv
    assert Membership.objects.get(user=world.agency).unit == reform.ban


def test_again_moves_nothing_and_records_nothing(world, reform, work):
    hand_over(world.btg, reform.ban, reason=REASON)
    again = hand_over(world.btg, reform.ban, reason=REASON)
    assert not again.anything
    assert UnitHandover.objects.count() == 1


def test_dry_run_saves_nothing(world, reform, work):
    preview = hand_over(world.btg, reform.ban, reason=REASON, dry_run=True)
    assert preview.count("plans") == 1 and preview.count("memberships") == 1
    assert Membership.objects.get(user=world.coordinator).unit == world.btg
    assert not UnitHandover.objects.exists()


def test_a_reason_and_a_recorded_successor_are_needed(world, reform):
    with pytest.raises(HandoverError):
        hand_over(world.btg, reform.ban, reason="  ")
    with pytest.raises(HandoverError):
        hand_over(world.btg, world.sotttt, reason=REASON)  # no lineage link


def test_the_command(world, reform, work, admin_2025, capsys):
    with pytest.raises(CommandError):  # the old province's administrator: not the successor's
        call_command(
            "hand_over", world.btg.key, reform.ban.key, reason=REASON, by=world.admin.username
        )
    call_command("hand_over", world.btg.key, reform.ban.key, reason=REASON, by=admin_2025.username)
    assert "Handed over" in capsys.readouterr().out
    assert UnitHandover.objects.get().by == admin_2025
    with pytest.raises(CommandError):
        call_command("hand_over", world.btg.key, world.sotttt.key, reason=REASON)


# The registry: one transaction, a preview that is the run, a reason that fits ------------


def test_only_an_administrator_of_the_successor_hands_over(world, reform, work):
    handover_refusals(world, reform)
    assert Membership.objects.get(user=world.coordinator).unit == world.btg
    assert not UnitHandover.objects.exists()


def test_the_preview_is_the_run(world, reform, work, admin_2025):
    preview, done = handover_preview_and_run(world.btg, reform.ban, admin_2025)
    assert preview.count("memberships") == 1
    assert preview.rows() == done.rows()
    record = UnitHandover.objects.get()
    assert record.notes == done.notes and record.rows() == done.rows()
    assert "reports" in record.notes  # what stays is said, with why
    assert "registered_documents" in record.kept  # nothing moves there, and it says so


def test_a_failing_step_moves_nothing(world, reform, work, admin_2025, monkeypatch):
    handover_failing_at_the_end(monkeypatch)
    with pytest.raises(RuntimeError):
        hand_over(world.btg, reform.ban, reason=REASON, by=admin_2025)
    assert Membership.objects.get(user=world.coordinator).unit == world.btg
    work["running"].refresh_from_db()
    assert work["running"].owner == world.btg
    assert ProgressReport.objects.get(pk=work["h2_draft"].pk).unit == world.btg
    assert not UnitHandover.objects.exists()


def test_a_long_reason_is_cut_in_history_and_whole_on_the_record(world, reform, work, admin_2025):
    reason = "Quyết định số 01-QĐ/TU ngày 30/6/2025 của Ban Thường vụ Tỉnh ủy " * 4
    hand_over(world.btg, reform.ban, reason=reason, by=admin_2025)
    record = Membership.objects.get(user=world.coordinator).history.first()
    assert len(record.history_change_reason) <= 100
    assert record.history_change_reason.endswith("…")
    assert UnitHandover.objects.get().reason == reason.strip()


# Reach across the boundary ------------------------------------------------------------


def test_the_merged_bans_staff_read_both_bans_history(world, reform, work):
    staff = reform.ban_staff
    old = work["old_report"]  # the Ban Dân vận's, 2018
    assert access_report(staff, old.pk) == old
    with pytest.raises(PermissionDenied):
        access_report(staff, old.pk, "change")  # reading only
    assert old in visible_reports(staff)
    assert work["old"] in visible_plans(staff)
    assert access_unit(staff, world.btg.pk) == world.btg
    assert access_unit(staff, world.bdv.pk) == world.bdv
    # An agency reporter of the merged ban (its own unit only) reads both bans too.
    reporter = make_user("ban_reporter", "agency", reform.ban)
    assert {world.btg.pk, world.bdv.pk} <= history_reach(reporter)
    assert world.btg.pk not in reach(reporter)
    assert access_report(reporter, old.pk) == old


def test_no_reach_forwards_nor_to_another_province(world, reform, work):
    old = work["old_report"]
    # The 2018 district scorer gains nothing on the 2025 commune its communes became.
    for user in (world.district, world.official):
        with pytest.raises(Http404):
            access_unit(user, reform.commune.pk)
        assert reform.commune.pk not in history_reach(user)
    # Another province's coordinator reads nothing of this one's history.
    with pytest.raises(Http404):
        access_report(world.outsider, old.pk)
    assert old not in visible_reports(world.outsider)
    # A 2025 commune reads its own predecessors, not the bans.
    assert world.commune1a.pk in history_reach(reform.commune_reporter)
    assert world.commune2a.pk not in history_reach(reform.commune_reporter)
    with pytest.raises(Http404):
        access_report(reform.commune_reporter, old.pk)


# The page ---------------------------------------------------------------------------


def test_the_page_previews_refuses_without_reason_and_hands_over(
    client, world, reform, work, admin_2025
):
    admin = admin_2025  # of the new Tỉnh ủy
    client.force_login(admin)
    url = f"/units/{world.btg.pk}/handover/"
    page = client.get(url)
    assert page.status_code == 200
    assert "Ban Tuyên giáo và Dân vận Tỉnh ủy" in page.content.decode()
    refused = client.post(url, {"successor": reform.ban.pk, "confirm": "1", "reason": ""})
    assert refused.status_code == 400
    assert Membership.objects.get(user=world.coordinator).unit == world.btg
    done = client.post(url, {"successor": reform.ban.pk, "confirm": "1", "reason": REASON})
    assert done.status_code == 302
    assert UnitHandover.objects.get().by == admin
    assert Membership.objects.get(user=world.coordinator).unit == reform.ban
    detail = client.get(f"/units/{world.btg.pk}/").content.decode()
    assert REASON in detail


@pytest.mark.parametrize(("who", "status"), [("coordinator", 403), ("outsider", 404)])
def test_the_page_is_for_administrators(client, world, reform, who, status):
    client.force_login(getattr(world, who))
    assert client.get(f"/units/{world.btg.pk}/handover/").status_code == status


def test_an_old_provinces_administrator_sees_no_successor_to_hand_to(client, world, reform):
    client.force_login(world.admin)  # administers the 2018 tree, not the new Tỉnh ủy
    page = client.get(f"/units/{world.btg.pk}/handover/")
    assert page.status_code == 200
    assert "Ban Tuyên giáo và Dân vận Tỉnh ủy" not in page.content.decode()

"""The access helpers of reporting (theodoi.permissions.reporting), role by role, and
the same answer on page and API for the same request."""

from datetime import date

import pytest
import rules
from django.core.exceptions import PermissionDenied
from django.http import Http404

from theodoi.permissions import reporting as access
from theodoi.reporting import actions
from theodoi.reporting.models import ConsolidatedExport, Evidence

pytestmark = pytest.mark.django_db

ROLES = ("coordinator", "viewer", "agency", "commune", "district", "official", "admin", "outsider")
OK = "ok"


def _outcome(helper, *args, **kwargs):
    try:
        helper(*args, **kwargs)
    except Http404:
        return 404
    except PermissionDenied:
        return 403
    return OK


@pytest.fixture
def objects(setup):
    w = setup.world
    report = actions.do_start_report(setup.h1, w.bdv)
    entry = report.entries.first()
    evidence = Evidence.objects.create(
        entry=entry, name="a.pdf", content_type="application/pdf", size=1, uploaded_by=w.agency
    )
    inspection = actions.do_record_inspection(
        setup.plan,
        unit=w.bdv,
        held_on=date(2018, 4, 1),
        team="Đoàn",
        scope="Dân vận",
        follow_ups=[("Bổ sung", date(2018, 5, 1))],
        by=w.coordinator,
    )
    export = ConsolidatedExport.objects.create(
        period=setup.h1, format="docx", created_by=w.coordinator
    )
    return {
        "plan": setup.plan,
        "period": setup.h1,
        "report": report,
        "entry": entry,
        "evidence": evidence,
        "inspection": inspection,
        "follow_up": inspection.follow_ups.get(),
        "export": export,
    }


# Who reads and who manages a plan's reporting: coordinators of the plan manage,
# leadership viewers read, reporters and others do not see it.
REPORTING = {
    "view": {"coordinator": OK, "viewer": OK},
    "manage": {"coordinator": OK, "viewer": 403},
}
# A report: its unit's reporter changes and submits it, the plan's coordinator
# decides, the viewer reads.
REPORT = {
    "view": {"coordinator": OK, "viewer": OK, "agency": OK},
    "change": {"coordinator": 403, "viewer": 403, "agency": OK},
    "submit": {"coordinator": 403, "viewer": 403, "agency": OK},
    "decide": {"coordinator": OK, "viewer": 403, "agency": 403},
}
HELPERS = [
    (access.access_reporting_plan, "plan", REPORTING),
    (access.access_period, "period", REPORTING),
    (access.access_inspection, "inspection", REPORTING),
    (access.access_follow_up, "follow_up", REPORTING),
    (access.access_export, "export", REPORTING),
    (access.access_report, "report", REPORT),
    (access.access_entry, "entry", REPORT),
    (access.access_evidence, "evidence", {k: REPORT[k] for k in ("view", "change")}),
]


@pytest.mark.parametrize(("helper", "name", "table"), HELPERS, ids=[h[1] for h in HELPERS])
def test_each_helper_role_by_role(setup, objects, helper, name, table):
    obj = objects[name]
    for who in ROLES:
        user = getattr(setup.world, who)
        for action, expected in table.items():
            # Anyone not named does not see the object at all.
            assert _outcome(helper, user, obj.pk, action) == expected.get(who, 404), (who, action)
    # Missing, or not an id: 404 whatever the action, even for those who may act.
    for user in (setup.world.coordinator, setup.world.agency):
        for action in table:
            for bad in (obj.pk + 10_000, "³", "1_0", 2**64, "-1", ""):
                assert _outcome(helper, user, bad, action) == 404, (action, bad)
    assert helper(setup.world.coordinator, str(obj.pk)) == obj  # an id as text


def test_an_entry_is_only_found_within_its_report(setup, objects):
    w = setup.world
    entry, report = objects["entry"], objects["report"]
    assert access.access_entry(w.agency, entry.pk, report=report.pk) == entry
    other = actions.do_start_report(setup.year, w.bdv)
    assert _outcome(access.access_entry, w.agency, entry.pk, report=other.pk) == 404


@pytest.mark.parametrize(
    ("who", "expected"),
    [("agency", OK), ("coordinator", 403), ("viewer", 403), ("commune", 404), ("outsider", 404)],
)
def test_starting_a_report(setup, who, expected):
    user = getattr(setup.world, who)
    assert _outcome(access.access_new_report, user, setup.h1.pk, setup.world.bdv.pk) == expected
    assert _outcome(access.access_new_report, user, setup.h1.pk, "³") == 404


@pytest.mark.parametrize(
    ("who", "expected"), [("agency", OK), ("commune", OK), ("coordinator", OK), ("outsider", 404)]
)
def test_plan_periods_are_listed_to_whoever_sees_the_plan(setup, who, expected):
    user = getattr(setup.world, who)
    assert _outcome(access.access_plan_periods, user, setup.plan.pk) == expected


def test_an_unknown_action_is_a_programming_error(setup, objects):
    with pytest.raises(ValueError, match="unknown action"):
        access.access_report(setup.world.agency, objects["report"].pk, "approve")


# One rule per action, one answer per request, on both channels ----------------------------


def test_page_and_api_submit_under_the_same_rule(client, setup, objects):
    """The page used to submit under change_report while the API asked submit_report."""
    report = objects["report"]
    for entry in report.entries.all():
        entry.status, entry.percent, entry.results = "in_progress", 10, "Đã làm"
        entry.save()
    client.force_login(setup.world.agency)
    saved = rules.permissions.permissions["reporting.submit_report"]
    rules.set_perm("reporting.submit_report", rules.always_deny)
    try:
        page = client.post(
            f"/reporting/reports/{report.pk}/", {"action": "submit", "version": report.version}
        )
        api = client.post(f"/api/v1/reports/{report.pk}/submit")
    finally:
        rules.set_perm("reporting.submit_report", saved)
    assert (page.status_code, api.status_code) == (403, 403)
    report.refresh_from_db()
    assert report.state == "draft"


@pytest.mark.parametrize("who", ROLES)
def test_same_status_on_page_and_api(client, setup, objects, who):
    client.force_login(getattr(setup.world, who))
    report, period = objects["report"], objects["period"]
    inspection, export = objects["inspection"], objects["export"]
    pairs = [
        (f"/reporting/reports/{report.pk}/", f"/api/v1/reports/{report.pk}"),
        (f"/reporting/periods/{period.pk}/", f"/api/v1/periods/{period.pk}/rates"),
        (f"/reporting/inspections/{inspection.pk}/", f"/api/v1/inspections/{inspection.pk}"),
        (f"/reporting/exports/{export.pk}/", f"/api/v1/exports/{export.pk}"),
        (f"/reporting/plans/{setup.plan.pk}/", f"/api/v1/plans/{setup.plan.pk}/schedule"),
    ]
    for page, api in pairs:
        assert client.get(page).status_code == client.get(api).status_code, (page, api)
    follow_up = objects["follow_up"]
    page = client.post(f"/reporting/follow-ups/{follow_up.pk}/close/", {"closing_note": ""})
    api = client.post(
        f"/api/v1/follow-ups/{follow_up.pk}/close",
        {"closing_note": "x"},
        content_type="application/json",
    )
    # The page redirects where the API answers 200; refusals are the same.
    assert (page.status_code in (302, 200)) == (api.status_code == 200)
    if api.status_code != 200:
        assert page.status_code == api.status_code

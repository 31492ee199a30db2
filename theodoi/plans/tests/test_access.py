"""The plans access helpers: each returns the object in reach, 404 outside it, 403 for a
role that sees the object but may not do the action; pages and API answer alike."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from theodoi.permissions import plans as access
from theodoi.plans.models import Indicator, Objective
from theodoi.testing import make_plan, make_work_item

pytestmark = pytest.mark.django_db


@pytest.fixture
def things(world):
    plan = make_plan(world)
    item = make_work_item(plan, lead=world.bdv, coordinating=world.commune1a)
    objective = Objective.objects.create(programme=plan.programme, text="Mục tiêu", position=1)
    indicator = Indicator.objects.create(objective=objective, name="Chỉ tiêu")
    return {
        "programme": (access.access_programme, plan.programme),
        "objective": (access.access_objective, objective),
        "indicator": (access.access_indicator, indicator),
        "plan": (access.access_plan, plan),
        "field": (access.access_field, item.task.field),
        "task": (access.access_task, item.task),
        "work_item": (access.access_work_item, item),
    }


HELPERS = ["programme", "objective", "indicator", "plan", "field", "task", "work_item"]
# Every role of the province sees the province's plans; only its coordinator changes them.
READERS = ["coordinator", "agency", "district", "commune", "official", "viewer", "admin"]
NOT_CHANGERS = ["agency", "district", "commune", "official", "viewer", "admin"]


@pytest.mark.parametrize("noun", HELPERS)
def test_each_helper(world, things, noun):
    helper, obj = things[noun]
    # In reach: every role of the province reads it; its coordinator changes it.
    for persona in READERS:
        assert helper(getattr(world, persona), obj.pk) == obj, persona
    assert helper(world.coordinator, str(obj.pk), "change") == obj
    # Outside reach: 404, whatever the action.
    for action in ["view", "change"]:
        with pytest.raises(Http404):
            helper(world.outsider, obj.pk, action)
    # Seen, but not the role to change it: 403.
    for persona in NOT_CHANGERS:
        with pytest.raises(PermissionDenied):
            helper(getattr(world, persona), obj.pk, "change")
    # Missing or malformed ids: 404, never a 500.
    for pk in [0, -1, "³", "1" * 25, "abc", 2**63, None, obj.pk + 1000]:
        with pytest.raises(Http404):
            helper(world.coordinator, pk)


def test_the_actions_of_their_own(world, things):
    plan = things["plan"][1]
    task = things["task"][1]
    programme = things["programme"][1]
    assert access.access_plan(world.coordinator, plan.pk, "add_task") == plan
    assert access.access_plan(world.coordinator, plan.pk, "import") == plan
    assert access.access_task(world.coordinator, task.pk, "add_workitem") == task
    assert access.access_programme(world.coordinator, programme.pk, "add_plan") == programme
    # Export is reading: every reader may.
    assert access.access_plan(world.commune, plan.pk, "export") == plan
    for call in [
        lambda: access.access_plan(world.viewer, plan.pk, "import"),
        lambda: access.access_plan(world.agency, plan.pk, "add_task"),
        lambda: access.access_task(world.district, task.pk, "add_workitem"),
        lambda: access.access_programme(world.viewer, programme.pk, "add_plan"),
    ]:
        with pytest.raises(PermissionDenied):
            call()


# Pages and API answer the same -----------------------------------------------


def _pairs(things):
    plan = things["plan"][1]
    item = things["work_item"][1]
    return [
        (f"/plans/{plan.pk}/", f"/api/v1/plans/{plan.pk}"),
        (f"/plans/{plan.pk}/matrix/", f"/api/v1/plans/{plan.pk}/matrix"),
        (f"/plans/work-items/{item.pk}/", f"/api/v1/work-items/{item.pk}"),
    ]


def test_page_and_api_answer_alike(client, world, things):
    for persona in [*READERS, "outsider"]:
        client.force_login(getattr(world, persona))
        expected = 404 if persona == "outsider" else 200
        for page, endpoint in _pairs(things):
            assert client.get(page).status_code == expected, (persona, page)
            assert client.get(endpoint).status_code == expected, (persona, endpoint)


def test_page_and_api_refuse_a_change_alike(client, world, things):
    item = things["work_item"][1]
    for persona in [*NOT_CHANGERS, "outsider"]:
        client.force_login(getattr(world, persona))
        expected = 404 if persona == "outsider" else 403
        page = client.post(f"/plans/work-items/{item.pk}/edit/", {"title": "x"})
        api = client.patch(
            f"/api/v1/work-items/{item.pk}",
            {"version": item.version, "title": "x"},
            content_type="application/json",
        )
        assert page.status_code == expected, persona
        assert api.status_code == expected, persona
        assert api.json()["message"]
    item.refresh_from_db()
    assert item.title != "x"


def test_a_successor_reads_the_programme_of_the_plans_it_inherits(world, things):
    """The new province's staff list the old province's plans (``history_reach``); the
    programme those plans belong to opens for them too, read-only, and for no one else."""
    from datetime import date

    from theodoi.testing import make_unit, make_user
    from theodoi.units.models import Membership, Unit, UnitLineage

    new = make_unit("Tỉnh Mới", Unit.Kind.PROVINCE, active_from=date(2025, 7, 1))
    UnitLineage.objects.create(
        predecessor=world.province, successor=new, event="merged", effective=date(2025, 7, 1)
    )
    reader = make_user("lanhdao-moi", Membership.Role.VIEWER, new)
    plan = things["plan"][1]
    programme = things["programme"][1]
    assert access.visible_plans(reader).filter(pk=plan.pk).exists()
    assert access.access_programme(reader, programme.pk) == programme
    with pytest.raises(PermissionDenied):
        access.access_programme(reader, programme.pk, "change")
    with pytest.raises(Http404):
        access.access_programme(world.outsider, programme.pk)

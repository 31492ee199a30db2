from datetime import date

import pytest
from django.core.exceptions import ValidationError

from theodoi.plans.actions import (
    StaleVersion,
    WorkItemData,
    do_create_work_item,
    do_update_work_item,
)
from theodoi.plans.models import Assignment
from theodoi.testing import make_plan, make_work_item

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(world):
    return make_work_item(make_plan(world), lead=world.bdv, coordinating=world.sotttt)


def _data(world, **kwargs):
    values = {
        "title": "Tổ chức hội nghị báo cáo viên trực tuyến",
        "start": date(2018, 2, 1),
        "end": date(2018, 12, 31),
        "leads": [world.btg],
        "coordinating": [world.sotttt],
    }
    values.update(kwargs)
    return WorkItemData(**values)


def test_it_creates_a_work_item_with_its_assignments(world, item):
    created = do_create_work_item(item.task, _data(world), by=world.coordinator)
    roles = {(a.unit_id, a.role) for a in created.assignments.all()}
    assert roles == {(world.btg.pk, "lead"), (world.sotttt.pk, "coordinating")}
    assert created.history.first().history_user == world.coordinator


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"end": date(2018, 1, 1)}, "end"),
        ({"start": date(2017, 12, 1)}, "start"),
        ({"end": date(2019, 1, 10)}, "end"),
        ({"leads": []}, "leads"),
        ({"title": "  "}, "title"),
    ],
)
def test_it_refuses_bad_data_with_a_message_per_field(world, item, changes, field):
    with pytest.raises(ValidationError) as caught:
        do_create_work_item(item.task, _data(world, **changes), by=world.coordinator)
    assert field in caught.value.message_dict


def test_a_unit_cannot_both_lead_and_coordinate(world, item):
    with pytest.raises(ValidationError) as caught:
        do_create_work_item(item.task, _data(world, coordinating=[world.btg]), by=world.coordinator)
    assert "Ban Tuyên giáo Tỉnh ủy" in caught.value.message_dict["coordinating"][0]


def test_update_refuses_a_stale_version_and_keeps_the_newer_save(world, item):
    first = do_update_work_item(
        item, _data(world, title="Bản của người thứ nhất"), version=1, by=world.coordinator
    )
    assert first.version == 2
    with pytest.raises(StaleVersion) as caught:
        do_update_work_item(
            item, _data(world, title="Bản của người thứ hai"), version=1, by=world.coordinator
        )
    assert caught.value.current.title == "Bản của người thứ nhất"
    item.refresh_from_db()
    assert item.title == "Bản của người thứ nhất"


def test_update_moves_units_between_roles(world, item):
    do_update_work_item(
        item,
        _data(world, leads=[world.sotttt], coordinating=[world.bdv]),
        version=1,
        by=world.coordinator,
    )
    roles = dict(Assignment.objects.filter(work_item=item).values_list("unit_id", "role"))
    assert roles == {world.sotttt.pk: "lead", world.bdv.pk: "coordinating"}

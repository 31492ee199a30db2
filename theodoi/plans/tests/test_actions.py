from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from theodoi.plans.actions import (
    StaleVersion,
    WorkItemData,
    do_create_work_item,
    do_update_work_item,
)
from theodoi.plans.models import Assignment, Task
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


def test_a_create_records_what_saving_each_object_would(world, item):
    """The history rows of a create (written in bulk) are those django-simple-history
    writes on each save: every field, who, why, "+"."""
    created = do_create_work_item(
        item.task, _data(world, leads=[world.btg, world.bdv]), by=world.official, reason="Lý do"
    )
    saved = Assignment(work_item=created, unit=world.district1, role="coordinating")
    saved._history_user, saved._change_reason = world.official, "Lý do"
    saved.save()
    rows = [*created.history.all(), *Assignment.history.filter(work_item_id=created.pk)]
    assert len(rows) == 5
    for row in rows:
        assert (row.history_type, row.history_user, row.history_change_reason) == (
            "+",
            world.official,
            "Lý do",
        )
        live = row.instance_type.objects.get(pk=row.id)
        for field in row.tracked_fields:
            assert getattr(row, field.attname) == getattr(live, field.attname), field
    assert created.history.get().position == created.position == 2


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


def test_every_assignment_change_records_who_and_why(world, item):
    created = do_create_work_item(
        item.task, _data(world), by=world.coordinator, reason="Theo Kế hoạch 112"
    )
    do_update_work_item(
        created,
        _data(world, leads=[world.sotttt], coordinating=[world.bdv]),
        version=1,
        by=world.admin,
        reason="Đổi đơn vị chủ trì",
    )
    records = Assignment.history.filter(work_item_id=created.pk).order_by("history_id")
    got = [(r.history_type, r.unit_id, r.history_user, r.history_change_reason) for r in records]
    assert got == [
        ("+", world.btg.pk, world.coordinator, "Theo Kế hoạch 112"),
        ("+", world.sotttt.pk, world.coordinator, "Theo Kế hoạch 112"),
        ("-", world.btg.pk, world.admin, "Đổi đơn vị chủ trì"),
        ("~", world.sotttt.pk, world.admin, "Đổi đơn vị chủ trì"),
        ("+", world.bdv.pk, world.admin, "Đổi đơn vị chủ trì"),
    ]


@pytest.fixture
def en():
    with translation.override("en"):
        yield


@pytest.fixture
def reformed(world, en):
    """A district committee dissolved by the 2025 reform, and a commune born of it."""
    world.district2.active_to = date(2025, 6, 30)
    world.district2.save()
    world.commune1a.active_from = date(2025, 7, 1)
    world.commune1a.save()
    return world


@pytest.mark.parametrize(
    ("role", "start", "end"),
    [("leads", date(2026, 2, 1), date(2026, 12, 31)), ("coordinating", date(2025, 7, 1), None)],
)
def test_it_refuses_a_unit_that_did_not_exist_during_the_work_item(reformed, role, start, end):
    world = reformed
    plan = make_plan(world, year=start.year, number=f"1-KH/TU-{start.year}")
    item = make_work_item(plan, lead=world.btg)
    units = {"leads": [world.btg], "coordinating": []}
    units[role] = [world.district2] if role == "coordinating" else [world.district2, world.btg]
    data = _data(world, start=start, end=end or date(start.year, 12, 31), **units)
    with pytest.raises(ValidationError) as caught:
        do_create_work_item(item.task, data, by=world.coordinator)
    (message,) = caught.value.message_dict[role]
    assert message == (
        f"Huyện ủy Hai did not exist during this work item ({start:%d/%m/%Y}–"
        f"{data.end:%d/%m/%Y}): it existed until 30/06/2025."
    )


def test_a_unit_that_existed_part_of_the_time_is_accepted(reformed):
    world = reformed
    plan = make_plan(world, year=2025, number="1-KH/TU-2025")
    item = make_work_item(plan, lead=world.btg)
    data = _data(
        world,
        start=date(2025, 3, 1),
        end=date(2025, 9, 30),
        leads=[world.district2],
        coordinating=[world.commune1a],
    )
    created = do_create_work_item(item.task, data, by=world.coordinator)
    assert created.assignments.count() == 2
    with pytest.raises(ValidationError) as caught:
        do_update_work_item(
            created,
            _data(world, start=date(2025, 1, 1), end=date(2025, 6, 30), leads=[world.commune1a]),
            version=1,
            by=world.coordinator,
        )
    assert caught.value.message_dict["leads"] == [
        "Xã Một A did not exist during this work item (01/01/2025–30/06/2025): "
        "it existed from 01/07/2025."
    ]


def test_the_unit_message_is_translated(reformed):
    world = reformed
    plan = make_plan(world, year=2026, number="1-KH/TU-2026")
    item = make_work_item(plan, lead=world.btg)
    data = _data(world, start=date(2026, 1, 1), end=date(2026, 3, 31), leads=[world.district2])
    with translation.override("vi"), pytest.raises(ValidationError) as caught:
        do_create_work_item(item.task, data, by=world.coordinator)
    assert caught.value.message_dict["leads"] == [
        "Huyện ủy Hai không tồn tại trong thời gian của nhóm đầu công việc này "
        "(01/01/2026–31/03/2026): đơn vị chỉ tồn tại đến 30/06/2025."
    ]


def test_update_moves_the_work_item_to_another_task_of_the_plan(world, item):
    other = Task.objects.create(plan=item.task.plan, field=item.task.field, title="Nhiệm vụ khác")
    make_work_item(item.task.plan, lead=world.btg, task="Nhiệm vụ khác")
    moved = do_update_work_item(
        item, _data(world, task=other), version=1, by=world.coordinator, reason="Xếp lại"
    )
    moved.refresh_from_db()
    assert (moved.task, moved.position) == (other, 2)
    record = moved.history.first()
    assert (record.task_id, record.history_change_reason) == (other.pk, "Xếp lại")


def test_a_work_item_cannot_move_to_another_plans_task(world, item):
    elsewhere = make_work_item(make_plan(world), lead=world.btg).task
    with pytest.raises(ValidationError) as caught:
        do_update_work_item(item, _data(world, task=elsewhere), version=1, by=world.coordinator)
    assert "task" in caught.value.message_dict
    item.refresh_from_db()
    assert item.task != elsewhere

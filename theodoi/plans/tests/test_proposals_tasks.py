"""Change proposals on tasks: the same path as work items (consult, diff, decide, version)."""

import json
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from theodoi.permissions.proposals import proposing_unit
from theodoi.plans.models import Assignment, ChangeProposal, Field, Task, WorkItem
from theodoi.plans.proposals import (
    StaleProposal,
    do_answer,
    do_decide,
    do_issue_plan,
    do_propose,
    proposal_diff,
)
from theodoi.testing import make_plan, make_work_item

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
TASK = ChangeProposal.Subject.TASK


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr("django.conf.settings.THEODOI_TODAY", "2018-04-02")


@pytest.fixture
def plan(world):
    plan = make_plan(world, number="112-KH/TU")
    return plan


@pytest.fixture
def items(world, plan):
    """A task of two work items, both led by commune 1A; the Ban Dân vận coordinates one."""
    first = make_work_item(
        plan,
        lead=world.commune1a,
        coordinating=world.bdv,
        title="Tuyên truyền trên loa",
        start=date(2018, 2, 1),
        end=date(2018, 5, 31),
    )
    second = make_work_item(
        plan,
        lead=world.commune1a,
        title="Hội nghị báo cáo viên",
        start=date(2018, 3, 1),
        end=date(2018, 6, 30),
    )
    do_issue_plan(plan, by=world.coordinator)
    return first, second


def _post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def test_a_lead_unit_postpones_its_task_and_the_approval_moves_its_unfinished_items(
    client, world, plan, items
):
    first, second = items
    Assignment.objects.filter(work_item=first, role="lead").update(status="done")
    client.force_login(world.commune)
    response = _post(
        client,
        f"/api/v1/plans/{plan.pk}/proposals",
        {
            "subject": "task",
            "kind": "postpone",
            "task": first.task_id,
            "reason": "Chờ kinh phí",
            "effective_from": "2018-04-01",
            "end": "2018-09-30",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["subject"] == "task" and body["state"] == "consulting"
    assert [c["unit"]["name"] for c in body["consultations"]] == ["Ban Dân vận Tỉnh ủy"]
    rows = {r["label"]: r for r in body["diff"]}
    assert rows["End of its unfinished work items"]["before"] == "30/06/2018"
    assert rows["End of its unfinished work items"]["after"] == "30/09/2018"
    proposal = ChangeProposal.objects.get()
    do_answer(proposal.consultations.get(), by=world.agency, answer="agree")
    client.force_login(world.coordinator)
    proposal.refresh_from_db()
    response = _post(
        client,
        f"/api/v1/proposals/{proposal.pk}/decide",
        {"decision": "approve", "reason": "Đồng ý", "version": proposal.version},
    )
    assert response.status_code == 200, response.content
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.end == date(2018, 5, 31)  # done: not moved
    assert second.end == date(2018, 9, 30)
    versions = plan.versions.order_by("number")
    assert [v.number for v in versions] == [1, 2]
    assert versions[1].summary.startswith("Postpone a task: Nhiệm vụ thử nghiệm")
    # Version 1 still shows the work item as it was.
    assert versions[0].work_item(second.pk)["end"] == "2018-06-30"
    assert versions[1].work_item(second.pk)["end"] == "2018-09-30"


def test_only_the_unit_leading_every_work_item_proposes_for_the_task(world, plan, items):
    first, _second = items
    make_work_item(plan, lead=world.commune1b, title="Việc của xã Một B")
    task = first.task
    with pytest.raises(PermissionDenied):
        proposing_unit(world.commune, plan, task=task)
    assert proposing_unit(world.coordinator, plan, task=task) == plan.owner


def test_the_api_refuses_a_unit_that_does_not_lead_the_task(client, world, plan, items):
    client.force_login(world.agency)  # the Ban Dân vận only coordinates
    response = _post(
        client,
        f"/api/v1/plans/{plan.pk}/proposals",
        {
            "subject": "task",
            "kind": "cancel",
            "task": items[0].task_id,
            "reason": "Thôi",
            "effective_from": "2018-04-01",
        },
    )
    assert response.status_code == 403
    # Objectives and indicators are no subject of a proposal.
    response = _post(
        client,
        f"/api/v1/plans/{plan.pk}/proposals",
        {
            "subject": "objective",
            "kind": "cancel",
            "reason": "Thôi",
            "effective_from": "2018-04-01",
        },
    )
    assert response.status_code == 422
    assert not ChangeProposal.objects.exists()


def test_changing_a_tasks_lead_moves_it_on_each_work_item(world, plan, items):
    first, second = items
    proposal = do_propose(
        plan,
        unit=plan.owner,
        by=world.coordinator,
        kind="change",
        subject=TASK,
        task=first.task,
        reason="Giao xã Một B",
        effective_from=date(2018, 4, 1),
        values={
            "title": "Nhiệm vụ mới",
            "leads": [world.commune1b.pk],
            "coordinating": [world.bdv.pk],
        },
        units={u.pk: u for u in (world.commune1b, world.bdv)},
    )
    asked = {c.unit for c in proposal.consultations.all()}
    assert asked == {world.commune1a, world.commune1b, world.bdv}
    for consultation in proposal.consultations.all():
        do_answer(consultation, by=world.coordinator, answer="agree")
    proposal.refresh_from_db()
    with translation.override("en"):
        diff = {r["label"]: r for r in proposal_diff(proposal, proposal.before)}
    assert diff["Task"]["differs"] and diff["Lead units"]["after"] == "Xã Một B"
    do_decide(proposal, by=world.coordinator, approve=True, reason="Đồng ý")
    task = Task.objects.get(pk=first.task_id)
    assert task.title == "Nhiệm vụ mới"
    for item in (first, second):
        roles = {(a.unit_id, a.role) for a in item.assignments.all()}
        assert (world.commune1b.pk, "lead") in roles and (world.commune1a.pk, "lead") not in roles
    # Coordinating units the proposal leaves as they were stay as each item had them.
    assert (world.bdv.pk, "coordinating") in {(a.unit_id, a.role) for a in first.assignments.all()}
    assert world.bdv.pk not in {a.unit_id for a in second.assignments.all()}
    assert plan.versions.count() == 2
    assert plan.versions.get(number=1).snapshot["tasks"][str(task.pk)]["title"] == (
        "Nhiệm vụ thử nghiệm"
    )


def test_cancel_a_task_and_add_one(world, plan, items):
    first, _second = items
    cancel = do_propose(
        plan,
        unit=plan.owner,
        by=world.coordinator,
        kind="cancel",
        subject=TASK,
        task=first.task,
        reason="Không còn phù hợp",
        effective_from=date(2018, 4, 1),
    )
    for consultation in cancel.consultations.all():
        do_answer(consultation, by=world.coordinator, answer="agree")
    do_decide(cancel, by=world.coordinator, approve=True, reason="Đồng ý")
    assert set(
        Assignment.objects.filter(work_item__task=first.task).values_list("status", flat=True)
    ) == {"cancelled"}
    with pytest.raises(ValidationError):  # already cancelled
        do_propose(
            plan,
            unit=plan.owner,
            by=world.coordinator,
            kind="postpone",
            subject=TASK,
            task=first.task,
            reason="x",
            effective_from=date(2018, 4, 1),
            values={"end": "2018-12-31"},
        )
    field = Field.objects.get(plan=plan)
    add = do_propose(
        plan,
        unit=world.commune1a,
        by=world.commune,
        kind="add",
        subject=TASK,
        reason="Nhiệm vụ mới",
        effective_from=date(2018, 5, 1),
        values={
            "title": "Xây dựng mô hình dân vận khéo",
            "field": field.pk,
            "end": "2018-11-30",
            "leads": [world.commune1a.pk],
        },
        units={world.commune1a.pk: world.commune1a},
    )
    assert add.state == "submitted" and add.task is None
    do_decide(add, by=world.coordinator, approve=True, reason="Đồng ý")
    add.refresh_from_db()
    assert add.task.title == "Xây dựng mô hình dân vận khéo"
    (item,) = add.task.work_items.all()
    assert (item.start, item.end) == (date(2018, 5, 1), date(2018, 11, 30))
    assert list(item.assignments.values_list("unit_id", "role")) == [(world.commune1a.pk, "lead")]
    assert plan.versions.count() == 3


def test_refusals_and_staleness(world, plan, items):
    first, _second = items
    task = first.task
    kw = {
        "unit": plan.owner,
        "by": world.coordinator,
        "subject": TASK,
        "reason": "Lý do",
        "effective_from": date(2018, 4, 1),
    }
    with pytest.raises(ValidationError) as error:
        do_propose(plan, kind="postpone", task=task, values={"end": "2018-06-01"}, **kw)
    assert "end" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        do_propose(plan, kind="change", task=task, values={"title": task.title}, **kw)
    assert "__all__" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        do_propose(plan, kind="add", values={"title": "Thiếu lĩnh vực"}, **kw)
    assert "field" in error.value.message_dict
    other = make_plan(world, number="113-KH/TU")
    other_field = Field.objects.create(plan=other, name="Khác")
    with pytest.raises(ValidationError) as error:
        do_propose(plan, kind="change", task=task, values={"field": other_field.pk}, **kw)
    assert "field" in error.value.message_dict
    proposal = do_propose(plan, kind="change", task=task, values={"title": "Tên mới"}, **kw)
    for consultation in proposal.consultations.all():
        do_answer(consultation, by=world.coordinator, answer="agree")
    # The task changes under a decision meanwhile: the proposal is stale.
    Task.objects.filter(pk=task.pk).update(description="Sửa theo quyết định")
    with pytest.raises(StaleProposal):
        do_decide(proposal, by=world.coordinator, approve=True, reason="Đồng ý")
    assert Task.objects.get(pk=task.pk).title == "Nhiệm vụ thử nghiệm"
    with pytest.raises(StaleProposal):
        do_decide(proposal, by=world.coordinator, approve=False, reason="x", version=99)


def test_the_page_proposes_a_task_and_refuses_a_unit_that_does_not_lead_it(
    client, world, plan, items
):
    task = items[0].task
    client.force_login(world.commune)
    page = client.get(f"/plans/tasks/{task.pk}/")
    assert f"?subject=task&amp;task={task.pk}" in page.content.decode()
    url = f"/plans/{plan.pk}/proposals/new/"
    form = client.get(f"{url}?subject=task&task={task.pk}")
    assert form.status_code == 200 and "Nhiệm vụ thử nghiệm" in form.content.decode()
    data = {
        "subject": "task",
        "kind": "postpone",
        "task": task.pk,
        "end": "15/07/2018",
        "reason": "Chờ kinh phí",
        "effective_from": "01/04/2018",
    }
    response = client.post(url, {**data, "end": "01/06/2018"})
    assert response.status_code == 400 and "end" in response.context["form"].errors
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    proposal = ChangeProposal.objects.get()
    assert (proposal.subject, proposal.kind, proposal.values["end"]) == (
        "task",
        "postpone",
        "2018-07-15",
    )
    page = client.get(proposal.get_absolute_url()).content.decode()
    assert "Postpone a task" in page
    client.force_login(world.agency)
    response = client.post(url, data)
    assert ChangeProposal.objects.count() == 1
    assert response.status_code == 400
    assert WorkItem.objects.get(pk=items[1].pk).end == date(2018, 6, 30)

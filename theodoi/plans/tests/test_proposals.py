"""Change proposals, consultations, plan versions and the lock on issued plans."""

import json
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from theodoi.core.workflow import TransitionRefused
from theodoi.plans.models import (
    Assignment,
    ChangeProposal,
    Indicator,
    LockDecision,
    Objective,
    PlanVersion,
    WorkItem,
)
from theodoi.plans.proposals import (
    StaleProposal,
    do_answer,
    do_decide,
    do_issue_plan,
    do_propose,
)
from theodoi.reporting.models import Notification
from theodoi.testing import make_plan, make_work_item

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr("django.conf.settings.THEODOI_TODAY", "2018-04-02")


@pytest.fixture
def plan(world):
    return make_plan(world, number="112-KH/TU")


@pytest.fixture
def item(world, plan):
    """Led by commune 1A, coordinated by the Ban Dân vận (the agency account)."""
    return make_work_item(
        plan,
        lead=world.commune1a,
        coordinating=world.bdv,
        title="Tuyên truyền trên loa truyền thanh xã",
        start=date(2018, 2, 1),
        end=date(2018, 5, 31),
    )


def _post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def _propose(client, plan, item, **changes):
    body = {
        "kind": "postpone",
        "work_item": item.pk,
        "reason": "Chờ kinh phí",
        "effective_from": "2018-04-01",
        "end": "2018-08-31",
        **changes,
    }
    return _post(client, f"/api/v1/plans/{plan.pk}/proposals", body)


# Proposing ----------------------------------------------------------------------------


def test_a_lead_unit_proposes_and_the_coordinating_unit_is_asked(client, world, plan, item):
    client.force_login(world.commune)
    response = _propose(client, plan, item)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["state"] == "consulting"
    assert body["unit"]["id"] == world.commune1a.pk
    assert [c["unit"]["id"] for c in body["consultations"]] == [world.bdv.pk]
    assert body["before"]["end"] == "2018-05-31"
    ends = [row for row in body["diff"] if row["differs"]]
    assert [(r["before"], r["after"]) for r in ends] == [("31/05/2018", "31/08/2018")]
    # The Ban Dân vận's reporter is told its opinion is asked.
    notice = Notification.objects.get(user=world.agency)
    assert notice.url == f"/plans/proposals/{body['id']}/"


def test_a_unit_may_not_propose_for_work_it_does_not_lead(client, world, plan, item):
    client.force_login(world.agency)  # the Ban Dân vận only coordinates it
    response = _propose(client, plan, item)
    assert response.status_code == 403
    assert "does not lead" in response.json()["message"] or response.json()["message"]
    assert not ChangeProposal.objects.exists()


def test_the_page_refuses_a_unit_that_does_not_lead_the_work_item(client, world, plan, item):
    client.force_login(world.agency)
    url = f"/plans/{plan.pk}/proposals/new/?work_item={item.pk}"
    data = {
        "kind": "postpone",
        "work_item": str(item.pk),
        "title": item.title,
        "start": "01/02/2018",
        "end": "31/08/2018",
        "leads": [str(world.commune1a.pk)],
        "coordinating": [str(world.bdv.pk)],
        "reason": "Chờ kinh phí",
        "effective_from": "01/04/2018",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert not ChangeProposal.objects.exists()


def test_a_coordinator_proposes_for_anyone_and_both_units_are_asked(world, plan, item):
    proposal = do_propose(
        plan, unit=world.btg, by=world.coordinator, kind="cancel", reason="Trùng nội dung",
        effective_from=date(2018, 4, 1), work_item=item,
    )  # fmt: skip
    assert {c.unit_id for c in proposal.consultations.all()} == {world.commune1a.pk, world.bdv.pk}


def test_a_proposal_needs_a_reason_a_date_in_the_year_and_a_real_change(world, plan, item):
    with pytest.raises(ValidationError) as error:
        do_propose(
            plan, unit=world.commune1a, by=world.commune, kind="postpone", reason=" ",
            effective_from=date(2019, 1, 1), work_item=item, values={"end": "2018-08-31"},
        )  # fmt: skip
    assert {"reason", "effective_from"} <= set(error.value.message_dict)
    with pytest.raises(ValidationError) as error:
        do_propose(
            plan, unit=world.commune1a, by=world.commune, kind="postpone", reason="Lùi",
            effective_from=date(2018, 4, 1), work_item=item, values={"end": "2018-05-01"},
        )  # fmt: skip
    assert "end" in error.value.message_dict
    with pytest.raises(ValidationError):
        do_propose(
            plan, unit=world.commune1a, by=world.commune, kind="change", reason="Đổi",
            effective_from=date(2018, 4, 1), work_item=item, values={"title": item.title},
        )  # fmt: skip


# Consulting -------------------------------------------------------------------------------


def _open(world, plan, item):
    return do_propose(
        plan, unit=world.commune1a, by=world.commune, kind="postpone", reason="Chờ kinh phí",
        effective_from=date(2018, 4, 1), work_item=item, values={"end": "2018-08-31"},
    )  # fmt: skip


def test_the_coordinator_cannot_decide_before_the_consulted_units_answer(world, plan, item):
    proposal = _open(world, plan, item)
    with pytest.raises(TransitionRefused):
        do_decide(proposal, by=world.coordinator, approve=True, reason="Đồng ý")


def test_the_consulted_unit_answers_and_the_coordinator_is_told(client, world, plan, item):
    proposal = _open(world, plan, item)
    client.force_login(world.agency)
    response = _post(client, f"/api/v1/proposals/{proposal.pk}/answer", {"answer": "disagree"})
    assert response.status_code == 422
    assert "comment" in response.json()["fields"]
    response = _post(
        client,
        f"/api/v1/proposals/{proposal.pk}/answer",
        {"answer": "agree", "comment": "Nhất trí"},
    )
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "submitted"
    assert Notification.objects.filter(user=world.coordinator, url=proposal.get_absolute_url())
    # Answered: a second answer is refused.
    response = _post(client, f"/api/v1/proposals/{proposal.pk}/answer", {"answer": "agree"})
    assert response.status_code == 422


def test_a_unit_not_asked_cannot_answer(client, world, plan, item):
    proposal = _open(world, plan, item)
    client.force_login(world.district)
    response = _post(client, f"/api/v1/proposals/{proposal.pk}/answer", {"answer": "agree"})
    assert response.status_code == 403


# Deciding -----------------------------------------------------------------------------------


@pytest.fixture
def answered(world, plan, item):
    proposal = _open(world, plan, item)
    do_answer(proposal.consultations.get(), by=world.agency, answer="agree", comment="Nhất trí")
    proposal.refresh_from_db()
    return proposal


def test_a_decision_without_a_reason_is_refused(client, world, answered):
    client.force_login(world.coordinator)
    body = {"decision": "approve", "reason": "  ", "version": answered.version}
    response = _post(client, f"/api/v1/proposals/{answered.pk}/decide", body)
    assert response.status_code == 422
    assert "reason" in response.json()["fields"]
    answered.refresh_from_db()
    assert answered.state == "submitted"


def test_only_the_coordinators_decide(client, world, answered):
    client.force_login(world.commune)
    body = {"decision": "approve", "reason": "Tự duyệt", "version": answered.version}
    assert _post(client, f"/api/v1/proposals/{answered.pk}/decide", body).status_code == 403


def test_a_stale_version_is_refused_with_the_proposal_as_it_is(client, world, answered):
    client.force_login(world.coordinator)
    body = {"decision": "approve", "reason": "Đồng ý", "version": answered.version - 1}
    response = _post(client, f"/api/v1/proposals/{answered.pk}/decide", body)
    assert response.status_code == 409
    assert response.json()["current"]["version"] == answered.version


def test_a_work_item_changed_since_the_proposal_makes_it_stale(world, plan, item, answered):
    WorkItem.objects.filter(pk=item.pk).update(title="Đã đổi tên")
    with pytest.raises(StaleProposal):
        do_decide(answered, by=world.coordinator, approve=True, reason="Đồng ý")


def test_approval_applies_the_change_as_a_new_version(client, world, plan, item, answered):
    client.force_login(world.coordinator)
    body = {"decision": "approve", "reason": "Hợp lý", "version": answered.version}
    response = _post(client, f"/api/v1/proposals/{answered.pk}/decide", body)
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "approved"
    assert response.json()["result_version"] == 2
    item.refresh_from_db()
    assert item.end == date(2018, 8, 31)
    versions = client.get(f"/api/v1/plans/{plan.pk}/versions").json()["items"]
    assert [v["number"] for v in versions] == [2, 1]
    assert versions[0]["proposal"] == answered.pk
    assert versions[0]["approved_by"] == world.coordinator.username
    # Version 1 keeps the work item as it was.
    first = PlanVersion.objects.get(plan=plan, number=1)
    assert first.work_item(item.pk)["end"] == "2018-05-31"
    # The proposer is told once (the home app's notice of the decision, by e-mail too).
    told = Notification.objects.filter(user=world.commune, url=answered.get_absolute_url())
    assert told.count() == 1
    assert told.get().text.endswith("của bạn đã được duyệt.")
    page = client.get(f"/plans/{plan.pk}/")
    assert 'id="plan-versions"' in page.content.decode()


def test_rejection_changes_nothing(world, plan, item, answered):
    proposal = do_decide(answered, by=world.coordinator, approve=False, reason="Không cần thiết")
    assert proposal.state == "rejected"
    assert proposal.decision_reason == "Không cần thiết"
    item.refresh_from_db()
    assert item.end == date(2018, 5, 31)
    assert not PlanVersion.objects.filter(plan=plan).exists()


def test_cancel_and_add_apply(world, plan, item):
    cancel = do_propose(
        plan, unit=world.commune1a, by=world.commune, kind="cancel", reason="Không còn phù hợp",
        effective_from=date(2018, 4, 1), work_item=item,
    )  # fmt: skip
    do_answer(cancel.consultations.get(), by=world.agency, answer="agree")
    do_decide(cancel, by=world.coordinator, approve=True, reason="Đồng ý")
    assert set(item.assignments.values_list("status", flat=True)) == {"cancelled"}
    add = do_propose(
        plan, unit=world.commune1a, by=world.commune, kind="add", reason="Bổ sung",
        effective_from=date(2018, 4, 1), task=item.task,
        values={"title": "Tọa đàm", "start": "2018-05-01", "end": "2018-06-30",
                "leads": [world.commune1a.pk]},
        units={world.commune1a.pk: world.commune1a},
    )  # fmt: skip
    assert add.state == "submitted"  # no other unit's work is touched
    decided = do_decide(add, by=world.coordinator, approve=True, reason="Đồng ý")
    assert decided.work_item.title == "Tọa đàm"
    assert decided.result_version.number == 3


def test_the_decision_page_shows_the_diff_and_approves(client, world, plan, item, answered):
    client.force_login(world.coordinator)
    page = client.get(f"/plans/proposals/{answered.pk}/")
    text = page.content.decode()
    assert "<del>31/05/2018</del>" in text and "<ins>31/08/2018</ins>" in text
    response = client.post(
        f"/plans/proposals/{answered.pk}/decide/",
        {"decision": "reject", "reason": "", "version": answered.version},
    )
    assert response.status_code == 422
    response = client.post(
        f"/plans/proposals/{answered.pk}/decide/",
        {"decision": "approve", "reason": "Hợp lý", "version": answered.version},
    )
    assert response.status_code == 302
    assert client.get(f"/plans/{plan.pk}/versions/2/").status_code == 200


# Reports keep what was in force ------------------------------------------------------------


def test_a_report_filed_before_a_change_shows_the_old_work_item(client, world, plan, item):
    from theodoi.reporting import actions as reporting
    from theodoi.reporting.models import ProgressEntry, ReportingPeriod

    do_issue_plan(plan, by=world.coordinator)
    period = ReportingPeriod.objects.create(
        plan=plan, kind="quarter", code="2018-Q1", title="Quý I", start=date(2018, 1, 1),
        end=date(2018, 3, 31), due=date(2018, 4, 10),
    )  # fmt: skip
    report = reporting.do_start_report(period, world.commune1a, by=world.commune)
    ProgressEntry.objects.filter(report=report).update(
        status="change_requested", proposals="Đề nghị lùi thời gian", results="Đã làm một phần"
    )
    report = reporting.do_submit_report(report, by=world.commune)
    assert report.plan_version.number == 1
    proposal = do_propose(
        plan, unit=world.commune1a, by=world.commune, kind="change", reason="Đổi tên",
        effective_from=date(2018, 4, 1), work_item=item, values={"title": "Tuyên truyền mới"},
    )  # fmt: skip
    do_answer(proposal.consultations.get(), by=world.agency, answer="agree")
    do_decide(proposal, by=world.coordinator, approve=True, reason="Đồng ý")
    client.force_login(world.coordinator)
    text = client.get(report.get_absolute_url()).content.decode()
    assert "Tuyên truyền mới" in text  # the work item now
    assert "plan version 1" in text or "phiên bản 1" in text
    assert "Tuyên truyền trên loa truyền thanh xã" in text  # as it was when filed
    # The entry's "adjustment proposed" leads to a pre-filled proposal.
    assert f"/plans/{plan.pk}/proposals/new/?work_item={item.pk}" in text
    client.force_login(world.commune)
    form = client.get(f"/plans/{plan.pk}/proposals/new/?work_item={item.pk}&reason=L%C3%B9i")
    assert form.status_code == 200
    assert "Tuyên truyền mới" in form.content.decode()


# The lock -------------------------------------------------------------------------------------


@pytest.fixture
def objective(plan):
    objective = Objective.objects.create(programme=plan.programme, text="Nâng cao nhận thức")
    Indicator.objects.create(objective=objective, name="Tỷ lệ đảng viên được quán triệt")
    return objective


def test_before_issue_a_coordinator_edits_freely(client, world, plan, objective):
    client.force_login(world.coordinator)
    url = f"/plans/programmes/{plan.programme_id}/objectives/{objective.pk}/edit/"
    response = client.post(url, {"text": "Mục tiêu mới", "position": 1})
    assert response.status_code == 302
    assert not LockDecision.objects.exists()


def test_an_issued_plan_locks_objectives_without_a_decision(client, world, plan, objective):
    do_issue_plan(plan, by=world.coordinator)
    client.force_login(world.coordinator)
    url = f"/plans/programmes/{plan.programme_id}/objectives/{objective.pk}/edit/"
    response = client.post(url, {"text": "Mục tiêu mới", "position": 1})
    assert response.status_code == 200  # the form asks for the decision
    objective.refresh_from_db()
    assert objective.text == "Nâng cao nhận thức"
    delete = f"/plans/programmes/{plan.programme_id}/objectives/{objective.pk}/delete/"
    client.post(delete, {"reason": "Bỏ"})
    assert Objective.objects.filter(pk=objective.pk).exists()
    response = client.post(
        url,
        {
            "text": "Mục tiêu mới",
            "position": 1,
            "decision-decision_number": "15-QĐ/TU",
            "decision-decision_date": "20/03/2018",
            "decision-decision_reason": "Điều chỉnh theo kết luận của Ban Thường vụ",
        },
    )
    assert response.status_code == 302
    objective.refresh_from_db()
    assert objective.text == "Mục tiêu mới"
    decision = LockDecision.objects.get()
    assert (decision.number, decision.action) == ("15-QĐ/TU", "change")


def test_the_lock_is_the_access_layers_rule(world, plan, objective, item):
    coordinator = world.coordinator
    assert coordinator.has_perm("plans.change_objective", objective)
    do_issue_plan(plan, by=coordinator)
    del coordinator._theodoi_memberships
    for perm, obj in (
        ("plans.change_objective", objective),
        ("plans.delete_indicator", objective.indicators.get()),
        ("plans.change_workitem", item),
        ("plans.delete_task", item.task),
        ("plans.import_plan", plan),
    ):
        assert not coordinator.has_perm(perm, obj), perm
    assert coordinator.has_perm("plans.amend_objective", objective)
    assert not world.agency.has_perm("plans.amend_objective", objective)


def test_a_locked_work_item_changes_directly_only_with_a_decision(client, world, plan, item):
    do_issue_plan(plan, by=world.coordinator)
    client.force_login(world.coordinator)
    response = client.patch(
        f"/api/v1/work-items/{item.pk}",
        json.dumps({"version": item.version, "title": "Khác"}),
        content_type="application/json",
    )
    assert response.status_code == 403
    page = client.get(f"/plans/work-items/{item.pk}/delete/")
    assert 'id="decision"' in page.content.decode()
    client.post(f"/plans/work-items/{item.pk}/delete/", {"reason": "Bỏ"})
    assert WorkItem.objects.filter(pk=item.pk).exists()
    client.post(
        f"/plans/work-items/{item.pk}/delete/",
        {
            "reason": "Bỏ",
            "decision-decision_number": "16-QĐ/TU",
            "decision-decision_date": "21/03/2018",
            "decision-decision_reason": "Trùng với kế hoạch khác",
        },
    )
    assert not WorkItem.objects.filter(pk=item.pk).exists()
    latest = PlanVersion.objects.filter(plan=plan).order_by("-number").first()
    assert latest.number == 2 and latest.decision.number == "16-QĐ/TU"
    assert str(item.pk) not in latest.snapshot["work_items"]


def test_issuing_twice_is_refused(client, world, plan):
    client.force_login(world.coordinator)
    assert _post(client, f"/api/v1/plans/{plan.pk}/issue", {}).status_code == 201
    assert _post(client, f"/api/v1/plans/{plan.pk}/issue", {}).status_code == 422
    client.force_login(world.commune)
    assert _post(client, f"/api/v1/plans/{plan.pk}/issue", {}).status_code == 403


# Lists in a constant number of queries ----------------------------------------------------


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_lists_take_a_constant_number_of_queries(client, world, plan):
    items = [
        make_work_item(plan, lead=world.commune1a, coordinating=[world.bdv, world.district1])
        for _ in range(4)
    ]
    client.force_login(world.coordinator)
    urls = [
        f"/api/v1/plans/{plan.pk}/proposals",
        f"/api/v1/plans/{plan.pk}/versions",
        f"/plans/{plan.pk}/proposals/",
        f"/plans/{plan.pk}/versions/",
    ]

    def grow(n):
        for item in items[n - 1 : n]:
            proposal = do_propose(
                plan, unit=world.commune1a, by=world.commune, kind="postpone", reason="Lùi",
                effective_from=date(2018, 4, 1), work_item=item, values={"end": "2018-09-30"},
            )  # fmt: skip
            for c in proposal.consultations.all():
                c.answer, c.comment = "agree", ""
                c.save()
            ChangeProposal.objects.filter(pk=proposal.pk).update(state="submitted")
            do_decide(proposal, by=world.coordinator, approve=True, reason="Đồng ý")

    grow(1)
    first = [_count(client, url) for url in urls]
    for n in (2, 3, 4):
        grow(n)
    assert [_count(client, url) for url in urls] == first
    assert Assignment.objects.filter(work_item__in=items).count() == 12


def test_the_api_amends_a_locked_work_item_only_with_a_decision(client, world, plan, item):
    url = f"/api/v1/work-items/{item.pk}/amend"
    body = {
        "decision_number": "16-QĐ/TU",
        "decision_date": "2018-03-21",
        "decision_reason": "Theo kết luận của Ban Thường vụ",
        "version": item.version,
        "end": "2018-09-30",
    }
    client.force_login(world.coordinator)
    assert _post(client, url, body).status_code == 403  # not issued: edit it directly
    do_issue_plan(plan, by=world.coordinator)
    response = _post(client, url, {**body, "decision_reason": ""})
    assert response.status_code == 422
    assert "decision_reason" in response.json()["fields"]
    response = _post(client, url, body)
    assert response.status_code == 200, response.content
    assert response.json()["plan_version"] == 2
    item.refresh_from_db()
    assert item.end == date(2018, 9, 30)
    assert _post(client, url, body).status_code == 409  # the version sent is stale now
    client.force_login(world.commune)
    assert _post(client, url, {**body, "version": item.version}).status_code == 403

from datetime import date

import pytest

from theodoi.plans.models import Assignment, Field, Plan, Task, WorkItem
from theodoi.testing import make_plan, make_work_item

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

REFUSED = ["agency", "district", "commune", "viewer", "official"]


@pytest.fixture
def plan(world):
    return make_plan(world, number="112-KH/TU")


@pytest.fixture
def item(world, plan):
    return make_work_item(plan, lead=world.bdv, coordinating=world.sotttt, title="Hội nghị")


def login(client, user):
    client.force_login(user)
    return client


def _item_post(world, item, **kwargs):
    data = {
        "version": item.version,
        "number": "",
        "title": "Tổ chức hội nghị báo cáo viên",
        "start": "01/02/2018",
        "end": "30/11/2018",
        "leads": [str(world.bdv.pk), str(world.district1.pk)],
        "coordinating": [str(world.sotttt.pk)],
        "expected_output": "Hội nghị",
        "coordination_note": "",
        "reason": "Theo chỉ đạo",
    }
    data.update(kwargs)
    return data


def edit_urls(world, plan, item):
    task = item.task
    field = task.field
    p = plan.programme
    return [
        f"/plans/programmes/{p.pk}/edit/",
        f"/plans/programmes/{p.pk}/objectives/new/",
        f"/plans/programmes/{p.pk}/plans/new/",
        f"/plans/{plan.pk}/edit/",
        f"/plans/{plan.pk}/import/",
        f"/plans/{plan.pk}/fields/new/",
        f"/plans/{plan.pk}/fields/{field.pk}/edit/",
        f"/plans/{plan.pk}/fields/{field.pk}/delete/",
        f"/plans/{plan.pk}/tasks/new/",
        f"/plans/tasks/{task.pk}/edit/",
        f"/plans/tasks/{task.pk}/delete/",
        f"/plans/tasks/{task.pk}/work-items/new/",
        f"/plans/work-items/{item.pk}/edit/",
        f"/plans/work-items/{item.pk}/delete/",
    ]


def test_the_coordinator_opens_every_edit_page(client, world, plan, item):
    login(client, world.coordinator)
    for url in edit_urls(world, plan, item):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.content.count(b"<h1") == 1, url


@pytest.mark.parametrize("role", REFUSED)
def test_other_roles_are_refused_every_edit_page(client, world, plan, item, role):
    login(client, getattr(world, role))
    for url in edit_urls(world, plan, item):
        assert client.get(url).status_code == 403, url
        assert client.post(url, {"reason": "x"}).status_code == 403, url
    assert WorkItem.objects.filter(pk=item.pk).exists()


def test_an_outsider_is_refused(client, world, plan, item):
    login(client, world.outsider)
    for url in edit_urls(world, plan, item):
        assert client.get(url).status_code == 404, url
    for url in [f"/plans/{plan.pk}/history/", f"/plans/work-items/{item.pk}/history/"]:
        assert client.get(url).status_code == 404, url


def test_anonymous_is_sent_to_login(client, plan, item):
    response = client.get(f"/plans/work-items/{item.pk}/edit/")
    assert response.status_code == 302
    assert "/login" in response["Location"] or "accounts" in response["Location"]


def test_it_edits_a_work_item_with_a_reason(client, world, item):
    login(client, world.coordinator)
    response = client.post(f"/plans/work-items/{item.pk}/edit/", _item_post(world, item))
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.title == "Tổ chức hội nghị báo cáo viên"
    assert item.end == date(2018, 11, 30)
    assert item.version == 2
    leads = set(item.assignments.filter(role="lead").values_list("unit_id", flat=True))
    assert leads == {world.bdv.pk, world.district1.pk}
    record = item.history.first()
    assert record.history_change_reason == "Theo chỉ đạo"
    assert record.history_user == world.coordinator


def test_validation_messages_sit_next_to_each_field(client, world, item):
    login(client, world.coordinator)
    data = _item_post(
        world,
        item,
        title="",
        start="31/12/2018",
        end="01/01/2019",
        leads=[str(world.sotttt.pk)],
        coordinating=[str(world.sotttt.pk)],
    )
    response = client.post(f"/plans/work-items/{item.pk}/edit/", data)
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["title"] == ["Enter the work item's title."]
    assert "The work item must fall within the plan's year 2018." in form.errors["end"]
    assert form.errors["coordinating"] == [
        "A unit cannot both lead and coordinate the same work item: Sở Thông tin và Truyền thông."
    ]
    item.refresh_from_db()
    assert item.title == "Hội nghị"


def test_bad_dates_and_missing_lead_are_explained(client, world, item):
    login(client, world.coordinator)
    data = _item_post(world, item, start="2018-13-01", end="01/03/2018", leads=[])
    form = client.post(f"/plans/work-items/{item.pk}/edit/", data).context["form"]
    assert form.errors["start"] == ["Enter a date as dd/mm/yyyy, e.g. 05/01/2018."]
    assert form.errors["leads"] == ["Choose at least one lead unit."]
    data = _item_post(world, item, start="01/05/2018", end="01/03/2018")
    form = client.post(f"/plans/work-items/{item.pk}/edit/", data).context["form"]
    assert form.errors["end"] == ["The end date cannot be before the start date."]


def test_the_messages_are_translated(client, world, item, settings):
    login(client, world.coordinator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
    data = _item_post(world, item, title="")
    response = client.post(f"/plans/work-items/{item.pk}/edit/", data)
    assert "Nhập tên nhóm đầu công việc" in response.content.decode()


def test_a_stale_save_shows_the_newer_values_beside_the_users(client, world, item):
    login(client, world.coordinator)
    first = _item_post(world, item, title="Lưu trước")
    second = _item_post(world, item, title="Lưu sau")
    assert client.post(f"/plans/work-items/{item.pk}/edit/", first).status_code == 302
    response = client.post(f"/plans/work-items/{item.pk}/edit/", second)
    assert response.status_code == 409
    body = response.content.decode()
    assert "Lưu trước" in body and "Lưu sau" in body
    rows = {row["label"]: row for row in response.context["stale"]}
    assert rows["Work item"]["theirs"] == "Lưu trước"
    assert rows["Work item"]["yours"] == "Lưu sau"
    item.refresh_from_db()
    assert item.title == "Lưu trước"
    # Saving again now, knowingly, replaces the newer values.
    again = _item_post(
        world, item, title="Lưu sau", version=response.context["form"]["version"].value()
    )
    assert client.post(f"/plans/work-items/{item.pk}/edit/", again).status_code == 302
    item.refresh_from_db()
    assert item.title == "Lưu sau"


def test_it_creates_and_deletes_a_work_item(client, world, item):
    login(client, world.coordinator)
    url = f"/plans/tasks/{item.task_id}/work-items/new/"
    data = _item_post(world, item, title="Việc mới")
    response = client.post(url, data)
    assert response.status_code == 302
    created = WorkItem.objects.get(title="Việc mới")
    assert created.assignments.count() == 3
    delete = f"/plans/work-items/{created.pk}/delete/"
    response = client.post(delete, {"reason": ""})
    assert response.context["form"].errors["reason"]
    assert WorkItem.objects.filter(pk=created.pk).exists()
    assert client.post(delete, {"reason": "Trùng lặp"}).status_code == 302
    assert not WorkItem.objects.filter(pk=created.pk).exists()
    record = WorkItem.history.filter(id=created.pk, history_type="-").get()
    assert record.history_change_reason == "Trùng lặp"
    gone = Assignment.history.filter(work_item_id=created.pk, history_type="-")
    assert gone.count() == 3
    assert {(r.history_user, r.history_change_reason) for r in gone} == {
        (world.coordinator, "Trùng lặp")
    }


def test_it_creates_edits_and_deletes_a_task(client, world, plan, item):
    login(client, world.coordinator)
    field = item.task.field
    response = client.post(
        f"/plans/{plan.pk}/tasks/new/",
        {"field": field.pk, "number": "2", "title": "Nhiệm vụ hai", "position": 2, "reason": ""},
    )
    task = Task.objects.get(title="Nhiệm vụ hai")
    assert response.status_code == 302
    response = client.post(
        f"/plans/tasks/{task.pk}/edit/",
        {"field": field.pk, "number": "2", "title": "Nhiệm vụ 2", "position": 2, "reason": "Sửa"},
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.title == "Nhiệm vụ 2"
    assert client.post(f"/plans/tasks/{task.pk}/delete/", {"reason": "Bỏ"}).status_code == 302
    assert not Task.objects.filter(pk=task.pk).exists()


def test_a_field_name_is_unique_within_the_plan(client, world, plan, item):
    login(client, world.coordinator)
    response = client.post(
        f"/plans/{plan.pk}/fields/new/", {"name": " công tác  tuyên truyền", "position": 2}
    )
    assert response.context["form"].errors["name"] == [
        "This plan already has a field with this name."
    ]
    response = client.post(f"/plans/{plan.pk}/fields/new/", {"name": "Báo chí", "position": 2})
    assert response.status_code == 302
    assert Field.objects.filter(plan=plan, name="Báo chí").exists()


def test_a_field_with_tasks_is_not_deleted(client, world, plan, item):
    login(client, world.coordinator)
    field = item.task.field
    response = client.post(f"/plans/{plan.pk}/fields/{field.pk}/delete/", {"reason": "x"})
    assert response.status_code == 200
    assert Field.objects.filter(pk=field.pk).exists()


def _plan_post(world, plan, **kwargs):
    data = {
        "number": plan.number,
        "issued_on": "05/01/2018",
        "year": 2018,
        "title": plan.title,
        "issuer": world.province.pk,
        "owner": world.btg.pk,
        "summary": "",
        "new_legal_bases": "25-KH/TU, 09/05/2016, Kế hoạch thực hiện Đề án\n11-QĐ/TU, 02/03/2016",
        "reason": "Bổ sung căn cứ",
    }
    data.update(kwargs)
    return data


def test_it_edits_the_plan_and_adds_legal_bases(client, world, plan):
    login(client, world.coordinator)
    response = client.post(f"/plans/{plan.pk}/edit/", _plan_post(world, plan))
    assert response.status_code == 302
    numbers = set(plan.legal_bases.values_list("number", flat=True))
    assert numbers == {"25-KH/TU", "11-QĐ/TU"}
    assert plan.history.first().history_change_reason == "Bổ sung căn cứ"


def test_plan_validation_messages(client, world, plan):
    other = make_plan(world, number="113-KH/TU")
    login(client, world.coordinator)
    data = _plan_post(world, plan, number=other.number, year=2022, new_legal_bases="25-KH/TU")
    response = client.post(f"/plans/{plan.pk}/edit/", data)
    errors = response.context["form"].errors
    assert errors["number"] == ["A plan with this document number already exists."]
    assert errors["year"] == ["The plan's year must fall within the programme's term 2016–2020."]
    assert errors["new_legal_bases"] == [
        "Line 1: write the number and the date, e.g. 25-KH/TU, 09/05/2016."
    ]


@pytest.mark.parametrize("year", ["999999999", "10000", "32767", "-1"])
def test_a_plan_year_no_date_can_hold_is_a_field_error(client, world, plan, year):
    login(client, world.coordinator)
    response = client.post(f"/plans/{plan.pk}/edit/", _plan_post(world, plan, year=year))
    assert response.status_code == 200
    assert response.context["form"].errors["year"]
    plan.refresh_from_db()
    assert plan.year == 2018


def test_programme_years_are_bounded_at_the_field(client, world, plan):
    login(client, world.coordinator)
    p = plan.programme
    data = {
        "code": p.code,
        "title": p.title,
        "issuer": world.province.pk,
        "start_year": 2016,
        "end_year": 99999,
        "summary": "",
        "reason": "x",
    }
    response = client.post(f"/plans/programmes/{p.pk}/edit/", data)
    assert response.status_code == 200
    assert "2100" in response.context["form"].errors["end_year"][0]


def test_the_coordinator_creates_a_plan(client, world, plan):
    login(client, world.coordinator)
    data = _plan_post(world, plan, number="200-KH/TU", new_legal_bases="")
    response = client.post(f"/plans/programmes/{plan.programme_id}/plans/new/", data)
    assert response.status_code == 302
    assert Plan.objects.filter(number="200-KH/TU", programme=plan.programme).exists()


def test_it_edits_the_programme_objectives_and_indicators(client, world, plan):
    login(client, world.coordinator)
    p = plan.programme
    response = client.post(
        f"/plans/programmes/{p.pk}/edit/",
        {
            "code": p.code,
            "title": "Đề án mới",
            "issuer": world.province.pk,
            "start_year": 2016,
            "end_year": 2015,
            "summary": "",
        },
    )
    assert response.context["form"].errors["__all__"] == [
        "The last year cannot be before the first year."
    ]
    response = client.post(
        f"/plans/programmes/{p.pk}/objectives/new/", {"text": "Nâng cao", "position": 1}
    )
    assert response.status_code == 302
    objective = p.objectives.get()
    response = client.post(
        f"/plans/programmes/{p.pk}/objectives/{objective.pk}/indicators/new/",
        {"name": "Tỷ lệ", "measure": "%", "target": "90", "baseline": ""},
    )
    assert response.status_code == 302
    assert objective.indicators.get().target == 90


def test_the_work_item_form_offers_the_units_of_the_province_only(client, world, item):
    login(client, world.coordinator)
    response = client.get(f"/plans/work-items/{item.pk}/edit/")
    body = response.content.decode()
    assert "Xã Một A" in body
    assert "Tỉnh ủy Khác" not in body
    data = _item_post(world, item, leads=[str(world.other_province.pk)])
    form = client.post(f"/plans/work-items/{item.pk}/edit/", data).context["form"]
    assert "leads" in form.errors
    assert Assignment.objects.filter(unit=world.other_province).count() == 0


def test_the_plan_year_cannot_leave_work_items_behind(client, world, plan, item):
    login(client, world.coordinator)
    data = _plan_post(world, plan, year=2019, new_legal_bases="")
    response = client.post(f"/plans/{plan.pk}/edit/", data)
    assert response.context["form"].errors["year"] == [
        "1 work item(s) of this plan fall outside 2019: change their dates first."
    ]


def test_the_programme_term_cannot_leave_plans_behind(client, world, plan):
    login(client, world.coordinator)
    p = plan.programme
    data = {
        "code": p.code,
        "title": p.title,
        "issuer": world.province.pk,
        "start_year": 2019,
        "end_year": 2020,
        "summary": "",
        "reason": "",
    }
    response = client.post(f"/plans/programmes/{p.pk}/edit/", data)
    assert response.context["form"].errors["__all__"] == [
        "These plans would fall outside the term: 112-KH/TU."
    ]
    data["start_year"] = 2018
    assert client.post(f"/plans/programmes/{p.pk}/edit/", data).status_code == 302


def test_it_moves_a_work_item_to_another_task_with_a_reason(client, world, plan, item):
    other = Task.objects.create(
        plan=plan, field=item.task.field, number="2", title="Nhiệm vụ khác", position=2
    )
    elsewhere = make_work_item(make_plan(world), lead=world.btg).task
    login(client, world.coordinator)
    url = f"/plans/work-items/{item.pk}/edit/"
    page = client.get(url).content.decode()
    assert f'<option value="{other.pk}">2. Nhiệm vụ khác</option>' in page
    assert f'<option value="{elsewhere.pk}"' not in page
    response = client.post(url, _item_post(world, item, task=str(elsewhere.pk)))
    assert response.status_code == 200
    assert "task" in response.context["form"].errors
    response = client.post(url, _item_post(world, item, task=str(other.pk), reason="Xếp lại"))
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.task == other
    record = item.history.first()
    assert (record.task_id, record.history_change_reason) == (other.pk, "Xếp lại")
    assert record.history_user == world.coordinator
    assert record.prev_record.task_id != other.pk


def test_it_records_who_and_why_on_the_assignments_changed_on_the_page(client, world, item):
    login(client, world.coordinator)
    url = f"/plans/work-items/{item.pk}/edit/"
    assert client.post(url, _item_post(world, item, reason="Thêm huyện")).status_code == 302
    record = Assignment.history.get(unit=world.district1, work_item_id=item.pk)
    assert (record.history_user, record.history_change_reason) == (world.coordinator, "Thêm huyện")


def test_the_page_refuses_a_unit_that_did_not_exist_during_the_work_item(client, world, item):
    world.district1.active_to = date(2018, 1, 31)
    world.district1.save()
    login(client, world.coordinator)
    response = client.post(f"/plans/work-items/{item.pk}/edit/", _item_post(world, item))
    assert response.status_code == 200
    assert response.context["form"].errors["leads"] == [
        "Huyện ủy Một did not exist during this work item (01/02/2018–30/11/2018): "
        "it existed until 31/01/2018."
    ]
    item.refresh_from_db()
    assert item.version == 1


def test_deleting_a_task_records_the_reason_on_its_work_items_and_assignments(
    client, world, plan, item
):
    login(client, world.coordinator)
    task = item.task
    assert (
        client.post(f"/plans/tasks/{task.pk}/delete/", {"reason": "Gộp nhiệm vụ"}).status_code
        == 302
    )
    assert not Task.objects.filter(pk=task.pk).exists()
    records = [
        *WorkItem.history.filter(id=item.pk, history_type="-"),
        *Assignment.history.filter(work_item_id=item.pk, history_type="-"),
        *Task.history.filter(id=task.pk, history_type="-"),
    ]
    assert len(records) == 4
    assert {(r.history_user, r.history_change_reason) for r in records} == {
        (world.coordinator, "Gộp nhiệm vụ")
    }


def test_the_history_page_shows_the_move_with_its_reason(client, world, plan, item):
    other = Task.objects.create(plan=plan, field=item.task.field, number="2", title="Nhiệm vụ khác")
    login(client, world.coordinator)
    data = _item_post(world, item, task=str(other.pk), reason="Xếp lại nhiệm vụ")
    assert client.post(f"/plans/work-items/{item.pk}/edit/", data).status_code == 302
    body = client.get(f"/plans/work-items/{item.pk}/history/").content.decode()
    assert "Xếp lại nhiệm vụ" in body
    assert "Nhiệm vụ thử nghiệm" in body and "2. Nhiệm vụ khác" in body

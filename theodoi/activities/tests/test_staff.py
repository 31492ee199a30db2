"""The coordinators' pages for targets, network registers and standard numbers:
allowed and refused by role (the second province's coordinator included), history,
version checks, errors at the field."""

from datetime import date

import pytest

from theodoi.activities.models import NetworkMember, NetworkStandard, Target
from theodoi.plans.models import Indicator, Objective
from theodoi.testing import make_plan

from .factories import conference, record, target

pytestmark = pytest.mark.django_db


def _target_data(world, **over):
    data = {
        "name": "Tỷ lệ hội nghị báo cáo viên trực tuyến 2018",
        "unit": world.btg.pk,
        "measure": "share",
        "kind": "reporters_conference",
        "share_mode": "online",
        "comparison": "gt",
        "goal": "50",
        "start": "2018-01-01",
        "end": "2018-12-31",
    }
    data.update(over)
    return data


def test_a_coordinator_defines_a_target_linked_to_an_indicator(client, world):
    plan = make_plan(world)
    objective = Objective.objects.create(programme=plan.programme, text="Mục tiêu")
    indicator = Indicator.objects.create(objective=objective, name="Tỷ lệ trực tuyến")
    conference(world.btg, date(2018, 2, 10), "online", ("Hội trường", 80))
    conference(world.btg, date(2018, 3, 10), "in_person", ("Hội trường", 90))
    client.force_login(world.coordinator)
    assert client.get("/activities/targets/new/").status_code == 200
    response = client.post(
        "/activities/targets/new/",
        _target_data(world, plan=plan.pk, indicator=indicator.pk, goal="50,5"),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    made = Target.objects.get()
    assert made.goal == 50.5 and made.indicator == indicator and made.plan == plan
    assert made.history.get().history_user == world.coordinator
    page = client.get(made.get_absolute_url()).content.decode()
    assert "50.0" in page or "50,0" in page  # one of the two conferences online
    assert f"/activities/targets/{made.pk}/edit/" in page


def test_errors_are_at_the_field_and_translated(client, world):
    client.force_login(world.coordinator)
    response = client.post(
        "/activities/targets/new/",
        _target_data(world, share_mode="", goal="nhiều", start="2018-12-31", end="2018-01-01"),
        HTTP_ACCEPT_LANGUAGE="vi",
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "goal" in form.errors
    assert not Target.objects.exists()
    response = client.post(
        "/activities/targets/new/",
        _target_data(world, share_mode="", start="2018-12-31", end="2018-01-01"),
        HTTP_ACCEPT_LANGUAGE="vi",
    )
    form = response.context["form"]
    assert "share_mode" in form.errors and "end" in form.errors
    assert form.errors["end"] == ["Kỳ không được kết thúc trước khi bắt đầu."]
    assert form.errors["share_mode"] == ["Tỷ lệ cần nêu các hoạt động được tính vào tử số."]
    assert not Target.objects.exists()


def test_a_stale_target_edit_is_refused_and_a_reason_is_kept(client, world):
    made = target(world.btg, "count", goal="10", comparison="gte", kind="class")
    client.force_login(world.coordinator)
    first = _target_data(world, measure="count", kind="class", comparison="gte", goal="12",
                         share_mode="", version=1, reason="Nâng chỉ tiêu")  # fmt: skip
    assert client.post(f"/activities/targets/{made.pk}/edit/", first).status_code == 302
    made.refresh_from_db()
    assert made.goal == 12 and made.version == 2
    assert made.history.first().history_change_reason == "Nâng chỉ tiêu"
    again = {**first, "goal": "15", "version": 1}
    response = client.post(f"/activities/targets/{made.pk}/edit/", again)
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    made.refresh_from_db()
    assert made.goal == 12


def test_delete_needs_a_reason_and_the_history_keeps_it(client, world):
    made = target(world.btg, "count", kind="class")
    client.force_login(world.coordinator)
    client.post(f"/activities/targets/{made.pk}/delete/", {"version": 1, "reason": ""})
    assert Target.objects.filter(pk=made.pk).exists()
    client.post(f"/activities/targets/{made.pk}/delete/", {"version": 1, "reason": "Trùng"})
    assert not Target.objects.filter(pk=made.pk).exists()
    last = Target.history.filter(id=made.pk).first()
    assert last.history_type == "-" and last.history_change_reason == "Trùng"


@pytest.mark.parametrize("who", ["agency", "district", "commune", "official", "viewer", "admin"])
def test_only_coordinators_set_targets(client, world, who):
    made = target(world.btg, "count", kind="class")
    client.force_login(getattr(world, who))
    assert client.get("/activities/targets/new/").status_code == 403
    assert client.post("/activities/targets/new/", _target_data(world)).status_code == 403
    edit = client.get(f"/activities/targets/{made.pk}/edit/").status_code
    assert edit in (403, 404)
    assert Target.objects.count() == 1


def test_the_other_province_neither_sees_nor_sets_this_provinces_targets(client, world):
    made = target(world.btg, "count", kind="class")
    client.force_login(world.outsider)
    assert client.get(f"/activities/targets/{made.pk}/edit/").status_code == 404
    assert client.post(f"/activities/targets/{made.pk}/delete/", {"version": 1, "reason": "x"}
                       ).status_code == 404  # fmt: skip
    # Its own form offers none of this province's units, and refuses one posted.
    response = client.post("/activities/targets/new/", _target_data(world))
    assert response.status_code == 200 and "unit" in response.context["form"].errors
    assert Target.objects.count() == 1


# Network registers -------------------------------------------------------------


def test_a_coordinator_adds_a_member_and_ends_a_term(client, world):
    client.force_login(world.coordinator)
    assert client.get(f"/activities/networks/reporter/members/new/?unit={world.commune1a.pk}"
                      ).status_code == 200  # fmt: skip
    response = client.post(
        "/activities/networks/reporter/members/new/",
        {"full_name": "Nguyễn Văn A", "unit": world.commune1a.pk, "level": "commune",
         "term_start": "2016-01-01", "training": "Lớp bồi dưỡng 2017"},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    member = NetworkMember.objects.get()
    assert member.network == "reporter"
    # The term ends: the member stays, with history, and no longer serves.
    response = client.post(
        f"/activities/networks/members/{member.pk}/edit/",
        {"full_name": "Nguyễn Văn A", "unit": world.commune1a.pk, "level": "commune",
         "term_start": "2016-01-01", "term_end": "15/06/2018", "version": 1,
         "reason": "Chuyển công tác"},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    member.refresh_from_db()
    assert member.term_end == date(2018, 6, 15) and member.version == 2
    assert not member.serves_on(date(2018, 7, 1))
    assert [h.history_change_reason for h in member.history.all()] == ["Chuyển công tác", "created"]
    page = client.get(f"/activities/networks/members/{member.pk}/edit/").content.decode()
    assert "Chuyển công tác" in page
    # A stale edit is refused.
    response = client.post(
        f"/activities/networks/members/{member.pk}/edit/",
        {"full_name": "Nguyễn Văn B", "unit": world.commune1a.pk, "level": "commune",
         "version": 1},
    )  # fmt: skip
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    member.refresh_from_db()
    assert member.full_name == "Nguyễn Văn A"


def test_a_term_cannot_end_before_it_begins(client, world):
    client.force_login(world.coordinator)
    response = client.post(
        "/activities/networks/opinion/members/new/",
        {"full_name": "Lê Thị C", "unit": world.commune1a.pk, "level": "commune",
         "term_start": "2018-05-01", "term_end": "2018-01-01"},
    )  # fmt: skip
    assert response.status_code == 200 and "term_end" in response.context["form"].errors
    assert not NetworkMember.objects.exists()


@pytest.mark.parametrize("who", ["agency", "district", "commune", "viewer", "outsider"])
def test_only_the_coordinators_keep_the_registers(client, world, who):
    member = NetworkMember.objects.create(
        network="reporter", full_name="Trần D", unit=world.commune1a, level="commune"
    )
    client.force_login(getattr(world, who))
    data = {"full_name": "X", "unit": world.commune1a.pk, "level": "commune", "version": 1}
    new = client.post("/activities/networks/reporter/members/new/", data)
    if who == "outsider":  # a coordinator of its own province: this unit is not offered
        assert new.status_code == 200 and "unit" in new.context["form"].errors
    else:
        assert new.status_code == 403
    edit = client.post(f"/activities/networks/members/{member.pk}/edit/", data).status_code
    assert edit == (404 if who in ("outsider", "agency") else 403)
    assert NetworkMember.objects.count() == 1
    member.refresh_from_db()
    assert member.full_name == "Trần D"


def test_a_coordinator_sets_and_removes_a_standard(client, world):
    NetworkMember.objects.create(
        network="reporter", full_name="Trần D", unit=world.commune1a, level="commune"
    )
    client.force_login(world.coordinator)
    url = f"/activities/networks/reporter/standards/{world.commune1a.pk}/"
    picked = client.get(f"/activities/networks/reporter/standards/0/?unit={world.commune1a.pk}")
    assert picked.status_code == 302 and picked["Location"] == url
    response = client.post(url, {"number": "3", "basis": "Quy định 08-QĐ/TU", "version": ""})
    assert response.status_code == 302, response.content.decode()[:2000]
    standard = NetworkStandard.objects.get()
    assert standard.number == 3 and standard.history.get().history_user == world.coordinator
    page = client.get("/activities/networks/reporter/").content.decode()
    assert "2 missing" in page or "thiếu 2" in page
    # Someone opened the page before the standard existed: refused.
    response = client.post(url, {"number": "4", "version": ""})
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    response = client.post(url, {"number": "abc", "version": "1"})
    assert "number" in response.context["form"].errors
    response = client.post(url, {"number": "", "version": "1", "reason": "Bãi bỏ"})
    assert response.status_code == 302
    assert not NetworkStandard.objects.exists()
    assert NetworkStandard.history.first().history_change_reason == "Bãi bỏ"


@pytest.mark.parametrize("who", ["agency", "district", "commune", "viewer", "outsider"])
def test_only_the_coordinators_set_standards(client, world, who):
    client.force_login(getattr(world, who))
    url = f"/activities/networks/reporter/standards/{world.commune1a.pk}/"
    response = client.post(url, {"number": "3", "version": ""})
    # The agency (the Ban Dân vận's reporter) and the other province do not see the commune.
    assert response.status_code == (404 if who in ("outsider", "agency") else 403)
    assert not NetworkStandard.objects.exists()


# Attendance of the network members --------------------------------------------------


def test_the_writers_mark_who_attended_and_the_history_keeps_it(client, world):
    held = conference(world.btg, date(2018, 2, 10), "online", ("Hội trường", 80))
    here = NetworkMember.objects.create(
        network="reporter", full_name="Trần D", unit=world.commune1a, level="commune"
    )
    there = NetworkMember.objects.create(
        network="reporter", full_name="Lê E", unit=world.commune2a, level="commune"
    )
    client.force_login(world.coordinator)
    page = client.get(held.get_absolute_url()).content.decode()
    assert "Trần D" in page and "Lê E" in page  # the province's members
    response = client.post(f"/activities/{held.pk}/attendance/", {"members": [here.pk]})
    assert response.status_code == 302
    assert list(held.network_members.all()) == [here]
    assert here.history.first().history_user == world.coordinator
    network = client.get("/activities/networks/reporter/").content.decode()
    assert "Trần D" in network
    # The district scorer of district 1 is offered district 1's members only: marking
    # Lê E (district 2) is refused, and Trần D stays marked.
    client.force_login(world.district)
    own = record(world.district1, "study", date(2018, 3, 1))
    response = client.post(f"/activities/{own.pk}/attendance/", {"members": [there.pk]})
    assert not own.network_members.exists()
    response = client.post(f"/activities/{held.pk}/attendance/", {"members": []})
    assert response.status_code == 404
    assert list(held.network_members.all()) == [here]


@pytest.mark.parametrize("who", ["viewer", "official", "admin"])
def test_readers_do_not_mark_attendance(client, world, who):
    held = conference(world.btg, date(2018, 2, 10), "online", ("Hội trường", 80))
    member = NetworkMember.objects.create(
        network="reporter", full_name="Trần D", unit=world.commune1a, level="commune"
    )
    client.force_login(getattr(world, who))
    response = client.post(f"/activities/{held.pk}/attendance/", {"members": [member.pk]})
    assert response.status_code in (403, 404)
    assert not held.network_members.exists()

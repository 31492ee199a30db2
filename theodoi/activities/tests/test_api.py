"""The API: records by kind, unit and dates; writes with a version; refusals by role."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from theodoi.activities.models import Activity, Kind, NetworkMember, NetworkStandard, Target

from .factories import conference, record, target

pytestmark = pytest.mark.django_db
API = "/api/v1"


def _as(client, user):
    client.force_login(user)
    return client


def test_create_a_conference_with_its_points(client, world):
    body = {
        "kind": "reporters_conference",
        "title": "Hội nghị báo cáo viên tháng 2",
        "start": "2018-02-08",
        "mode": "online",
        "details": {
            "topic": "Tình hình thời sự",
            "presenter": "Phó Trưởng Ban Tuyên giáo",
            "points": [{"name": "Hội trường Tỉnh ủy", "attendance": 120},
                       {"name": "Huyện ủy Một", "attendance": 45}],
        },
    }  # fmt: skip
    response = _as(client, world.coordinator).post(
        f"{API}/activities", body, content_type="application/json"
    )
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["owner"]["id"] == world.btg.pk
    assert data["participants"] == 165
    assert data["mode"] == "online" and data["version"] == 1
    activity = Activity.objects.get(pk=data["id"])
    assert activity.history.first().history_user == world.coordinator


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"mode": ""}, "mode"),
        ({"kind": "class", "mode": "online"}, "mode"),
        ({"details": {"points": [{"name": "A", "attendance": -1}]}}, "details.points.0.attendance"),
        ({"details": {"colour": "red"}}, "details.colour"),
        ({"end": "2018-01-01"}, "end"),
        ({"units": [999999]}, "units"),
    ],
)
def test_bad_input_is_named_at_its_field(client, world, change, field):
    body = {"kind": "reporters_conference", "title": "HN", "start": "2018-02-08",
            "mode": "online", **change}  # fmt: skip
    response = _as(client, world.coordinator).post(
        f"{API}/activities", body, content_type="application/json"
    )
    assert response.status_code == 422, response.json()
    assert field in response.json()["fields"]


def test_model_needs_a_level_and_trainee_units_must_be_known(client, world):
    c = _as(client, world.coordinator)
    body = {"kind": "model", "title": "Mô hình", "start": "2018-03-01"}
    assert (
        "level"
        in c.post(f"{API}/activities", body, content_type="application/json").json()["fields"]
    )
    outsider_unit = world.other_province.pk
    body = {"kind": "class", "title": "Lớp", "start": "2018-03-01",
            "details": {"trainees": [{"unit": outsider_unit, "count": 3}]}}  # fmt: skip
    response = c.post(f"{API}/activities", body, content_type="application/json")
    assert response.status_code == 422
    assert "details.trainees.0.unit" in response.json()["fields"]


def test_list_filters_by_kind_unit_and_dates(client, world):
    conference(world.btg, date(2018, 1, 18), "in_person", ("A", 1))
    conference(world.btg, date(2018, 2, 8), "online", ("A", 1))
    record(world.commune1a, "model", date(2018, 3, 1), level="commune")
    record(world.commune2a, "study", date(2018, 4, 1))
    c = _as(client, world.coordinator)
    assert c.get(f"{API}/activities").json()["count"] == 4
    got = c.get(f"{API}/activities?kind=reporters_conference&from=2018-02-01").json()
    assert [a["start"] for a in got["items"]] == ["2018-02-08"]
    got = c.get(f"{API}/activities?unit={world.district1.pk}").json()
    assert [a["kind"] for a in got["items"]] == ["model"]
    assert c.get(f"{API}/activities?kind=nothing").status_code == 422
    assert c.get(f"{API}/activities?unit={world.other_province.pk}").status_code == 404


def test_list_reads_a_constant_number_of_queries(client, world):
    c = _as(client, world.coordinator)
    conference(world.btg, date(2018, 1, 18), "online", ("A", 1))
    c.get(f"{API}/activities")
    with CaptureQueriesContext(connection) as few:
        assert c.get(f"{API}/activities").status_code == 200
    for n in range(8):
        a = record(
            world.commune1a,
            "dialogue",
            date(2018, 3, n + 1),
            units=[world.commune1a, world.district1],
        )
        from theodoi.activities import actions

        actions.do_add_follow_up(a, text="Việc", by=None)
    with CaptureQueriesContext(connection) as many:
        assert c.get(f"{API}/activities").json()["count"] == 9
    assert len(many) == len(few)


def test_update_with_a_stale_version_is_refused_with_the_newer_values(client, world):
    a = conference(world.btg, date(2018, 2, 8), "online", ("A", 10))
    c = _as(client, world.coordinator)
    body = {"kind": "reporters_conference", "title": "Đổi tên", "start": "2018-02-08",
            "mode": "in_person", "version": 1, "reason": "Sửa hình thức"}  # fmt: skip
    ok = c.put(f"{API}/activities/{a.pk}", body, content_type="application/json")
    assert ok.status_code == 200 and ok.json()["version"] == 2
    stale = c.put(
        f"{API}/activities/{a.pk}", {**body, "title": "Khác"}, content_type="application/json"
    )
    assert stale.status_code == 409
    assert stale.json()["current"]["title"] == "Đổi tên"
    a.refresh_from_db()
    assert a.history.first().history_change_reason == "Sửa hình thức"
    gone = c.delete(f"{API}/activities/{a.pk}?version=2&reason=Nhập nhầm")
    assert gone.status_code == 204
    assert not Activity.objects.filter(pk=a.pk).exists()


@pytest.mark.parametrize(
    ("persona", "read", "write"),
    [
        ("coordinator", 200, 200),
        ("district", 200, 200),  # district 1's scorer records for its communes
        ("commune", 200, 200),
        ("official", 200, 403),  # sees the commune's record, does not keep it
        ("viewer", 200, 403),
        ("agency", 404, 404),  # the Ban Dân vận's reporter reaches its own unit only
        ("outsider", 404, 404),
    ],
)
def test_refusals_by_role(client, world, persona, read, write):
    a = record(world.commune1a, "study", date(2018, 3, 1), details={"sessions": 1})
    c = _as(client, getattr(world, persona))
    assert c.get(f"{API}/activities/{a.pk}").status_code == read
    body = {"kind": "study", "title": "Học tập", "start": "2018-03-01", "version": 1}
    assert (
        c.put(f"{API}/activities/{a.pk}", body, content_type="application/json").status_code
        == write
    )
    page = c.get(f"/activities/{a.pk}/edit/").status_code
    assert page == write


def test_viewer_cannot_record(client, world):
    body = {"kind": "study", "title": "Học tập", "start": "2018-03-01"}
    c = _as(client, world.viewer)
    assert c.post(f"{API}/activities", body, content_type="application/json").status_code == 403
    body["owner"] = world.btg.pk
    assert c.post(f"{API}/activities", body, content_type="application/json").status_code == 403
    assert c.get("/activities/new/study/").status_code == 403


def test_targets_api_and_drill_down(client, world):
    conference(world.btg, date(2018, 1, 18), "in_person", ("A", 1))
    online = conference(world.btg, date(2018, 2, 8), "online", ("A", 1))
    t = target(
        world.province, "share", "50", "gt", kind=Kind.REPORTERS_CONFERENCE, share_mode="online"
    )
    c = _as(client, world.commune)
    data = c.get(f"{API}/targets").json()["items"][0]
    assert data["value"] == "50.0" or float(data["value"]) == 50.0
    assert data["status"] in ("amber", "red")
    assert "Reporters" in data["computed_from"] or "báo cáo viên" in data["computed_from"]
    records = _as(client, world.coordinator).get(f"{API}/targets/{t.pk}/records").json()
    assert [(r["id"], r["counted_above_line"]) for r in records["items"]][-1] == (online.pk, True)
    assert _as(client, world.outsider).get(f"{API}/targets/{t.pk}").status_code == 404


def test_targets_by_programme_and_indicator_actual(client, world):
    from theodoi.activities.targets import indicator_actuals
    from theodoi.plans.models import Indicator, Objective
    from theodoi.testing import make_plan

    plan = make_plan(world)
    objective = Objective.objects.create(programme=plan.programme, text="Mục tiêu")
    indicator = Indicator.objects.create(objective=objective, name="Hội nghị trực tuyến")
    t = target(world.province, "count", "1", "gte", mode="online", indicator=indicator)
    target(world.province, "count", "1", "gte", plan=plan, name="by plan")
    conference(world.btg, date(2018, 2, 8), "online", ("A", 1))
    c = _as(client, world.coordinator)
    by_programme = c.get(f"{API}/targets?programme={plan.programme.pk}").json()
    assert [r["id"] for r in by_programme["items"]] == [t.pk, t.pk + 1]
    by_plan = c.get(f"{API}/targets?plan={plan.pk}").json()
    assert [r["name"] for r in by_plan["items"]] == ["by plan"]
    actual = indicator_actuals([indicator.pk])[indicator.pk]
    assert actual.value == 1 and actual.target == t


def test_networks_register_with_gaps(client, world):
    NetworkStandard.objects.create(
        network="reporter", unit=world.district1, number=3, basis="QĐ 01"
    )
    NetworkMember.objects.create(
        network="reporter", full_name="Nguyễn Văn A", unit=world.district1, level="district"
    )
    NetworkMember.objects.create(
        network="reporter", full_name="Trần Thị B", unit=world.district1, level="district",
        term_end=date(2017, 12, 31),
    )  # fmt: skip
    NetworkMember.objects.create(
        network="opinion", full_name="Lê C", unit=world.commune2a, level="commune"
    )
    data = _as(client, world.coordinator).get(f"{API}/networks/reporter").json()
    assert [m["full_name"] for m in data["members"]] == ["Nguyễn Văn A", "Trần Thị B"]
    gap = data["gaps"][0]
    assert (gap["unit"], gap["standard"], gap["serving"], gap["gap"]) == (
        world.district1.pk,
        3,
        1,
        2,
    )
    scoped = _as(client, world.district).get(f"{API}/networks/opinion").json()
    assert scoped["members"] == []
    assert (
        _as(client, world.district)
        .get(f"{API}/networks/opinion?unit={world.district2.pk}")
        .status_code
        == 404
    )
    assert _as(client, world.coordinator).get(f"{API}/networks/nothing").status_code == 404


def test_target_and_network_lists_read_a_constant_number_of_queries(client, world):
    c = _as(client, world.coordinator)
    target(world.province, "count", "1", "gte")
    conference(world.btg, date(2018, 2, 1), "online", ("A", 1))
    NetworkMember.objects.create(
        network="reporter", full_name="A", unit=world.district1, level="district"
    )
    c.get(f"{API}/targets")
    with CaptureQueriesContext(connection) as few:
        assert c.get(f"{API}/targets").status_code == 200
        assert c.get(f"{API}/networks/reporter").status_code == 200
    for n in range(6):
        target(world.district1, "share", "1", "gte", share_mode="online", name=f"t{n}")
        conference(world.btg, date(2018, 3, n + 1), "online", ("A", 1))
        m = NetworkMember.objects.create(
            network="reporter", full_name=f"B{n}", unit=world.commune1a, level="commune"
        )
        m.activities.add(Activity.objects.first())
        others = [world.commune1b, world.commune2a, world.btg, world.bdv, world.sotttt,
                  world.district2]  # fmt: skip
        NetworkStandard.objects.create(network="reporter", unit=others[n], number=2)
    with CaptureQueriesContext(connection) as many:
        assert c.get(f"{API}/targets").json()["count"] == 7
        assert len(c.get(f"{API}/networks/reporter").json()["members"]) == 7
    assert len(many) == len(few)


# Targets defined through the API ------------------------------------------------


def _target_body(world, **over):
    body = {
        "name": "Lớp học mở năm 2018",
        "unit": world.btg.pk,
        "measure": "count",
        "kind": "class",
        "comparison": "gte",
        "goal": "4",
        "start": "2018-01-01",
        "end": "2018-12-31",
    }
    body.update(over)
    return body


def test_a_coordinator_defines_and_changes_a_target(client, world):
    _as(client, world.coordinator)
    made = client.post("/api/v1/targets", _target_body(world), content_type="application/json")
    assert made.status_code == 201, made.content
    body = made.json()
    assert float(body["goal"]) == 4 and body["version"] == 1
    target_id = body["id"]
    changed = client.put(
        f"/api/v1/targets/{target_id}",
        _target_body(world, goal="6", version=1, reason="Tăng chỉ tiêu"),
        content_type="application/json",
    )
    assert changed.status_code == 200 and float(changed.json()["goal"]) == 6
    stale = client.put(
        f"/api/v1/targets/{target_id}",
        _target_body(world, goal="8", version=1),
        content_type="application/json",
    )
    assert stale.status_code == 409
    assert float(stale.json()["current"]["goal"]) == 6
    target = Target.objects.get(pk=target_id)
    assert target.history.first().history_change_reason == "Tăng chỉ tiêu"
    assert target.history.first().history_user == world.coordinator


def test_a_bad_target_is_refused_at_its_field(client, world):
    _as(client, world.coordinator)
    post = lambda **over: client.post(  # noqa: E731
        "/api/v1/targets", _target_body(world, **over), content_type="application/json"
    )
    response = post(measure="share")
    assert response.status_code == 422 and "share_mode" in response.json()["fields"]
    response = post(unit=world.other_province.pk)
    assert response.status_code == 422 and "unit" in response.json()["fields"]
    response = post(start="2018-12-31", end="2018-01-01")
    assert response.status_code == 422 and "end" in response.json()["fields"]
    assert not Target.objects.exists()


@pytest.mark.parametrize("who", ["agency", "district", "commune", "viewer", "admin"])
def test_only_coordinators_define_targets_through_the_api(client, world, who):
    existing = Target.objects.create(
        name="T", unit=world.btg, measure="count", comparison="gte", goal=1,
        start=date(2018, 1, 1), end=date(2018, 12, 31),
    )  # fmt: skip
    _as(client, getattr(world, who))
    made = client.post("/api/v1/targets", _target_body(world), content_type="application/json")
    assert made.status_code == 403
    put = client.put(
        f"/api/v1/targets/{existing.pk}",
        _target_body(world, version=1),
        content_type="application/json",
    )
    # The target's unit (the Ban Tuyên giáo) is seen by the province's viewer and
    # administrator only; the others do not see it at all.
    assert put.status_code == (403 if who in ("viewer", "admin") else 404)
    assert Target.objects.count() == 1


def test_the_other_province_cannot_change_this_provinces_target(client, world):
    existing = Target.objects.create(
        name="T", unit=world.btg, measure="count", comparison="gte", goal=1,
        start=date(2018, 1, 1), end=date(2018, 12, 31),
    )  # fmt: skip
    _as(client, world.outsider)
    put = client.put(
        f"/api/v1/targets/{existing.pk}",
        _target_body(world, version=1),
        content_type="application/json",
    )
    assert put.status_code == 404

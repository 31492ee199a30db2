"""The API for what used to be page-only: ad hoc periods, the schedule, evidence,
inspections and follow-ups. Every role allowed or refused; bad input is 4xx JSON."""

from datetime import date

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from theodoi.reporting import actions
from theodoi.reporting.models import Evidence, FollowUp, Inspection, ReportingPeriod

from .test_evidence import DOCX, PDF

pytestmark = pytest.mark.django_db
JSON = "application/json"
HUGE = 10**30


def _as(client, user):
    client.force_login(user)
    return client


def _post(client, url, body):
    return client.post(url, body, content_type=JSON)


# Ad hoc periods -------------------------------------------------------------------------

GK = {
    "code": "2018-GK",
    "title": "Giữa kỳ",
    "start": "2018-01-01",
    "end": "2018-03-31",
    "due": "2018-04-10",
}


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("coordinator", 201),
        ("agency", 404),
        ("commune", 404),
        ("district", 404),
        ("viewer", 403),
        ("admin", 404),
        ("outsider", 404),
    ],
)
def test_add_period_by_role(client, setup, who, status):
    _as(client, getattr(setup.world, who))
    response = _post(client, "/api/v1/periods", {"plan": "112-KH/TU", **GK})
    assert response.status_code == status, response.content
    if status == 201:
        assert response.json()["kind"] == "ad_hoc"
        assert ReportingPeriod.objects.get(code="2018-GK").due == date(2018, 4, 10)
    else:
        assert not ReportingPeriod.objects.filter(code="2018-GK").exists()
        assert "message" in response.json()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"code": "2018-H1"}, "__all__"),  # the code exists already
        ({"end": "2017-12-01"}, "end"),
        ({"due": "2018-03-01"}, "due"),
        ({"start": "2018-02-30"}, "start"),
        ({"start": 20180101}, "start"),
        ({"title": ["a"]}, "title"),
        ({"title": "Giữa\x00kỳ"}, "title"),
        ({"code": "x" * 21}, "code"),
        ({"title": ""}, "title"),
    ],
)
def test_add_period_bad_input_is_422_with_fields(client, setup, change, field):
    _as(client, setup.world.coordinator)
    response = _post(client, "/api/v1/periods", {"plan": setup.plan.pk, **GK, **change})
    assert response.status_code == 422, response.content
    assert field in response.json()["fields"]
    assert not ReportingPeriod.objects.filter(kind="ad_hoc").exists()


@pytest.mark.parametrize("plan", [HUGE, str(HUGE), "nope", "\x00", "", None, [1]])
def test_add_period_unknown_or_bad_plan(client, setup, plan):
    _as(client, setup.world.coordinator)
    response = _post(client, "/api/v1/periods", {**GK, "plan": plan})
    assert response.status_code in (404, 422)
    assert "message" in response.json()


def test_add_period_not_json(client, setup):
    _as(client, setup.world.coordinator)
    response = client.post("/api/v1/periods", "{nope", content_type=JSON)
    assert response.status_code == 400
    assert "message" in response.json()


# The schedule -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "read", "write"),
    [
        ("coordinator", 200, 200),
        ("viewer", 200, 403),
        ("agency", 404, 404),
        ("commune", 404, 404),
        ("district", 404, 404),
        ("admin", 404, 404),
        ("outsider", 404, 404),
    ],
)
def test_schedule_by_role(client, setup, who, read, write):
    _as(client, getattr(setup.world, who))
    url = f"/api/v1/plans/{setup.plan.pk}/schedule"
    response = client.get(url)
    assert response.status_code == read
    if read == 200:
        kinds = {s["kind"]: s for s in response.json()["schedules"]}
        assert kinds["half"] == {
            "kind": "half",
            "rule": "days_after_end",
            "days": 10,
            "shift_off_days": False,
        }
    body = {"schedules": [{"kind": "quarter", "rule": "days_after_end", "days": 5}]}
    response = client.put(url, body, content_type=JSON)
    assert response.status_code == write
    quarters = ReportingPeriod.objects.filter(plan=setup.plan, kind="quarter")
    if write == 200:
        assert response.json()["created"] == ["2018-Q1", "2018-Q2", "2018-Q3", "2018-Q4"]
        assert quarters.get(code="2018-Q1").due == date(2018, 4, 5)
    else:
        assert not quarters.exists()


def test_schedule_update_moves_due_dates(client, setup):
    _as(client, setup.world.coordinator)
    body = {"schedules": [{"kind": "half", "rule": "day_of_last_month", "days": 25}]}
    response = client.put(f"/api/v1/plans/{setup.plan.pk}/schedule", body, content_type=JSON)
    assert response.status_code == 200
    setup.h1.refresh_from_db()
    assert setup.h1.due == date(2018, 6, 25)
    assert response.json()["created"] == []


@pytest.mark.parametrize(
    ("rules", "field"),
    [
        ([{"kind": "half", "rule": "days_after_end", "days": 0}], "schedules.0.days"),
        ([{"kind": "half", "rule": "days_after_end", "days": HUGE}], "schedules.0.days"),
        ([{"kind": "week", "rule": "days_after_end", "days": 3}], "schedules.0.kind"),
        ([{"kind": "half", "rule": "x", "days": 3}], "schedules.0.rule"),
        ([{"kind": "half", "rule": "days_after_end", "days": "ba"}], "schedules.0.days"),
        ([{"kind": "ad_hoc", "rule": "days_after_end", "days": 3}], "schedules.0.kind"),
        (
            [
                {"kind": "half", "rule": "days_after_end", "days": 3},
                {"kind": "half", "rule": "days_after_end", "days": 4},
            ],
            "schedules",
        ),
        ("half", "schedules"),
    ],
)
def test_schedule_bad_input(client, setup, rules, field):
    _as(client, setup.world.coordinator)
    response = client.put(
        f"/api/v1/plans/{setup.plan.pk}/schedule", {"schedules": rules}, content_type=JSON
    )
    assert response.status_code == 422, response.content
    assert field in response.json()["fields"]
    setup.h1.refresh_from_db()
    assert setup.h1.due == date(2018, 7, 10)


def test_schedule_unknown_plan(client, setup):
    _as(client, setup.world.coordinator)
    assert client.get(f"/api/v1/plans/{HUGE}/schedule").status_code == 404
    assert client.get("/api/v1/plans/999999/schedule").status_code == 404


# Evidence --------------------------------------------------------------------------------


@pytest.fixture
def report(setup):
    return actions.do_start_report(setup.h1, setup.world.bdv)


def _evidence_url(report, entry=None):
    entry = entry or report.entries.first()
    return f"/api/v1/reports/{report.pk}/entries/{entry.pk}/evidence"


def _file(name="bien-ban.pdf", content=PDF):
    return {"file": SimpleUploadedFile(name, content, content_type="application/pdf")}


@pytest.mark.parametrize(
    ("who", "upload", "read"),
    [
        ("agency", 201, 200),
        ("coordinator", 403, 200),
        ("viewer", 403, 200),
        ("commune", 404, 404),
        ("district", 404, 404),
        ("admin", 404, 404),
        ("outsider", 404, 404),
    ],
)
def test_evidence_by_role(client, setup, report, who, upload, read):
    _as(client, getattr(setup.world, who))
    response = client.post(_evidence_url(report), _file("../../etc/Biên bản.pdf"))
    assert response.status_code == upload, response.content
    if upload == 201:
        data = response.json()
        assert data["name"] == "Biên bản.pdf"
        assert data["content_type"] == "application/pdf"
        assert b"".join(client.get(data["download"]).streaming_content) == PDF
    assert client.get(_evidence_url(report)).status_code == read


def test_evidence_list_and_delete(client, setup, report):
    w = setup.world
    _as(client, w.agency)
    first = client.post(_evidence_url(report), _file()).json()
    client.post(_evidence_url(report), _file("ke-hoach.docx", DOCX))
    listed = client.get(_evidence_url(report)).json()["items"]
    assert [e["name"] for e in listed] == ["bien-ban.pdf", "ke-hoach.docx"]
    assert listed[1]["content_type"].endswith("wordprocessingml.document")
    # Others may not delete.
    for who in (w.coordinator, w.viewer):
        _as(client, who)
        assert client.delete(f"/api/v1/evidence/{first['id']}").status_code == 403
    _as(client, w.commune)
    assert client.delete(f"/api/v1/evidence/{first['id']}").status_code == 404
    _as(client, w.agency)
    assert client.delete(f"/api/v1/evidence/{first['id']}").status_code == 204
    assert client.delete(f"/api/v1/evidence/{first['id']}").status_code == 404
    assert client.delete(f"/api/v1/evidence/{HUGE}").status_code == 404
    assert [e.name for e in Evidence.objects.all()] == ["ke-hoach.docx"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"file": SimpleUploadedFile("x.pdf", b"MZ\x90\x00 not a pdf")}, "file"),
        ({"file": SimpleUploadedFile("x.pdf", b"")}, "file"),
        ({"file": SimpleUploadedFile("x.docx", b"PK\x03\x04broken zip")}, "file"),
        ({}, "file"),
        ({"file": "just text"}, "file"),
    ],
)
def test_evidence_bad_uploads(client, setup, report, body, field):
    _as(client, setup.world.agency)
    response = client.post(_evidence_url(report), body)
    assert response.status_code == 422, response.content
    assert field in response.json()["fields"]
    assert not Evidence.objects.exists()


def test_evidence_too_large(client, setup, report, settings):
    settings.THEODOI_EVIDENCE_MAX_BYTES = 100
    _as(client, setup.world.agency)
    response = client.post(_evidence_url(report), _file(content=PDF + b"0" * 200))
    assert response.status_code == 422
    assert "file" in response.json()["fields"]


def test_evidence_refused_after_submit_and_unknown_ids(client, setup, report):
    w = setup.world
    other = actions.do_start_report(setup.h1, w.commune1a)
    _as(client, w.agency)
    # An entry of another report, unknown ids.
    assert client.post(_evidence_url(report, other.entries.first()), _file()).status_code == 404
    assert client.get(f"/api/v1/reports/{report.pk}/entries/{HUGE}/evidence").status_code == 404
    assert client.get(f"/api/v1/reports/{HUGE}/entries/1/evidence").status_code == 404
    assert client.get(f"/api/v1/reports/{report.pk}/entries/x/evidence").status_code == 422
    evidence = client.post(_evidence_url(report), _file()).json()
    for entry in report.entries.all():
        entry.status, entry.percent, entry.results = "in_progress", 10, "Đã triển khai"
        entry.save()
    actions.do_submit_report(report, by=w.agency)
    response = client.post(_evidence_url(report), _file())
    assert response.status_code == 409
    assert "message" in response.json()
    assert client.delete(f"/api/v1/evidence/{evidence['id']}").status_code == 409
    assert Evidence.objects.count() == 1


# Inspections and follow-ups ------------------------------------------------------------------


def _inspection_body(setup, **change):
    return {
        "plan": "112-KH/TU",
        "unit": setup.world.commune1a.pk,
        "held_on": "2018-05-10",
        "team": "Đoàn kiểm tra số 1",
        "scope": "Việc tuyên truyền Đề án",
        "findings": "Chưa lập kế hoạch riêng",
        "follow_ups": [
            {"text": "Lập kế hoạch riêng", "deadline": "2018-06-30"},
            {"text": "Báo cáo kết quả", "deadline": "2018-08-15"},
        ],
        **change,
    }


@pytest.mark.parametrize(
    ("who", "create", "read"),
    [
        ("coordinator", 201, 200),
        ("viewer", 403, 200),
        ("agency", 404, 404),
        ("commune", 404, 404),
        ("district", 404, 404),
        ("admin", 404, 404),
        ("outsider", 404, 404),
    ],
)
def test_inspections_by_role(client, setup, who, create, read):
    w = setup.world
    _as(client, getattr(w, who))
    response = _post(client, "/api/v1/inspections", _inspection_body(setup))
    assert response.status_code == create, response.content
    existing = actions.do_record_inspection(
        setup.plan,
        unit=w.bdv,
        held_on=date(2018, 4, 1),
        team="Đoàn 2",
        scope="Dân vận",
        follow_ups=[("Bổ sung hồ sơ", date(2018, 5, 1))],
        by=w.coordinator,
    )
    follow_up = existing.follow_ups.get()
    assert client.get("/api/v1/inspections", {"plan": "112-KH/TU"}).status_code == read
    assert client.get(f"/api/v1/inspections/{existing.pk}").status_code == read
    response = _post(
        client,
        f"/api/v1/inspections/{existing.pk}/follow-ups",
        {"text": "Thêm", "deadline": "2018-09-01"},
    )
    assert response.status_code == create
    response = _post(client, f"/api/v1/follow-ups/{follow_up.pk}/close", {"closing_note": "Xong"})
    assert response.status_code == (200 if create == 201 else create)
    follow_up.refresh_from_db()
    assert (follow_up.closed_on is not None) == (create == 201)


@time_machine.travel("2018-07-15 09:00 +07:00", tick=False)
def test_inspection_round_trip(client, setup):
    w = setup.world
    _as(client, w.coordinator)
    response = _post(client, "/api/v1/inspections", _inspection_body(setup))
    assert response.status_code == 201
    data = response.json()
    assert data["unit_name"] == "Xã Một A"
    assert [f["overdue"] for f in data["follow_ups"]] == [True, False]
    first = data["follow_ups"][0]["id"]
    listed = client.get("/api/v1/inspections", {"plan": setup.plan.pk, "open": "true"}).json()[
        "items"
    ]
    assert [i["id"] for i in listed] == [data["id"]]
    for f in data["follow_ups"]:
        _post(client, f"/api/v1/follow-ups/{f['id']}/close", {"closing_note": "Đã làm"})
    assert (
        client.get("/api/v1/inspections", {"plan": "112-KH/TU", "open": "true"}).json()["items"]
        == []
    )
    closed = client.get("/api/v1/inspections", {"plan": "112-KH/TU", "open": "false"}).json()[
        "items"
    ]
    assert closed[0]["follow_ups"][0]["closed_on"] == "2018-07-15"
    # Closing twice is refused; nothing changes.
    response = _post(client, f"/api/v1/follow-ups/{first}/close", {"closing_note": "Lần nữa"})
    assert response.status_code == 409
    assert FollowUp.objects.get(pk=first).closing_note == "Đã làm"
    assert FollowUp.objects.get(pk=first).history.first().history_user == w.coordinator


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"unit": HUGE}, "unit"),
        ({"unit": 999999}, "unit"),
        ({"unit": "Xã"}, "unit"),
        ({"held_on": "10/05/2018"}, "held_on"),
        ({"team": ""}, "team"),
        ({"team": "Đoàn\x00"}, "team"),
        ({"scope": None}, "scope"),
        ({"follow_ups": [{"text": "x", "deadline": "nope"}]}, "follow_ups.0.deadline"),
        ({"follow_ups": [{"text": "", "deadline": "2018-06-30"}]}, "follow_ups.0.text"),
        ({"follow_ups": [{"text": "\x00", "deadline": "2018-06-30"}]}, "follow_ups.0.text"),
        ({"follow_ups": "x"}, "follow_ups"),
    ],
)
def test_inspection_bad_input(client, setup, change, field):
    _as(client, setup.world.coordinator)
    response = _post(client, "/api/v1/inspections", _inspection_body(setup, **change))
    assert response.status_code == 422, response.content
    assert field in response.json()["fields"]
    assert not Inspection.objects.exists()
    assert not FollowUp.objects.exists()


def test_inspection_of_a_unit_out_of_reach(client, setup):
    other = setup.world.other_province
    _as(client, setup.world.coordinator)
    response = _post(client, "/api/v1/inspections", _inspection_body(setup, unit=other.pk))
    assert response.status_code == 422
    assert "unit" in response.json()["fields"]


def test_follow_up_bad_input_and_unknown_ids(client, setup):
    w = setup.world
    inspection = actions.do_record_inspection(
        setup.plan,
        unit=w.bdv,
        held_on=date(2018, 4, 1),
        team="Đoàn 2",
        scope="Dân vận",
        follow_ups=[("Bổ sung hồ sơ", date(2018, 5, 1))],
        by=w.coordinator,
    )
    follow_up = inspection.follow_ups.get()
    _as(client, w.coordinator)
    url = f"/api/v1/inspections/{inspection.pk}/follow-ups"
    assert _post(client, url, {"text": "x", "deadline": 5}).status_code == 422
    assert _post(client, url, {"text": "\x00", "deadline": "2018-05-01"}).status_code == 422
    assert _post(client, f"/api/v1/inspections/{HUGE}/follow-ups", {}).status_code in (404, 422)
    close = f"/api/v1/follow-ups/{follow_up.pk}/close"
    for body in ({}, {"closing_note": ""}, {"closing_note": "\x00"}, {"closing_note": 3}):
        response = _post(client, close, body)
        assert response.status_code == 422, body
        assert "closing_note" in response.json()["fields"]
    response = _post(client, f"/api/v1/follow-ups/{HUGE}/close", {"closing_note": "x"})
    assert response.status_code == 404
    assert client.get(f"/api/v1/inspections/{HUGE}").status_code == 404
    assert client.get("/api/v1/inspections", {"plan": "\x00"}).status_code == 422
    follow_up.refresh_from_db()
    assert follow_up.closed_on is None


def test_inspection_list_queries_are_constant(client, setup, django_assert_num_queries):
    w = setup.world
    _as(client, w.coordinator)

    def add():
        actions.do_record_inspection(
            setup.plan,
            unit=w.bdv,
            held_on=date(2018, 4, 1),
            team="Đoàn",
            scope="Phạm vi",
            follow_ups=[("Việc", date(2018, 5, 1))],
            by=w.coordinator,
        )

    add()
    client.get("/api/v1/inspections", {"plan": "112-KH/TU"})
    with django_assert_num_queries(9):
        client.get("/api/v1/inspections", {"plan": "112-KH/TU"})
    add()
    add()
    with django_assert_num_queries(9):
        assert client.get("/api/v1/inspections", {"plan": "112-KH/TU"}).json()["count"] == 3


# Bad input on the workflow endpoints ---------------------------------------------------------


@pytest.mark.parametrize(
    ("entry", "field"),
    [
        ({"results": "a\x00b"}, "results"),
        ({"budget_spent": HUGE}, "budget_spent"),
        ({"budget_spent": 10**16}, "budget_spent"),
        ({"percent": "nhiều"}, "percent"),
        ({"percent": -1}, "percent"),
        ({"status": "done"}, "status"),
        ({"completed_on": "2018-02-30"}, "completed_on"),
        ({"shortcomings": 5}, "shortcomings"),
    ],
)
def test_patch_bad_entry_values(client, setup, report, entry, field):
    _as(client, setup.world.agency)
    body = {"version": report.version, "entries": [{"work_item": setup.item1.pk, **entry}]}
    response = client.patch(f"/api/v1/reports/{report.pk}", body, content_type=JSON)
    assert response.status_code == 422, response.content
    assert any(k.endswith(field) for k in response.json()["fields"]), response.json()
    assert report.entries.get(work_item=setup.item1).results == ""


@pytest.mark.parametrize("work_item", [HUGE, 999999, "x", None])
def test_patch_unknown_work_items(client, setup, report, work_item):
    _as(client, setup.world.agency)
    body = {"version": report.version, "entries": [{"work_item": work_item, "percent": 10}]}
    response = client.patch(f"/api/v1/reports/{report.pk}", body, content_type=JSON)
    assert response.status_code == 422
    assert response.json()["fields"]


def test_decisions_refuse_nul_bytes_and_huge_versions(client, setup, report):
    w = setup.world
    for entry in report.entries.all():
        entry.status, entry.percent, entry.results = "in_progress", 10, "Đã triển khai"
        entry.save()
    actions.do_submit_report(report, by=w.agency)
    _as(client, w.coordinator)
    url = f"/api/v1/reports/{report.pk}"
    assert _post(client, f"{url}/return", {"comment": "Sửa\x00"}).status_code == 422
    assert _post(client, f"{url}/accept", {"comment": "\x00"}).status_code == 422
    response = _post(client, f"{url}/accept", {"version": HUGE})
    assert response.status_code in (409, 422)
    report.refresh_from_db()
    assert report.state == "submitted"
    actions.do_accept_report(report, by=w.coordinator)
    assert _post(client, f"{url}/reopen", {"reason": "\x00"}).status_code == 422
    report.refresh_from_db()
    assert report.state == "accepted"

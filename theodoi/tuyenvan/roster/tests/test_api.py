"""/api/v1/tuyenvan/: roster (generate, read, edit) and boards (read)."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from theodoi.testing import make_unit
from theodoi.tuyenvan.roster.models import Board, BoardMember, RosterRound, Team, TeamMember
from theodoi.tuyenvan.roster.roster import generate_roster
from theodoi.units.models import Unit

pytestmark = pytest.mark.django_db


def post(client, url, data):
    return client.post(url, json.dumps(data), content_type="application/json")


def patch(client, url, data):
    return client.patch(url, json.dumps(data), content_type="application/json")


def test_anonymous_is_refused(client):
    assert client.get("/api/v1/tuyenvan/roster").status_code == 401


def test_create_generate_read_and_edit(client, world, officials):
    client.force_login(world.coordinator)
    response = post(
        client,
        "/api/v1/tuyenvan/roster",
        {"province": world.province.pk, "period": "quarter", "start": "2018-01"},
    )
    assert response.status_code == 201, response.content
    round_id = response.json()["id"]
    assert response.json()["status"] == "draft"
    response = client.post(f"/api/v1/tuyenvan/roster/{round_id}/generate")
    assert response.status_code == 200
    assert response.json()["entries"] > 0
    listed = client.get(f"/api/v1/tuyenvan/roster/{round_id}/entries?page_size=100").json()
    assert listed["count"] == response.json()["entries"]
    entry = next(
        e
        for e in listed["items"]
        if e["kind"] == "district" and e["district"] == world.district1.pk
    )
    assert entry["explanation"]
    other = officials["d1b"].pk if entry["official"] != officials["d1b"].pk else world.official.pk
    response = patch(
        client,
        f"/api/v1/tuyenvan/roster/{round_id}/entries/{entry['id']}",
        {"official": other, "day": entry["day"], "reason": "Đổi người dự"},
    )
    assert response.status_code == 200
    assert response.json()["entry"]["official"] == other
    assert isinstance(response.json()["warnings"], list)
    assert client.get("/api/v1/tuyenvan/roster").json()["items"][0]["id"] == round_id
    assert client.post(f"/api/v1/tuyenvan/roster/{round_id}/publish").status_code == 200


def test_bad_input_gets_field_details(client, world, officials, roster):
    client.force_login(world.coordinator)
    response = post(
        client,
        "/api/v1/tuyenvan/roster",
        {"province": world.province.pk, "period": "month", "start": "Jan 2018"},
    )
    assert response.status_code == 422
    assert "start" in response.json()["fields"]
    response = post(
        client, "/api/v1/tuyenvan/roster", {"province": world.province.pk, "period": "week"}
    )
    assert response.status_code == 422
    assert response.json()["fields"]
    response = post(
        client,
        "/api/v1/tuyenvan/roster",
        {"province": world.province.pk, "period": "month", "start": "2018-02"},
    )
    assert response.status_code == 422  # overlaps the quarter
    assert "start" in response.json()["fields"]
    entry = roster.entries.first()
    url = f"/api/v1/tuyenvan/roster/{roster.pk}/entries/{entry.pk}"
    response = patch(
        client, url, {"official": entry.official_id, "day": "2018-09-01", "reason": "x"}
    )
    assert response.status_code == 422
    assert "day" in response.json()["fields"]
    response = patch(
        client, url, {"official": world.commune.pk, "day": entry.day.isoformat(), "reason": "x"}
    )
    assert response.status_code == 422
    assert "official" in response.json()["fields"]
    response = patch(client, url, {"official": entry.official_id, "day": entry.day.isoformat()})
    assert response.status_code == 422
    assert "reason" in response.json()["fields"]


def test_impossible_generation_is_a_409_with_the_rule(client, world):
    rnd = RosterRound.objects.create(province=world.province, period="month", start="2018-01-01")
    client.force_login(world.coordinator)
    response = client.post(f"/api/v1/tuyenvan/roster/{rnd.pk}/generate")
    assert response.status_code == 409
    assert response.json()["problems"]


@pytest.mark.parametrize(
    ("persona", "read", "generate"),
    [
        ("coordinator", 200, 200),
        ("viewer", 200, 403),
        ("district", 404, 404),
        ("commune", 404, 404),
        ("outsider", 404, 404),
    ],
)
def test_roster_api_permissions_on_a_draft(client, world, roster, persona, read, generate):
    client.force_login(getattr(world, persona))
    assert client.get(f"/api/v1/tuyenvan/roster/{roster.pk}").status_code == read
    assert client.post(f"/api/v1/tuyenvan/roster/{roster.pk}/generate").status_code == generate


@pytest.mark.parametrize("persona", ["district", "commune", "official", "agency"])
def test_others_cannot_create_or_edit(client, world, roster, persona):
    client.force_login(getattr(world, persona))
    response = post(
        client,
        "/api/v1/tuyenvan/roster",
        {"province": world.province.pk, "period": "month", "start": "2018-05"},
    )
    assert response.status_code == 403
    roster.status = "published"
    roster.save()
    assert client.get(f"/api/v1/tuyenvan/roster/{roster.pk}").status_code == 200
    entry = roster.entries.first()
    response = patch(
        client,
        f"/api/v1/tuyenvan/roster/{roster.pk}/entries/{entry.pk}",
        {"official": entry.official_id, "day": entry.day.isoformat(), "reason": "x"},
    )
    assert response.status_code == 403


def test_boards_api_is_scoped_and_shows_gaps(client, world):
    b1 = Board.objects.create(unit=world.commune1a, name="Ban tuyên vận xã Một A")
    BoardMember.objects.create(board=b1, full_name="Giàng A Páo", post="head")
    Board.objects.create(unit=world.commune2a, name="Ban tuyên vận xã Hai A")
    client.force_login(world.district)
    data = client.get("/api/v1/tuyenvan/boards").json()["items"]
    assert [b["name"] for b in data] == ["Ban tuyên vận xã Một A"]
    assert data[0]["members"][0]["post"] == "head"
    assert data[0]["gaps"]
    client.force_login(world.coordinator)
    assert client.get("/api/v1/tuyenvan/boards").json()["count"] == 2
    assert client.get(f"/api/v1/tuyenvan/boards?district={world.district2.pk}").json()["count"] == 1
    assert client.get("/api/v1/tuyenvan/boards?district=abc").status_code == 422


def _boards(world, n, start=0):
    for i in range(start, start + n):
        commune = make_unit(f"Xã Q{i}", Unit.Kind.COMMUNE, world.district1)
        board = Board.objects.create(unit=commune, name=f"Ban tuyên vận xã Q{i}")
        BoardMember.objects.create(board=board, full_name=f"Người {i}", post="head")
        team = Team.objects.create(commune=commune, village_name=f"Thôn {i}")
        TeamMember.objects.create(team=team, full_name=f"Tổ viên {i}")


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.json()


def test_board_list_queries_do_not_grow_with_the_page(client, world):
    client.force_login(world.coordinator)
    _boards(world, 2)
    client.get("/api/v1/tuyenvan/boards")  # session and memberships: warm
    small, data = _queries(client, "/api/v1/tuyenvan/boards")
    assert data["count"] == 2
    _boards(world, 8, start=2)
    large, data = _queries(client, "/api/v1/tuyenvan/boards")
    assert data["count"] == 10
    assert {len(b["teams"][0]["members"]) for b in data["items"]} == {1}
    assert large == small


def test_round_lists_queries_do_not_grow(client, world, officials):
    client.force_login(world.coordinator)
    counts = []
    for month in (1, 2, 3):
        rnd = RosterRound.objects.create(
            province=world.province, period="month", start=date(2018, month, 1)
        )
        generate_roster(rnd)
        client.get("/api/v1/tuyenvan/roster")
        rounds, data = _queries(client, "/api/v1/tuyenvan/roster")
        assert data["count"] == month
        entries, data = _queries(client, f"/api/v1/tuyenvan/roster/{rnd.pk}/entries")
        assert data["count"] == rnd.entries.count() > 0
        counts.append((rounds, entries))
    assert counts[0] == counts[-1]

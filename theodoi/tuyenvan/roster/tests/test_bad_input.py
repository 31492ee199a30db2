"""The holes the outside probe found in the roster, each closed at its root.

Bad input anywhere gets a message at the field (pages) or a JSON error naming
the field (API), never a 500 and nothing half-written; every write goes through
one ``do_*`` action, in a transaction, attributed (who, when, why). These run on
PostgreSQL too (``DATABASE_URL=postgres://…``), where a NUL character in a text
used to reach the database and answer 500.
"""

from __future__ import annotations

import json
from datetime import date
from unittest import mock

import pytest
from django.conf import settings
from django.utils import translation

from theodoi.core.models import ApiToken
from theodoi.testing import make_unit
from theodoi.tuyenvan.roster.models import (
    Board,
    BoardMember,
    ConferenceDate,
    RosterRound,
    Unavailability,
)
from theodoi.units.models import Unit

pytestmark = pytest.mark.django_db

NUL = "Họp\x00 đột xuất"


def said(text):
    """``text`` as the history keeps it: in the site's language."""
    with translation.override(settings.LANGUAGE_CODE):
        return translation.gettext(text)


def send(client, method, url, data, **kwargs):
    return getattr(client, method)(url, json.dumps(data), content_type="application/json", **kwargs)


def bearer(user):
    _token, key = ApiToken.issue(user)
    return {"Authorization": f"Bearer {key}"}


def _entry(roster):
    return roster.entries.select_related("commune").filter(kind="district").first()


# A NUL character in roster texts ------------------------------------------------------


def test_nul_in_an_assignments_reason_is_a_field_error(client, world, officials, roster):
    entry = _entry(roster)
    client.force_login(world.coordinator)
    url = f"/api/v1/tuyenvan/roster/{roster.pk}/entries/{entry.pk}"
    payload = {"official": entry.official_id, "day": entry.day.isoformat(), "reason": NUL}
    response = send(client, "patch", url, payload)
    assert response.status_code == 422
    assert "reason" in response.json()["fields"]
    entry.refresh_from_db()
    assert entry.edit_reason == ""
    # The page: the form's message at the field, nothing saved.
    page = client.post(
        f"/tuyenvan/people/roster/{roster.pk}/entries/{entry.pk}/",
        {"official": entry.official_id, "day": entry.day.isoformat(), "reason": NUL},
    )
    assert page.status_code == 200
    assert page.context["form"].errors["reason"]
    entry.refresh_from_db()
    assert entry.edit_reason == ""


def test_nul_in_a_rounds_note_and_an_unavailabilitys_reason(client, world, officials, roster):
    client.force_login(world.coordinator)
    response = send(client, "patch", f"/api/v1/tuyenvan/roster/{roster.pk}", {"note": NUL})
    assert response.status_code == 422
    assert "note" in response.json()["fields"]
    response = send(
        client,
        "post",
        "/api/v1/tuyenvan/roster",
        {"province": world.province.pk, "period": "month", "start": "2018-06", "note": NUL},
    )
    assert response.status_code == 422
    assert "note" in response.json()["fields"]
    response = send(
        client,
        "post",
        f"/api/v1/tuyenvan/roster/{roster.pk}/unavailability",
        {"official": world.official.pk, "start": "2018-02-01", "end": "2018-02-02", "reason": NUL},
    )
    assert response.status_code == 422
    assert "reason" in response.json()["fields"]
    response = send(
        client,
        "post",
        f"/api/v1/tuyenvan/roster/{roster.pk}/entries",
        {
            "commune": world.commune1a.pk,
            "official": world.official.pk,
            "day": "2018-02-10",
            "reason": NUL,
        },
    )
    assert response.status_code == 422
    assert "reason" in response.json()["fields"]
    roster.refresh_from_db()
    assert roster.note == ""
    assert RosterRound.objects.count() == 1
    assert not Unavailability.objects.exists()


def test_a_reason_longer_than_the_history_keeps_is_refused(client, world, officials, roster):
    entry = _entry(roster)
    client.force_login(world.coordinator)
    url = f"/api/v1/tuyenvan/roster/{roster.pk}/entries/{entry.pk}"
    payload = {"official": entry.official_id, "day": entry.day.isoformat(), "reason": "x" * 101}
    response = send(client, "patch", url, payload)
    assert response.status_code == 422
    assert "reason" in response.json()["fields"]


# Bodies that are not objects; lists without end ---------------------------------------


@pytest.mark.parametrize("body", [[None, None], [], None, "x", 3])
def test_a_patch_body_must_be_an_object(client, world, officials, roster, body):
    client.force_login(world.coordinator)
    before = roster.history.count()
    response = send(client, "patch", f"/api/v1/tuyenvan/roster/{roster.pk}", body)
    assert response.status_code == 422
    assert list(response.json()["fields"]) == ["body"]
    assert roster.history.count() == before  # nothing changed


def test_conference_dates_are_capped_in_the_schema(client, world, officials, roster):
    client.force_login(world.coordinator)
    url = f"/api/v1/tuyenvan/roster/{roster.pk}/dates"
    rows = [{"commune": world.commune1a.pk, "day": "2018-01-20"}] * 50_000
    response = send(client, "put", url, rows)
    assert response.status_code == 422
    assert list(response.json()["fields"]) == ["dates"]
    assert "1000" in response.json()["fields"]["dates"]  # "Send at most 1000 items."
    assert not ConferenceDate.objects.filter(commune=world.commune1a, day="2018-01-20").exists()
    schema = client.get("/api/openapi.json").json()
    operation = schema["paths"]["/api/v1/tuyenvan/roster/{round_id}/dates"]["put"]
    body = operation["requestBody"]["content"]["application/json"]["schema"]
    assert body["maxItems"] == 1000


# Ids no database can hold -------------------------------------------------------------


@pytest.mark.parametrize("district", ["³", "18446744073709551616", "99999999999999999999999"])
def test_boards_with_a_district_that_is_not_an_id(client, world, district):
    Board.objects.create(unit=world.commune1a, name="Ban tuyên vận xã Một A")
    client.force_login(world.coordinator)
    response = client.get("/api/v1/tuyenvan/boards", {"district": district})
    assert response.status_code == 422
    assert "district" in response.json()["fields"]
    assert client.get("/tuyenvan/people/boards/", {"district": district}).status_code == 404


# One action per write, in a transaction, attributed -----------------------------------


def test_unavailability_through_the_api_is_attributed(client, world, officials, roster):
    url = f"/api/v1/tuyenvan/roster/{roster.pk}/unavailability"
    response = send(
        client,
        "post",
        url,
        {"official": world.official.pk, "start": "2018-02-01", "end": "2018-02-02"},
        headers=bearer(world.coordinator),
    )
    assert response.status_code == 201, response.content
    record = Unavailability.history.get(id=response.json()["id"])
    assert record.history_user == world.coordinator
    assert record.history_change_reason == said("Unavailable dates declared")
    response = client.delete(f"{url}/{response.json()['id']}", headers=bearer(world.coordinator))
    assert response.status_code == 204
    removed = Unavailability.history.filter(history_type="-").get()
    assert removed.history_user == world.coordinator
    assert removed.history_change_reason == said("Unavailable dates removed")


def test_unavailability_on_the_pages_is_attributed(client, world, officials, roster):
    client.force_login(world.coordinator)
    client.post(
        f"/tuyenvan/people/roster/{roster.pk}/unavailability/",
        {"user": world.official.pk, "start": "2018-02-01", "end": "2018-02-02", "reason": "Họp"},
    )
    client.force_login(world.official)
    client.post(
        "/tuyenvan/people/roster/mine/",
        {"start": "2018-03-01", "end": "2018-03-02", "reason": "Ốm"},
    )
    records = Unavailability.history.order_by("history_date")
    assert [(r.history_user, r.history_change_reason) for r in records] == [
        (world.coordinator, said("Unavailable dates declared")),
        (world.official, said("Unavailable dates declared")),
    ]


def test_conference_dates_are_set_one_way(client, world, officials, roster):
    """Page and API set a conference day through one action: the same history."""
    month = date(2018, 1, 1)
    client.force_login(world.coordinator)
    client.get(f"/tuyenvan/people/roster/{roster.pk}/dates/?district={world.district1.pk}")
    data = {
        f"d-{c.commune_id}-{c.month:%Y%m}": c.day.isoformat()
        for c in ConferenceDate.objects.filter(commune__parent=world.district1)
    }
    data[f"d-{world.commune1a.pk}-{month:%Y%m}"] = "2018-01-22"
    page = client.post(
        f"/tuyenvan/people/roster/{roster.pk}/dates/?district={world.district1.pk}", data
    )
    assert page.status_code == 302
    client.logout()
    response = send(
        client,
        "put",
        f"/api/v1/tuyenvan/roster/{roster.pk}/dates",
        [{"commune": world.commune1b.pk, "day": "2018-01-23"}],
        headers=bearer(world.coordinator),
    )
    assert response.status_code == 200, response.content
    records = ConferenceDate.history.filter(history_type="~").order_by("history_date")
    assert [(r.commune_id, r.day, r.history_user, r.history_change_reason) for r in records] == [
        (world.commune1a.pk, date(2018, 1, 22), world.coordinator, said("Conference date set")),
        (world.commune1b.pk, date(2018, 1, 23), world.coordinator, said("Conference date set")),
    ]
    # A commune with no day yet (set up after the roster): created by the same action.
    new = make_unit("Xã Một D", Unit.Kind.COMMUNE, world.district1)
    response = send(
        client,
        "put",
        f"/api/v1/tuyenvan/roster/{roster.pk}/dates",
        [{"commune": new.pk, "day": "2018-02-14"}],
        headers=bearer(world.coordinator),
    )
    assert response.status_code == 200, response.content
    created = ConferenceDate.history.get(commune_id=new.pk)
    assert (created.history_user, created.history_change_reason) == (
        world.coordinator,
        said("Conference date set"),
    )


def test_a_board_and_its_formsets_are_saved_all_or_nothing(client, world):
    board = Board.objects.create(unit=world.district1, name="Ban tuyên vận huyện")
    client.force_login(world.district)
    data = {
        "name": "Ban tuyên vận huyện ủy Một",
        "established_on": "",
        "note": "",
        "reason": "Kiện toàn",
        "members-TOTAL_FORMS": "1",
        "members-INITIAL_FORMS": "0",
        "members-0-full_name": "Giàng A Páo",
        "members-0-post": "head",
        "members-0-position": "1",
        "rules-TOTAL_FORMS": "0",
        "rules-INITIAL_FORMS": "0",
    }
    failing = mock.patch.object(BoardMember, "save", side_effect=RuntimeError("disk full"))
    with failing, pytest.raises(RuntimeError):
        client.post(f"/tuyenvan/people/boards/{board.pk}/edit/", data)
    board.refresh_from_db()
    assert board.name == "Ban tuyên vận huyện"  # the board's own form rolled back too
    assert not BoardMember.objects.exists()
    response = client.post(f"/tuyenvan/people/boards/{board.pk}/edit/", data)
    assert response.status_code == 302
    member = BoardMember.history.get()
    assert (member.history_user, member.history_change_reason) == (world.district, "Kiện toàn")

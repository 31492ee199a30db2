"""permissions.roster's access helpers, role by role: the object for those it reaches,
404 for those who may not see it (outside reach, or a draft not shown to them), 403 for
those who see it but may not do the action. Pages and the API answer the same."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from theodoi.permissions import roster as access
from theodoi.testing import make_roster_entry
from theodoi.tuyenvan.roster.models import (
    Board,
    OfficialProfile,
    RulesDocument,
    Team,
    Unavailability,
)

pytestmark = pytest.mark.django_db

PERSONAS = ["coordinator", "viewer", "admin", "district", "commune", "official", "agency"]
PERSONAS += ["outsider"]


def outcome(call, *args, **kwargs):
    try:
        obj = call(*args, **kwargs)
    except Http404:
        return 404
    except PermissionDenied:
        return 403
    return obj


def answers(world, helper, pk, action, **kwargs):
    """Each persona's answer: "ok" when the helper returned the object ``pk``."""
    result = {}
    for persona in PERSONAS:
        got = outcome(helper, getattr(world, persona), pk, action, **kwargs)
        result[persona] = "ok" if getattr(got, "pk", None) == pk else got
    return result


@pytest.fixture
def entry(world):
    return make_roster_entry(
        world.province, world.commune1a, world.official, date(2018, 3, 10), published=False
    )


@pytest.fixture
def board(world):
    return Board.objects.create(unit=world.commune1a, name="Ban tuyên vận xã Một A")


def test_access_round_draft(world, entry):
    rnd = entry.round
    assert answers(world, access.access_round, rnd.pk, "view") == {
        "coordinator": "ok",
        "viewer": "ok",
        "admin": "ok",
        "district": 404,
        "commune": 404,
        "official": 404,
        "agency": 404,
        "outsider": 404,
    }
    assert answers(world, access.access_round, rnd.pk, "change") == {
        "coordinator": "ok",
        "viewer": 403,
        "admin": 403,
        "district": 404,
        "commune": 404,
        "official": 404,
        "agency": 404,
        "outsider": 404,
    }


def test_access_round_published(world, entry):
    rnd = entry.round
    rnd.status = "published"
    rnd.save()
    view = answers(world, access.access_round, rnd.pk, "view")
    assert view == {**dict.fromkeys(PERSONAS, "ok"), "outsider": 404}
    change = answers(world, access.access_round, rnd.pk, "change")
    assert change == {**dict.fromkeys(PERSONAS, 403), "coordinator": "ok", "outsider": 404}


def test_access_roster_entry(world, entry):
    assert answers(world, access.access_roster_entry, entry.pk, "view") == answers(
        world, access.access_round, entry.round_id, "view"
    )
    change = answers(world, access.access_roster_entry, entry.pk, "change")
    assert change["coordinator"] == "ok"
    assert change["viewer"] == 403
    assert change["official"] == 404 and change["outsider"] == 404
    # An entry asked for under another round is not found.
    other = make_roster_entry(world.province, world.commune1b, world.official, date(2018, 5, 3))
    got = outcome(
        access.access_roster_entry, world.coordinator, entry.pk, "change", round_id=other.round_id
    )
    assert got == 404


@pytest.mark.parametrize("helper", ["board", "rules", "team"])
def test_access_board_team_and_rules(world, board, helper):
    if helper == "board":
        call, pk = access.access_board, board.pk
    elif helper == "rules":
        call = access.access_rules_document
        pk = RulesDocument.objects.create(
            board=board, number="01-QC", issued_on=date(2018, 1, 2)
        ).pk
    else:
        call, pk = access.access_team, Team.objects.create(commune=world.commune1a).pk
    assert answers(world, call, pk, "view") == {
        "coordinator": "ok",
        "viewer": "ok",
        "admin": "ok",
        "district": "ok",
        "commune": "ok",
        "official": "ok",  # an official of district 1 reads its communes' boards
        "agency": 404,  # the Ban Dân vận reaches only itself
        "outsider": 404,
    }
    if helper != "rules":
        assert answers(world, call, pk, "change") == {
            "coordinator": "ok",
            "viewer": 403,
            "admin": 403,
            "district": "ok",
            "commune": "ok",
            "official": 403,
            "agency": 404,
            "outsider": 404,
        }


def test_access_board_of_another_commune(world):
    other = Board.objects.create(unit=world.commune2a, name="Ban tuyên vận xã Hai A")
    change = answers(world, access.access_board, other.pk, "change")
    assert change["coordinator"] == "ok"
    assert change["district"] == 404  # district 2 is not the scorer's district
    assert change["commune"] == 404


def test_access_board_unit(world):
    got = answers(world, access.access_board_unit, world.commune1a.pk, "add")
    assert got == {
        "coordinator": "ok",
        "viewer": 403,
        "admin": 403,
        "district": "ok",
        "commune": "ok",
        "official": 403,
        "agency": 404,
        "outsider": 404,
    }
    # Only districts and communes have boards.
    assert outcome(access.access_board_unit, world.coordinator, world.btg.pk, "add") == 404


def test_access_official_profile(world):
    profile = OfficialProfile.objects.create(user=world.official)
    assert answers(world, access.access_official_profile, profile.pk, "view") == {
        "coordinator": "ok",
        "viewer": "ok",
        "admin": "ok",
        "district": 404,
        "commune": 404,
        "official": "ok",  # its own
        "agency": 404,
        "outsider": 404,
    }
    change = answers(world, access.access_official_profile, profile.pk, "change")
    assert change == {
        "coordinator": "ok",
        "viewer": 403,
        "admin": 403,
        "district": 404,
        "commune": 404,
        "official": 403,
        "agency": 404,
        "outsider": 404,
    }


def test_access_unavailability(world):
    item = Unavailability.objects.create(
        user=world.official, start=date(2018, 3, 1), end=date(2018, 3, 2)
    )
    view = answers(world, access.access_unavailability, item.pk, "view")
    delete = answers(world, access.access_unavailability, item.pk, "delete")
    assert view == {
        "coordinator": "ok",
        "viewer": "ok",
        "admin": "ok",
        "district": 404,
        "commune": 404,
        "official": "ok",
        "agency": 404,
        "outsider": 404,
    }
    assert delete == {**view, "viewer": 403, "admin": 403}


@pytest.mark.parametrize("pk", ["³", "18446744073709551616", "0", "-1", "1.0", ""])
def test_access_helpers_refuse_what_is_not_an_id(world, pk):
    for helper in (access.access_round, access.access_board, access.access_team):
        assert outcome(helper, world.coordinator, pk) == 404


def test_page_and_api_answer_alike(client, world, entry):
    """The same request answers the same status on the page and through the API."""
    rnd = entry.round
    for persona, status in [("viewer", 403), ("district", 404), ("outsider", 404)]:
        client.force_login(getattr(world, persona))
        page = client.get(f"/tuyenvan/people/roster/{rnd.pk}/settings/")
        api = client.get(f"/api/v1/tuyenvan/roster/{rnd.pk}/unavailability")
        assert (page.status_code, api.status_code) == (status, status), persona
        page = client.get(f"/tuyenvan/people/roster/{rnd.pk}/entries/{entry.pk}/")
        api = client.patch(
            f"/api/v1/tuyenvan/roster/{rnd.pk}/entries/{entry.pk}",
            {"official": world.official.pk, "day": "2018-03-11", "reason": "Đổi"},
            content_type="application/json",
        )
        assert (page.status_code, api.status_code) == (status, status), persona


@pytest.mark.parametrize(
    "perm",
    [
        "view_rosterround",
        "change_rosterround",
        "view_rosterentry",
        "change_rosterentry",
        "view_officialprofile",
        "change_officialprofile",
        "view_unavailability",
        "delete_unavailability",
        "view_board",
        "change_board",
        "add_board",
        "view_team",
        "change_team",
    ],
)
def test_rules_answer_without_an_object(world, perm):
    """The admin's changelists ask with no object: an answer from the roles, not a 500."""
    assert world.outsider.has_perm(f"tuyenvan_people.{perm}") in (True, False)
    assert not world.agency.has_perm(f"tuyenvan_people.{perm}") or perm.startswith("view_")


def test_admin_changelists_of_rounds_and_boards_answer(client, world):
    client.force_login(world.admin)
    for model in ("board", "rosterround"):
        response = client.get(f"/admin/tuyenvan_people/{model}/")
        assert response.status_code < 500, model

"""The boards registry: gap flags, pages, edits and who may make them."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from theodoi.core import clock
from theodoi.testing import make_unit
from theodoi.tuyenvan.roster.models import Board, BoardMember, RulesDocument, Team, TeamMember
from theodoi.units.models import Unit

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr("django.conf.settings.THEODOI_TODAY", "2018-07-15")


def make_board(unit, *, deputy=True, rules_year=2018, teams=("Thôn 1",), empty=()):
    board = Board.objects.create(unit=unit, name=f"Ban tuyên vận {unit.name}")
    BoardMember.objects.create(
        board=board, full_name="Giàng A Páo", post="head", title="Bí thư Đảng ủy"
    )
    if deputy:
        BoardMember.objects.create(board=board, full_name="Lù Thị Dung", post="full_time_deputy")
    if rules_year:
        RulesDocument.objects.create(
            board=board, number="01-QC/ĐU", issued_on=date(rules_year, 2, 1)
        )
    for name in teams:
        team = Team.objects.create(commune=unit, village_name=name)
        TeamMember.objects.create(team=team, full_name="Sùng A Chứ", post="leader")
    for name in empty:
        Team.objects.create(commune=unit, village_name=name)
    return board


def gaps_of(board):
    return Board.objects.with_gaps().get(pk=board.pk).gap_labels(date(2018, 7, 15))


def test_a_complete_board_has_no_gap(world):
    assert gaps_of(make_board(world.commune1a)) == []


def test_gaps_are_flagged(world):
    board = make_board(world.commune1a, deputy=False, rules_year=2016, empty=("Bản Mới", "Bản Cũ"))
    assert len(gaps_of(board)) == 3
    text = " ".join(gaps_of(board))
    assert "2016" in text and "2" in text
    assert gaps_of(make_board(world.commune1b, rules_year=None)) != []


def test_rules_of_the_current_year_come_from_the_domain_clock(world):
    assert clock.today() == date(2018, 7, 15)
    board = make_board(world.commune1a, rules_year=2018)
    assert Board.objects.with_gaps().get(pk=board.pk).gap_labels(date(2019, 1, 2))


@pytest.mark.parametrize(
    ("persona", "view", "edit"),
    [
        ("coordinator", 200, 200),
        ("district", 200, 200),
        ("commune", 200, 200),
        ("viewer", 200, 403),
        ("admin", 200, 403),
        ("official", 200, 403),
        ("agency", 404, 404),  # outside its reach: not told the board exists
        ("outsider", 404, 404),
    ],
)
def test_board_access_by_role(client, world, persona, view, edit):
    board = make_board(world.commune1a)
    client.force_login(getattr(world, persona))
    assert client.get(f"/tuyenvan/people/boards/{board.pk}/").status_code == view
    assert client.get(f"/tuyenvan/people/boards/{board.pk}/edit/").status_code == edit


@pytest.mark.parametrize("persona", ["district", "commune"])
def test_lower_levels_cannot_edit_outside_their_reach(client, world, persona):
    other = make_board(world.commune2a)
    client.force_login(getattr(world, persona))
    assert client.get(f"/tuyenvan/people/boards/{other.pk}/edit/").status_code == 404
    assert client.post(f"/tuyenvan/people/boards/new/{world.commune2a.pk}/").status_code == 404


def test_commune_reporter_cannot_edit_the_district_board(client, world):
    board = make_board(world.district1, teams=())
    client.force_login(world.commune)
    assert client.get(f"/tuyenvan/people/boards/{board.pk}/edit/").status_code == 404


def _formset(prefix, rows, initial=0):
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"{prefix}-{i}-{key}"] = value
    return data


def test_commune_reporter_registers_and_fills_its_board(client, world):
    client.force_login(world.commune)
    response = client.post(f"/tuyenvan/people/boards/new/{world.commune1a.pk}/")
    board = Board.objects.get(unit=world.commune1a)
    assert response["Location"] == f"/tuyenvan/people/boards/{board.pk}/edit/"
    data = {
        "name": "Ban tuyên vận xã Một A",
        "established_on": "2016-10-26",
        "note": "",
        "reason": "Kiện toàn đầu năm",
        **_formset(
            "members",
            [
                {
                    "full_name": "Giàng A Páo",
                    "post": "head",
                    "title": "Bí thư Đảng ủy xã",
                    "position": "1",
                },
                {"full_name": "Lù Thị Dung", "post": "full_time_deputy", "position": "2"},
            ],
        ),
        **_formset(
            "rules", [{"number": "02-QC/ĐU", "issued_on": "2018-01-10", "title": "Quy chế"}]
        ),
        **_formset("teams", [{"village_name": "Thôn Nậm Chạc"}, {"village_name": "Bản Lầu"}]),
    }
    response = client.post(f"/tuyenvan/people/boards/{board.pk}/edit/", data)
    assert response.status_code == 302, response.context and [
        f.errors for f in (response.context["members"], response.context["rules_docs"])
    ]
    assert board.members.count() == 2
    assert Team.objects.filter(commune=world.commune1a).count() == 2
    assert BoardMember.history.filter(board_id=board.pk).first().history_change_reason == (
        "Kiện toàn đầu năm"
    )
    assert gaps_of(board) == [gaps_of(board)[0]]  # two empty teams left
    team = Team.objects.get(village_name="Bản Lầu")
    response = client.post(
        f"/tuyenvan/people/teams/{team.pk}/",
        _formset(
            "members", [{"full_name": "Sùng A Chứ", "post": "leader", "title": "Bí thư chi bộ"}]
        ),
    )
    assert response.status_code == 302
    page = client.get(f"/tuyenvan/people/boards/{board.pk}/").content.decode()
    assert "Kiện toàn đầu năm" in page and "Sùng A Chứ" in page


def test_invalid_member_rows_are_shown_not_saved(client, world):
    board = make_board(world.commune1a)
    client.force_login(world.coordinator)
    data = {
        "name": "",
        **_formset("members", [{"full_name": "", "post": "boss"}]),
        **_formset("rules", []),
        **_formset("teams", []),
    }
    response = client.post(f"/tuyenvan/people/boards/{board.pk}/edit/", data)
    assert response.status_code == 200
    assert response.context["form"].errors["name"]
    assert board.members.count() == 2


def test_a_forged_row_count_is_a_formset_error_not_thousands_of_forms(client, world):
    board = make_board(world.commune1a)
    client.force_login(world.coordinator)
    data = {
        "name": board.name,
        **_formset("members", []),
        **_formset("rules", []),
        **_formset("teams", []),
        "members-TOTAL_FORMS": "999999999",
    }
    response = client.post(f"/tuyenvan/people/boards/{board.pk}/edit/", data)
    assert response.status_code == 200
    assert response.context["members"].non_form_errors()
    assert len(response.context["members"].forms) <= 300
    assert board.members.count() == 2


@pytest.mark.parametrize("reason", ["x" * 101, "a\x00b"])
def test_a_reason_the_history_cannot_hold_is_a_field_error(client, world, reason):
    board = make_board(world.commune1a)
    client.force_login(world.coordinator)
    data = {
        "name": "Tên mới",
        "reason": reason,
        **_formset("members", []),
        **_formset("rules", []),
        **_formset("teams", []),
    }
    response = client.post(f"/tuyenvan/people/boards/{board.pk}/edit/", data)
    assert response.status_code == 200
    assert 'id="id_reason_error"' in response.content.decode()
    board.refresh_from_db()
    assert board.name != "Tên mới"


@pytest.mark.parametrize("persona", ["coordinator", "viewer", "district", "commune"])
def test_registry_pages(client, world, persona):
    make_board(world.district1, teams=())
    make_board(world.commune1a, deputy=False)
    client.force_login(getattr(world, persona))
    summary = client.get("/tuyenvan/people/boards/")
    assert summary.status_code == 200
    page = client.get(f"/tuyenvan/people/boards/?district={world.district1.pk}")
    if persona == "commune":
        assert page.status_code == 404  # a commune reporter has no district in reach
        return
    assert page.status_code == 200
    rows = {r["unit"].pk: r for r in page.context["rows"]}
    assert rows[world.commune1a.pk]["gaps"]
    assert rows[world.commune1b.pk]["board"] is None


def test_registry_queries_do_not_grow(client, world):
    client.force_login(world.coordinator)
    counts = []
    for n in (2, 8):
        for i in range(n):
            unit = make_unit(f"Xã thêm {n}-{i}", Unit.Kind.COMMUNE, world.district1)
            make_board(unit, empty=("Bản trống",))
        with CaptureQueriesContext(connection) as ctx:
            assert (
                client.get(f"/tuyenvan/people/boards/?district={world.district1.pk}").status_code
                == 200
            )
        counts.append(len(ctx))
    assert counts[0] == counts[1]

"""Attending officials come from the published roster (theodoi.tuyenvan.roster)."""

from datetime import date

import pytest

from theodoi.testing import make_criteria_set, make_roster_entry, make_user
from theodoi.tuyenvan import actions
from theodoi.tuyenvan.models import Meeting, ScoreSheet
from theodoi.units.models import Membership

from .helpers import MONTH, hold_meeting

pytestmark = pytest.mark.django_db
API = "/api/v1/tuyenvan"
MEETING = "/tuyenvan/communes/{pk}/2018-03/meeting/"


@pytest.fixture
def tv(world, monkeypatch):
    monkeypatch.setattr("django.conf.settings.THEODOI_TODAY", "2018-04-02")
    make_criteria_set(world)
    # A provincial official of BTG: not a member of any of the commune's
    # ancestors, so only the roster makes them a choice for the commune.
    world.provincial = make_user(
        "official.btg1",
        Membership.Role.OFFICIAL,
        world.btg,
        first_name="Lò Thị",
        last_name="Mai",
    )
    make_roster_entry(world.province, world.commune1a, world.provincial, date(2018, 3, 12))
    return world


def meeting_form(**extra):
    return {
        "held_on": "2018-03-12",
        "place": "Hội trường UBND xã",
        "chair": "Bí thư Đảng ủy",
        "topics": "Hướng dẫn tuyên truyền tháng 3",
        "participants": "40",
        **extra,
    }


def test_the_roster_proposes_and_the_meeting_records(tv):
    assert actions.roster_officials(tv.commune1a, MONTH) == [tv.provincial]
    assert actions.roster_officials(tv.commune1b, MONTH) == []
    assert actions.roster_officials(tv.commune1a, date(2018, 4, 1)) == []
    choices = list(actions.attending_choices(tv.commune1a, MONTH))
    assert choices[0] == tv.provincial and choices[0].on_roster
    assert tv.official in choices and not choices[1].on_roster
    # A new record without a list takes the roster's officials.
    meeting = hold_meeting(tv.commune1a, tv.commune)
    assert list(meeting.attending_officials.all()) == [tv.provincial]
    # Saving it again without a list keeps what the commune recorded.
    actions.do_save_meeting(tv.commune1a, MONTH, {"participants": 41}, by=tv.commune)
    assert list(meeting.attending_officials.all()) == [tv.provincial]


def test_a_draft_roster_proposes_nothing(tv, world):
    make_roster_entry(
        world.province, world.commune1b, world.official, date(2018, 5, 9), published=False
    )
    assert actions.roster_officials(world.commune1b, date(2018, 5, 1)) == []


def test_the_form_ticks_the_roster_officials_first_and_the_commune_can_change_them(client, tv):
    client.force_login(tv.commune)
    url = MEETING.format(pk=tv.commune1a.pk)
    page = client.get(url).content.decode()
    assert page.index("Lò Thị Mai") < page.index(f'value="{tv.official.pk}"')
    ticked = f'value="{tv.provincial.pk}"'
    assert ticked in page
    line = next(li for li in page.split("<input") if ticked in li)
    assert "checked" in line
    # The commune records who actually came: the roster official and another.
    response = client.post(url, meeting_form(officials=[tv.provincial.pk, tv.official.pk]))
    assert response.status_code == 302
    meeting = Meeting.objects.get(commune=tv.commune1a, month=MONTH)
    assert set(meeting.attending_officials.all()) == {tv.provincial, tv.official}
    # ... or unticks the roster official who did not come.
    client.post(url, meeting_form(officials=[tv.official.pk]))
    assert list(meeting.attending_officials.all()) == [tv.official]
    # An official of another province is not a choice.
    stranger = make_user("stranger", Membership.Role.OFFICIAL, tv.other_province)
    response = client.post(url, meeting_form(officials=[stranger.pk]))
    assert response.status_code == 200
    assert list(meeting.attending_officials.all()) == [tv.official]


def test_the_api_takes_the_roster_when_officials_are_omitted(client, tv):
    client.force_login(tv.commune)
    payload = {
        "commune": tv.commune1a.pk,
        "month": "2018-03",
        "held_on": "2018-03-12",
        "place": "Hội trường xã",
        "chair": "Bí thư",
        "topics": "Hướng dẫn tuyên truyền tháng 3",
        "participants": 45,
    }
    response = client.post(f"{API}/meetings", payload, content_type="application/json")
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["officials"] == [tv.provincial.pk]
    # The roster's provincial official may be named explicitly too.
    response = client.put(
        f"{API}/meetings/{created['id']}",
        {**payload, "officials": [tv.provincial.pk, tv.official.pk]},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert sorted(response.json()["officials"]) == sorted([tv.provincial.pk, tv.official.pk])


def test_the_attending_official_finds_the_sheet_in_my_assignments(client, tv):
    client.force_login(tv.provincial)
    page = client.get("/tuyenvan/people/roster/mine/").content.decode()
    sheet_url = f"/tuyenvan/communes/{tv.commune1a.pk}/2018-03/sheet/official/"
    assert "Xã Một A" in page and sheet_url not in page  # not recorded yet
    assert client.get(sheet_url).status_code in (403, 404)  # out of reach
    hold_meeting(tv.commune1a, tv.commune)
    page = client.get("/tuyenvan/people/roster/mine/").content.decode()
    assert sheet_url in page
    assert client.get(sheet_url).status_code == 200
    # The meeting, not the roster, grants access: untick them and the link goes.
    actions.do_save_meeting(tv.commune1a, MONTH, {}, by=tv.commune, officials=[])
    page = client.get("/tuyenvan/people/roster/mine/").content.decode()
    assert sheet_url not in page
    assert client.get(sheet_url).status_code in (403, 404)  # out of reach
    assert not ScoreSheet.objects.exists()


def test_my_assignments_uses_a_constant_number_of_queries(
    client, tv, django_assert_max_num_queries
):
    hold_meeting(tv.commune1a, tv.commune)
    client.force_login(tv.provincial)
    with django_assert_max_num_queries(12) as small:
        client.get("/tuyenvan/people/roster/mine/")
    for i, commune in enumerate([tv.commune1b, tv.commune2a]):
        make_roster_entry(tv.province, commune, tv.provincial, date(2018, 3, 14 + i))
        hold_meeting(commune, tv.commune)
    with django_assert_max_num_queries(len(small.captured_queries)):
        page = client.get("/tuyenvan/people/roster/mine/").content.decode()
    assert page.count("/sheet/official/") == 3


def test_the_bulk_read_matches_the_one_by_one_rule(tv, django_assert_num_queries):
    make_roster_entry(tv.province, tv.commune1a, tv.official, date(2018, 3, 12))
    make_roster_entry(tv.province, tv.commune2a, tv.official, date(2018, 4, 3))
    make_roster_entry(tv.province, tv.commune1b, tv.official, date(2018, 5, 3), published=False)
    communes = [tv.commune1a, tv.commune1b, tv.commune2a]
    with django_assert_num_queries(1):
        found = actions.roster_officials_by_month(communes, MONTH, date(2018, 5, 1))
    for commune in communes:
        for month in (MONTH, date(2018, 4, 1), date(2018, 5, 1)):
            expected = [u.pk for u in actions.roster_officials(commune, month)]
            assert found.get((commune.pk, month), []) == expected

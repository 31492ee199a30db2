"""Adding assignments by hand, changing a draft round's rules, and the API for
unavailable dates and conference dates (the round's coordinators only)."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from theodoi.tuyenvan.roster.models import (
    ConferenceDate,
    RosterEntry,
    RosterRound,
    Unavailability,
)

pytestmark = pytest.mark.django_db


def send(client, method, url, data):
    return getattr(client, method)(url, json.dumps(data), content_type="application/json")


def _free_conference(roster, kind):
    """A conference of the round without an official of ``kind`` (made free by
    removing one assignment)."""
    entry = roster.entries.filter(kind=kind).select_related("commune").first()
    commune, day, official = entry.commune, entry.day, entry.official
    entry.delete()
    return commune, day, official


# Adding an assignment by hand --------------------------------------------------------


def test_coordinator_adds_an_assignment_on_the_page(client, world, officials, roster):
    commune, day, official = _free_conference(roster, "district")
    client.force_login(world.coordinator)
    url = f"/tuyenvan/people/roster/{roster.pk}/entries/new/"
    page = client.get(url)
    assert page.status_code == 200
    assert "Xã Một C" in page.content.decode()
    data = {"commune": commune.pk, "official": official.pk, "day": day.isoformat()}
    # The reason is required: nothing saved without it.
    response = client.post(url, data)
    assert response.status_code == 422
    assert response.context["form"].errors["reason"]
    assert not roster.entries.filter(commune=commune, kind="district", day=day).exists()
    response = client.post(url, {**data, "reason": "Bổ sung người dự"})
    assert response.status_code == 302
    entry = roster.entries.get(commune=commune, kind="district", day=day)
    assert entry.official == official
    assert entry.edited_by == world.coordinator
    assert entry.edit_reason == "Bổ sung người dự"
    record = entry.history.get()
    assert record.history_change_reason == "Bổ sung người dự"
    assert record.history_user == world.coordinator
    # A second district official at the same conference is refused, next to the field.
    response = client.post(url, {**data, "reason": "Thêm nữa"})
    assert response.status_code == 422
    assert response.context["form"].errors["commune"]


def test_added_assignment_that_breaks_a_rule_is_kept_with_a_warning(
    client, world, officials, roster
):
    commune, day, _official = _free_conference(roster, "district")
    # An official of another district: allowed by hand, but the rule is reported.
    other = officials["d2a"] if commune.parent_id == world.district1.pk else world.official
    client.force_login(world.coordinator)
    response = client.post(
        f"/tuyenvan/people/roster/{roster.pk}/entries/new/",
        {
            "commune": commune.pk,
            "official": other.pk,
            "day": day.isoformat(),
            "reason": "Thiếu người",
        },
        follow=True,
    )
    assert response.status_code == 200
    warnings = [m.message for m in response.context["messages"] if m.level_tag == "warning"]
    assert any("another district" in w or "huyện khác" in w for w in warnings), warnings
    assert roster.entries.filter(commune=commune, official=other).exists()


def test_adding_outside_the_round_or_with_a_stranger_is_refused(client, world, officials, roster):
    commune, day, official = _free_conference(roster, "district")
    client.force_login(world.coordinator)
    url = f"/tuyenvan/people/roster/{roster.pk}/entries/new/"
    response = client.post(
        url,
        {
            "commune": commune.pk,
            "official": official.pk,
            "day": "2018-06-01",
            "reason": "x",
        },
    )
    assert response.status_code == 422
    assert response.context["form"].errors["day"]
    response = client.post(
        url,
        {"commune": commune.pk, "official": world.district.pk, "day": day, "reason": "x"},
    )
    assert response.status_code == 422
    assert response.context["form"].errors["official"]


@pytest.mark.parametrize("persona", ["viewer", "district", "official", "commune", "outsider"])
def test_only_coordinators_add_assignments(client, world, officials, roster, persona):
    client.force_login(getattr(world, persona))
    url = f"/tuyenvan/people/roster/{roster.pk}/entries/new/"
    # The viewer sees the draft but may not change it; the others do not see it.
    assert client.get(url).status_code == (403 if persona == "viewer" else 404)
    response = send(
        client,
        "post",
        f"/api/v1/tuyenvan/roster/{roster.pk}/entries",
        {"commune": world.commune1a.pk, "official": world.official.pk, "day": "2018-01-10"},
    )
    assert response.status_code in (403, 404, 422)
    assert response.status_code != 201


def test_api_adds_an_assignment(client, world, officials, roster):
    commune, day, official = _free_conference(roster, "provincial")
    client.force_login(world.coordinator)
    url = f"/api/v1/tuyenvan/roster/{roster.pk}/entries"
    payload = {"commune": commune.pk, "official": official.pk, "day": day.isoformat()}
    response = send(client, "post", url, payload)
    assert response.status_code == 422  # reason required
    response = send(client, "post", url, {**payload, "reason": "Bổ sung"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["entry"]["kind"] == "provincial"
    assert body["entry"]["edit_reason"] == "Bổ sung"
    assert isinstance(body["warnings"], list)
    entry = RosterEntry.objects.get(pk=body["entry"]["id"])
    assert entry.history.get().history_change_reason == "Bổ sung"
    response = send(client, "post", url, {**payload, "official": 999999, "reason": "x"})
    assert response.status_code == 422
    assert "official" in response.json()["fields"]
    response = send(client, "post", url, {**payload, "day": "2019-01-01", "reason": "x"})
    assert response.status_code == 422
    assert "day" in response.json()["fields"]


# A draft round's rules ------------------------------------------------------------------


def test_coordinator_changes_a_draft_rounds_rules(client, world, officials, roster):
    client.force_login(world.coordinator)
    url = f"/tuyenvan/people/roster/{roster.pk}/settings/"
    assert client.get(url).status_code == 200
    form = {
        "provincial_frequency": 1,
        "district_frequency": 1,
        "provincial_monthly_limit": 7,
        "district_monthly_limit": 0,
        "no_repeat": "on",
        "reason": "Theo chỉ đạo mới",
    }
    response = client.post(url, form)
    assert response.status_code == 422
    assert response.context["form"].errors["district_monthly_limit"]
    response = client.post(url, {**form, "district_monthly_limit": 9})
    assert response.status_code == 302
    roster.refresh_from_db()
    assert roster.provincial_frequency == 1
    assert (roster.provincial_monthly_limit, roster.district_monthly_limit) == (7, 9)
    assert roster.prefer_district is False
    assert roster.history.first().history_change_reason == "Theo chỉ đạo mới"
    # Published: the rules stay as they are until the round is reopened.
    roster.status = RosterRound.Status.PUBLISHED
    roster.save()
    response = client.post(url, {**form, "district_monthly_limit": 5})
    assert response.status_code == 302
    roster.refresh_from_db()
    assert roster.district_monthly_limit == 9


@pytest.mark.parametrize("persona", ["viewer", "district", "official", "outsider"])
def test_only_coordinators_change_the_rules(client, world, officials, roster, persona):
    client.force_login(getattr(world, persona))
    page = client.get(f"/tuyenvan/people/roster/{roster.pk}/settings/")
    assert page.status_code == (403 if persona == "viewer" else 404)
    response = send(
        client, "patch", f"/api/v1/tuyenvan/roster/{roster.pk}", {"provincial_monthly_limit": 9}
    )
    assert response.status_code == page.status_code  # the same answer on both channels
    roster.refresh_from_db()
    assert roster.provincial_monthly_limit == 5


def test_api_changes_a_draft_rounds_rules(client, world, officials, roster):
    client.force_login(world.coordinator)
    url = f"/api/v1/tuyenvan/roster/{roster.pk}"
    response = send(client, "patch", url, {"district_monthly_limit": 0})
    assert response.status_code == 422
    response = send(client, "patch", url, {"district_frequency": 7})
    assert response.status_code == 422
    response = send(
        client,
        "patch",
        url,
        {"district_monthly_limit": 10, "no_repeat": False, "reason": "Ít người"},
    )
    assert response.status_code == 200, response.content
    assert response.json()["district_monthly_limit"] == 10
    assert response.json()["no_repeat"] is False
    assert response.json()["provincial_monthly_limit"] == 5  # untouched
    roster.refresh_from_db()
    assert roster.history.first().history_change_reason == "Ít người"
    roster.status = RosterRound.Status.PUBLISHED
    roster.save()
    assert send(client, "patch", url, {"district_monthly_limit": 4}).status_code == 409


# Unavailable dates and conference dates through the API ------------------------------------


def test_api_unavailability_read_write(client, world, officials, roster):
    client.force_login(world.coordinator)
    url = f"/api/v1/tuyenvan/roster/{roster.pk}/unavailability"
    assert client.get(url).json() == {"items": [], "count": 0}
    response = send(
        client,
        "post",
        url,
        {
            "official": officials["p1"].pk,
            "start": "2018-02-05",
            "end": "2018-02-07",
            "reason": "Họp",
        },
    )
    assert response.status_code == 201, response.content
    item = response.json()
    assert item["official_name"] == "Lò Thị Mai"
    assert [u["id"] for u in client.get(url).json()["items"]] == [item["id"]]
    # The last day before the first, or somebody not attending here: refused.
    response = send(
        client,
        "post",
        url,
        {"official": officials["p1"].pk, "start": "2018-02-07", "end": "2018-02-05"},
    )
    assert response.status_code == 422
    response = send(
        client,
        "post",
        url,
        {"official": world.viewer.pk, "start": "2018-02-05", "end": "2018-02-05"},
    )
    assert response.status_code == 422
    assert "official" in response.json()["fields"]
    assert client.delete(f"{url}/{item['id']}").status_code == 204
    assert not Unavailability.objects.exists()


def test_api_conference_dates_read_write(client, world, officials, roster):
    client.force_login(world.coordinator)
    url = f"/api/v1/tuyenvan/roster/{roster.pk}/dates"
    rows = client.get(f"{url}?page_size=100").json()["items"]
    communes = {r["commune"] for r in rows}
    assert len(rows) == len(communes) * 3
    target = next(r for r in rows if r["commune"] == world.commune1a.pk)
    moved = date.fromisoformat(target["month"]).replace(day=27).isoformat()
    response = send(client, "put", url, [{"commune": world.commune1a.pk, "day": moved}])
    assert response.status_code == 200, response.content
    assert response.json() == {"changed": 1}
    saved = ConferenceDate.objects.get(commune=world.commune1a, month=target["month"])
    assert saved.day.isoformat() == moved and not saved.is_default
    # All or nothing: one bad row, nothing saved.
    response = send(
        client,
        "put",
        url,
        [
            {"commune": world.commune1a.pk, "day": target["day"]},
            {"commune": world.commune1a.pk, "day": "2019-05-02"},
        ],
    )
    assert response.status_code == 422
    assert "1.day" in response.json()["fields"]
    saved.refresh_from_db()
    assert saved.day.isoformat() == moved


@pytest.mark.parametrize(
    ("persona", "status"), [("viewer", 403), ("district", 404), ("official", 404)]
)
def test_dates_api_is_for_coordinators(client, world, roster, persona, status):
    client.force_login(getattr(world, persona))
    assert client.get(f"/api/v1/tuyenvan/roster/{roster.pk}/dates").status_code == status
    assert client.get(f"/api/v1/tuyenvan/roster/{roster.pk}/unavailability").status_code == status
    response = send(
        client,
        "put",
        f"/api/v1/tuyenvan/roster/{roster.pk}/dates",
        [{"commune": world.commune1a.pk, "day": "2018-01-20"}],
    )
    assert response.status_code == status


# The district each provincial official follows ----------------------------------------------


def test_coordinator_sets_the_district_an_official_follows(client, world, officials):
    from theodoi.tuyenvan.roster.models import OfficialProfile

    client.force_login(world.coordinator)
    url = "/tuyenvan/people/roster/officials/"
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Lò Thị Mai" in html and "Vàng A Sử" in html
    assert "Hoàng Bình" not in html  # district officials follow their own district
    p1, p2 = officials["p1"], officials["p2"]
    response = client.post(
        url,
        {
            f"follows-{p1.pk}": str(world.district1.pk),
            f"follows-{p2.pk}": "",
            "reason": "Phân công địa bàn 2018",
        },
    )
    assert response.status_code == 302
    profile = OfficialProfile.objects.get(user=p1)
    assert profile.follows_district == world.district1
    assert profile.history.first().history_change_reason == "Phân công địa bàn 2018"
    assert profile.history.first().history_user == world.coordinator
    assert not OfficialProfile.objects.filter(user=p2).exists()
    # A district of another province is refused next to the row; nothing changes.
    other = world.outsider.memberships.first().unit
    response = client.post(url, {f"follows-{p1.pk}": str(other.pk), f"follows-{p2.pk}": ""})
    assert response.status_code == 422
    assert "has-error" in response.content.decode()
    profile.refresh_from_db()
    assert profile.follows_district == world.district1
    # A reason the history cannot hold (too long, or a NUL byte PostgreSQL refuses)
    # is said at the field; nothing changes.
    for reason in ("x" * 101, "a\x00b"):
        response = client.post(url, {f"follows-{p1.pk}": "", "reason": reason})
        assert response.status_code == 422
        assert 'id="id_reason_error"' in response.content.decode()
        profile.refresh_from_db()
        assert profile.follows_district == world.district1
    # Clearing it.
    client.post(url, {f"follows-{p1.pk}": "", f"follows-{p2.pk}": ""})
    profile.refresh_from_db()
    assert profile.follows_district is None


@pytest.mark.parametrize("persona", ["viewer", "district", "official", "commune", "agency"])
def test_only_coordinators_set_followed_districts(client, world, officials, persona):
    client.force_login(getattr(world, persona))
    assert client.get("/tuyenvan/people/roster/officials/").status_code == 403
    response = client.post(
        "/tuyenvan/people/roster/officials/",
        {f"follows-{officials['p1'].pk}": str(world.district1.pk)},
    )
    assert response.status_code == 403


def test_outsider_coordinator_sees_only_its_province(client, world, officials):
    client.force_login(world.outsider)
    page = client.get("/tuyenvan/people/roster/officials/")
    assert page.status_code == 200
    assert "Lò Thị Mai" not in page.content.decode()


def test_roster_page_filters_by_month(client, world, officials, roster):
    client.force_login(world.coordinator)
    page = client.get(f"/tuyenvan/people/roster/{roster.pk}/?month=2018-02")
    assert page.status_code == 200
    shown = [e for _week, entries in page.context["groups"] for e in entries]
    assert shown and {e.month for e in shown} == {date(2018, 2, 1)}
    assert 'class="stack"' in page.content.decode()
    page = client.get(f"/tuyenvan/people/roster/{roster.pk}/?month=2019-13")
    assert page.context["page"].paginator.count == roster.entries.count()


def test_roster_page_is_grouped_searchable_and_paged(client, world, officials, roster):
    """Never one huge page: at most a page of assignments, grouped by week or by
    commune, searchable by commune or official."""
    from theodoi.tuyenvan.roster.views.rounds import ROSTER_PAGE

    client.force_login(world.coordinator)
    url = f"/tuyenvan/people/roster/{roster.pk}/"
    page = client.get(url)
    shown = [e for _week, entries in page.context["groups"] for e in entries]
    assert 0 < len(shown) <= ROSTER_PAGE
    assert all(e.day - timedelta(days=e.day.weekday()) == week
               for week, entries in page.context["groups"] for e in entries)  # fmt: skip
    by_commune = client.get(url, {"group": "commune"}).context["groups"]
    assert all(e.commune == commune for commune, entries in by_commune for e in entries)
    one = shown[0].commune
    found = client.get(url, {"q": one.name}).context["page"].paginator.count
    assert found == roster.entries.filter(commune__name__icontains=one.name).count()
    assert client.get(url, {"page": "999"}).status_code == 200
    assert client.get(url, {"week": "not-a-date", "commune": "x"}).status_code == 200

"""The roster pages through HTTP: who may do what, edits, exports."""

from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import load_workbook

from theodoi.testing import PASSWORD
from theodoi.tuyenvan.roster.models import RosterEntry, RosterRound, Unavailability
from theodoi.tuyenvan.roster.roster import violations

from .factories import make_province, make_round

pytestmark = pytest.mark.django_db

ALL = ["coordinator", "agency", "district", "commune", "official", "viewer", "admin", "outsider"]


def login(client, user):
    client.force_login(user)
    return client


@pytest.mark.parametrize("persona", ALL)
def test_everyone_opens_the_roster_list(client, world, persona):
    login(client, getattr(world, persona))
    assert client.get("/tuyenvan/people/roster/").status_code == 200


@pytest.mark.parametrize(("persona", "allowed"), [(p, p == "coordinator") for p in ALL])
def test_only_coordinators_create_a_round(client, world, persona, allowed):
    login(client, getattr(world, persona))
    response = client.post(
        "/tuyenvan/people/roster/",
        {
            "province": world.province.pk,
            "period": "month",
            "start": "2018-03",
            "provincial_frequency": 3,
            "district_frequency": 1,
            "provincial_monthly_limit": 5,
            "district_monthly_limit": 12,
            "no_repeat": "on",
            "prefer_district": "on",
        },
    )
    if allowed:
        rnd = RosterRound.objects.get()
        assert response.status_code == 302
        assert response["Location"] == f"/tuyenvan/people/roster/{rnd.pk}/"
        assert rnd.start == date(2018, 3, 1)
    else:
        # The outsider coordinates another province: the form refuses this one.
        assert response.status_code in (200, 403)
        assert not RosterRound.objects.exists()


def test_bad_month_and_overlap_are_shown_next_to_the_field(client, world):
    login(client, world.coordinator)
    base = {
        "province": world.province.pk,
        "period": "quarter",
        "provincial_frequency": 3,
        "district_frequency": 1,
        "provincial_monthly_limit": 5,
        "district_monthly_limit": 12,
    }
    response = client.post("/tuyenvan/people/roster/", {**base, "start": "2018-13"})
    assert response.status_code == 200
    assert response.context["form"].errors["start"]
    response = client.post("/tuyenvan/people/roster/", {**base, "start": "2018-02"})
    assert response.context["form"].errors["start"]  # quarters start in Jan/Apr/Jul/Oct
    client.post("/tuyenvan/people/roster/", {**base, "start": "2018-01"})
    response = client.post(
        "/tuyenvan/people/roster/", {**base, "period": "month", "start": "2018-02"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["start"]
    assert RosterRound.objects.count() == 1


def test_generate_and_publish_through_the_page(client, world, officials):
    rnd = RosterRound.objects.create(
        province=world.province, period="quarter", start=date(2018, 1, 1)
    )
    login(client, world.coordinator)
    response = client.post(f"/tuyenvan/people/roster/{rnd.pk}/generate/")
    assert response.status_code == 302
    assert rnd.entries.exists()
    page = client.get(f"/tuyenvan/people/roster/{rnd.pk}/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "Xã Một A" in body and "Nguyễn Văn An" in body
    client.post(f"/tuyenvan/people/roster/{rnd.pk}/publish/")
    rnd.refresh_from_db()
    assert rnd.status == "published"
    # A published round is not regenerated.
    before = set(rnd.entries.values_list("pk", flat=True))
    client.post(f"/tuyenvan/people/roster/{rnd.pk}/generate/")
    assert set(rnd.entries.values_list("pk", flat=True)) == before


def test_impossible_generation_shows_the_rule_not_a_500(client, world):
    rnd = RosterRound.objects.create(
        province=world.province, period="month", start=date(2018, 1, 1)
    )
    login(client, world.coordinator)
    response = client.post(f"/tuyenvan/people/roster/{rnd.pk}/generate/", follow=True)
    assert response.status_code == 200
    texts = [str(m) for m in response.context["messages"]]
    assert any("Xã Hai A" in t for t in texts)
    assert not rnd.entries.exists()


@pytest.mark.parametrize(
    ("persona", "draft", "published", "change"),
    [
        ("coordinator", 200, 200, True),
        ("viewer", 200, 200, False),
        ("admin", 200, 200, False),
        ("district", 404, 200, False),  # a draft is not shown to them at all
        ("commune", 404, 200, False),
        ("official", 404, 200, False),
        ("agency", 404, 200, False),
        ("outsider", 404, 404, False),
    ],
)
def test_round_visibility_by_role(client, world, roster, persona, draft, published, change):
    user = getattr(world, persona)
    login(client, user)
    assert client.get(f"/tuyenvan/people/roster/{roster.pk}/").status_code == draft
    roster.status = "published"
    roster.save()
    assert client.get(f"/tuyenvan/people/roster/{roster.pk}/").status_code == published
    generate = client.post(f"/tuyenvan/people/roster/{roster.pk}/generate/")
    assert (generate.status_code == 302) is change
    entry = roster.entries.first()
    edit = client.get(f"/tuyenvan/people/roster/{roster.pk}/entries/{entry.pk}/")
    assert (edit.status_code == 200) is change


def test_edit_with_reason_warns_about_broken_rules_and_keeps_history(
    client, world, officials, roster
):
    entry = roster.entries.filter(kind="district", commune=world.commune1a).order_by("day").first()
    other = officials["d1b"] if entry.official == world.official else world.official
    clash = (
        roster.entries.filter(official=other, day__month=entry.day.month)
        .exclude(pk=entry.pk)
        .first()
    )
    login(client, world.coordinator)
    url = f"/tuyenvan/people/roster/{roster.pk}/entries/{entry.pk}/"
    response = client.post(url, {"official": other.pk, "day": entry.day.isoformat(), "reason": ""})
    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    # Moving to the day of another of the official's conferences breaks the same-day rule.
    day = clash.day if clash else entry.day
    response = client.post(
        url,
        {"official": other.pk, "day": day.isoformat(), "reason": "Đ/c An đi công tác"},
        follow=True,
    )
    assert response.status_code == 200
    entry.refresh_from_db()
    assert entry.official == other
    assert entry.edited_by == world.coordinator
    assert entry.edit_reason == "Đ/c An đi công tác"
    assert entry.history.first().history_change_reason == "Đ/c An đi công tác"
    warnings = [str(m) for m in response.context["messages"] if m.level_tag == "warning"]
    assert warnings == [v.message for v in violations(roster)] or clash is None


def test_edit_refuses_a_date_outside_the_month(client, world, roster):
    entry = roster.entries.first()
    login(client, world.coordinator)
    response = client.post(
        f"/tuyenvan/people/roster/{roster.pk}/entries/{entry.pk}/",
        {"official": entry.official_id, "day": "2019-05-05", "reason": "thử"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["day"]


def test_remove_an_assignment_warns_about_coverage(client, world, roster):
    entry = roster.entries.filter(kind="district").first()
    login(client, world.coordinator)
    response = client.post(
        f"/tuyenvan/people/roster/{roster.pk}/entries/{entry.pk}/",
        {"action": "delete", "reason": "Xã hoãn hội nghị"},
        follow=True,
    )
    assert not RosterEntry.objects.filter(pk=entry.pk).exists()
    warnings = [str(m) for m in response.context["messages"] if m.level_tag == "warning"]
    assert any(entry.commune.name in w for w in warnings)


def test_xlsx_export_lists_every_assignment(client, world, roster):
    login(client, world.coordinator)
    response = client.get(f"/tuyenvan/people/roster/{roster.pk}/xlsx/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(io.BytesIO(response.content))
    assert len(wb.worksheets) == 3
    rows = sum(ws.max_row - 3 for ws in wb.worksheets)
    assert rows == roster.entries.count()


def test_printable_page(client, world, roster):
    login(client, world.coordinator)
    response = client.get(f"/tuyenvan/people/roster/{roster.pk}/print/")
    assert response.status_code == 200
    assert response.content.decode().count("<h1") == 1


def test_my_assignments_show_published_dates_and_places(client, world, roster):
    login(client, world.official)
    assert not client.get("/tuyenvan/people/roster/mine/").context["upcoming"]
    roster.status = "published"
    roster.save()
    response = client.get("/tuyenvan/people/roster/mine/")
    mine = response.context["upcoming"] + response.context["past"]
    assert mine and all(e.official == world.official for e in mine)
    assert "Huyện ủy Một" in response.content.decode()


def test_my_assignments_refused_to_non_officials(client, world):
    login(client, world.commune)
    assert client.get("/tuyenvan/people/roster/mine/").status_code == 403


def test_an_official_declares_unavailable_dates(client, world):
    login(client, world.official)
    response = client.post(
        "/tuyenvan/people/roster/mine/", {"start": "2018-02-05", "end": "2018-02-01", "reason": "x"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    client.post("/tuyenvan/people/roster/mine/", {"start": "2018-02-01", "end": "2018-02-05"})
    assert Unavailability.objects.get().user == world.official


def test_roster_page_queries_do_not_grow_with_the_roster(client, django_assert_max_num_queries):
    counts = []
    for size in (3, 12):
        p = make_province(districts=2, communes_per_district=size, provincial=4, per_district=size)
        rnd = make_round(p, status="published")
        from theodoi.tuyenvan.roster.roster import generate_roster

        assert generate_roster(rnd).ok
        from django.contrib.auth.models import User

        user = User.objects.create_superuser(f"su{size}", password=PASSWORD)
        client.force_login(user)
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert client.get(f"/tuyenvan/people/roster/{rnd.pk}/").status_code == 200
        counts.append(len(ctx))
    assert counts[0] == counts[1]


def test_district_filter_on_the_roster_page(client, world, roster):
    client.force_login(world.coordinator)
    page = client.get(f"/tuyenvan/people/roster/{roster.pk}/?district={world.district2.pk}")
    shown = [e for _week, entries in page.context["groups"] for e in entries]
    assert shown and all(e.commune.parent_id == world.district2.pk for e in shown)
    xlsx = client.get(f"/tuyenvan/people/roster/{roster.pk}/xlsx/?district={world.district2.pk}")
    wb = load_workbook(io.BytesIO(xlsx.content))
    assert sum(ws.max_row - 3 for ws in wb.worksheets) == page.context["page"].paginator.count


def test_coordinator_sets_conference_dates(client, world, roster):
    from theodoi.tuyenvan.roster.models import ConferenceDate

    client.force_login(world.coordinator)
    url = f"/tuyenvan/people/roster/{roster.pk}/dates/?district={world.district2.pk}"
    page = client.get(url)
    assert page.status_code == 200
    data = {cell["name"]: cell["value"] for row in page.context["rows"] for cell in row["cells"]}
    name = f"d-{world.commune2a.pk}-201802"
    response = client.post(url, {**data, name: "2018-03-02"})
    assert response.status_code == 422
    assert ConferenceDate.objects.get(commune=world.commune2a, month=date(2018, 2, 1)).day != date(
        2018, 3, 2
    )
    response = client.post(url, {**data, name: "2018-02-21"})
    assert response.status_code == 302
    saved = ConferenceDate.objects.get(commune=world.commune2a, month=date(2018, 2, 1))
    assert saved.day == date(2018, 2, 21) and not saved.is_default
    assert generate_roster_ok(roster)
    assert set(
        roster.entries.filter(commune=world.commune2a, day__month=2).values_list("day", flat=True)
    ) == {date(2018, 2, 21)}


def generate_roster_ok(rnd):
    from theodoi.tuyenvan.roster.roster import generate_roster

    return generate_roster(rnd).ok


@pytest.mark.parametrize(
    ("persona", "status"), [("viewer", 403), ("district", 404), ("commune", 404)]
)
def test_only_coordinators_set_conference_dates(client, world, roster, persona, status):
    # The viewer sees the draft round but may not change it; the others do not see it.
    client.force_login(getattr(world, persona))
    assert client.get(f"/tuyenvan/people/roster/{roster.pk}/dates/").status_code == status
    api = client.get(f"/api/v1/tuyenvan/roster/{roster.pk}/dates")
    assert api.status_code == status


def test_reopening_a_published_round_needs_a_reason(client, world, roster):
    roster.status = "published"
    roster.save()
    client.force_login(world.coordinator)
    url = f"/tuyenvan/people/roster/{roster.pk}/publish/"
    client.post(url, {"action": "unpublish", "reason": ""})
    roster.refresh_from_db()
    assert roster.status == "published"
    client.post(url, {"action": "unpublish", "reason": "Điều chỉnh lịch tháng 2"})
    roster.refresh_from_db()
    assert roster.status == "draft"
    assert roster.history.first().history_change_reason == "Điều chỉnh lịch tháng 2"


def test_my_assignments_queries_do_not_grow(client, world, officials):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from theodoi.tuyenvan.roster.roster import generate_roster

    client.force_login(world.official)
    counts = []
    for start in (date(2018, 1, 1), date(2018, 4, 1)):
        rnd = RosterRound.objects.create(
            province=world.province, period="quarter", start=start, status="published"
        )
        assert generate_roster(rnd).ok
        with CaptureQueriesContext(connection) as ctx:
            response = client.get("/tuyenvan/people/roster/mine/")
        counts.append(len(ctx))
    assert len(response.context["upcoming"]) + len(response.context["past"]) > 6
    assert counts[0] == counts[1]


def test_past_assignments_link_to_the_sheet_only_while_it_can_be_filed(client, world):
    """The observation sheet is filed while the commune's month is open; after that
    the row links to the sheet as filed, or says it was not (a link would be a 403)."""
    from theodoi.testing import make_criteria_set, make_roster_entry
    from theodoi.tuyenvan.models import Meeting, MeetingOfficial, MonthlyResult

    make_roster_entry(world.province, world.commune1a, world.official, date(2018, 3, 12))
    meeting = Meeting.objects.create(
        commune=world.commune1a,
        month=date(2018, 3, 1),
        held_on=date(2018, 3, 12),
        place="Hội trường xã",
        chair="Bí thư",
        topics="Tuyên truyền",
        participants=30,
    )
    MeetingOfficial.objects.create(meeting=meeting, user=world.official)
    edit = f'href="/tuyenvan/communes/{world.commune1a.pk}/2018-03/sheet/official/"'
    login(client, world.official)
    assert edit in client.get("/tuyenvan/people/roster/mine/").content.decode()
    MonthlyResult.objects.create(
        commune=world.commune1a,
        district=world.district1,
        province=world.province,
        month=date(2018, 3, 1),
        criteria_set=make_criteria_set(world),
        status=MonthlyResult.Status.CLOSED,
    )
    html = client.get("/tuyenvan/people/roster/mine/").content.decode()
    assert edit not in html
    assert "Chưa gửi phiếu; tháng đã khóa" in html
    assert (
        client.get(f"/tuyenvan/communes/{world.commune1a.pk}/2018-03/sheet/official/").status_code
        == 403
    )

"""The register's pages: a coordinator raises a matter, records the direction with its
first follow-up, adds another, an assigned unit closes it; refusals per role and the
other province; stale forms; messages at the field."""

from datetime import date

import pytest
from django.utils import translation

from theodoi.directions import actions
from theodoi.directions.models import FollowUpItem, Matter

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(settings, client):
    """Assertions read English messages (the default language is switched too)."""
    settings.LANGUAGE_CODE = "en"
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def matter(world):
    return actions.do_raise_matter(
        world.province,
        raised_by=world.btg,
        by=world.coordinator,
        raised_on=date(2018, 5, 10),
        title="Tiêu chí chấm điểm công tác tuyên vận",
    )


def _direction(matter, **extra):
    data = {
        "version": matter.version,
        "number": "263-TB/TU",
        "issued_on": "01/06/2018",
        "text": "Giao Ban Tuyên giáo sửa đổi tiêu chí.",
    }
    data.update(extra)
    return data


def test_a_coordinator_raises_records_adds_and_a_unit_closes(client, world):
    client.force_login(world.coordinator)
    page = client.get("/directions/")
    assert "/directions/new/" in page.content.decode()
    response = client.post(
        "/directions/new/",
        {
            "committee": world.province.pk,
            "body": "board",
            "title": "Mở lớp trung cấp lý luận",
            "content": "Xin mở lớp tại huyện",
            "raised_by": world.district1.pk,
            "raised_on": "10/05/2018",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    matter = Matter.objects.get()
    assert (matter.raised_by, matter.body, matter.raised_on) == (
        world.district1,
        "board",
        date(2018, 5, 10),
    )
    page = client.get(f"/directions/{matter.pk}/").content.decode()
    assert "Record the direction" in page and "data-confirm" in page
    response = client.post(
        f"/directions/{matter.pk}/direction/",
        _direction(
            matter, follow_up="Mở lớp tại Si Ma Cai", unit=world.district1.pk, deadline="30/09/2018"
        ),
    )
    assert response.status_code == 302
    matter.refresh_from_db()
    assert matter.state == Matter.State.DIRECTED and matter.direction_number == "263-TB/TU"
    response = client.post(
        f"/directions/{matter.pk}/follow-ups/",
        {
            "version": matter.version,
            "text": "Bố trí giảng viên",
            "unit": world.btg.pk,
            "deadline": "15/08/2018",
        },
    )
    assert response.status_code == 302
    assert matter.follow_ups.count() == 2
    first = matter.follow_ups.get(unit=world.district1)
    # The district scorer (district 1 is in its reach) closes the district's follow-up.
    client.force_login(world.district)
    page = client.get(f"/directions/{matter.pk}/").content.decode()
    assert f"/directions/follow-ups/{first.pk}/close/" in page
    assert "Record the direction" not in page and "Assign a follow-up" not in page
    response = client.post(
        f"/directions/follow-ups/{first.pk}/close/", {f"f{first.pk}-note": "Đã khai giảng lớp"}
    )
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.closed_on is not None and first.closing_note == "Đã khai giảng lớp"
    # ... but not the Ban Tuyên giáo's.
    other = matter.follow_ups.get(unit=world.btg)
    assert (
        client.post(
            f"/directions/follow-ups/{other.pk}/close/", {f"f{other.pk}-note": "x"}
        ).status_code
        == 403
    )
    client.force_login(world.coordinator)
    client.post(f"/directions/follow-ups/{other.pk}/close/", {f"f{other.pk}-note": "Đã bố trí"})
    matter.refresh_from_db()
    assert matter.state == Matter.State.DONE
    history = client.get(f"/directions/{matter.pk}/history/").content.decode()
    assert "263-TB/TU" in history and "Đã bố trí" in history


def test_messages_at_the_field(client, world, matter):
    client.force_login(world.coordinator)
    response = client.post(
        "/directions/new/",
        {
            "committee": world.province.pk,
            "body": "standing",
            "title": "",
            "raised_by": world.btg.pk,
            "raised_on": "31/02/2018",
        },
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert set(errors) == {"title", "raised_on"}
    # Neither a follow-up nor "nothing to follow up"; a direction before the matter.
    response = client.post(
        f"/directions/{matter.pk}/direction/", _direction(matter, issued_on="01/05/2018")
    )
    assert response.status_code == 400
    assert "follow_up" in response.context["direction_form"].errors
    response = client.post(
        f"/directions/{matter.pk}/direction/",
        _direction(matter, issued_on="01/05/2018", nothing_to_follow="on"),
    )
    assert response.status_code == 400
    assert "issued_on" in response.context["direction_form"].errors
    response = client.post(
        f"/directions/{matter.pk}/direction/",
        _direction(matter, follow_up="Sửa tiêu chí", unit=world.btg.pk, deadline="01/01/2018"),
    )
    assert "deadline" in response.context["direction_form"].errors
    assert Matter.objects.get().state == Matter.State.AWAITING
    assert not FollowUpItem.objects.exists()
    response = client.post(
        f"/directions/{matter.pk}/direction/", _direction(matter, nothing_to_follow="on")
    )
    assert response.status_code == 302
    assert Matter.objects.get().state == Matter.State.DONE


def test_a_stale_form_is_refused_with_the_values_kept(client, world, matter):
    client.force_login(world.coordinator)
    old = matter.version
    actions.do_record_direction(
        matter,
        by=world.coordinator,
        number="1-TB/TU",
        issued_on=date(2018, 6, 1),
        text="Giao",
        follow_ups=[actions.FollowUpIn("Làm", world.btg)],
    )
    response = client.post(
        f"/directions/{matter.pk}/direction/",
        _direction(matter, version=old, nothing_to_follow="on"),
    )
    # The direction is recorded already: the page says so and changes nothing.
    assert response.status_code == 302
    assert Matter.objects.get().direction_number == "1-TB/TU"
    response = client.post(
        f"/directions/{matter.pk}/follow-ups/",
        {"version": old, "text": "Việc mới", "unit": world.bdv.pk},
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert "Someone else changed this matter" in body and "Việc mới" in body
    assert FollowUpItem.objects.count() == 1


@pytest.mark.parametrize("role", ["viewer", "agency", "commune", "district", "outsider"])
def test_who_may_not_raise_or_direct(client, world, matter, role):
    user = getattr(world, role)
    client.force_login(user)
    page = client.get("/directions/new/")
    if role == "outsider":  # a coordinator of the other province keeps its own register
        assert list(page.context["form"].fields["committee"].queryset) == [world.other_province]
    else:
        assert page.status_code == 403
    status = client.post(
        f"/directions/{matter.pk}/direction/", _direction(matter, nothing_to_follow="on")
    ).status_code
    # The viewer reads the register (403 on change); the others do not see the matter.
    assert status == (403 if role == "viewer" else 404)
    assert Matter.objects.get().state == Matter.State.AWAITING
    if role != "outsider":
        assert "/directions/new/" not in client.get("/directions/").content.decode()


def test_the_home_lists_overdue_follow_ups(world, matter, monkeypatch):
    from theodoi.home import todo

    monkeypatch.setattr("django.conf.settings.THEODOI_TODAY", "2018-10-15")
    actions.do_record_direction(
        matter,
        by=world.coordinator,
        number="1-TB/TU",
        issued_on=date(2018, 6, 1),
        text="Giao",
        follow_ups=[
            actions.FollowUpIn("Sửa tiêu chí", world.bdv, date(2018, 9, 30)),
            actions.FollowUpIn("Tập huấn", world.btg, date(2018, 12, 30)),
        ],
    )

    def lines(user):
        user = type(user).objects.get(pk=user.pk)
        return [
            (line.text, [c.text for c in line.children])
            for s in todo.sections(user, date(2018, 10, 15))
            for line in s.lines
            if "Committee's directions" in line.text
        ]

    assert lines(world.coordinator) == [
        (
            "Follow-ups of the Committee's directions overdue: 1",
            ["Ban Dân vận Tỉnh ủy · Sửa tiêu chí"],
        )
    ]
    assert [n for _t, n in lines(world.agency)] == [["Ban Dân vận Tỉnh ủy · Sửa tiêu chí"]]
    assert lines(world.viewer) == [] and lines(world.outsider) == []

"""The programme in public: only published plans; rules beside the figures; never people's
names, evidence or scores."""

from datetime import date

import pytest

from theodoi.plans.models import Assignment
from theodoi.portal import actions
from theodoi.testing import make_plan, make_work_item

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(world, settings):
    settings.THEODOI_TODAY = date(2018, 7, 15)
    world.coordinator.first_name, world.coordinator.last_name = "Giàng Seo", "Phử"
    world.coordinator.save()
    plan = make_plan(world)
    done = make_work_item(
        plan,
        lead=world.bdv,
        coordinating=world.sotttt,
        title="Đã xong",
        start=date(2018, 1, 15),
        end=date(2018, 3, 31),
    )
    late = make_work_item(
        plan,
        lead=[world.district1, world.district2],
        title="Chậm",
        start=date(2018, 1, 15),
        end=date(2018, 6, 30),
    )
    Assignment.objects.filter(work_item=done).filter(role="lead").update(
        status="done", percent_done=100, completed_on=date(2018, 3, 20)
    )
    Assignment.objects.filter(work_item=late, unit=world.district1).update(
        status="in_progress", percent_done=60
    )
    Assignment.objects.filter(work_item=late, unit=world.district2).update(
        status="done", percent_done=100, completed_on=date(2018, 6, 1)
    )
    return plan


def test_unpublished_progress_is_404_for_the_public(client, world, plan):
    assert client.get(f"/news/progress/{plan.pk}/").status_code == 404
    client.force_login(world.commune)
    assert client.get(f"/news/progress/{plan.pk}/").status_code == 404
    client.force_login(world.coordinator)
    assert (
        "Preview" in client.get(f"/news/progress/{plan.pk}/").content.decode()
        or "Xem trước" in client.get(f"/news/progress/{plan.pk}/").content.decode()
    )


def test_published_progress_shows_figures_with_their_rules(client, world, plan):
    client.force_login(world.coordinator)
    response = client.post("/news/editor/progress/", {"plan": plan.pk, "published": "1"})
    assert response.status_code == 302
    client.logout()
    html = client.get(f"/news/progress/{plan.pk}/").content.decode()
    assert "Đã xong" in html and "Chậm" in html
    assert "80%" in html  # (100 + (60 + 100) / 2) / 2
    assert "Ban Dân vận" not in html or "BDV" in html
    assert "BDV" in html and "Sở TT&amp;TT" in html
    assert "15/07/2018" in html  # the date of the data
    for never in ("Giàng Seo", "Phử", "coordinator", "evidence", "/reporting/", "điểm"):
        assert never not in html, never
    assert plan.number in client.get("/news/progress/").content.decode()


def test_only_the_plans_coordinators_publish(client, world, plan):
    for persona in ("viewer", "commune"):
        client.force_login(getattr(world, persona))
        response = client.post("/news/editor/progress/", {"plan": plan.pk, "published": "1"})
        assert response.status_code in (403, 404)
    client.force_login(world.outsider)
    assert (
        client.post("/news/editor/progress/", {"plan": plan.pk, "published": "1"}).status_code
        == 404
    )
    actions.do_publish_progress(plan, published=True, by=world.coordinator)
    client.logout()
    assert client.get(f"/news/progress/{plan.pk}/").status_code == 200
    actions.do_publish_progress(plan, published=False, by=world.coordinator)
    assert client.get(f"/news/progress/{plan.pk}/").status_code == 404

"""A month's tuyên vận ranking in public: only once its coordinators publish a closed
month; the figures with what they mean; no person's name; withdrawn with a reason."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from theodoi.portal import actions
from theodoi.portal.models import RankingPage
from theodoi.testing import make_criteria_set
from theodoi.tuyenvan.models import MonthlyResult

pytestmark = pytest.mark.django_db
MAY = date(2018, 5, 1)


@pytest.fixture
def month_results(world):
    criteria_set = make_criteria_set(world, effective_from=date(2018, 1, 1))
    rows = [
        (world.commune1a, world.district1, "88.50", True),
        (world.commune1b, world.district1, "91.00", True),
        (world.commune2a, world.district2, None, False),  # no conference: not ranked
    ]
    for commune, district, total, eligible in rows:
        MonthlyResult.objects.create(
            commune=commune,
            district=district,
            province=world.province,
            month=MAY,
            criteria_set=criteria_set,
            total=Decimal(total) if total else None,
            eligible=eligible,
            band_label="Tốt" if total else "",
            status=MonthlyResult.Status.CLOSED,
        )
    return criteria_set


def test_scores_are_not_public_until_published(client, world, month_results):
    people = (world.coordinator, world.district, world.commune, world.official)
    for n, user in enumerate(people):
        user.first_name, user.last_name = "Nguyễn Văn", f"Cán Bộ {n}"
        user.save()
    assert "Xã Một A" not in client.get("/news/progress/").content.decode()
    page = actions.do_publish_ranking(world.province, MAY, by=world.coordinator)
    assert page.published and page.history.first().history_user == world.coordinator
    html = client.get("/news/progress/").content.decode()
    assert page.get_absolute_url() in html
    html = client.get(page.get_absolute_url()).content.decode()
    assert "Xã Một B" in html and "91,00" in html and "88,50" in html
    assert html.index("Xã Một B") < html.index("Xã Một A")  # highest first
    assert "Xã Hai A" in html  # listed as not ranked, without a score
    # What the figures mean, beside them.
    assert "equal scores share a rank" in html or "cùng hạng" in html
    # No names of people: those who scored, reported or published appear nowhere.
    for user in people:
        assert user.get_full_name() not in html


def test_only_a_closed_month_is_published(world, month_results):
    MonthlyResult.objects.filter(commune=world.commune1a).update(
        status=MonthlyResult.Status.ACCEPTED
    )
    with pytest.raises(ValidationError) as refused:
        actions.do_publish_ranking(world.province, MAY, by=world.coordinator)
    assert "month" in refused.value.message_dict
    with pytest.raises(ValidationError):
        actions.do_publish_ranking(world.province, date(2018, 6, 1), by=world.coordinator)
    assert not RankingPage.objects.exists()


def test_withdrawn_with_a_reason_and_then_hidden(client, world, month_results):
    page = actions.do_publish_ranking(world.province, MAY, by=world.coordinator)
    with pytest.raises(ValidationError):
        actions.do_unpublish_ranking(page, reason=" ", by=world.coordinator)
    actions.do_unpublish_ranking(page, reason="Sai số liệu xã Một A", by=world.coordinator)
    page.refresh_from_db()
    assert not page.published and page.withdrawn_reason == "Sai số liệu xã Một A"
    assert client.get(page.get_absolute_url()).status_code == 404
    reasons = list(
        page.history.order_by("history_id").values_list("history_change_reason", flat=True)
    )
    assert reasons == ["published", "Sai số liệu xã Một A"]
    # The coordinators still preview it.
    client.force_login(world.coordinator)
    assert "Sai số liệu" in client.get(page.get_absolute_url()).content.decode()


def test_editor_pages_publish_and_withdraw(client, world, month_results):
    client.force_login(world.coordinator)
    assert client.get("/news/editor/rankings/").status_code == 200
    response = client.post(
        "/news/editor/rankings/", {"province": world.province.pk, "month": "2018-05"}
    )
    assert response.status_code == 302
    page = RankingPage.objects.get()
    assert page.published
    bad = client.post("/news/editor/rankings/", {"province": world.province.pk, "month": "2018-13"})
    assert bad.status_code == 400
    client.post(f"/news/editor/rankings/{page.pk}/withdraw/", {"reason": "Chờ phúc khảo"})
    page.refresh_from_db()
    assert not page.published and page.withdrawn_reason == "Chờ phúc khảo"


def test_who_may_publish(client, world, month_results):
    # Another province's coordinator cannot publish this province's ranking.
    client.force_login(world.outsider)
    response = client.post(
        "/news/editor/rankings/", {"province": world.province.pk, "month": "2018-05"}
    )
    assert response.status_code == 400 and not RankingPage.objects.exists()
    page = actions.do_publish_ranking(world.province, MAY, by=world.coordinator)
    response = client.post(f"/news/editor/rankings/{page.pk}/withdraw/", {"reason": "x"})
    assert response.status_code == 403
    for user in (world.district, world.commune, world.viewer):
        client.force_login(user)
        assert client.get("/news/editor/rankings/").status_code == 403


def test_sitemap_lists_published_rankings_only(client, world, month_results):
    page = actions.do_publish_ranking(world.province, MAY, by=world.coordinator)
    assert page.get_absolute_url() in client.get("/news/sitemap.xml").content.decode()
    actions.do_unpublish_ranking(page, reason="Sai", by=world.coordinator)
    assert page.get_absolute_url() not in client.get("/news/sitemap.xml").content.decode()

"""Who may do what: editors (the province's coordinators) write; other roles of the
province follow read-only (403 on changes); outsiders and visitors see no draft (404)."""

import pytest

from .conftest import make_article

pytestmark = pytest.mark.django_db

OTHER_ROLES = ["agency", "district", "commune", "official", "viewer", "admin"]


@pytest.fixture
def draft(news):
    return make_article(news, title="Bản nháp", state="draft")


def test_editor_opens_and_changes_a_draft(client, world, draft):
    client.force_login(world.coordinator)
    assert client.get(f"/news/editor/{draft.pk}/").status_code == 200
    assert client.get(f"/news/a/{draft.pk}/").status_code == 200  # preview
    response = client.put(
        f"/api/v1/portal/articles/{draft.pk}",
        {"category": draft.category_id, "title": "Đã sửa", "body": "<p>x</p>", "version": 1},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["title"] == "Đã sửa"


@pytest.mark.parametrize("persona", OTHER_ROLES)
def test_other_roles_of_the_province_are_refused_changes(client, world, draft, persona):
    client.force_login(getattr(world, persona))
    assert client.get(f"/news/editor/{draft.pk}/").status_code == 403
    assert client.post(f"/news/editor/{draft.pk}/step/submit/").status_code == 403
    assert client.get("/news/editor/").status_code == 403
    assert client.get("/news/editor/feedback/").status_code == 403
    response = client.put(
        f"/api/v1/portal/articles/{draft.pk}",
        {"category": draft.category_id, "title": "x", "body": "<p>x</p>"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert (
        client.post(
            f"/api/v1/portal/articles/{draft.pk}/submit", {}, content_type="application/json"
        ).status_code
        == 403
    )
    # They may follow the queue read-only, as staff of the committee.
    assert client.get(f"/api/v1/portal/articles/{draft.pk}").status_code == 200


def test_outsider_and_visitor_see_no_draft(client, world, draft):
    assert client.get(f"/api/v1/portal/articles/{draft.pk}").status_code == 404
    assert client.get(f"/news/a/{draft.pk}/").status_code == 404
    client.force_login(world.outsider)
    for url in (
        f"/news/editor/{draft.pk}/",
        f"/news/a/{draft.pk}/",
        f"/api/v1/portal/articles/{draft.pk}",
    ):
        assert client.get(url).status_code == 404, url
    response = client.put(
        f"/api/v1/portal/articles/{draft.pk}",
        {"category": draft.category_id, "title": "x", "body": "<p>x</p>"},
        content_type="application/json",
    )
    assert response.status_code == 404
    assert client.post(f"/news/editor/{draft.pk}/step/submit/").status_code == 404


def test_outsider_edits_its_own_portal_only(client, world, news, other_news):
    client.force_login(world.outsider)
    ok = client.post(
        "/api/v1/portal/articles",
        {"category": other_news.pk, "title": "Tin tỉnh khác", "body": "<p>x</p>"},
        content_type="application/json",
    )
    assert ok.status_code == 201, ok.content
    refused = client.post(
        "/api/v1/portal/articles",
        {"category": news.pk, "title": "Chen ngang", "body": "<p>x</p>"},
        content_type="application/json",
    )
    assert refused.status_code == 403


def test_anonymous_api_reads_but_never_writes(client, news):
    make_article(news, title="Công khai")
    assert client.get("/api/v1/portal/articles").status_code == 200
    response = client.post(
        "/api/v1/portal/articles",
        {"category": news.pk, "title": "x", "body": "<p>x</p>"},
        content_type="application/json",
    )
    assert response.status_code == 401


def test_categories_and_featured_slots_are_for_editors(client, world, news):
    article = make_article(news, title="Nổi bật?")
    client.force_login(world.viewer)
    assert (
        client.post(
            f"/news/editor/{article.pk}/feature/", {"featured": "on", "position": 1}
        ).status_code
        == 403
    )
    assert client.post("/news/editor/categories/", {"name": "X", "slug": "x"}).status_code == 403
    assert client.get(f"/news/editor/categories/{news.pk}/").status_code == 403
    client.force_login(world.coordinator)
    assert (
        client.post(
            f"/news/editor/{article.pk}/feature/", {"featured": "on", "position": 1}
        ).status_code
        == 302
    )
    article.refresh_from_db()
    assert article.featured
    response = client.post(
        "/news/editor/categories/", {"name": "Dân vận", "slug": "dan-van", "position": 3}
    )
    assert response.status_code == 302
    assert client.get("/news/c/dan-van/").status_code == 200


def test_api_list_query_count_does_not_grow(client, world, news, django_assert_max_num_queries):
    for i in range(3):
        make_article(news, title=f"Tin {i}")
    with django_assert_max_num_queries(3):
        assert client.get("/api/v1/portal/articles").json()["count"] == 3
    for i in range(30):
        make_article(news, title=f"Tin thêm {i}")
    with django_assert_max_num_queries(3):
        assert client.get("/api/v1/portal/articles?category=tin-tuc").json()["count"] == 33

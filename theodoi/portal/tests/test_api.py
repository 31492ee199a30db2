"""The editors' API: create, update, publish; bad input answered at the field."""

import pytest

from theodoi.portal.models import Article

pytestmark = pytest.mark.django_db


def test_editor_creates_updates_and_publishes(client, world, news):
    client.force_login(world.coordinator)
    body = "<p>" + "Đề án 17-ĐA/TU. " * 1000 + "</p><script>x</script>"
    created = client.post(
        "/api/v1/portal/articles",
        {
            "category": news.pk,
            "title": "Bài qua API",
            "body": body,
            "publish_at": "2030-01-01T08:00:00",
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    data = created.json()
    assert data["state"] == "draft" and "<script" not in data["body"]
    assert data["publish_at"].startswith("2030-01-01T08:00:00+07:00")
    pk = data["id"]
    stale = client.put(
        f"/api/v1/portal/articles/{pk}",
        {"category": news.pk, "title": "Sửa", "body": "<p>x</p>", "version": 99},
        content_type="application/json",
    )
    assert stale.status_code == 409 and stale.json()["current"]["version"] == 1
    for step in ("submit", "publish"):
        response = client.post(
            f"/api/v1/portal/articles/{pk}/{step}", {}, content_type="application/json"
        )
        assert response.status_code == 200, response.content
    article = Article.objects.get(pk=pk)
    assert article.state == "published" and not article.is_live  # scheduled for 2030
    client.logout()
    assert client.get(f"/api/v1/portal/articles/{pk}").status_code == 404


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"title": "x\x00", "body": "<p>x</p>"}, "title"),
        ({"title": "", "body": "<p>x</p>"}, "title"),
        ({"title": "x", "body": "<script>only</script>"}, "body"),
        ({"title": "x", "body": "<p>x</p>", "publish_at": "soon"}, "publish_at"),
        ({"title": "x" * 301, "body": "<p>x</p>"}, "title"),
    ],
)
def test_bad_input_names_the_field(client, world, news, payload, field):
    client.force_login(world.coordinator)
    response = client.post(
        "/api/v1/portal/articles", {"category": news.pk, **payload}, content_type="application/json"
    )
    assert response.status_code == 422, response.content
    assert field in response.json()["fields"]
    assert not Article.objects.exists()


def test_unknown_step_and_odd_ids_are_404(client, world, news):
    client.force_login(world.coordinator)
    assert (
        client.post(
            "/api/v1/portal/articles/1/explode", {}, content_type="application/json"
        ).status_code
        == 404
    )
    assert client.get("/api/v1/portal/articles/99999999999999999999").status_code in (404, 422)
    assert client.post("/news/editor/1/history/99999999999999999999/restore/").status_code == 404
    assert client.get("/news/media/portal/a%00.jpg").status_code == 404

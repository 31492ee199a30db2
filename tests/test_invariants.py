"""Project-wide invariants: migrations are complete, pages render with one h1."""

import re
from io import StringIO

import pytest
from django.core.management import call_command

from theodoi.testing import make_plan, make_work_item

pytestmark = pytest.mark.django_db


def test_no_pending_migrations():
    out = StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out)
    except SystemExit:  # pragma: no cover - the assertion below explains it.
        pytest.fail(f"Missing migrations:\n{out.getvalue()}")


def _pages(world):
    plan = make_plan(world)
    item = make_work_item(plan, lead=world.bdv, coordinating=world.sotttt)
    return [
        "/",
        "/units/",
        f"/units/{world.bdv.pk}/",
        "/plans/",
        f"/plans/programmes/{plan.programme_id}/",
        f"/plans/{plan.pk}/",
        f"/plans/{plan.pk}/matrix/",
        f"/plans/tasks/{item.task_id}/",
        f"/plans/work-items/{item.pk}/",
        f"/plans/units/{world.bdv.pk}/work/",
    ]


@pytest.mark.parametrize("language", ["vi", "en"])
def test_every_page_renders_with_one_h1(client, world, language):
    client.cookies["django_language"] = language
    client.force_login(world.coordinator)
    for url in _pages(world):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert len(re.findall(r"<h1[ >]", html)) == 1, url
        assert f'lang="{language}"' in html, url


def test_pages_require_sign_in(client, world):
    for url in _pages(world):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/"), url


def test_login_page_renders(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200

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
    for url in _pages(world)[1:]:  # "/" is the public portal for visitors (issue 12)
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/"), url


def test_login_page_renders(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200


def _parameterless_urls():
    """Every named page without URL parameters, except the admin and the API."""
    from django.urls import URLPattern, URLResolver, get_resolver

    def walk(patterns, prefix="", namespace=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
                yield from walk(p.url_patterns, prefix + str(p.pattern), ns)
            elif isinstance(p, URLPattern) and p.name and not p.pattern.converters:
                route = prefix + str(p.pattern)
                if "<" not in route and "(" not in route and "^" not in route:
                    yield "/" + route

    skip = ("admin/", "api/", "i18n/", "jsi18n/", "accounts/logout/")
    return sorted(
        {u for u in walk(get_resolver().url_patterns) if not u.lstrip("/").startswith(skip)}
    )


@pytest.mark.parametrize(
    "persona", ["coordinator", "agency", "district", "commune", "official", "viewer", "admin"]
)
def test_every_page_answers_each_role_without_error(client, world, persona):
    """No page fails for any role: it shows (one h1), redirects, or refuses."""
    make_work_item(make_plan(world), lead=world.bdv, coordinating=world.sotttt)
    client.force_login(getattr(world, persona))
    urls = _parameterless_urls()
    assert len(urls) > 10
    for url in urls:
        response = client.get(url)
        assert response.status_code in (200, 302, 403, 404), (url, response.status_code)
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            html = response.content.decode()
            assert len(re.findall(r"<h1[ >]", html)) == 1, url


def test_pages_are_compressed_for_weak_links(client, world):
    make_work_item(make_plan(world), lead=world.bdv)
    client.force_login(world.coordinator)
    response = client.get("/plans/", headers={"accept-encoding": "gzip"})
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"

"""Password change and reset for every account: Django's views in the house's
pages, translated, reset by e-mail, throttled, and no user enumeration."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from theodoi.core.models import ApiToken
from theodoi.testing import PASSWORD

pytestmark = pytest.mark.django_db
NEW = "Mật-khẩu-mới-2018"


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def with_email(world):
    world.agency.email = "bdv@example.org"
    world.agency.save()
    return world


def test_change_from_the_account_menu(client, world):
    client.force_login(world.agency)
    page = client.get(reverse("password_change"))
    assert page.status_code == 200
    assert "Đổi mật khẩu" in page.text and "<main" in page.text
    response = client.post(
        reverse("password_change"),
        {"old_password": "sai", "new_password1": NEW, "new_password2": NEW},
    )
    assert response.status_code == 200 and "has-error" in response.text
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW},
    )
    assert response["Location"] == reverse("password_change_done")
    world.agency.refresh_from_db()
    assert world.agency.check_password(NEW)
    # The session stays signed in.
    assert client.get(reverse("password_change_done")).status_code == 200


def test_change_needs_a_signed_in_account(client, world):
    response = client.get(reverse("password_change"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_reset_by_email_end_to_end(client, with_email, settings):
    settings.SITE_URL = "https://theodoi.example.org"
    ApiToken.issue(with_email.agency)
    assert "Quên mật khẩu" in client.get(reverse("login")).text
    response = client.post(reverse("password_reset"), {"email": "BDV@example.org"})
    assert response["Location"] == reverse("password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["bdv@example.org"]
    assert "mật khẩu" in message.subject
    link = re.search(r"https://theodoi\.example\.org(/accounts/password/reset/\S+)", message.body)
    assert link, message.body
    # Django moves the token out of the URL, then the form sets the password.
    page = client.get(link[1], follow=True)
    assert page.status_code == 200 and page.context["validlink"]
    response = client.post(page.redirect_chain[-1][0], {"new_password1": NEW, "new_password2": NEW})
    assert response["Location"] == reverse("password_reset_complete")
    with_email.agency.refresh_from_db()
    assert with_email.agency.check_password(NEW)
    assert not ApiToken.objects.filter(user=with_email.agency).exists()
    # The link works once.
    assert client.get(link[1], follow=True).context["validlink"] is False


def test_reset_does_not_tell_who_has_an_account(client, with_email):
    known = client.post(reverse("password_reset"), {"email": "bdv@example.org"})
    unknown = client.post(reverse("password_reset"), {"email": "nobody@example.org"})
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert len(mail.outbox) == 1


def test_reset_requests_are_throttled_per_address(client, with_email):
    for n in range(6):
        response = client.post(
            reverse("password_reset"), {"email": "bdv@example.org"}, REMOTE_ADDR=f"10.0.0.{n}"
        )
        # Same answer whether or not the address's quota is spent.
        assert response["Location"] == reverse("password_reset_done")
    assert len(mail.outbox) == 3


def test_reset_requests_are_throttled_per_client(client, with_email):
    statuses = [
        client.post(
            reverse("password_reset"), {"email": f"x{n}@example.org"}, REMOTE_ADDR="10.9.9.9"
        ).status_code
        for n in range(12)
    ]
    assert statuses[:10] == [302] * 10
    assert statuses[10:] == [429, 429]
    response = client.post(
        reverse("password_reset"), {"email": "bdv@example.org"}, REMOTE_ADDR="10.9.9.9"
    )
    assert response.status_code == 429 and "<main" in response.text
    assert not mail.outbox
    # Another client is not held back.
    response = client.post(
        reverse("password_reset"), {"email": "bdv@example.org"}, REMOTE_ADDR="10.1.1.1"
    )
    assert response.status_code == 302 and len(mail.outbox) == 1


def test_pages_are_translated(client, world):
    client.cookies["django_language"] = "en"
    assert "Forgot your password?" in client.get(reverse("password_reset")).text
    client.cookies["django_language"] = "vi"
    assert "Quên mật khẩu?" in client.get(reverse("password_reset")).text

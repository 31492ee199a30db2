"""API tokens: a lifetime, a name, listed and revoked by their owner, revoked
on a password change and by an administrator; the API's lock-out is JSON."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from theodoi.core.models import ApiToken
from theodoi.testing import PASSWORD

pytestmark = pytest.mark.django_db


def sign_in(client, username="coordinator", password=PASSWORD, **extra):
    return client.post(
        "/api/v1/auth/token",
        {"username": username, "password": password, **extra},
        content_type="application/json",
        headers={"User-Agent": "báo cáo tự động/1.0"},
    )


def bearer(key):
    return {"Authorization": f"Bearer {key}"}


def test_a_token_is_named_and_lives_api_token_days(client, world, settings):
    settings.API_TOKEN_DAYS = 7
    response = sign_in(client, name="Máy chủ báo cáo")
    assert response.status_code == 201
    body = response.json()
    token = ApiToken.objects.get(pk=body["id"])
    assert token.name == body["name"] == "Máy chủ báo cáo"
    assert timedelta(days=7) - (token.expires - token.created) < timedelta(seconds=1)
    # Only the digest is stored: the key is nowhere in the row.
    assert body["token"] not in {token.digest, token.prefix, token.name}
    # Without a name, the client's User-Agent tells sign-ins apart.
    assert sign_in(client).json()["name"] == "báo cáo tự động/1.0"


def test_an_expired_token_is_refused(client, world, settings):
    settings.API_TOKEN_DAYS = 1
    key = sign_in(client).json()["token"]
    assert client.get("/api/v1/auth/whoami", headers=bearer(key)).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(days=1, minutes=1)):
        response = client.get("/api/v1/auth/whoami", headers=bearer(key))
        assert response.status_code == 401
        assert response.json()["message"]


def test_owners_list_and_revoke_their_tokens(client, world):
    first = sign_in(client, name="một").json()
    second = sign_in(client, name="hai").json()
    other = sign_in(client, username="agency", name="của người khác").json()
    response = client.get("/api/v1/auth/tokens", headers=bearer(second["token"]))
    assert response.status_code == 200
    items = response.json()["items"]
    assert [(t["name"], t["current"]) for t in items] == [("hai", True), ("một", False)]
    assert all("token" not in t and "digest" not in t for t in items)
    # Another account's token is not one's own to revoke.
    response = client.delete(f"/api/v1/auth/tokens/{other['id']}", headers=bearer(first["token"]))
    assert response.status_code == 404
    assert response.json()["message"]
    response = client.delete(f"/api/v1/auth/tokens/{first['id']}", headers=bearer(second["token"]))
    assert response.status_code == 204
    assert client.get("/api/v1/auth/whoami", headers=bearer(first["token"])).status_code == 401
    assert client.get("/api/v1/auth/whoami", headers=bearer(other["token"])).status_code == 200
    for bad in ["³", "0", str(2**64)]:
        response = client.delete(f"/api/v1/auth/tokens/{bad}", headers=bearer(second["token"]))
        assert response.status_code in (404, 422)


def test_the_token_list_is_paged_in_constant_queries(client, world, django_assert_num_queries):
    key = sign_in(client).json()["token"]
    client.get("/api/v1/auth/whoami", headers=bearer(key))  # notes the token's use
    for size in (1, 20):
        while ApiToken.objects.filter(user=world.coordinator).count() < size:
            ApiToken.issue(world.coordinator, name="x")
        with django_assert_num_queries(3):  # the token, the count, the page
            response = client.get("/api/v1/auth/tokens", headers=bearer(key))
        assert response.json()["count"] == size


def test_the_tokens_page_lists_and_revokes(client, world):
    mine, _key = ApiToken.issue(world.coordinator, name="Máy chủ báo cáo")
    theirs, _key = ApiToken.issue(world.agency, name="của người khác")
    client.force_login(world.coordinator)
    page = client.get(reverse("core:tokens"))
    assert page.status_code == 200
    assert "Máy chủ báo cáo" in page.text and "của người khác" not in page.text
    # The account menu leads there and to the password change.
    assert reverse("core:tokens") in page.text and reverse("password_change") in page.text
    # Someone else's token is not there at all, as in the API.
    assert client.post(reverse("core:revoke-token", args=[theirs.pk])).status_code == 404
    assert ApiToken.objects.filter(pk=theirs.pk).exists()
    # Only a form revokes: a link (GET) shows the list.
    response = client.get(reverse("core:revoke-token", args=[mine.pk]))
    assert response.status_code == 302 and ApiToken.objects.filter(pk=mine.pk).exists()
    client.post(reverse("core:revoke-token", args=[mine.pk]))
    assert not ApiToken.objects.filter(pk=mine.pk).exists()
    kept, _key = ApiToken.issue(world.coordinator)
    client.get(reverse("core:revoke-all-tokens"))
    assert ApiToken.objects.filter(pk=kept.pk).exists()
    client.post(reverse("core:revoke-all-tokens"))
    assert not ApiToken.objects.filter(user=world.coordinator).exists()
    assert ApiToken.objects.filter(pk=theirs.pk).exists()
    assert client.post(f"/account/tokens/{2**64}/revoke/").status_code == 404


def test_a_password_change_revokes_every_token(client, world):
    key = sign_in(client).json()["token"]
    ApiToken.issue(world.agency)
    client.force_login(world.coordinator)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Mật-khẩu-mới-2018",
            "new_password2": "Mật-khẩu-mới-2018",
        },
    )
    assert response.status_code == 302
    assert Client().get("/api/v1/auth/whoami", headers=bearer(key)).status_code == 401
    assert not ApiToken.objects.filter(user=world.coordinator).exists()
    assert ApiToken.objects.filter(user=world.agency).exists()


def test_saving_an_account_without_a_new_password_keeps_its_tokens(world):
    ApiToken.issue(world.coordinator)
    world.coordinator.first_name = "Lan"
    world.coordinator.save()
    world.coordinator.last_login = timezone.now()
    world.coordinator.save(update_fields=["last_login"])
    assert ApiToken.objects.filter(user=world.coordinator).count() == 1
    world.coordinator.set_password("another-password-2018")
    world.coordinator.save()
    assert ApiToken.objects.filter(user=world.coordinator).count() == 0


def test_an_administrator_revokes_an_accounts_tokens(client, world):
    ApiToken.issue(world.coordinator)
    ApiToken.issue(world.coordinator)
    ApiToken.issue(world.agency)
    root = User.objects.create_superuser("root", "root@example.org", PASSWORD)
    client.force_login(root)
    response = client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "revoke_api_tokens", "_selected_action": [world.coordinator.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert not ApiToken.objects.filter(user=world.coordinator).exists()
    assert ApiToken.objects.filter(user=world.agency).exists()


def test_the_api_lock_out_is_json_and_the_page_lock_out_a_page(client, world, settings):
    settings.AXES_FAILURE_LIMIT = 2
    for _ in range(2):
        sign_in(client, password="nope")
    response = sign_in(client)
    assert response.status_code == 429
    assert response["Content-Type"].startswith("application/json")
    assert set(response.json()) == {"message", "fields"}
    assert int(response["Retry-After"]) > 0
    for _ in range(3):
        response = client.post(
            reverse("login"), {"username": "agency", "password": "nope"}, REMOTE_ADDR="10.0.0.9"
        )
    assert response.status_code == 429
    assert response["Content-Type"].startswith("text/html")
    assert "<main" in response.text and "15" in response.text
    assert not mail.outbox

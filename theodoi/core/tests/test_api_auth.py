import pytest

from theodoi.testing import PASSWORD

pytestmark = pytest.mark.django_db


def test_it_issues_a_token_that_authenticates(client, world):
    response = client.post(
        "/api/v1/auth/token",
        {"username": "coordinator", "password": PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 201
    token = response.json()["token"]
    assert response.json()["token_type"] == "bearer"
    response = client.get("/api/v1/auth/whoami", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert response.json()["username"] == "coordinator"


def test_it_refuses_wrong_password_with_json(client, world):
    response = client.post(
        "/api/v1/auth/token",
        {"username": "coordinator", "password": "nope"},
        content_type="application/json",
    )
    assert response.status_code == 401
    assert "message" in response.json()


def test_it_refuses_missing_fields_with_field_details(client, world):
    response = client.post("/api/v1/auth/token", {"username": "x"}, content_type="application/json")
    assert response.status_code == 422
    assert "password" in response.json()["fields"]


def test_it_refuses_a_bad_token(client, world):
    response = client.get("/api/v1/auth/whoami", headers={"Authorization": "Bearer nope"})
    assert response.status_code == 401


def test_session_auth_works(client, world):
    client.force_login(world.agency)
    response = client.get("/api/v1/auth/whoami")
    assert response.json()["roles"] == [{"role": "agency", "unit": world.bdv.pk}]


def test_login_is_throttled(client, world, settings):
    settings.AXES_FAILURE_LIMIT = 2
    for _ in range(2):
        client.post(
            "/api/v1/auth/token",
            {"username": "coordinator", "password": "nope"},
            content_type="application/json",
        )
    response = client.post(
        "/api/v1/auth/token",
        {"username": "coordinator", "password": PASSWORD},
        content_type="application/json",
    )
    assert response.status_code in (401, 403, 429)

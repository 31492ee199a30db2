"""Who reaches a survey: staff of the owner in reach; outsiders 404; wrong roles 403.

The same request answers the same status on the pages and the API.
"""

import pytest

from theodoi.surveys.models import Survey

from .factories import make_survey, submit

pytestmark = pytest.mark.django_db


def _status(client, user, url):
    client.force_login(user)
    return client.get(url).status_code


@pytest.fixture
def survey(world):
    s = make_survey(world)
    submit(s)
    return s


@pytest.mark.parametrize(
    ("persona", "view", "results", "responses"),
    [
        ("coordinator", 200, 200, 200),
        ("viewer", 200, 200, 200),
        ("agency", 404, 404, 404),  # in the province, but not staff of an unpublished survey
        ("commune", 404, 404, 404),
        ("outsider", 404, 404, 404),  # a coordinator of another province
    ],
)
def test_pages_and_api_answer_alike_by_role(
    client, world, survey, persona, view, results, responses
):
    user = getattr(world, persona)
    pk = survey.pk
    assert _status(client, user, f"/surveys/{pk}/") == view
    assert _status(client, user, f"/api/v1/surveys/{pk}") == view
    assert _status(client, user, f"/surveys/{pk}/results/") == results
    assert _status(client, user, f"/api/v1/surveys/{pk}/results") == results
    assert _status(client, user, f"/surveys/{pk}/responses/") == responses
    assert _status(client, user, f"/api/v1/surveys/{pk}/responses") == responses


def test_published_results_are_read_in_reach_but_raw_answers_stay_with_staff(client, world):
    survey = make_survey(world, state="published")
    pk = survey.pk
    for persona in ("agency", "commune"):
        user = getattr(world, persona)
        assert _status(client, user, f"/surveys/{pk}/results/") == 200
        assert _status(client, user, f"/api/v1/surveys/{pk}/results") == 200
        assert _status(client, user, f"/surveys/{pk}/responses/") == 403
        assert _status(client, user, f"/api/v1/surveys/{pk}/responses") == 403
    assert _status(client, world.outsider, f"/surveys/{pk}/results/") == 404


def test_only_coordinators_change_a_survey(client, world, survey):
    pk = survey.pk
    client.force_login(world.viewer)
    assert client.get(f"/surveys/{pk}/questions/new/").status_code == 403
    assert (
        client.post(f"/surveys/{pk}/points/", {"name": "X", "hourly_limit": 5}).status_code == 403
    )
    assert client.post(f"/surveys/{pk}/step/close/", {"version": survey.version}).status_code == 403
    client.force_login(world.outsider)
    assert client.get(f"/surveys/{pk}/questions/new/").status_code == 404
    assert client.post(f"/surveys/{pk}/step/close/", {"version": survey.version}).status_code == 404
    client.force_login(world.coordinator)
    assert client.post(f"/surveys/{pk}/step/close/", {"version": survey.version}).status_code == 302
    survey.refresh_from_db()
    assert survey.state == Survey.State.CLOSED


def test_lists_show_only_what_is_visible(client, world, survey):
    client.force_login(world.outsider)
    assert "Khảo sát thử" not in client.get("/surveys/").content.decode()
    assert client.get("/api/v1/surveys").json()["count"] == 0
    client.force_login(world.viewer)
    assert "Khảo sát thử" in client.get("/surveys/").content.decode()
    assert client.get("/api/v1/surveys").json()["count"] == 1


def test_creating_a_survey_is_for_coordinators(client, world):
    body = {"title_vi": "Khảo sát mới", "title_en": "New survey"}
    client.force_login(world.viewer)
    assert client.post("/api/v1/surveys", body, content_type="application/json").status_code == 403
    client.force_login(world.outsider)
    body_for_province = {**body, "owner": world.btg.pk}
    response = client.post("/api/v1/surveys", body_for_province, content_type="application/json")
    assert response.status_code == 422 and "owner" in response.json()["fields"]
    client.force_login(world.coordinator)
    unknown = {**body, "owner": 999_999}
    response = client.post("/api/v1/surveys", unknown, content_type="application/json")
    assert response.status_code == 422 and "owner" in response.json()["fields"]
    client.force_login(world.viewer)
    mine = {**body, "owner": world.btg.pk}  # in reach, but a viewer does not create surveys
    response = client.post("/api/v1/surveys", mine, content_type="application/json")
    assert response.status_code == 403
    client.force_login(world.coordinator)
    response = client.post("/api/v1/surveys", body, content_type="application/json")
    assert response.status_code == 201
    created = Survey.objects.get(pk=response.json()["id"])
    assert created.owner == world.btg and created.state == "draft"
    bad = client.post(
        "/api/v1/surveys", {"title_vi": "", "title_en": "x"}, content_type="application/json"
    )
    assert bad.status_code == 422 and "title" in bad.json()["fields"]


def test_ids_that_are_not_ids_are_not_found(client, world, survey):
    client.force_login(world.coordinator)
    for bad in ("abc", "0", "99999999999999999999", "%C2%B3"):
        assert client.get(f"/api/v1/surveys/{bad}").status_code == 404, bad

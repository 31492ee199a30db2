"""Interviewer mode: coordinators enter answers, recorded with interviewer and point."""

import re

import pytest

from theodoi.surveys.models import Response

from .factories import GOOD, make_survey, point_of

pytestmark = pytest.mark.django_db


def _post(client, url, values):
    page = client.get(url + "?lang=vi")
    assert page.status_code == 200
    token = re.search(r'name="form_token" value="([^"]+)"', page.content.decode())[1]
    return client.post(url, {**values, "form_token": token, "lang": "vi"})


def test_an_interviewer_enters_two_paper_forms_without_being_flagged(client, world):
    survey = make_survey(world)
    survey.min_seconds = 600
    survey.save(update_fields=["min_seconds"])
    url = f"/surveys/points/{point_of(survey).pk}/interview/"
    client.force_login(world.coordinator)
    first = _post(client, url, GOOD)
    assert first.status_code == 302 and "saved=1" in first["Location"]
    _post(client, url, GOOD)
    stored = list(Response.objects.order_by("pk"))
    assert len(stored) == 2
    for response in stored:
        assert response.channel == "interviewer"
        assert response.interviewer == world.coordinator
        assert response.point == point_of(survey)
        assert response.flags == []  # same device, fast: an interviewer is not a bot
    bad = _post(client, url, {**GOOD, "q_overall": ""})
    assert "Vui lòng trả lời câu hỏi này." in bad.content.decode()


def test_interviewer_mode_is_for_the_surveys_coordinators(client, world):
    survey = make_survey(world)
    url = f"/surveys/points/{point_of(survey).pk}/interview/"
    assert client.get(url).status_code == 302  # to the sign-in page
    client.force_login(world.viewer)
    assert client.get(url).status_code == 403
    client.force_login(world.outsider)
    assert client.get(url).status_code == 404


def test_an_interviewers_resend_counts_once(client, world):
    """The tablet's queue may send an interview twice after a drop: one response."""
    survey = make_survey(world)
    client.force_login(world.coordinator)
    url = f"/surveys/points/{point_of(survey).pk}/interview/?lang=en"
    page = client.get(url).content.decode()
    data = {
        **GOOD,
        "form_token": re.search(r'name="form_token" value="([^"]+)"', page)[1],
        "submission": re.search(r'name="submission" value="([0-9a-f]{32})"', page)[1],
        "lang": "en",
    }
    for _ in range(3):
        assert client.post(url, data).status_code == 302
    stored = Response.objects.get()
    assert stored.interviewer == world.coordinator and stored.channel == "interviewer"

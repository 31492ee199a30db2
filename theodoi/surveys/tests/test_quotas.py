"""Quotas by segment: targets set on the settings, progress of counted responses."""

import pytest

from theodoi.surveys import analysis

from .factories import GOOD, make_survey, submit

pytestmark = pytest.mark.django_db


def _settings(survey, quotas):
    return {
        "version": survey.version,
        "excluded_flags": survey.excluded_flags,
        "min_n": 2,
        "min_seconds": 0,
        "languages": ["vi", "en"],
        "quotas": quotas,
    }


def test_quotas_are_set_and_show_progress(client, world):
    survey = make_survey(world)
    client.cookies["django_language"] = "en"
    client.force_login(world.coordinator)
    response = client.post(
        f"/surveys/{survey.pk}/", _settings(survey, "origin.abroad = 4\norigin.vn = 2")
    )
    assert response.status_code == 302
    survey.refresh_from_db()
    assert survey.quotas == {"origin": {"abroad": 4, "vn": 2}}
    submit(survey)
    submit(survey, {**GOOD, "q_origin": "vn"})
    submit(survey, {**GOOD, "q_origin": "vn"}, flags={"duplicate"})  # not counted
    progress = {
        (q.choice, q.count, q.target, q.percent) for q in analysis.quota_progress(survey, "en")
    }
    assert progress == {("abroad", 1, 4, 25), ("vn", 1, 2, 50)}
    page = client.get(f"/surveys/{survey.pk}/").content.decode()
    assert "Quotas" in page and 'value="25"' in page


@pytest.mark.parametrize(
    ("quotas", "message"),
    [
        ("origin.mars = 3", "is not an option of a single-choice question"),
        ("nights.x = 3", "is not an option of a single-choice question"),
        ("origin.abroad: 3", "Write each line as: question.option = target."),
        ("origin.abroad = -3", "Write each line as: question.option = target."),
        ("origin.abroad = 0", "A quota is a whole number from 1."),
    ],
)
def test_bad_quotas_are_refused_at_the_field(client, world, quotas, message):
    survey = make_survey(world)
    client.cookies["django_language"] = "en"
    client.force_login(world.coordinator)
    response = client.post(f"/surveys/{survey.pk}/", _settings(survey, quotas))
    assert response.status_code == 200
    assert message in response.content.decode()
    survey.refresh_from_db()
    assert survey.quotas == {}

"""Published results on the public portal: only once published, indices without answers."""

import pytest

from theodoi.surveys import actions

from .factories import GOOD, make_survey, submit

pytestmark = pytest.mark.django_db


def test_results_are_public_only_once_published_and_show_no_answers(client, world):
    survey = make_survey(world)
    for overall in (1, 2, 3, 4, 5):
        submit(survey, {**GOOD, "q_overall": str(overall), "q_comment": "Giá cả quá đắt"})
    url = f"/surveys/published/{survey.pk}/"
    assert client.get(url).status_code == 404  # open: its staff's only
    assert "Khảo sát thử" not in client.get("/surveys/published/").content.decode()
    survey = actions.do_close_survey(survey, by=world.coordinator)
    assert client.get(url).status_code == 404  # closed, not yet published
    actions.do_publish_results(survey, by=world.coordinator)

    page = client.get(url, HTTP_ACCEPT_LANGUAGE="vi")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Khảo sát thử" in text and "Hài lòng chung?" in text
    assert "<strong>50,0</strong>" in text or "<strong>50.0</strong>" in text  # overall question
    assert "portal/portal.css" in text  # the portal's public layout
    assert "Giá cả quá đắt" not in text and "giá cả" not in text  # no free text by default
    listing = client.get("/surveys/published/").content.decode()
    assert f"/surveys/published/{survey.pk}/" in listing
    assert "/surveys/published/" in client.get("/news/").content.decode()  # linked from the portal

    survey.refresh_from_db()
    actions.do_update_settings(
        survey,
        by=world.coordinator,
        version=survey.version,
        excluded_flags=survey.excluded_flags,
        min_n=survey.min_n,
        min_seconds=survey.min_seconds,
        opens_on=survey.opens_on,
        closes_on=survey.closes_on,
        public_texts=True,
    )
    text = client.get(url).content.decode()
    assert "giá cả" in text and "Giá cả quá đắt" not in text  # its terms, not the answers

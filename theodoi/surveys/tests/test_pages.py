"""The staff pages: every page renders with one h1 in both languages; forms work and refuse."""

import re

import pytest

from theodoi.surveys.models import Question, Survey

from .factories import make_survey, point_of, submit

pytestmark = pytest.mark.django_db


def _pages(survey):
    question = Question.objects.get(survey=survey, code="overall")
    return [
        "/surveys/",
        f"/surveys/{survey.pk}/",
        f"/surveys/{survey.pk}/results/",
        f"/surveys/{survey.pk}/results/?by=point",
        f"/surveys/{survey.pk}/results/?by=language&from=2000-01-01&to=2100-01-01",
        f"/surveys/{survey.pk}/results/?by=q:origin&a_from=2000-01-01&b_from=2020-01-01",
        f"/surveys/{survey.pk}/results/?point=abc&from=nonsense&by=zzz",
        f"/surveys/{survey.pk}/responses/",
        f"/surveys/{survey.pk}/texts/?q=nice",
        f"/surveys/{survey.pk}/responses/?flag=duplicate&page=999",
        f"/surveys/{survey.pk}/questions/new/",
        f"/surveys/questions/{question.pk}/",
        f"/surveys/points/{point_of(survey).pk}/codes/",
    ]


@pytest.mark.parametrize("language", ["vi", "en"])
def test_every_page_renders_with_one_h1(client, world, language):
    survey = make_survey(world)
    submit(survey)
    client.cookies["django_language"] = language
    client.force_login(world.coordinator)
    for url in _pages(survey):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert len(re.findall(r"<h1[ >]", html)) == 1, url
        assert f'lang="{language}"' in html, url


def test_a_coordinator_builds_a_survey_through_the_pages(client, world):
    client.cookies["django_language"] = "en"
    client.force_login(world.coordinator)
    response = client.post(
        "/surveys/",
        {"title_vi": "Khảo sát", "title_en": "Survey", "other_languages": ["zh"]},
    )
    survey = Survey.objects.get()
    assert response.status_code == 302 and survey.languages == ["vi", "en", "zh"]
    client.post(f"/surveys/{survey.pk}/sections/", {"title_vi": "Phần 1", "title_en": "Part 1"})
    section = survey.sections.get()
    form = {
        "code": "stay",
        "section": section.pk,
        "kind": "single",
        "required": "on",
        "text_vi": "Bạn ở đâu?",
        "text_en": "Where do you stay?",
        "text_zh": "您住在哪里？",
        "choices": "hotel | Khách sạn | Hotel | 酒店\nhomestay | Nhà dân | Homestay | 民宿",
    }
    response = client.post(f"/surveys/{survey.pk}/questions/new/", form)
    assert response.status_code == 302, response.content.decode()
    question = Question.objects.get(survey=survey)
    assert question.current.choices[0] == {
        "code": "hotel",
        "label": {"vi": "Khách sạn", "en": "Hotel", "zh": "酒店"},
    }
    assert question.current.text["zh"] == "您住在哪里？"
    # A bad definition is refused at the field, nothing written.
    bad = client.post(
        f"/surveys/{survey.pk}/questions/new/",
        {**form, "code": "stay2", "choices": "just-one-line-without-label"},
    )
    assert bad.status_code == 200 and "code | label" in bad.content.decode()
    bad = client.post(f"/surveys/{survey.pk}/questions/new/", {**form, "code": "stay"})
    assert "Another question of this survey has this code." in bad.content.decode()
    assert Question.objects.filter(survey=survey).count() == 1
    # Edit: no answers yet, so in place.
    edit = {**form, "text_en": "Where are you staying?", "expected": 1}
    assert client.post(f"/surveys/questions/{question.pk}/", edit).status_code == 302
    question.current.refresh_from_db()
    assert question.current.number == 1 and question.current.text["en"] == "Where are you staying?"
    client.post(f"/surveys/{survey.pk}/points/", {"name": "Chợ Sa Pa", "hourly_limit": 30})
    assert survey.points.count() == 1
    client.post(f"/surveys/{survey.pk}/step/open/", {"version": survey.version})
    survey.refresh_from_db()
    assert survey.state == "open"
    page = client.get(f"/surveys/a/{survey.points.get().token}/?lang=zh")
    assert "您住在哪里？" in page.content.decode()


def test_a_stale_step_is_refused_with_a_message(client, world):
    survey = make_survey(world)
    client.cookies["django_language"] = "en"
    client.force_login(world.coordinator)
    response = client.post(
        f"/surveys/{survey.pk}/step/close/", {"version": survey.version - 1}, follow=True
    )
    assert "Someone else saved this in the meantime." in response.content.decode()
    survey.refresh_from_db()
    assert survey.state == "open"


def test_settings_change_the_stated_rule(client, world):
    survey = make_survey(world)
    client.force_login(world.coordinator)
    data = {
        "version": survey.version,
        "excluded_flags": ["honeypot", "too_fast"],
        "min_n": 10,
        "min_seconds": 15,
        "languages": ["vi", "en"],
    }
    assert client.post(f"/surveys/{survey.pk}/", data).status_code == 302
    survey.refresh_from_db()
    assert survey.excluded_flags == ["too_fast", "honeypot"] and survey.min_n == 10
    again = client.post(f"/surveys/{survey.pk}/", {**data, "min_n": 1})
    assert again.status_code == 200
    assert client.post(f"/surveys/{survey.pk}/", data).status_code == 200  # stale version


def test_one_time_codes_are_made_and_listed(client, world):
    survey = make_survey(world, requires_code=True)
    point = point_of(survey)
    client.force_login(world.coordinator)
    assert client.post(f"/surveys/points/{point.pk}/codes/", {"count": 5}).status_code == 302
    assert point.codes.count() == 5
    assert client.post(f"/surveys/points/{point.pk}/codes/", {"count": 0}).status_code == 200
    client.force_login(world.viewer)
    assert client.post(f"/surveys/points/{point.pk}/codes/", {"count": 5}).status_code == 403
    assert client.get(f"/surveys/points/{point.pk}/codes/").status_code == 200

"""The anonymous answer page: light, in the respondent's language, suspects kept and marked."""

import gzip
import re

import pytest
import time_machine
from django.core.cache import cache

from theodoi.surveys import actions
from theodoi.surveys.models import Answer, Response

from .factories import GOOD, label, make_survey, point_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


def _url(survey):
    return f"/surveys/a/{point_of(survey).token}/"


def _post(client, survey, values=None, lang="en", **extra):
    page = client.get(_url(survey) + f"?lang={lang}")
    token = re.search(r'name="form_token" value="([^"]+)"', page.content.decode())[1]
    data = {**(values if values is not None else GOOD), "form_token": token, "lang": lang, **extra}
    return client.post(_url(survey), data)


def test_the_page_is_light_and_in_the_chosen_language(client, world):
    survey = make_survey(world)
    response = client.get(_url(survey) + "?lang=en", headers={"accept-encoding": "gzip"})
    assert response.status_code == 200
    body = (
        gzip.decompress(response.content) if response.get("Content-Encoding") else response.content
    )
    html = body.decode()
    assert len(response.content) < 30_000 and len(body) < 30_000
    assert '<html lang="en">' in html
    assert "Where are you from?" in html and "Bạn đến từ đâu?" not in html
    assert "How your answers are used" in html  # the privacy notice
    assert "<script src" not in html  # no framework, one small inline script
    vi = client.get(_url(survey) + "?lang=vi").content.decode()
    assert "Bạn đến từ đâu?" in vi and '<html lang="vi">' in vi


def test_an_answer_is_stored_with_its_revision_and_language(client, world):
    survey = make_survey(world)
    response = _post(client, survey)
    assert response.status_code == 302
    assert response["Location"].endswith("/thanks/?lang=en")
    stored = Response.objects.get()
    assert (stored.language, stored.revision, stored.flags) == ("en", 1, [])
    assert Answer.objects.filter(response=stored, question__code="services").count() == 2
    assert client.get(response["Location"]).status_code == 200


def test_errors_are_shown_at_the_question_in_the_language_and_nothing_is_stored(client, world):
    survey = make_survey(world)
    response = _post(client, survey, {**GOOD, "q_overall": "", "q_nights": "x"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Please answer this question." in html and "Enter a number." in html
    assert 'value="x"' in html  # what was typed stays
    assert Response.objects.count() == 0
    vi = _post(client, survey, {**GOOD, "q_overall": ""}, lang="vi").content.decode()
    assert "Vui lòng trả lời câu hỏi này." in vi


@pytest.mark.parametrize(
    "junk",
    [
        {"q_overall": "\x00"},
        {"q_services__hotel": "9" * 400},
        {"q_nights": "1e999"},
        {"q_uses": ["bus"] * 300},
        {"lang": "xx"},
        {"q_origin": ["vn", "abroad"]},
    ],
)
def test_bad_input_never_fails(client, world, junk):
    survey = make_survey(world)
    response = _post(client, survey, {**GOOD, **junk})
    assert response.status_code in (200, 302)


def test_a_form_without_the_page_token_is_not_taken(client, world):
    survey = make_survey(world)
    client.get(_url(survey))
    response = client.post(_url(survey), {**GOOD, "form_token": "forged"})
    assert response.status_code == 400
    assert Response.objects.count() == 0
    assert "Send it again" in client.post(_url(survey), {**GOOD, "lang": "en"}).content.decode()


def test_the_same_device_twice_is_kept_and_marked_duplicate(client, world):
    survey = make_survey(world)
    _post(client, survey)
    _post(client, survey)
    first, second = Response.objects.order_by("pk")
    assert first.flags == [] and second.flags == ["duplicate"]
    assert first.device and len(first.device) == 64  # a hash, not the cookie


def test_a_filled_honeypot_and_a_fast_answer_are_marked(client, world):
    survey = make_survey(world)
    survey.min_seconds = 30
    survey.save(update_fields=["min_seconds"])
    _post(client, survey, website="http://spam.example")
    assert Response.objects.get().flags == ["too_fast", "honeypot"]


def test_a_human_pace_is_not_marked(client, world):
    survey = make_survey(world)
    survey.min_seconds = 30
    survey.save(update_fields=["min_seconds"])
    with time_machine.travel("2026-01-01 10:00", tick=False) as traveller:
        page = client.get(_url(survey) + "?lang=en")
        token = re.search(r'name="form_token" value="([^"]+)"', page.content.decode())[1]
        traveller.shift(95)
        client.post(_url(survey), {**GOOD, "form_token": token, "lang": "en"})
    stored = Response.objects.get()
    assert stored.flags == [] and stored.seconds == 95


def test_the_hourly_limit_marks_and_the_minute_ceiling_refuses(client, world, monkeypatch):
    from types import SimpleNamespace

    from theodoi.surveys import public

    # The limits count in clock minutes and hours: a fixed instant, 30 s into a minute
    # and 13 minutes into an hour, so that no run crosses a window's edge.
    monkeypatch.setattr(public, "time", SimpleNamespace(time=lambda: 1_700_000_010.0))
    survey = make_survey(world)
    point = point_of(survey)
    point.hourly_limit = 2
    point.save(update_fields=["hourly_limit"])
    for _ in range(3):
        client.cookies.pop("tdsv_device", None)
        assert _post(client, survey).status_code == 302
    assert [r.flags for r in Response.objects.order_by("pk")] == [[], [], ["rate"]]
    cache.clear()
    statuses = []
    for _ in range(public.PER_MINUTE_CEILING + 1):
        statuses.append(_post(client, survey).status_code)
    assert statuses[-1] == 429


def test_one_time_codes(client, world):
    survey = make_survey(world, requires_code=True)
    point = point_of(survey)
    code = actions.do_make_codes(point, by=world.coordinator, count=1)[0]
    missing = _post(client, survey)
    assert "Enter the code printed on the card" in missing.content.decode()
    assert Response.objects.count() == 0
    assert _post(client, survey, code=code.code.lower()).status_code == 302
    client.cookies.pop("tdsv_device", None)
    assert _post(client, survey, code=code.code).status_code == 302
    first, second = Response.objects.order_by("pk")
    assert first.flags == [] and second.flags == ["reused_code"]


def test_contact_only_with_consent(client, world):
    survey = make_survey(world)
    refused = _post(client, survey, contact="me@example.org")
    assert "Tick the box" in refused.content.decode()
    assert _post(client, survey, contact="me@example.org", consent="1").status_code == 302
    assert Response.objects.get().contact == "me@example.org"


def test_a_draft_or_unknown_point_is_not_found_and_a_closed_survey_says_so(client, world):
    draft = make_survey(world, state="draft")
    assert client.get(_url(draft)).status_code == 404
    assert client.get("/surveys/a/nope/").status_code == 404
    closed = make_survey(world, state="closed")
    page = client.get(_url(closed) + "?lang=en")
    assert page.status_code == 200 and "not taking answers" in page.content.decode()
    assert client.post(_url(closed), GOOD).status_code == 200
    assert Response.objects.count() == 0


def test_the_anonymous_respondent_reaches_nothing_but_the_survey(client, world):
    survey = make_survey(world)
    _post(client, survey)
    pk = survey.pk
    for url in (
        f"/surveys/{pk}/",
        f"/surveys/{pk}/results/",
        f"/surveys/{pk}/responses/",
        "/surveys/",
    ):
        assert client.get(url).status_code == 302, url  # to the sign-in page
    for url in (f"/api/v1/surveys/{pk}", f"/api/v1/surveys/{pk}/responses", "/api/v1/surveys"):
        assert client.get(url).status_code == 401, url
    html = client.get(_url(survey) + "?lang=en").content.decode()
    assert "/api/" not in html and f"/surveys/{pk}/" not in html


def test_an_edit_before_any_answer_shows_at_once_though_the_form_is_kept_rendered(client, world):
    from .test_versions import _spec

    survey = make_survey(world)
    url = f"/surveys/a/{point_of(survey).token}/?lang=en"
    assert "Overall satisfaction?" in client.get(url).content.decode()
    question = survey.questions.get(code="overall")
    actions.do_edit_question(
        question,
        by=world.coordinator,
        spec=_spec(question.current, text={"vi": "Mức hài lòng?", "en": "How satisfied?"}),
    )
    page = client.get(url).content.decode()
    assert "How satisfied?" in page and "Overall satisfaction?" not in page
    # The kept questions are shared; the page's own tokens are around them, not inside.
    assert re.search(r'name="form_token" value="[^"]+"', page)
    assert page.count('name="csrfmiddlewaretoken"') == 1


def test_the_same_form_sent_twice_is_stored_once(client, world):
    """A resend after a timeout on a weak link, or from a device's queue, counts once."""
    survey = make_survey(world)
    page = client.get(_url(survey) + "?lang=en").content.decode()
    token = re.search(r'name="form_token" value="([^"]+)"', page)[1]
    key = re.search(r'name="submission" value="([0-9a-f]{32})"', page)[1]
    data = {**GOOD, "form_token": token, "lang": "en", "submission": key}
    first = client.post(_url(survey), data)
    again = client.post(_url(survey), data)
    assert first.status_code == again.status_code == 302
    assert Response.objects.count() == 1
    assert Response.objects.get().client_key == key and not Response.objects.get().flags
    # Another page's form is another response (the device's second: marked duplicate).
    assert _post(client, survey).status_code == 302
    assert Response.objects.count() == 2
    # A forged key is ignored, never an error (stored without a key, like the one above).
    assert _post(client, survey, submission="../../x").status_code == 302
    assert Response.objects.filter(client_key="").count() == 2


def test_the_cached_form_shows_a_new_version_and_a_new_question_at_once(
    client, world, django_assert_max_num_queries
):
    from theodoi.surveys.models import Question

    survey = make_survey(world)
    url = _url(survey) + "?lang=en"
    first = client.get(url).content.decode()
    assert "Overall satisfaction?" in first
    with django_assert_max_num_queries(1):  # the point; the form comes from the cache
        again = client.get(url).content.decode()
    # Each visitor's tokens are their own, put into the cached page.
    token = re.compile(r'name="(form_token|submission|csrfmiddlewaretoken)" value="([^"]+)"')
    assert len(token.findall(again)) == 3 and "slot7e1f" not in again
    assert f'data-key="tdsv:{point_of(survey).token}:1"' in again
    assert token.findall(again)[2] != token.findall(first)[2]
    _post(client, survey)  # answered: the next edit makes version 2
    question = Question.objects.get(survey=survey, code="overall")
    actions.do_edit_question(
        question,
        by=world.coordinator,
        spec={**question.current.meaning(), "text": label("Hài lòng?", "Happy with the trip?")},
    )
    page = client.get(_url(survey) + "?lang=en").content.decode()
    assert "Happy with the trip?" in page and "Overall satisfaction?" not in page
    # An edit in place (no answer yet) and a question added show at once too.
    section = survey.sections.first()
    actions.do_add_question(
        survey,
        by=world.coordinator,
        section=section,
        code="age",
        spec={"kind": "number", "text": label("Tuổi?", "Your age?"), "minimum": 1, "maximum": 120},
    )
    assert "Your age?" in client.get(_url(survey) + "?lang=en").content.decode()
    age = Question.objects.get(survey=survey, code="age")
    actions.do_edit_question(
        age,
        by=world.coordinator,
        spec={**age.current.meaning(), "text": label("Tuổi bạn?", "How old are you?")},
    )
    page = client.get(_url(survey) + "?lang=en").content.decode()
    assert "How old are you?" in page and "Your age?" not in page
    # The answers are read against the new questionnaire as well.
    response = _post(client, survey, {**GOOD, "q_age": "300"})
    assert response.status_code == 200 and "q_age" in response.content.decode()

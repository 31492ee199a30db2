"""Results from the database: the stated rule, indices, breakdowns, periods, query counts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from theodoi.surveys import analysis, stats
from theodoi.surveys.models import Response

from .factories import GOOD, make_survey, submit

pytestmark = pytest.mark.django_db


def _answers(overall, hotel, prices, origin="abroad"):
    return {
        **GOOD,
        "q_overall": str(overall),
        "q_services__hotel": str(hotel),
        "q_services__prices": str(prices),
        "q_origin": origin,
    }


def test_indices_match_hand_computed_values_and_suspects_are_left_out(world):
    survey = make_survey(world)
    for overall in (1, 2, 3, 4, 5):
        submit(survey, _answers(overall, 5, 2))
    # A duplicate with extreme answers: kept and marked, out of the indices by the rule.
    submit(survey, _answers(5, 5, 5), flags={"duplicate"})
    q = analysis.Questionnaire.load(survey)
    dims, overall = analysis.indices(survey, q, analysis.Filters(), "en")
    by_key = {d.key: d for d in dims}
    assert list(by_key) == ["overall", "services.hotel", "services.prices"]
    assert by_key["overall"].estimate.n == 5
    assert by_key["overall"].estimate.mean == pytest.approx(50.0)
    assert by_key["overall"].estimate.low == pytest.approx(0.919, abs=0.01)
    assert by_key["services.hotel"].estimate.mean == pytest.approx(100.0)
    assert by_key["services.prices"].estimate.mean == pytest.approx(25.0)
    # Overall: each respondent's mean of (overall, hotel, prices) on 1..5 mapped to 0..100:
    # (x + 5 + 2) / 3 for x = 1..5 → means 2.667…4 → indices 41.67, 50, 58.33, 66.67, 75.
    assert overall.n == 5
    assert overall.mean == pytest.approx(58.333, abs=0.01)
    expected = stats.estimate(stats.Moments.of([41.667, 50, 58.333, 66.667, 75]), 2)
    assert overall.low == pytest.approx(expected.low, abs=0.01)
    counts = analysis.response_counts(survey, analysis.Filters())
    assert (counts["total"], counts["counted"], counts["duplicate"]) == (6, 5, 1)
    # The staff change the rule: duplicates count again.
    survey.excluded_flags = ["honeypot"]
    survey.save(update_fields=["excluded_flags"])
    _dims, overall = analysis.indices(survey, q, analysis.Filters(), "en")
    assert overall.n == 6


def test_n_too_small_below_the_surveys_threshold(world):
    survey = make_survey(world)
    survey.min_n = 30
    survey.save(update_fields=["min_n"])
    for _ in range(5):
        submit(survey)
    q = analysis.Questionnaire.load(survey)
    dims, overall = analysis.indices(survey, q, analysis.Filters(), "en")
    assert overall.too_small and overall.mean is None and overall.n == 5
    assert all(d.estimate.too_small for d in dims)


def test_breakdown_by_a_visitor_group_and_by_language(world):
    survey = make_survey(world)
    for overall in (4, 5, 4):
        submit(survey, _answers(overall, 4, 4, origin="abroad"), language="en")
    for overall in (2, 3):
        submit(survey, _answers(overall, 2, 2, origin="vn"))
    q = analysis.Questionnaire.load(survey)
    split = analysis.breakdown(survey, q, analysis.Filters(), "q:origin", "en", [])
    assert split.cells[("overall", "abroad")].mean == pytest.approx(stats.to_index(13 / 3))
    assert split.cells[("overall", "vn")].mean == pytest.approx(stats.to_index(2.5))
    assert split.overall["vn"].n == 2
    by_language = analysis.breakdown(survey, q, analysis.Filters(), "language", "en", [])
    assert by_language.overall["en"].n == 3 and by_language.overall["vi"].n == 2
    assert analysis.breakdown(survey, q, analysis.Filters(), "q:nights", "en", []) is None


def test_two_periods_compared(world):
    import time_machine

    survey = make_survey(world)
    with time_machine.travel("2026-03-10 10:00"):
        for overall in (1, 2, 3, 4, 5):
            submit(survey, _answers(overall, 3, 3))
    with time_machine.travel("2026-04-10 10:00"):
        for overall in (4, 4, 5, 3, 4, 5, 4, 4):
            submit(survey, _answers(overall, 3, 3))
    from datetime import date

    q = analysis.Questionnaire.load(survey)
    march = analysis.Filters(None, date(2026, 3, 1), date(2026, 3, 31))
    april = analysis.Filters(None, date(2026, 4, 1), date(2026, 4, 30))
    result = analysis.compare(survey, q, march, april, "en")
    overall_dim = next(d for d in result.dimensions if d[0].key == "overall")
    assert overall_dim[2].difference == pytest.approx(28.125)
    assert overall_dim[2].df == pytest.approx(4.834, abs=0.005)


def test_distributions_count_each_version_and_choice(world):
    survey = make_survey(world)
    submit(survey)
    submit(survey, {**GOOD, "q_uses": ["taxi"]})
    q = analysis.Questionnaire.load(survey)
    rows = {d.question.code: d for d in analysis.distributions(survey, q, analysis.Filters(), "en")}
    uses = {label: (count, share) for _i, label, count, share in rows["uses"].rows}
    assert uses == {"Bus": (1, 50.0), "Taxi": (1, 50.0), "…": (1, 50.0)}
    assert rows["nights"].summary["mean"] == 3.0
    overall = {label: count for _i, label, count, _s in rows["overall"].rows}
    assert overall == {"1": 0, "2": 0, "3": 0, "4": 2, "5": 0}


def _results_queries(client, survey, **params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(f"/surveys/{survey.pk}/results/?{query}")
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_the_results_page_runs_in_constant_queries(client, world):
    survey = make_survey(world)
    client.force_login(world.coordinator)
    params = {
        "by": "q:origin",
        "a_from": "2000-01-01",
        "a_to": "2020-01-01",
        "b_from": "2020-01-02",
        "b_to": "2100-01-01",
    }
    submit(survey)
    small = _results_queries(client, survey, **params)
    for n in range(40):
        submit(survey, _answers(1 + n % 5, 1 + n % 4, 2), flags={"too_fast"} if n % 7 else None)
    point = survey.points.first()
    large = _results_queries(client, survey, point=point.pk, **params)
    assert Response.objects.count() == 41
    assert small == large
    assert large <= 30


def test_the_results_page_guards_its_query_count(client, world, django_assert_num_queries):
    survey = make_survey(world)
    client.force_login(world.viewer)
    submit(survey)
    first = _results_queries(client, survey)
    for _ in range(10):
        submit(survey)
    with django_assert_num_queries(first):
        client.get(f"/surveys/{survey.pk}/results/")


def test_the_api_gives_indices_with_ci_and_n(client, world):
    survey = make_survey(world)
    for overall in (1, 2, 3, 4, 5):
        submit(survey, _answers(overall, 5, 2))
    client.force_login(world.coordinator)
    body = client.get(f"/api/v1/surveys/{survey.pk}/results").json()
    overall_dim = next(d for d in body["dimensions"] if d["key"] == "overall")
    assert overall_dim["n"] == 5 and overall_dim["index"] == pytest.approx(50.0)
    assert overall_dim["low"] == pytest.approx(0.919, abs=0.01)
    assert "Student's t" in body["method"]
    point = survey.points.first().pk
    none = client.get(f"/api/v1/surveys/{survey.pk}/results?from=2100-01-01&point={point}")
    assert none.json()["responses"] == 0 and none.json()["overall"]["too_small"]
    bad = client.get(f"/api/v1/surveys/{survey.pk}/results?from=yesterday")
    assert bad.status_code == 422 and "from" in bad.json()["fields"]
    listed = client.get(f"/api/v1/surveys/{survey.pk}/responses?page_size=2").json()
    assert listed["count"] == 5 and len(listed["items"]) == 2
    assert {a["question"] for a in listed["items"][0]["answers"]} >= {"overall", "services"}
    detail = client.get(f"/api/v1/surveys/{survey.pk}").json()
    overall_q = next(q for q in detail["questions"] if q["code"] == "overall")
    assert overall_q["versions"][0]["answers"] == 5

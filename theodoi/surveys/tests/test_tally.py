"""The folded tally against the answers themselves: the same figures, folded or live."""

import random
from collections import defaultdict
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from theodoi.surveys import actions, analysis, stats, tally
from theodoi.surveys.models import Answer, Response, Tally, TallyState

from .factories import make_survey, submit

pytestmark = pytest.mark.django_db


def _random_answers(rng: random.Random) -> dict:
    values = {
        "q_origin": rng.choice(["vn", "abroad"]),
        "q_visit": "first",
        "q_overall": str(rng.randint(1, 5)),
        "q_services__hotel": str(rng.randint(1, 5)),
        "q_nights": str(rng.randint(0, 9)),
        "q_uses": rng.sample(["bus", "taxi"], rng.randint(0, 2)),
    }
    # "not used" now and then: a grid item without a rating
    values["q_services__prices"] = str(rng.randint(1, 5)) if rng.random() < 0.8 else "na"
    return values


def _by_python(survey, responses):
    """The indices computed the plain way, from every answer of the counted responses."""
    counted = {r.pk for r in responses}
    per_dimension = defaultdict(list)
    per_respondent = defaultdict(list)
    for answer in Answer.objects.filter(response_id__in=counted, version__in_index=True):
        value = stats.to_index(answer.number)
        per_dimension[(answer.question_id, answer.item)].append(value)
        per_respondent[answer.response_id].append(answer.number)
    dims = {
        key: stats.estimate(stats.Moments.of(values), survey.min_n)
        for key, values in per_dimension.items()
    }
    overall = stats.estimate(
        stats.Moments.of(stats.to_index(sum(v) / len(v)) for v in per_respondent.values()),
        survey.min_n,
    )
    return dims, overall


def _fold_everything(survey):
    with transaction.atomic():
        state = TallyState.objects.select_for_update().get(survey=survey)
        return tally.fold(survey, state, now=timezone.now() + timedelta(hours=1))


def _snapshot(survey, q, point=None):
    filters = analysis.Filters(point)
    data = analysis.totals(survey, filters)
    dims, overall = analysis.indices(survey, q, filters, "en", data)
    split = analysis.breakdown(survey, q, filters, "language", "en", [], data)
    return (
        [(d.key, d.estimate) for d in dims],
        overall,
        [
            (d.version.pk, d.base, d.rows, d.summary)
            for d in analysis.distributions(survey, q, filters, "en", data)
        ],
        analysis.response_counts(survey, filters, data),
        analysis.by_day(survey, filters, data),
        split.cells,
        split.overall,
    )


def test_folded_and_live_figures_equal_the_answers_computed_in_python(world):
    rng = random.Random(11)
    survey = make_survey(world)
    second = actions.do_add_point(survey, by=world.coordinator, name="Bắc Hà")
    flags = [set(), set(), set(), {"duplicate"}, {"too_fast", "honeypot"}]
    for n in range(60):
        response = submit(
            survey,
            _random_answers(rng),
            language=rng.choice(["vi", "en"]),
            flags=rng.choice(flags),
        )
        if n % 3 == 0:
            Response.objects.filter(pk=response.pk).update(point=second)
    q = analysis.Questionnaire.load(survey)
    live = _snapshot(survey, q)
    live_at_point = _snapshot(survey, q, second.pk)
    assert not Tally.objects.exists()  # all submitted now: not settled, read live

    # The answers themselves give the same figures.
    counted = Response.objects.filter(survey=survey).counted(survey)
    dims, overall = _by_python(survey, counted)
    computed = analysis.indices(survey, q, analysis.Filters(), "en")
    for dimension in computed[0]:
        expected = dims[(dimension.question_id, dimension.item)]
        assert dimension.estimate.n == expected.n
        assert dimension.estimate.mean == pytest.approx(expected.mean)
        assert dimension.estimate.low == pytest.approx(expected.low)
        assert dimension.estimate.high == pytest.approx(expected.high)
    assert computed[1].n == overall.n == counted.count()
    assert computed[1].mean == pytest.approx(overall.mean)
    assert computed[1].low == pytest.approx(overall.low)

    # Fold the first 60, answer 25 more (live), fold again part way: the same figures.
    assert _fold_everything(survey) == 60
    assert Tally.objects.filter(survey=survey).exists()
    assert _same(_snapshot(survey, q), live)
    assert _same(_snapshot(survey, q, second.pk), live_at_point)
    for _ in range(25):
        submit(survey, _random_answers(rng), language="en", flags=rng.choice(flags))
    mixed = _snapshot(survey, q)
    assert _fold_everything(survey) == 25
    assert _fold_everything(survey) == 0  # nothing folded twice
    assert _same(_snapshot(survey, q), mixed)
    dims, overall = _by_python(survey, Response.objects.filter(survey=survey).counted(survey))
    assert analysis.indices(survey, q, analysis.Filters(), "en")[1].mean == pytest.approx(
        overall.mean
    )
    # The stated rule changes: read from the same tally, the figures follow it.
    survey.excluded_flags = []
    survey.save(update_fields=["excluded_flags"])
    everyone = Response.objects.filter(survey=survey)
    dims, overall = _by_python(survey, everyone)
    assert analysis.indices(survey, q, analysis.Filters(), "en")[1].n == everyone.count() == 85
    assert analysis.indices(survey, q, analysis.Filters(), "en")[1].high == pytest.approx(
        overall.high
    )


def _same(a, b) -> bool:
    """Equal, floats within 1e-9 (sums are added in another order once folded)."""
    if isinstance(a, float) or isinstance(b, float):
        return (
            a == pytest.approx(b, rel=1e-9, abs=1e-9) if a is not None and b is not None else a == b
        )
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, stats.Estimate):
        return all(
            _same(getattr(a, f), getattr(b, f)) for f in ("n", "mean", "low", "high", "too_small")
        )
    return a == b


def test_a_response_not_settled_is_read_live_and_folded_later(world):
    survey = make_survey(world)
    submit(survey)
    q = analysis.Questionnaire.load(survey)
    analysis.totals(survey, analysis.Filters())
    assert TallyState.objects.get(survey=survey).upto == 0  # too recent to fold
    Response.objects.filter(survey=survey).update(
        submitted_at=timezone.now() - tally.SETTLE - timedelta(seconds=1)
    )
    data = analysis.totals(survey, analysis.Filters())
    assert TallyState.objects.get(survey=survey).upto == Response.objects.get().pk
    assert analysis.response_counts(survey, analysis.Filters(), data)["total"] == 1
    assert analysis.indices(survey, q, analysis.Filters(), "en", data)[0][0].estimate.n == 1

"""The demo's Sa Pa survey: ~600 counted answers, a realistic spread, suspects caught."""

import pytest

from theodoi.surveys import analysis, demo
from theodoi.surveys.models import Response
from theodoi.testing import make_unit, make_user
from theodoi.units.models import Membership, Unit

pytestmark = pytest.mark.django_db


class Ctx:
    def unit(self, key):
        return Unit.objects.get(key=key)


@pytest.fixture
def ctx(db):
    province = make_unit("Tỉnh ủy Lào Cai", Unit.Kind.PROVINCE, key="lc2018:10")
    btg = make_unit("Ban Tuyên giáo", Unit.Kind.PARTY_AGENCY, province, key="lc2018:agency:BTG")
    make_user("coordinator", Membership.Role.COORDINATOR, btg)
    return Ctx()


def _summary(survey):
    q = analysis.Questionnaire.load(survey)
    dims, overall = analysis.indices(survey, q, analysis.Filters(), "en")
    return {d.key: round(d.estimate.mean, 6) for d in dims}, overall, q


def test_the_sapa_survey(ctx):
    survey = demo.load(ctx)
    assert survey.state == "open" and survey.languages == ["vi", "en"]
    assert survey.points.count() == 5
    counts = analysis.response_counts(survey, analysis.Filters())
    assert 560 <= counts["counted"] <= 640
    assert counts["duplicate"] >= 20 and counts["too_fast"] >= 10 and counts["honeypot"] >= 1
    assert counts["rate"] >= 1 and counts["reused_code"] >= 1
    means, overall, questionnaire = _summary(survey)
    assert len(means) == 12
    assert means["services.sights"] > 80 and means["services.attitude"] > 70
    assert means["services.prices"] < 45 and means["services.infrastructure"] < 45
    assert not overall.too_small and overall.high - overall.low < 4
    # The overall question was reworded halfway: both versions have answers.
    overall_q = next(q for q in questionnaire.questions if q.code == "overall")
    assert [v.number for v in questionnaire.by_question[overall_q.pk]] == [1, 2]
    assert set(Response.objects.filter(survey=survey).values_list("revision", flat=True)) == {1, 2}


def test_the_demo_is_deterministic(ctx):
    first = demo.load(ctx)
    second = demo.load(ctx)
    assert _summary(first)[0] == _summary(second)[0]
    assert analysis.response_counts(first, analysis.Filters()) == analysis.response_counts(
        second, analysis.Filters()
    )

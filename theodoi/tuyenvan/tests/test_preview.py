"""Previewing a criteria set on a closed month: computed in memory, never written."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from theodoi.testing import make_criteria_set
from theodoi.tuyenvan import actions
from theodoi.tuyenvan.models import Criterion, MonthlyResult, Score, ScoreSheet

from .helpers import MONTH, fill, hold_meeting

pytestmark = pytest.mark.django_db
S = ScoreSheet.Source


@pytest.fixture
def closed(world, monkeypatch):
    """March closed for 1a (5.1 at 6 of 10) and 1b (full marks); a draft v2 from July."""
    monkeypatch.setattr("django.conf.settings.THEODOI_TODAY", "2018-04-02")
    v1 = make_criteria_set(world)
    for commune, points in ((world.commune1a, Decimal(6)), (world.commune1b, Decimal(10))):
        hold_meeting(commune, world.commune)
        fill(commune, S.DISTRICT, world.district, _5_1=(points, "lý do", ""))
        actions.do_approve_month(commune, MONTH, by=world.district, close_window=True)
    actions.do_close_month([world.commune1a, world.commune1b], MONTH, by=world.coordinator)
    draft = actions.do_copy_set(v1, effective_from=date(2018, 7, 1), by=world.coordinator)
    # 5.1 now worth 5 points; a new line 5.2 worth 5; Tốt from 95.
    c51 = Criterion.objects.get(group__criteria_set=draft, code="5.1")
    c51.max_points = Decimal(5)
    c51.save()
    Criterion.objects.create(group=c51.group, code="5.2", text="Mới", max_points=Decimal(5),
                             position=2)  # fmt: skip
    draft.bands = [dict(b, min=95) if b["code"] == "tot" else b for b in draft.bands]
    draft.save()
    world.draft = draft
    return world


def test_preview_scores_the_closed_month_under_the_draft_and_writes_nothing(client, closed):
    client.force_login(closed.coordinator)
    before = {
        "results": list(MonthlyResult.objects.values_list("pk", "total", "band", "status")),
        "result_history": MonthlyResult.history.count(),
        "scores": Score.objects.count(),
        "score_history": Score.history.count(),
    }
    with CaptureQueriesContext(connection) as queries:
        page = client.get(f"/tuyenvan/criteria/{closed.draft.pk}/preview/?month=2018-03")
    assert page.status_code == 200
    writes = [
        q["sql"] for q in queries if q["sql"].split()[0].upper() in ("INSERT", "UPDATE", "DELETE")
    ]
    assert [w for w in writes if "session" not in w] == []
    after = {
        "results": list(MonthlyResult.objects.values_list("pk", "total", "band", "status")),
        "result_history": MonthlyResult.history.count(),
        "scores": Score.objects.count(),
        "score_history": Score.history.count(),
    }
    assert after == before
    rows = {r.result.commune.name: r for r in page.context["rows"]}
    one_a, one_b = rows["Xã Một A"], rows["Xã Một B"]
    # 1a: 6 on 5.1 held to the new maximum 5 (−1); 5.2 not scored (0).
    assert one_a.total == one_a.result.total - 1
    assert one_a.clamped == ["5.1"] and one_a.not_scored == ["5.2"]
    # 1b: 10 on 5.1 held to 5 (−5).
    assert one_b.total == one_b.result.total - 5
    assert one_b.result.band == "tot" and one_b.total < 95 and one_b.band == "kha"
    html = page.content.decode()
    assert "5.2" in html and html.count("<h1") == 1
    assert one_b.rank_now == 1


def test_preview_defaults_to_the_last_closed_month_and_refuses_others(client, closed):
    client.force_login(closed.coordinator)
    page = client.get(f"/tuyenvan/criteria/{closed.draft.pk}/preview/")
    assert page.context["chosen"] == MONTH and len(page.context["rows"]) == 2
    for bad in ("2018-05", "2018-13", "x\x00", "9" * 30):
        page = client.get(f"/tuyenvan/criteria/{closed.draft.pk}/preview/", {"month": bad})
        # Refused with a message; the last closed month is shown instead.
        assert page.status_code == 200 and page.context["chosen"] == MONTH


@pytest.mark.parametrize(
    ("who", "draft", "published"),
    [
        ("coordinator", 200, 200),
        ("district", 404, 403),
        ("commune", 404, 403),
        ("viewer", 404, 403),
        ("official", 404, 403),
        ("agency", 404, 403),
        ("outsider", 404, 403),
    ],
)
def test_only_the_coordinator_previews(client, closed, who, draft, published):
    client.force_login(getattr(closed, who))
    v1 = closed.draft.__class__.objects.get(version=1)
    assert client.get(f"/tuyenvan/criteria/{closed.draft.pk}/preview/").status_code == draft
    assert client.get(f"/tuyenvan/criteria/{v1.pk}/preview/").status_code == published


def test_preview_uses_a_constant_number_of_queries(client, closed, django_assert_max_num_queries):
    client.force_login(closed.coordinator)
    with django_assert_max_num_queries(20):
        assert client.get(f"/tuyenvan/criteria/{closed.draft.pk}/preview/").status_code == 200

"""Every list of the tuyên vận API (and the inbox and trend pages) costs the same
number of queries whatever its length."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from theodoi.testing import make_criteria_set
from theodoi.tuyenvan.models import ScoreSheet, Submission

from .helpers import fill, hold_meeting, send

pytestmark = pytest.mark.django_db
S = ScoreSheet.Source
API = "/api/v1/tuyenvan"


@pytest.fixture
def tv(world, monkeypatch):
    monkeypatch.setenv("THEODOI_TODAY", "2018-04-02")
    make_criteria_set(world)
    return world


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    return len(captured), response


def add_month(tv, communes, month):
    for commune in communes:
        hold_meeting(commune, tv.commune, month=month, officials=[tv.official])
        fill(commune, S.DISTRICT, tv.district, month=month)
        send(commune, Submission.Kind.REPORT, 20, month=month)


@pytest.mark.parametrize(
    "url",
    [
        f"{API}/meetings?month=2018-03",
        f"{API}/sheets?month=2018-03",
        f"{API}/results?month=2018-03",
        f"{API}/submissions?month=2018-03",
        f"{API}/criteria-sets",
        "/tuyenvan/inbox/",
        "/tuyenvan/?month=2018-03",
    ],
)
@pytest.mark.parametrize("who", ["district", "official"])
def test_lists_cost_the_same_at_two_sizes(client, tv, url, who):
    add_month(tv, [tv.commune1a], date(2018, 3, 1))
    client.force_login(getattr(tv, who))
    small, first = queries(client, url)
    add_month(tv, [tv.commune1b], date(2018, 3, 1))
    client.force_login(getattr(tv, who))
    large, second = queries(client, url)
    grows = url.startswith(API) and "criteria" not in url
    if grows and not (who == "official" and "submissions" in url):  # an official reads none
        assert second.json()["count"] > first.json()["count"]
    assert large == small


@pytest.mark.parametrize("who", ["district", "official"])
def test_the_trend_costs_the_same_at_two_sizes(client, tv, who):
    add_month(tv, [tv.commune1a], date(2018, 2, 1))
    client.force_login(getattr(tv, who))
    url = f"/tuyenvan/trend/{tv.commune1a.pk}/?year=2018"
    small, _ = queries(client, url)
    add_month(tv, [tv.commune1a], date(2018, 3, 1))
    client.force_login(getattr(tv, who))
    large, _ = queries(client, url)
    assert large == small

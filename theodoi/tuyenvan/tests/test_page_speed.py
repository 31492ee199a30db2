"""Query guards of the tuyên vận pages the HTTP benchmark loads (issue 14): lower only.

The month page was 32 queries and the rankings 18: the scoring chains were
read twice (once through ``request.user``, once through the user ``has_perm``
passes the rules: now one cache, ``permissions.user_cache``), and a month's
stored bands were two queries.
"""

import pytest

from theodoi.testing import make_criteria_set, make_unit
from theodoi.tuyenvan.models import ScoreSheet
from theodoi.units.models import Unit

from .helpers import fill, hold_meeting

pytestmark = pytest.mark.django_db
S = ScoreSheet.Source


@pytest.fixture
def tv(world, monkeypatch):
    monkeypatch.setattr("django.conf.settings.THEODOI_TODAY", "2018-04-02")
    make_criteria_set(world)
    return world


@pytest.mark.parametrize("extra", [0, 4])
def test_the_month_page_and_the_rankings_stay_within_their_queries(
    client, tv, extra, django_assert_max_num_queries
):
    for i in range(extra):
        commune = make_unit(f"Xã Thêm {i}", Unit.Kind.COMMUNE, tv.district1)
        hold_meeting(commune, tv.commune)
        fill(commune, S.DISTRICT, tv.district)
    hold_meeting(tv.commune1a, tv.commune)
    fill(tv.commune1a, S.DISTRICT, tv.district)
    fill(tv.commune1a, S.SELF, tv.commune)
    client.force_login(tv.coordinator)
    month = f"/tuyenvan/communes/{tv.commune1a.pk}/2018-03/"
    client.get(month)  # the month's result computed, the session warm
    with django_assert_max_num_queries(30):
        response = client.get(month)
    assert response.status_code == 200
    assert response.context["rank"] is not None
    with django_assert_max_num_queries(17):
        assert client.get("/tuyenvan/rankings/?period=2018-03").status_code == 200


def test_a_request_reads_the_scoring_chains_once_whichever_user_object_asks(tv):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils.functional import SimpleLazyObject

    from theodoi.permissions.tuyenvan import _chains

    lazy = SimpleLazyObject(lambda: type(tv.coordinator).objects.get(pk=tv.coordinator.pk))
    first = _chains(lazy)
    with CaptureQueriesContext(connection) as again:
        assert _chains(lazy._wrapped) == first
        assert _chains(lazy) == first
    assert len(again.captured_queries) == 0

"""History follows the merges: a 2025 commune's trend shows the results its
predecessors earned, under their own names, to its own chain only."""

from datetime import date

import pytest

from theodoi.testing import make_user
from theodoi.tuyenvan.models import MonthlyResult
from theodoi.units.models import Membership, Unit, UnitLineage

from .test_lists import add_month, tv  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def merged(tv):  # noqa: F811
    """Xã Một A and Xã Một B (2018, under Huyện ủy Một) became Xã Mới (2025), directly
    under the province."""
    add_month(tv, [tv.commune1a], date(2018, 2, 1))
    new = Unit.objects.create(
        name="Xã Mới", kind=Unit.Kind.COMMUNE, parent=tv.province, active_from=date(2025, 7, 1)
    )
    for old in (tv.commune1a, tv.commune1b):
        UnitLineage.objects.create(
            predecessor=old, successor=new, event="merged", effective=date(2025, 7, 1)
        )
    tv.new = new
    tv.new_reporter = make_user("new-reporter", Membership.Role.COMMUNE_REPORTER, new)
    return tv


def test_the_new_commune_shows_its_predecessors_results_under_their_names(client, merged):
    assert MonthlyResult.objects.filter(commune=merged.commune1a).exists()
    client.force_login(merged.new_reporter)
    page = client.get(f"/tuyenvan/trend/{merged.new.pk}/?year=2018")
    assert page.status_code == 200
    earlier = list(page.context["earlier"])
    assert [r.commune_id for r in earlier] == [merged.commune1a.pk]
    html = page.content.decode()
    assert "Xã Một A" in html and "Huyện ủy Một" in html
    # Its own months: none in 2018, nothing re-attributed to it.
    assert list(page.context["rows"]) == []


def test_the_old_chain_gains_nothing_on_the_new_commune(client, merged):
    client.force_login(merged.district)  # Huyện ủy Một's scorer in 2018
    assert client.get(f"/tuyenvan/trend/{merged.new.pk}/?year=2018").status_code == 404


def test_an_official_of_one_old_month_reads_no_history(client, merged):
    # The official attended Xã Một A's February conference: it reads that month on the old
    # commune's own page, but the new commune is not its to read.
    client.force_login(merged.official)
    assert client.get(f"/tuyenvan/trend/{merged.new.pk}/?year=2018").status_code == 404
    page = client.get(f"/tuyenvan/trend/{merged.commune1a.pk}/?year=2018")
    assert page.status_code == 200
    assert list(page.context["earlier"]) == []

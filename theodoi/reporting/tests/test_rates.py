from datetime import date

import pytest
import time_machine

from theodoi.reporting import actions
from theodoi.reporting.rates import overdue_reports, rate_table

pytestmark = pytest.mark.django_db


def test_before_the_due_date_only_received_reports_count(setup):
    w = setup.world
    assert rate_table([setup.h1], date(2018, 7, 1)).overall.completeness is None
    with time_machine.travel(date(2018, 7, 2)):
        actions.do_submit_report(actions.do_start_report(setup.h1, w.bdv), by=w.agency)
    early = rate_table([setup.h1], date(2018, 7, 3))
    assert (early.overall.expected, early.overall.received) == (1, 1)
    assert early.overall.completeness == 100.0
    late = rate_table([setup.h1], date(2018, 7, 11))
    assert (late.overall.expected, late.overall.received) == (3, 1)
    assert {u.pk for _, u, _ in overdue_reports([setup.h1], date(2018, 7, 11))} == {
        w.sotttt.pk,
        w.commune1a.pk,
    }


def test_a_rate_never_exceeds_100_percent_over_ranges(setup):
    w = setup.world
    # Every unit of the province sends a report for each period, owed or not.
    with time_machine.travel(date(2018, 7, 1)):
        for unit in (w.bdv, w.sotttt, w.commune1a, w.commune1b, w.district1, w.btg):
            for period in (setup.h1, setup.year):
                actions.do_submit_report(actions.do_start_report(period, unit), by=w.coordinator)
    table = rate_table([setup.h1, setup.year], date(2019, 1, 31))
    assert table.overall.completeness == 100.0
    assert all(r.completeness in (None, 100.0) for r in table.by_unit.values())
    assert w.commune1b.pk not in {u.pk for u in table.units}

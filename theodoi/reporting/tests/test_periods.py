from datetime import date

import pytest

from theodoi.reporting.models import ReportingSchedule
from theodoi.reporting.periods import due_date, generate_periods, owing_unit_ids, spans

pytestmark = pytest.mark.django_db


def test_codes_of_each_kind():
    assert [s.code for s in spans("month", 2018)][:2] == ["2018-01", "2018-02"]
    assert [s.code for s in spans("quarter", 2018)] == ["2018-Q1", "2018-Q2", "2018-Q3", "2018-Q4"]
    assert [s.code for s in spans("half", 2018)] == ["2018-H1", "2018-H2"]
    assert [(s.code, s.start, s.end) for s in spans("year", 2018)] == [
        ("2018", date(2018, 1, 1), date(2018, 12, 31))
    ]
    assert spans("month", 2018)[1].end == date(2018, 2, 28)


def test_due_date_rules():
    day_rule = ReportingSchedule(rule="day_of_last_month", days=20)
    assert due_date(day_rule, date(2018, 1, 1), date(2018, 3, 31)) == date(2018, 3, 20)
    # Day 31 of a 30-day month is its last day.
    day_rule.days = 31
    assert due_date(day_rule, date(2018, 4, 1), date(2018, 6, 30)) == date(2018, 6, 30)
    after = ReportingSchedule(rule="days_after_end", days=10)
    assert due_date(after, date(2018, 1, 1), date(2018, 6, 30)) == date(2018, 7, 10)


def test_holidays_move_a_due_date_only_when_configured(settings):
    # 2018-09-02 is National Day and a Sunday; 03/09 is a Monday.
    rule = ReportingSchedule(rule="days_after_end", days=2)
    assert due_date(rule, date(2018, 8, 1), date(2018, 8, 31)) == date(2018, 9, 2)
    rule.shift_off_days = True
    assert due_date(rule, date(2018, 8, 1), date(2018, 8, 31)) == date(2018, 9, 3)
    settings.THEODOI_HOLIDAYS = ["2018-09-03"]
    assert due_date(rule, date(2018, 8, 1), date(2018, 8, 31)) == date(2018, 9, 4)


def test_generation_is_idempotent(setup):
    assert setup.h1.due == date(2018, 7, 10)
    assert setup.year.due == date(2018, 12, 15)
    assert generate_periods(setup.plan) == []
    assert setup.plan.reporting_periods.count() == 3


def test_who_owes_follows_work_items_and_unit_dates(setup):
    w = setup.world
    assert owing_unit_ids(setup.h1) == {w.bdv.pk, w.sotttt.pk, w.commune1a.pk}
    h2 = setup.plan.reporting_periods.get(code="2018-H2")
    # Item 1 and 3 end by June; only BDV's item 2 runs in the second half.
    assert owing_unit_ids(h2) == {w.bdv.pk}
    # A commune that ceased before the period owes nothing.
    w.commune1a.active_to = date(2017, 12, 31)
    w.commune1a.save(update_fields=["active_to"])
    assert w.commune1a.pk not in owing_unit_ids(setup.h1)
    # One created mid-period owes where it existed.
    w.commune1a.active_to = None
    w.commune1a.active_from = date(2018, 5, 1)
    w.commune1a.save(update_fields=["active_to", "active_from"])
    assert w.commune1a.pk in owing_unit_ids(setup.h1)
    assert w.commune1a.pk not in owing_unit_ids(h2)


def test_coordinator_sets_a_schedule_and_due_dates_follow(client, setup):
    url = f"/reporting/plans/{setup.plan.pk}/schedule/"
    data = {"kind": "quarter", "rule": "day_of_last_month", "days": "20"}
    for who, status in (("viewer", 403), ("agency", 404), ("outsider", 404)):
        client.force_login(getattr(setup.world, who))
        assert client.post(url, data).status_code == status
    client.force_login(setup.world.coordinator)
    client.post(url, data)
    q1 = setup.plan.reporting_periods.get(code="2018-Q1")
    assert q1.due == date(2018, 3, 20)
    client.post(url, {**data, "rule": "days_after_end", "days": "5"})
    q1.refresh_from_db()
    assert q1.due == date(2018, 4, 5)
    assert setup.plan.reporting_periods.filter(kind="quarter").count() == 4
    client.post(url, {**data, "days": "0"})
    assert setup.plan.reporting_schedules.get(kind="quarter").days == 5

"""Each measure against values computed by hand."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from theodoi.activities import actions
from theodoi.activities.models import Kind, Target
from theodoi.activities.targets import evaluate, evaluate_one, targets_met
from theodoi.testing import make_unit
from theodoi.units.models import Unit, UnitLineage

from .factories import conference, record, target

pytestmark = pytest.mark.django_db

TODAY = date(2018, 7, 15)


@pytest.fixture
def log(world):
    """The conference log Jan–Jul as the demo tells it, with March missing:
    Jan in person, Feb online, (no March), Apr online, May in person, Jun online,
    Jul online — and a second conference in June, in person."""
    rows = [
        (date(2018, 1, 18), "in_person"),
        (date(2018, 2, 8), "online"),
        (date(2018, 4, 19), "online"),
        (date(2018, 5, 17), "in_person"),
        (date(2018, 6, 14), "online"),
        (date(2018, 6, 28), "in_person"),
        (date(2018, 7, 12), "online"),
    ]
    return [conference(world.btg, day, mode, ("Hội trường", 100)) for day, mode in rows]


def _share(world, **kwargs):
    return target(
        world.province, "share", "50", "gt", kind=Kind.REPORTERS_CONFERENCE, share_mode="online",
        **kwargs,
    )  # fmt: skip


def test_share_online_by_hand(world, log):
    result = evaluate_one(_share(world), today=TODAY)
    # 4 online of 7 held: 57.1 % > 50 %.
    assert (result.numerator, result.denominator) == (4, 7)
    assert result.value == Decimal("57.1")
    assert result.met and result.status == "green"
    assert len(result.record_ids) == 7
    assert result.numerator_ids == {log[i].pk for i in (1, 2, 4, 6)}


def test_trend_by_month_carries_a_month_without_conference(world, log):
    result = evaluate_one(_share(world), today=TODAY)
    trend = dict(result.trend)
    # Jan 0/1, Feb 1/2, Mar (none held) still 1/2, Apr 2/3, May 2/4, Jun 3/6, Jul 4/7.
    assert trend[date(2018, 1, 1)] == Decimal("0.0")
    assert trend[date(2018, 2, 1)] == Decimal("50.0")
    assert trend[date(2018, 3, 1)] == Decimal("50.0")
    assert trend[date(2018, 4, 1)] == Decimal("66.7")
    assert trend[date(2018, 5, 1)] == Decimal("50.0")
    assert trend[date(2018, 6, 1)] == Decimal("50.0")
    assert trend[date(2018, 7, 1)] == Decimal("57.1")
    assert date(2018, 8, 1) not in trend  # not yet


def test_share_of_nothing_is_none_and_not_met(world):
    result = evaluate_one(_share(world, start=date(2018, 3, 1), end=date(2018, 3, 31)), TODAY)
    assert result.value is None and not result.met
    assert result.status == "red"  # March is over


def test_count_with_a_mode_filter_and_status_colours(world, log):
    in_person = target(
        world.province, "count", "6", "gte", kind=Kind.REPORTERS_CONFERENCE, mode="in_person"
    )
    result = evaluate_one(in_person, today=TODAY)
    assert result.value == 3 and not result.met and result.status == "amber"
    assert evaluate_one(in_person, today=date(2019, 1, 1)).status == "red"
    future = target(
        world.province, "count", "1", "gte", start=date(2019, 1, 1), end=date(2019, 12, 31)
    )
    assert evaluate_one(future, today=TODAY).status == "grey"


def test_sum_of_participants_over_points_and_trainees(world, log):
    record(
        world.btg, "class", date(2018, 3, 5), units=[world.district1],
        details={"course": "Trung cấp", "trainees": [
            {"unit": world.commune1a.pk, "count": 30, "completed": 28},
            {"unit": world.commune1b.pk, "count": 25},
        ]},
    )  # fmt: skip
    trainees = target(world.province, "sum", "50", "gte", kind=Kind.CLASS, sum_of="participants")
    assert evaluate_one(trainees, TODAY).value == 55
    attendance = target(
        world.province, "sum", "0", "gt", kind=Kind.REPORTERS_CONFERENCE, sum_of="participants"
    )
    assert evaluate_one(attendance, TODAY).value == 700  # 7 × 100


def test_a_conference_with_points_in_both_rooms_counts_once(world):
    # One conference, its points in the province hall and on video in a district:
    # held online (the mode), counted once, its attendance summed over its points.
    conference(
        world.btg, date(2018, 2, 8), "online", ("Hội trường Tỉnh ủy", 120), ("Huyện ủy Một", 45)
    )
    share = evaluate_one(_share(world), TODAY)
    assert (share.numerator, share.denominator) == (1, 1)
    total = target(
        world.province, "sum", "0", "gt", kind=Kind.REPORTERS_CONFERENCE, sum_of="participants"
    )
    assert evaluate_one(total, TODAY).value == 165


def test_distinct_units_and_a_commune_merged_mid_year(world):
    # Three communes; 1B merges into 1A on 01/07/2018. Models: 1A (March), 1B (April),
    # 2A (none). Communes with at least one model at the year's end: 1A only, counted
    # once — 1B's model counts for the commune it joined.
    model = {"field": "Kinh tế", "year_recognised": 2018}
    record(world.commune1a, "model", date(2018, 3, 1), level="commune", details=model)
    record(world.commune1b, "model", date(2018, 4, 1), level="commune", details=model)
    UnitLineage.objects.create(
        predecessor=world.commune1b, successor=world.commune1a, event="merged",
        effective=date(2018, 7, 1),
    )  # fmt: skip
    Unit.objects.filter(pk=world.commune1b.pk).update(active_to=date(2018, 6, 30))
    year = target(
        world.province, "distinct_units", "2", "gte", kind=Kind.MODEL, unit_kind="commune"
    )
    assert evaluate_one(year, TODAY).value == 1
    first_half = target(
        world.province, "distinct_units", "2", "gte", kind=Kind.MODEL, unit_kind="commune",
        end=date(2018, 6, 30),
    )  # fmt: skip
    assert evaluate_one(first_half, TODAY).value == 2  # before the merger, two communes
    # A target scoped to the commune that absorbed 1B counts 1B's earlier records.
    absorbed = target(world.commune1a, "count", "2", "gte", kind=Kind.MODEL)
    assert evaluate_one(absorbed, TODAY).value == 2


def test_dialogues_with_follow_ups_closed(world):
    d1 = record(world.bdv, "dialogue", date(2018, 3, 10), details={"leader": "Bí thư"})
    d2 = record(world.bdv, "dialogue", date(2018, 5, 10), details={"leader": "Bí thư"})
    f1 = actions.do_add_follow_up(d1, text="Sửa đường", by=None)
    actions.do_add_follow_up(d2, text="Cấp nước", by=None)
    closed = target(
        world.province, "share", "100", "gte", kind=Kind.DIALOGUE, share_follow_ups="closed"
    )
    assert evaluate_one(closed, TODAY).value == Decimal("0.0")
    actions.do_close_follow_up(f1, closed_on=date(2018, 4, 1), note="Đã sửa", by=None)
    result = evaluate_one(closed, TODAY)
    assert (result.numerator, result.denominator, result.value) == (1, 2, Decimal("50.0"))
    count_closed = target(
        world.province, "count", "1", "gte", kind=Kind.DIALOGUE, follow_ups="closed"
    )
    assert evaluate_one(count_closed, TODAY).value == 1


def test_scope_leaves_out_other_units(world):
    record(world.commune1a, "study", date(2018, 3, 1), details={"sessions": 2})
    record(world.commune2a, "study", date(2018, 3, 1), details={"sessions": 3})
    district = target(world.district1, "sum", "1", "gte", kind=Kind.STUDY, sum_of="quantity")
    assert evaluate_one(district, TODAY).value == 2
    province = target(world.province, "sum", "1", "gte", kind=Kind.STUDY, sum_of="quantity")
    assert evaluate_one(province, TODAY).value == 5
    other = make_unit("Xã khác", "commune", world.other_province)
    record(other, "study", date(2018, 3, 1), details={"sessions": 9})
    assert evaluate_one(province, TODAY).value == 5


def test_targets_met_per_unit_in_constant_queries(world, log):
    _share(world)  # province, met
    target(world.district1, "count", "1", "gte", kind=Kind.MODEL)  # not met
    target(world.district1, "count", "0", "gte", kind=Kind.MODEL)  # met
    target(world.commune1a, "count", "0", "gte")  # met, under district 1
    target(world.district2, "count", "0", "gte", start=date(2019, 1, 1), end=date(2019, 12, 31))
    ids = [world.province.pk, world.district1.pk, world.district2.pk, world.commune1b.pk]
    with CaptureQueriesContext(connection) as few:
        answer = targets_met(ids, date(2018, 1, 1), date(2018, 12, 31))
    assert answer[world.district1.pk] == (2, 3)
    assert answer[world.province.pk] == (3, 4)
    assert answer[world.district2.pk] == (0, 0)  # its target is 2019's
    assert answer[world.commune1b.pk] == (0, 0)
    for n in range(5):
        target(world.district2, "count", "0", "gte", name=f"more {n}")
        record(world.commune2a, "model", date(2018, 3, n + 1), level="commune")
    with CaptureQueriesContext(connection) as many:
        answer = targets_met(ids, date(2018, 1, 1), date(2018, 12, 31))
    assert answer[world.district2.pk] == (5, 5)
    assert len(many) == len(few)


def test_evaluate_reads_a_constant_number_of_queries(world, log):
    _share(world)
    with CaptureQueriesContext(connection) as few:
        evaluate(list(Target.objects.select_related("unit")), TODAY)
    for n in range(6):
        target(world.district1, "count", "0", "gte", name=f"t{n}")
        conference(world.btg, date(2018, 8, n + 1), "online", ("A", 1))
    with CaptureQueriesContext(connection) as many:
        evaluate(list(Target.objects.select_related("unit")), TODAY)
    assert len(many) == len(few)

"""The roster's guarantees, checked independently of the generator on generated cases."""

from __future__ import annotations

import time
from collections import Counter
from datetime import date, timedelta

import pytest
from django.utils import translation

from theodoi.tuyenvan.roster.models import (
    ConferenceDate,
    OfficialProfile,
    RosterEntry,
    RosterRound,
    Unavailability,
    add_months,
)
from theodoi.tuyenvan.roster.roster import generate_roster, violations

from .factories import make_province, make_round, random_unavailability

pytestmark = pytest.mark.django_db

P, D = RosterEntry.Kind.PROVINCIAL, RosterEntry.Kind.DISTRICT


def assert_guarantees(rnd: RosterRound, p) -> list[RosterEntry]:
    entries = list(rnd.entries.all())
    months = rnd.months
    own_district = {u.pk: d for d, group in p.district_officials.items() for u in group}
    district_of = {c.pk: c.parent_id for c in p.communes}
    days = {
        (c, m): d
        for c, m, d in ConferenceDate.objects.filter(month__in=months).values_list(
            "commune_id", "month", "day"
        )
    }
    away = list(Unavailability.objects.values_list("user_id", "start", "end"))
    month_of = {e.pk: e.day.replace(day=1) for e in entries}
    # Coverage.
    if rnd.district_frequency == RosterRound.Frequency.MONTHLY:
        covered = {(e.commune_id, month_of[e.pk]) for e in entries if e.kind == D}
        for c in p.communes:
            for m in months:
                assert (c.pk, m) in covered, f"{c} has no district official in {m}"
    if rnd.provincial_frequency == RosterRound.Frequency.QUARTERLY and rnd.period == "quarter":
        covered_p = {e.commune_id for e in entries if e.kind == P}
        assert covered_p == {c.pk for c in p.communes}
    if rnd.provincial_frequency == RosterRound.Frequency.MONTHLY:
        covered = {(e.commune_id, month_of[e.pk]) for e in entries if e.kind == P}
        assert covered == {(c.pk, m) for c in p.communes for m in months}
    # At most one official of each kind per conference, on the conference's day.
    assert max(Counter((e.commune_id, month_of[e.pk], e.kind) for e in entries).values()) == 1
    for e in entries:
        assert e.day == days[(e.commune_id, month_of[e.pk])]
    # Monthly limits.
    limit = {P: rnd.provincial_monthly_limit, D: rnd.district_monthly_limit}
    for (_user, _month, kind), n in Counter(
        (e.official_id, month_of[e.pk], e.kind) for e in entries
    ).items():
        assert n <= limit[kind]
    # Never two conferences the same day.
    assert max(Counter((e.official_id, e.day) for e in entries).values()) == 1
    # Never the same commune in consecutive months.
    visits = {(e.official_id, e.commune_id, month_of[e.pk]) for e in entries}
    for o, c, m in visits:
        assert (o, c, add_months(m, 1)) not in visits
    # Unavailable dates respected.
    for e in entries:
        assert not any(u == e.official_id and s <= e.day <= t for u, s, t in away)
    # District officials stay in their district; provincial officials are provincial.
    for e in entries:
        if e.kind == D:
            assert own_district[e.official_id] == district_of[e.commune_id]
        else:
            assert e.official_id in {u.pk for u in p.provincial}
        assert e.explanation
    assert violations(rnd) == []
    return entries


@pytest.mark.parametrize(
    ("districts", "communes", "provincial", "per_district"),
    [(1, 3, 2, 2), (3, 6, 4, 2), (5, 10, 6, 3), (9, 17, 12, 2)],
)
def test_generated_quarter_meets_every_rule(districts, communes, provincial, per_district):
    p = make_province(
        districts=districts,
        communes_per_district=communes,
        provincial=provincial,
        per_district=per_district,
    )
    rnd = make_round(p, provincial_monthly_limit=6, district_monthly_limit=communes)
    result = generate_roster(rnd)
    assert result.ok, result.problems
    entries = assert_guarantees(rnd, p)
    assert len(entries) == len(result.entries)


@pytest.mark.parametrize("seed", range(8))
def test_random_unavailability_is_respected_or_explained(seed):
    sizes = [3 + (seed * 7 + i) % 6 for i in range(3)]
    p = make_province(districts=3, communes_per_district=sizes, provincial=4, per_district=3)
    period = "quarter" if seed % 2 else "month"
    rnd = make_round(
        p,
        period=period,
        start=date(2018, 4 if seed % 3 else 1, 1),
        provincial_monthly_limit=5,
        district_monthly_limit=8,
        provincial_frequency=RosterRound.Frequency.MONTHLY if seed % 4 == 0 else 3,
    )
    random_unavailability(p, rnd, seed)
    result = generate_roster(rnd)
    if result.ok:
        assert_guarantees(rnd, p)
    else:
        assert result.problems and all(result.problems)
        assert not rnd.entries.exists()


def test_most_random_cases_succeed():
    ok = 0
    for seed in range(6):
        p = make_province(districts=2, communes_per_district=6, provincial=3, per_district=3)
        rnd = make_round(p, provincial_monthly_limit=4, district_monthly_limit=6)
        random_unavailability(p, rnd, seed, share=0.2)
        if generate_roster(rnd).ok:
            assert_guarantees(rnd, p)
            ok += 1
    assert ok >= 5


def test_previous_round_is_not_repeated():
    p = make_province(districts=1, communes_per_district=4, provincial=2, per_district=2)
    first = make_round(p, period="month", start=date(2018, 1, 1), district_monthly_limit=4)
    assert generate_roster(first).ok
    second = make_round(p, period="month", start=date(2018, 2, 1), district_monthly_limit=4)
    assert generate_roster(second).ok
    jan = {(e.official_id, e.commune_id) for e in first.entries.all()}
    feb = {(e.official_id, e.commune_id) for e in second.entries.all()}
    assert not jan & feb
    assert violations(second) == []


def test_quarterly_visits_spread_over_monthly_rounds():
    p = make_province(districts=1, communes_per_district=6, provincial=2, per_district=2)
    seen: set[int] = set()
    for month in (1, 2, 3):
        rnd = make_round(p, period="month", start=date(2018, month, 1), district_monthly_limit=6)
        assert generate_roster(rnd).ok
        visited = {e.commune_id for e in rnd.entries.filter(kind=P)}
        assert visited, "each month takes a share of the quarter's visits"
        seen |= visited
    assert seen == {c.pk for c in p.communes}


def test_officials_following_the_district_are_preferred():
    p = make_province(districts=2, communes_per_district=3, provincial=4, per_district=2)
    OfficialProfile.objects.create(user=p.provincial[0], follows_district=p.districts[0])
    OfficialProfile.objects.create(user=p.provincial[1], follows_district=p.districts[1])
    rnd = make_round(p, provincial_monthly_limit=4, district_monthly_limit=3)
    assert generate_roster(rnd).ok
    for e in rnd.entries.filter(kind=P).select_related("commune"):
        expected = p.provincial[0] if e.commune.parent_id == p.districts[0].pk else p.provincial[1]
        assert e.official_id == expected.pk
        assert "same district" in e.explanation or "cùng huyện" in e.explanation


def test_explanations_say_why():
    p = make_province(districts=1, communes_per_district=2, provincial=1, per_district=2)
    rnd = make_round(p, period="month")
    assert generate_roster(rnd).ok
    entry = rnd.entries.filter(kind=D).first()
    assert "/12" in entry.explanation  # load against the monthly limit
    assert entry.official.get_full_name() in entry.explanation


def test_regenerating_replaces_the_entries():
    p = make_province(districts=1, communes_per_district=3, provincial=1, per_district=2)
    rnd = make_round(p, period="month")
    first = generate_roster(rnd)
    second = generate_roster(rnd)
    assert rnd.entries.count() == len(second.entries) == len(first.entries)


def test_a_150_commune_province_is_generated_in_a_few_seconds():
    p = make_province(
        districts=9,
        communes_per_district=[17, 23, 16, 13, 21, 15, 18, 10, 18],
        provincial=12,
        per_district=2,
    )
    rnd = make_round(p, provincial_monthly_limit=5, district_monthly_limit=12)
    started = time.perf_counter()
    result = generate_roster(rnd)
    elapsed = time.perf_counter() - started
    assert result.ok, result.problems
    assert elapsed < 10
    assert_guarantees(rnd, p)


# Impossible cases -------------------------------------------------------------


def test_too_few_provincial_officials_for_the_month_says_so():
    p = make_province(districts=2, communes_per_district=6, provincial=3, per_district=3)
    rnd = make_round(
        p,
        period="month",
        start=date(2018, 3, 1),
        provincial_frequency=RosterRound.Frequency.MONTHLY,
        provincial_monthly_limit=3,
    )
    result = generate_roster(rnd)
    assert not result.ok
    assert any("12" in m and "03/2018" in m and "3" in m and "9" in m for m in result.problems)
    assert not rnd.entries.exists()


def test_too_few_district_officials_names_the_district():
    p = make_province(districts=1, communes_per_district=10, provincial=2, per_district=2)
    rnd = make_round(p, period="month", district_monthly_limit=4)
    result = generate_roster(rnd)
    assert not result.ok
    assert p.districts[0].name in result.problems[0]
    assert "8" in result.problems[0]


def test_nobody_free_on_the_day_names_the_commune():
    p = make_province(districts=1, communes_per_district=1, provincial=1, per_district=1)
    commune = p.communes[0]
    ConferenceDate.objects.create(commune=commune, month=date(2018, 1, 1), day=date(2018, 1, 10))
    official = p.district_officials[p.districts[0].pk][0]
    Unavailability.objects.create(user=official, start=date(2018, 1, 9), end=date(2018, 1, 11))
    rnd = make_round(p, period="month")
    result = generate_roster(rnd)
    assert not result.ok
    assert commune.name in result.problems[0]
    assert "10/01/2018" in result.problems[0]


def test_same_day_conflict_is_reported():
    p = make_province(districts=1, communes_per_district=3, provincial=1, per_district=2)
    for c in p.communes:
        ConferenceDate.objects.create(commune=c, month=date(2018, 1, 1), day=date(2018, 1, 15))
    rnd = make_round(p, period="month")
    result = generate_roster(rnd)
    assert not result.ok
    assert "15/01/2018" in result.problems[0]


def test_one_district_official_cannot_avoid_repeats():
    p = make_province(districts=1, communes_per_district=2, provincial=2, per_district=1)
    rnd = make_round(p)
    result = generate_roster(rnd)
    assert not result.ok
    assert len(result.problems) == 1
    # It names the district and the rule (in the active language).
    assert p.districts[0].name in result.problems[0]
    with translation.override("en"):
        assert "consecutive months" in generate_roster(rnd).problems[0]
    rnd.no_repeat = False
    rnd.save()
    assert generate_roster(rnd).ok


def test_repeat_with_the_previous_round_is_explained():
    p = make_province(districts=1, communes_per_district=1, provincial=1, per_district=1)
    jan = make_round(p, period="month", start=date(2018, 1, 1))
    assert generate_roster(jan).ok
    feb = make_round(p, period="month", start=date(2018, 2, 1))
    result = generate_roster(feb)
    assert not result.ok
    assert p.communes[0].name in result.problems[0]


def test_default_conference_days_are_weekdays_in_the_month():
    p = make_province(districts=2, communes_per_district=8, provincial=2, per_district=4)
    rnd = make_round(p)
    generate_roster(rnd)
    dates = ConferenceDate.objects.filter(commune__in=p.communes)
    assert dates.count() == 16 * 3
    for cd in dates:
        assert cd.day.weekday() < 5
        assert cd.day.replace(day=1) == cd.month
        assert cd.is_default
    # A known date is kept.
    cd = dates.first()
    cd.day = cd.day + timedelta(days=0)
    assert ConferenceDate.objects.filter(commune=cd.commune, month=cd.month).count() == 1

"""The roster without a district tier (from 1/7/2025): communes directly under the
province are attended by the province's pool alone; no district official is asked."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest
from django.contrib.auth.models import User

from theodoi.tuyenvan.roster.models import RosterEntry, RosterRound
from theodoi.tuyenvan.roster.roster import generate_roster, round_communes, violations
from theodoi.units.models import Membership, Unit

pytestmark = pytest.mark.django_db
NEW = date(2025, 7, 1)


def _province(communes: int, officials: int) -> tuple[Unit, list[Unit], list[User]]:
    province = Unit.objects.create(name="Tỉnh Mới", kind=Unit.Kind.PROVINCE, key="t2:p")
    ban = Unit.objects.create(
        name="Ban TG&DV", kind=Unit.Kind.PARTY_AGENCY, parent=province, key="t2:ban",
        active_from=NEW,
    )  # fmt: skip
    # A district of before the reform, with a commune of its own: not in a 2026 round.
    old = Unit.objects.create(
        name="Huyện cũ", kind=Unit.Kind.DISTRICT, parent=province, key="t2:d",
        active_to=date(2025, 6, 30),
    )  # fmt: skip
    Unit.objects.create(
        name="Xã cũ", kind=Unit.Kind.COMMUNE, parent=old, key="t2:old",
        active_to=date(2025, 6, 30),
    )  # fmt: skip
    units = Unit.objects.bulk_create(
        Unit(
            name=f"Xã Mới {i + 1:02d}",
            kind=Unit.Kind.COMMUNE,
            parent=province,
            key=f"t2:c{i}",
            position=i,
            active_from=NEW,
        )
        for i in range(communes)
    )
    users = User.objects.bulk_create(
        User(username=f"t2.o{i}", last_name=f"Cán bộ {i}") for i in range(officials)
    )
    Membership.objects.bulk_create(
        Membership(user=u, unit=ban, role=Membership.Role.OFFICIAL) for u in users
    )
    return province, units, users


def test_a_province_without_districts_is_rostered_from_its_pool():
    province, communes, _officials = _province(communes=12, officials=3)
    rnd = RosterRound.objects.create(
        province=province,
        period="month",
        start=date(2026, 2, 1),
        provincial_frequency=RosterRound.Frequency.MONTHLY,
        provincial_monthly_limit=5,
    )
    assert {c.pk for c in round_communes(rnd)} == {c.pk for c in communes}
    result = generate_roster(rnd)
    assert result.ok, result.problems
    entries = list(rnd.entries.all())
    # Each commune has one provincial official; nobody is asked for a district official.
    assert Counter(e.commune_id for e in entries) == {c.pk: 1 for c in communes}
    assert {e.kind for e in entries} == {RosterEntry.Kind.PROVINCIAL}
    assert max(Counter(e.official_id for e in entries).values()) <= 5
    assert violations(rnd) == []


def test_too_small_a_pool_is_named_not_a_missing_district():
    province, _communes, _officials = _province(communes=12, officials=2)
    rnd = RosterRound.objects.create(
        province=province,
        period="month",
        start=date(2026, 2, 1),
        provincial_frequency=RosterRound.Frequency.MONTHLY,
        provincial_monthly_limit=5,
    )
    result = generate_roster(rnd)
    assert not result.ok
    text = " ".join(result.problems)
    # Vietnamese (the default language): the provincial pool is named, no district.
    assert "cán bộ tỉnh" in text and "huyện" not in text

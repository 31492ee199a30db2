"""A province of any size for roster tests, bulk-created."""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.auth.models import User

from theodoi.tuyenvan.roster.models import RosterRound, Unavailability
from theodoi.units.models import Membership, Unit

_seq = itertools.count(1)


@dataclass
class Province:
    province: Unit
    agency: Unit
    districts: list[Unit]
    communes: list[Unit]
    provincial: list[User]
    district_officials: dict[int, list[User]]


def make_province(
    *,
    districts: int = 3,
    communes_per_district: int | list[int] = 5,
    provincial: int = 4,
    per_district: int = 2,
) -> Province:
    n = next(_seq)
    province = Unit.objects.create(name=f"Tỉnh ủy R{n}", kind=Unit.Kind.PROVINCE, key=f"r{n}")
    agency = Unit.objects.create(
        name=f"Ban Tuyên giáo R{n}", kind=Unit.Kind.PARTY_AGENCY, parent=province, key=f"r{n}:btg"
    )
    district_units = Unit.objects.bulk_create(
        Unit(
            name=f"Huyện ủy R{n}-{d + 1}",
            kind=Unit.Kind.DISTRICT,
            parent=province,
            key=f"r{n}:d{d}",
            position=d,
        )
        for d in range(districts)
    )
    sizes = (
        communes_per_district
        if isinstance(communes_per_district, list)
        else [communes_per_district] * districts
    )
    communes = Unit.objects.bulk_create(
        Unit(
            name=f"Xã R{n}-{d + 1}-{c + 1}",
            kind=Unit.Kind.COMMUNE,
            parent=district,
            key=f"r{n}:d{d}:c{c}",
            position=c,
        )
        for d, district in enumerate(district_units)
        for c in range(sizes[d])
    )
    users = User.objects.bulk_create(
        User(username=f"r{n}.p{i}", first_name="Cán bộ", last_name=f"Tỉnh {i}")
        for i in range(provincial)
    )
    d_users = {
        district.pk: User.objects.bulk_create(
            User(username=f"r{n}.d{d}.{i}", first_name="Cán bộ", last_name=f"Huyện {d}-{i}")
            for i in range(per_district)
        )
        for d, district in enumerate(district_units)
    }
    Membership.objects.bulk_create(
        [Membership(user=u, unit=agency, role=Membership.Role.OFFICIAL) for u in users]
        + [
            Membership(user=u, unit_id=district_id, role=Membership.Role.OFFICIAL)
            for district_id, group in d_users.items()
            for u in group
        ]
    )
    return Province(province, agency, district_units, communes, users, d_users)


def make_round(
    p: Province, *, period: str = "quarter", start: date = date(2018, 1, 1), **kw
) -> RosterRound:
    return RosterRound.objects.create(province=p.province, period=period, start=start, **kw)


def random_unavailability(p: Province, rnd: RosterRound, seed: int, share: float = 0.3) -> None:
    rng = random.Random(seed)
    rows = []
    everyone = p.provincial + [u for g in p.district_officials.values() for u in g]
    for user in everyone:
        if rng.random() < share:
            first = rnd.start + timedelta(
                days=rng.randrange(0, 80 if rnd.period == "quarter" else 25)
            )
            rows.append(
                Unavailability(
                    user=user, start=first, end=first + timedelta(days=rng.randrange(0, 4))
                )
            )
    Unavailability.objects.bulk_create(rows)

from __future__ import annotations

from datetime import date

import pytest

from theodoi.testing import make_unit, make_user
from theodoi.tuyenvan.roster.models import RosterRound
from theodoi.tuyenvan.roster.roster import generate_roster
from theodoi.units.models import Membership, Unit


@pytest.fixture
def officials(world):
    """The world plus two provincial officials, a second district official of
    district 1, an official of district 2 and two more communes."""
    R = Membership.Role
    make_unit("Xã Một C", Unit.Kind.COMMUNE, world.district1)
    make_unit("Xã Hai B", Unit.Kind.COMMUNE, world.district2)
    world.official.first_name, world.official.last_name = "Nguyễn Văn", "An"
    world.official.save()
    return {
        "p1": make_user(
            "official.btg1", R.OFFICIAL, world.btg, first_name="Lò Thị", last_name="Mai"
        ),
        "p2": make_user(
            "official.btg2", R.OFFICIAL, world.bdv, first_name="Vàng A", last_name="Sử"
        ),
        "d1b": make_user(
            "official.d1b", R.OFFICIAL, world.district1, first_name="Hoàng", last_name="Bình"
        ),
        "d2a": make_user(
            "official.d2a", R.OFFICIAL, world.district2, first_name="Lý", last_name="Châu"
        ),
        "d2b": make_user(
            "official.d2b", R.OFFICIAL, world.district2, first_name="Sùng", last_name="Dân"
        ),
    }


@pytest.fixture
def roster(world, officials):
    rnd = RosterRound.objects.create(
        province=world.province, period="quarter", start=date(2018, 1, 1)
    )
    result = generate_roster(rnd)
    assert result.ok, result.problems
    return rnd

"""The demo hook on a small world dressed with the demo's keys."""

from __future__ import annotations

import io
import time
from datetime import date

import pytest

from theodoi.demo.context import DemoContext
from theodoi.testing import make_unit
from theodoi.tuyenvan.roster import demo
from theodoi.tuyenvan.roster.models import Board, RosterEntry, RosterRound, Team
from theodoi.units.models import Membership, Unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def ctx(world):
    world.province.key = "lc2018:10"
    world.province.save()
    world.btg.key = "lc2018:agency:BTG"
    world.btg.save()
    world.bdv.key = "lc2018:agency:BDV"
    world.bdv.save()
    for i in range(4):
        make_unit(f"Xã Thêm {i}", Unit.Kind.COMMUNE, world.district1 if i % 2 else world.district2)
    make_unit("Phường Phố Mới", Unit.Kind.COMMUNE, world.district2)
    return DemoContext(password="demo-password-1", today=date(2018, 7, 15), stdout=io.StringIO())


def test_demo_hook_loads_officials_rosters_and_boards(ctx, world):
    started = time.perf_counter()
    demo.load(ctx)
    assert time.perf_counter() - started < 20
    officials = Membership.objects.filter(role="official").exclude(user=world.official)
    assert officials.filter(unit=world.btg).count() == 5
    assert officials.filter(unit=world.province).count() == 3  # no STTTT key: the province
    assert officials.filter(unit=world.district2).count() == 2
    rounds = RosterRound.objects.filter(province=world.province)
    assert [r.start for r in rounds.order_by("start")] == [
        date(2018, 1, 1),
        date(2018, 4, 1),
        date(2018, 7, 1),
    ]
    assert all(r.status == "published" for r in rounds), ctx.stdout.getvalue()
    assert RosterEntry.objects.filter(round__in=rounds).count() > 0
    communes = Unit.objects.filter(kind="commune", parent__in=[world.district1, world.district2])
    assert Board.objects.filter(unit__in=communes).count() == communes.count()
    assert Board.objects.filter(unit__in=[world.district1, world.district2]).count() == 2
    assert Team.objects.filter(commune__in=communes).count() >= 4 * communes.count()
    assert Team.objects.filter(
        commune__name="Phường Phố Mới", village_name__startswith="Tổ dân phố"
    ).exists()
    gaps = [b.gap_labels(date(2018, 7, 15)) for b in Board.objects.with_gaps()]
    assert any(gaps)
    assert ctx.accounts
    user = Membership.objects.filter(unit=world.btg, role="official").first().user
    assert user.check_password("demo-password-1")


def test_demo_lists_every_provincial_official_and_gives_official_assignments(
    ctx, world, client, monkeypatch
):
    demo.load(ctx)
    listed = [a[0] for a in ctx.accounts]
    assert "official.btg1…5" in listed and "official.bdv1…4" in listed
    assert "official.stttt1…3" in listed
    # The account named "official" (a district official here) has published assignments
    # in both rounds, and sees them on its page.
    for rnd in RosterRound.objects.filter(province=world.province):
        assert rnd.entries.filter(official=world.official).exists(), rnd.title
    monkeypatch.setattr("django.conf.settings.THEODOI_TODAY", "2018-07-15")
    client.force_login(world.official)
    page = client.get("/tuyenvan/people/roster/mine/")
    assert page.status_code == 200
    assert page.context["past"] and page.context["upcoming"]


def test_official_left_out_gets_assignments_that_break_no_rule(world, officials, roster):
    from theodoi.tuyenvan.roster.roster import violations

    roster.entries.filter(official=world.official).update(official=officials["d1b"])
    before = {(v.rule, v.message) for v in violations(roster)}
    demo._give_assignments_to(roster, "official")
    assert roster.entries.filter(official=world.official).exists()
    assert {(v.rule, v.message) for v in violations(roster)} <= before

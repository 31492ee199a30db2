"""Factories for tests: a small province with one account per role.

``make_world()`` builds::

    Tỉnh ủy Thử nghiệm (province)
    ├── Ban Tuyên giáo (party_agency)      coordinator
    ├── Ban Dân vận (party_agency)         agency reporter
    ├── Sở Thông tin và Truyền thông (state_agency)
    ├── Huyện ủy Một (district)            district scorer, official
    │   ├── Xã Một A (commune)             commune reporter
    │   └── Xã Một B (commune)
    └── Huyện ủy Hai (district)
        └── Xã Hai A (commune)

plus a leadership viewer and an administrator at the province, and
``outsider``: a coordinator of another province.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib.auth.models import User

from theodoi.plans.models import Assignment, Field, Plan, Programme, Task, WorkItem
from theodoi.units.models import Membership, Unit

_seq = itertools.count(1)
PASSWORD = "test-password-123"


def make_unit(name: str, kind: str, parent: Unit | None = None, **kwargs: Any) -> Unit:
    n = next(_seq)
    kwargs.setdefault("key", f"test:{n}")
    kwargs.setdefault("code", f"T{n:04d}")
    return Unit.objects.create(name=name, kind=kind, parent=parent, **kwargs)


def make_user(
    username: str, role: str | None = None, unit: Unit | None = None, **kwargs: Any
) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD, **kwargs)
    if role and unit:
        Membership.objects.create(user=user, unit=unit, role=role)
    return user


@dataclass
class World:
    province: Unit
    btg: Unit
    bdv: Unit
    sotttt: Unit
    district1: Unit
    district2: Unit
    commune1a: Unit
    commune1b: Unit
    commune2a: Unit
    other_province: Unit
    coordinator: User
    agency: User
    district: User
    commune: User
    official: User
    viewer: User
    admin: User
    outsider: User


def make_world() -> World:
    K = Unit.Kind
    R = Membership.Role
    province = make_unit("Tỉnh ủy Thử nghiệm", K.PROVINCE, symbol="TU", place="Thử nghiệm")
    btg = make_unit(
        "Ban Tuyên giáo Tỉnh ủy", K.PARTY_AGENCY, province, short_name="BTG", symbol="BTGTU"
    )
    bdv = make_unit(
        "Ban Dân vận Tỉnh ủy", K.PARTY_AGENCY, province, short_name="BDV", symbol="BDVTU"
    )
    sotttt = make_unit(
        "Sở Thông tin và Truyền thông", K.STATE_AGENCY, province, short_name="Sở TT&TT"
    )
    district1 = make_unit("Huyện ủy Một", K.DISTRICT, province, symbol="HU")
    district2 = make_unit("Huyện ủy Hai", K.DISTRICT, province, symbol="HU")
    commune1a = make_unit("Xã Một A", K.COMMUNE, district1)
    commune1b = make_unit("Xã Một B", K.COMMUNE, district1)
    commune2a = make_unit("Xã Hai A", K.COMMUNE, district2)
    other_province = make_unit("Tỉnh ủy Khác", K.PROVINCE, symbol="TU")
    other_btg = make_unit("Ban Tuyên giáo Tỉnh ủy Khác", K.PARTY_AGENCY, other_province)
    return World(
        province=province,
        btg=btg,
        bdv=bdv,
        sotttt=sotttt,
        district1=district1,
        district2=district2,
        commune1a=commune1a,
        commune1b=commune1b,
        commune2a=commune2a,
        other_province=other_province,
        coordinator=make_user("coordinator", R.COORDINATOR, btg),
        agency=make_user("agency", R.AGENCY_REPORTER, bdv),
        district=make_user("district", R.DISTRICT_SCORER, district1),
        commune=make_user("commune", R.COMMUNE_REPORTER, commune1a),
        official=make_user("official", R.OFFICIAL, district1),
        viewer=make_user("viewer", R.VIEWER, province),
        admin=make_user("admin", R.ADMIN, province),
        outsider=make_user("outsider", R.COORDINATOR, other_btg),
    )


def make_plan(world: World, *, year: int = 2018, number: str | None = None) -> Plan:
    programme, _ = Programme.objects.get_or_create(
        code="17-ĐA/TU",
        defaults={
            "title": "Đề án thử nghiệm",
            "issuer": world.province,
            "start_year": 2016,
            "end_year": 2020,
        },
    )
    return Plan.objects.create(
        programme=programme,
        number=number or f"{next(_seq)}-KH/TU",
        issued_on=date(year, 1, 5),
        year=year,
        title=f"Kế hoạch thực hiện Đề án năm {year}",
        issuer=world.province,
        owner=world.btg,
    )


def make_work_item(
    plan: Plan,
    *,
    lead: list[Unit] | Unit,
    coordinating: list[Unit] | Unit | None = None,
    field: str = "Công tác tuyên truyền",
    task: str = "Nhiệm vụ thử nghiệm",
    title: str | None = None,
    start: date | None = None,
    end: date | None = None,
) -> WorkItem:
    field_obj, _ = Field.objects.get_or_create(plan=plan, name=field)
    task_obj, _ = Task.objects.get_or_create(plan=plan, field=field_obj, title=task)
    item = WorkItem.objects.create(
        task=task_obj,
        title=title or f"Nhóm công việc {next(_seq)}",
        start=start or date(plan.year, 1, 15),
        end=end or date(plan.year, 6, 30),
    )
    leads = lead if isinstance(lead, list) else [lead]
    coords = (
        coordinating if isinstance(coordinating, list) else [coordinating] if coordinating else []
    )
    for unit in leads:
        Assignment.objects.create(work_item=item, unit=unit, role=Assignment.Role.LEAD)
    for unit in coords:
        Assignment.objects.create(work_item=item, unit=unit, role=Assignment.Role.COORDINATING)
    return item


# tuyenvan ---------------------------------------------------------------------


def make_criteria_set(world: World, effective_from: date | None = None, **kwargs: Any) -> Any:
    """The demo's 100-point tuyên vận set, published, owned by the test province."""
    from theodoi.tuyenvan.defaults import build_default_set

    return build_default_set(world.province, effective_from or date(2018, 1, 1), **kwargs)


def make_roster_entry(
    province: Unit,
    commune: Unit,
    official: User,
    day: date,
    *,
    kind: str = "district",
    published: bool = True,
) -> Any:
    """One official on the roster of a commune's conference: the month's round
    of ``province`` (created, published unless told otherwise) gets the entry."""
    from theodoi.tuyenvan.roster.models import RosterEntry, RosterRound

    rnd, _created = RosterRound.objects.get_or_create(
        province=province,
        period=RosterRound.Period.MONTH,
        start=day.replace(day=1),
        defaults={
            "status": RosterRound.Status.PUBLISHED if published else RosterRound.Status.DRAFT
        },
    )
    return RosterEntry.objects.create(
        round=rnd,
        official=official,
        commune=commune,
        kind=kind,
        day=day,
        explanation="Cán bộ phụ trách địa bàn",
    )


def release(response: Any) -> None:
    """Close the file a streamed response holds, without ``response.close()``.

    ``close()`` also sends Django's end-of-request signal, which closes the
    database connection; inside a test's transaction on PostgreSQL that
    breaks every later query of the test.
    """
    for closer in response._resource_closers:
        closer()
    response._resource_closers.clear()

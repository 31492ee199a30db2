"""Load the demo: the 2018 Lào Cai units, Đề án 17-ĐA/TU, Kế hoạch 112-KH/TU, accounts.

Safety:
- It runs only when ``settings.THEODOI_DEMO`` is True (``theodoi demo`` sets
  it), so the shared demo password is never set outside the demo.
- It loads only into an empty database (no accounts, no units) or into a
  database it made itself: one named in ``DATA_DIR/demo-database`` whose
  accounts all have the demo e-mail domain. Anything else is refused.

Re-running on the demo database reloads it cleanly: every row of every app is
deleted (content types and permissions are kept) and the demo is built again,
all in one transaction; the password stays the same (``DATA_DIR/demo-password``
or ``DEMO_PASSWORD``). ``keep=True`` (``load_demo --keep``) instead leaves an
already loaded demo as it is and only prints its accounts.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import TextIO

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Permission, User
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction

from theodoi.core import clock
from theodoi.plans.models import (
    Assignment,
    Field,
    Indicator,
    LegalDocument,
    Objective,
    Plan,
    Programme,
    Task,
    WorkItem,
)
from theodoi.units import imports
from theodoi.units.models import Membership, Unit, UnitGroup, strip_diacritics

from . import plan_2018 as data
from .context import DemoContext

DEMO_EMAIL_DOMAIN = "@demo.theodoi.invalid"
MARKER_FILE = "demo-database"
PASSWORD_FILE = "demo-password"
R = Membership.Role


class DemoRefused(Exception):
    """The demo will not load into this database (or without THEODOI_DEMO)."""


# Safety ----------------------------------------------------------------------


def _database_name() -> str:
    return str(connection.settings_dict["NAME"])


def _marker_path() -> Path:
    return Path(settings.DATA_DIR) / MARKER_FILE


def _is_marked_demo() -> bool:
    path = _marker_path()
    return path.exists() and path.read_text(encoding="utf-8").strip() == _database_name()


def check_may_load() -> None:
    """Raise DemoRefused unless the demo may (re)load into this database."""
    if not settings.THEODOI_DEMO:
        raise DemoRefused(
            "The demo loads only when THEODOI_DEMO=True (as `theodoi demo` and `make demo` "
            "set it), so that demo passwords are never used outside the demo."
        )
    users = User.objects.count()
    units = Unit.objects.count()
    if users == 0 and units == 0:
        return
    foreign_users = User.objects.exclude(email__endswith=DEMO_EMAIL_DOMAIN).count()
    if users and not foreign_users and _is_marked_demo():
        return
    raise DemoRefused(
        f"This database ({_database_name()}) already holds data the demo did not create "
        f"({users} account(s), {units} unit(s)); the demo loads only into an empty database "
        "or into one it made itself. Point THEODOI_DATA (or DATABASE_URL) at another "
        "database to run the demo."
    )


def demo_password() -> str:
    """DEMO_PASSWORD when set, otherwise one generated once and kept in DATA_DIR."""
    if os.getenv("DEMO_PASSWORD"):
        return os.environ["DEMO_PASSWORD"]
    path = Path(settings.DATA_DIR) / PASSWORD_FILE
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    password = f"demo-{secrets.token_urlsafe(9)}"
    path.write_text(password, encoding="utf-8")
    path.chmod(0o600)
    return password


def _clear_database() -> None:
    """Delete every row of every app, keeping content types and permissions.

    Foreign keys are deferred on SQLite and PostgreSQL (Django creates them
    DEFERRABLE INITIALLY DEFERRED), so the order of the deletes does not matter
    within the transaction.
    """
    keep = {ContentType._meta.db_table, Permission._meta.db_table}
    tables: list[str] = []
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy or not meta.managed or meta.db_table in keep or meta.db_table in tables:
            continue
        tables.append(meta.db_table)
    existing = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        for table in tables:
            if table in existing:
                cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")  # noqa: S608


# Building --------------------------------------------------------------------


def _agency_key(short: str) -> str:
    return f"lc2018:agency:{short}"


def build_units() -> tuple[dict[str, Unit], list[Unit]]:
    """The 2018 tree and the provincial agencies; returns (agencies by short, districts)."""
    imports.import_laocai_2018()
    province = Unit.objects.get(key=imports.LAOCAI_2018_PROVINCE_KEY)
    agencies: dict[str, Unit] = {}
    for position, agency in enumerate(data.AGENCIES, start=1):
        agencies[agency.short] = Unit.objects.create(
            key=_agency_key(agency.short),
            code=agency.short,
            name=agency.name,
            short_name=agency.short_name,
            kind=agency.kind,
            symbol=agency.symbol,
            place="Lào Cai",
            parent=province,
            position=position,
            active_to=imports.LAST_DAY_BEFORE_REFORM,
        )
    districts = list(province.children.filter(kind=Unit.Kind.DISTRICT).order_by("position"))
    group = UnitGroup.objects.create(name=data.DISTRICT_GROUP)
    group.units.set(districts)
    wider = UnitGroup.objects.create(name=data.DISTRICT_AND_DIRECT_GROUP)
    wider.units.set([*districts, *(agencies[s] for s in data.DIRECT_COMMITTEES)])
    return agencies, districts


def _resolve(ref: str, agencies: dict[str, Unit], districts: list[Unit]) -> list[Unit]:
    if ref == data.DISTRICTS:
        return districts
    if ref.startswith("lc2018:"):
        return [next(d for d in districts if d.key == ref)]
    return [agencies[ref]]


def _progress(item: data.Item, lead: Unit) -> dict[str, object]:
    """The lead's standing on the demo's date (15/07/2018), for a lively demo."""
    today = data.TODAY
    progress = item.progress
    if progress == "on_time" and lead.code == "084":
        progress = "overdue"  # Si Ma Cai is behind on what others finished.
    elif progress == "on_time" and lead.code == "089":
        progress = "late"
    S = Assignment.Status
    if progress == "on_time":
        done_on = max(item.start, item.end - timedelta(days=3))
        return {"status": S.DONE, "percent_done": 100, "completed_on": done_on}
    if progress == "late":
        return {
            "status": S.DONE,
            "percent_done": 100,
            "completed_on": min(today, item.end + timedelta(days=10)),
        }
    if progress == "overdue":
        return {"status": S.IN_PROGRESS, "percent_done": 60}
    if item.start > today:
        return {"status": S.NOT_STARTED, "percent_done": 0}
    elapsed = (today - item.start).days / max(1, (item.end - item.start).days)
    return {"status": S.IN_PROGRESS, "percent_done": min(90, 5 * round(elapsed * 20))}


def build_plan(province: Unit, agencies: dict[str, Unit], districts: list[Unit]) -> Plan:
    programme = Programme.objects.create(
        code=data.PROGRAMME_CODE,
        title=data.PROGRAMME_TITLE,
        issuer=province,
        start_year=2016,
        end_year=2020,
        summary=data.PROGRAMME_SUMMARY,
    )
    for position, (text, indicators) in enumerate(data.OBJECTIVES, start=1):
        objective = Objective.objects.create(programme=programme, text=text, position=position)
        for name, measure, target, baseline in indicators:
            Indicator.objects.create(
                objective=objective, name=name, measure=measure, target=target, baseline=baseline
            )
    bases = [
        LegalDocument.objects.create(number=number, issued_on=day, title=title, issuer=province)
        for number, day, title in data.LEGAL_DOCUMENTS
    ]
    plan = Plan.objects.create(
        programme=programme,
        number=data.PLAN_NUMBER,
        issued_on=data.PLAN_ISSUED,
        year=data.YEAR,
        title=data.PLAN_TITLE,
        issuer=province,
        owner=agencies["BTG"],
        summary=data.PLAN_SUMMARY,
    )
    plan.legal_bases.set(bases)
    fields = [
        Field.objects.create(plan=plan, name=name, position=position)
        for position, name in enumerate(data.FIELDS, start=1)
    ]
    # Number tasks within each field, in field order (1, 2, … per field).
    by_field: dict[int, list[data.TaskData]] = {}
    for task_data in data.TASKS:
        by_field.setdefault(task_data.field, []).append(task_data)
    position = 0
    for field_index, tasks in sorted(by_field.items()):
        for task_number, task_data in enumerate(tasks, start=1):
            position += 1
            task = Task.objects.create(
                plan=plan,
                field=fields[field_index],
                number=f"{field_index + 1}.{task_number}",
                title=task_data.title,
                position=position,
            )
            leads = _resolve(task_data.lead, agencies, districts)
            for item_number, item in enumerate(task_data.items, start=1):
                work_item = WorkItem.objects.create(
                    task=task,
                    number=f"{task.number}.{item_number}",
                    title=item.title,
                    start=item.start,
                    end=item.end,
                    expected_output=item.output,
                    coordination_note=item.note,
                    position=item_number,
                )
                for lead in leads:
                    Assignment.objects.create(
                        work_item=work_item,
                        unit=lead,
                        role=Assignment.Role.LEAD,
                        **_progress(item, lead),
                    )
                lead_ids = {u.pk for u in leads}
                for ref in item.coordinating:
                    for unit in _resolve(ref, agencies, districts):
                        if unit.pk not in lead_ids:
                            Assignment.objects.create(
                                work_item=work_item,
                                unit=unit,
                                role=Assignment.Role.COORDINATING,
                            )
    return plan


# People: realistic names, not real persons.
ROLE_ACCOUNTS = [
    # (username, role, unit key, full name, title, is_head)
    (
        "coordinator",
        R.COORDINATOR,
        "lc2018:agency:BTG",
        "Nguyễn Thị Thu Hương",
        "Chuyên viên",
        False,
    ),
    ("agency", R.AGENCY_REPORTER, "lc2018:agency:BDV", "Hoàng Văn Thắng", "Chuyên viên", False),
    ("district", R.DISTRICT_SCORER, "lc2018:082", "Lù Văn Chiến", "Ủy viên ban tuyên vận", False),
    ("commune", R.COMMUNE_REPORTER, "lc2018:02734", "Vàng Thị Mai", "Cán bộ tuyên vận", False),
    ("official", R.OFFICIAL, "lc2018:082", "Trần Minh Đức", "Ủy viên Ban Thường vụ", False),
    ("viewer", R.VIEWER, "lc2018:10", "Đỗ Văn Hùng", "Ủy viên Ban Thường vụ Tỉnh ủy", False),
    ("admin", R.ADMIN, "lc2018:10", "Phạm Quốc Anh", "Quản trị hệ thống", False),
]
HEADS = [
    # (username, unit key, full name, title) — heads of unit, for reminders' escalation.
    ("btg.head", "lc2018:agency:BTG", "Giàng Seo Phử", "Trưởng ban"),
    ("bdv.head", "lc2018:agency:BDV", "Lê Thị Hồng Nhung", "Trưởng ban"),
    ("btc.head", "lc2018:agency:BTC", "Vũ Đình Khang", "Trưởng ban"),
    ("batxat.head", "lc2018:082", "Sùng A Lình", "Bí thư Huyện ủy"),
    ("sapa.head", "lc2018:088", "Nguyễn Hữu Thể", "Bí thư Huyện ủy"),
]
_FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Lò", "Giàng", "Lương"]
_GIVEN = [
    "Văn Hải",
    "Thị Lan",
    "Minh Tuấn",
    "Thị Hà",
    "Văn Toàn",
    "Thị Thanh",
    "Đức Anh",
    "Thị Hạnh",
    "Văn Sơn",
    "Thị Ngọc",
    "Quang Huy",
    "Thị Yến",
    "Văn Dũng",
]


def _username(unit: Unit, short: str | None) -> str:
    if short:
        return short.lower()
    place = strip_diacritics(unit.place).lower().replace(" ", "")
    return f"tp{place}" if unit.symbol == "ThU" else place


def build_accounts(ctx: DemoContext, agencies: dict[str, Unit], districts: list[Unit]) -> None:
    for username, role, key, full_name, title, is_head in ROLE_ACCOUNTS:
        user = ctx.account(username, role, ctx.unit(key), full_name=full_name, is_head=is_head)
        Membership.objects.filter(user=user).update(title=title)
        if role == R.ADMIN:
            user.is_staff = True
            user.save(update_fields=["is_staff"])
    # A reporter for every other agency and every district committee.
    reporters = [
        (agencies[a.short], a.short) for a in data.AGENCIES if a.short not in ("BTG", "BDV")
    ]
    reporters += [(unit, None) for unit in districts]
    for n, (unit, short) in enumerate(reporters):
        name = f"{_FAMILY[n % len(_FAMILY)]} {_GIVEN[n % len(_GIVEN)]}"
        user = ctx.account(_username(unit, short), R.AGENCY_REPORTER, unit, full_name=name)
        Membership.objects.filter(user=user).update(title="Chuyên viên")
    for username, key, full_name, title in HEADS:
        role = R.COORDINATOR if key.endswith(":BTG") else R.AGENCY_REPORTER
        user = ctx.account(username, role, ctx.unit(key), full_name=full_name, is_head=True)
        Membership.objects.filter(user=user).update(title=title)


def run_app_hooks(ctx: DemoContext) -> list[str]:
    """Call ``<app>.demo.load(ctx)`` for each installed app that has one."""
    called = []
    for app_config in apps.get_app_configs():
        module_name = f"{app_config.name}.demo"
        try:
            spec = importlib.util.find_spec(module_name)
        except ModuleNotFoundError:
            spec = None
        if spec is None:
            continue
        module = importlib.import_module(module_name)
        load = getattr(module, "load", None)
        if callable(load):
            load(ctx)
            called.append(app_config.label)
    return called


# Entry point -----------------------------------------------------------------


def existing_accounts() -> list[tuple[str, str, str]]:
    memberships = (
        Membership.objects.filter(user__email__endswith=DEMO_EMAIL_DOMAIN)
        .select_related("user", "unit")
        .order_by("user_id", "pk")
    )
    return [(m.user.username, str(m.get_role_display()), m.unit.name) for m in memberships]


def load(stdout: TextIO, *, keep: bool = False) -> tuple[DemoContext, bool]:
    """Load (or reload) the demo; return its context and whether it loaded anything."""
    password = demo_password()
    # Each era is built at its own clock, whatever the served clock (THEODOI_TODAY) is.
    ctx = DemoContext(password=password, today=data.TODAY, stdout=stdout)
    with transaction.atomic(), clock.fixed_today(data.TODAY):
        check_may_load()
        if keep and Plan.objects.filter(number=data.PLAN_NUMBER).exists():
            ctx.accounts = existing_accounts()
            # begin era 2026
            era_units = set(
                Unit.objects.filter(key__startswith="vn2025:").values_list("name", flat=True)
            )
            ctx.era_accounts = [a for a in ctx.accounts if a[2] in era_units]
            ctx.accounts = [a for a in ctx.accounts if a[2] not in era_units]
            # end era 2026
            return ctx, False
        if User.objects.exists() or Unit.objects.exists():
            _clear_database()
        agencies, districts = build_units()
        build_plan(ctx.province, agencies, districts)
        build_accounts(ctx, agencies, districts)
        run_app_hooks(ctx)
        # begin proposals
        from .proposals_2018 import build_proposals

        build_proposals(ctx)
        from .programme_years import build_programme_years

        build_programme_years(ctx)
        # end proposals
        # begin era 2026: the new Lào Cai beside 2018 (seen with THEODOI_TODAY=2026-03-16)
        from . import era_2026

        era_2026.load(ctx)
        # end era 2026
        _marker_path().parent.mkdir(parents=True, exist_ok=True)
        _marker_path().write_text(_database_name(), encoding="utf-8")
    return ctx, True


def print_accounts(ctx: DemoContext, port: str | None = None) -> None:
    port = port or os.getenv("PORT", "8000")
    out = ctx.stdout
    out.write(
        f"\ntheodoi demo: Kế hoạch {data.PLAN_NUMBER}, Lào Cai {data.YEAR} "
        f"(the demo's today: {ctx.today:%d/%m/%Y})\n"
    )
    out.write(f"Open http://127.0.0.1:{port} and sign in as one of these accounts.\n")
    out.write(f"Password of every demo account: {ctx.password}\n\n")
    width = max([len(a[0]) for a in ctx.accounts] + [8])
    role_width = max([len(a[1]) for a in ctx.accounts] + [4])
    for username, role, unit in ctx.accounts:
        out.write(f"  {username:<{width}}  {role:<{role_width}}  {unit}\n")
    out.write("\n")
    # begin era 2026
    if ctx.era_accounts:
        out.write(
            "The 2026 era (the new Lào Cai, no district tier): start the demo with "
            "`theodoi demo --era 2026` (THEODOI_TODAY=2026-03-16) and sign in as:\n"
        )
        width = max(len(a[0]) for a in ctx.era_accounts)
        for username, role, unit in ctx.era_accounts:
            out.write(f"  {username:<{width}}  {role:<{role_width}}  {unit}\n")
        out.write("\n")
    # end era 2026


__all__ = ["DemoRefused", "check_may_load", "demo_password", "load", "print_accounts"]

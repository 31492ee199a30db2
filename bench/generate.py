"""Generate national-scale data: 34 provinces, 3,321 communes, a plan per province.

    python -m bench.generate --reset                 # PostgreSQL theodoi_bench
    python -m bench.generate --reset --engine sqlite --provinces 2

Per province: the province (key ``vn2025:<code>``) with its communes from the
official 2025 list (``vn2025:<code>``), 40 provincial agencies (party agencies
including a Ban Tuyên giáo, state agencies, mass organisations), one Programme
and one 2018 Plan owned by the Ban Tuyên giáo with 10 fields, 30 tasks and 200
work items. Each work item has one lead unit (one in ten: a group of 5–10
communes, each leading it in its own area) and 0–4 coordinating units, with
statuses as of the bench's "today" (15/07/2018): done, done late, in progress,
not started, overdue. One account per role per province.

Then, in parts generated once each: reporting (``generate_reporting``:
quarterly and 6-monthly schedules, the reports of 2018-Q1 and 2018-H1 from
every unit that owes one) and, on PostgreSQL, tuyên vận (``generate_tuyenvan``:
a "Cả nước" unit above the provinces, a criteria set per province, a year of
conferences, submissions and score sheets for every commune).

Deterministic (a seeded random), bulk inserts throughout. ``--reset`` drops and
recreates the database (PostgreSQL) or file (SQLite) and migrates it; without
it, a database that already holds the data is left alone.
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import date, datetime, timedelta
from datetime import time as dtime
from decimal import Decimal
from typing import Any
from urllib.parse import urlparse

from bench import env

AGENCIES: list[tuple[str, str, str, str]] = [
    # (name pattern, kind, short name, symbol); {p} is the province's place name.
    ("Ban Tuyên giáo Tỉnh ủy {p}", "party_agency", "BTG", "BTGTU"),
    ("Ban Dân vận Tỉnh ủy {p}", "party_agency", "BDV", "BDVTU"),
    ("Ban Tổ chức Tỉnh ủy {p}", "party_agency", "BTC", "BTCTU"),
    ("Ban Nội chính Tỉnh ủy {p}", "party_agency", "BNC", "BNCTU"),
    ("Ủy ban Kiểm tra Tỉnh ủy {p}", "party_agency", "UBKT", "UBKTTU"),
    ("Văn phòng Tỉnh ủy {p}", "party_agency", "VPTU", "VPTU"),
    ("Trường Chính trị tỉnh {p}", "party_agency", "TCT", ""),
    ("Báo {p}", "party_agency", "Báo", ""),
    ("Đảng ủy các cơ quan Đảng tỉnh {p}", "party_agency", "ĐUCCQĐ", "ĐU"),
    ("Đảng ủy Ủy ban nhân dân tỉnh {p}", "party_agency", "ĐUUBND", "ĐU"),
    ("Văn phòng Ủy ban nhân dân tỉnh {p}", "state_agency", "VP UBND", ""),
    ("Sở Nội vụ tỉnh {p}", "state_agency", "SNV", ""),
    ("Sở Tài chính tỉnh {p}", "state_agency", "STC", ""),
    ("Sở Tư pháp tỉnh {p}", "state_agency", "STP", ""),
    ("Sở Công Thương tỉnh {p}", "state_agency", "SCT", ""),
    ("Sở Nông nghiệp và Môi trường tỉnh {p}", "state_agency", "SNN&MT", ""),
    ("Sở Xây dựng tỉnh {p}", "state_agency", "SXD", ""),
    ("Sở Giáo dục và Đào tạo tỉnh {p}", "state_agency", "SGD&ĐT", ""),
    ("Sở Y tế tỉnh {p}", "state_agency", "SYT", ""),
    ("Sở Văn hóa, Thể thao và Du lịch tỉnh {p}", "state_agency", "SVHTT&DL", ""),
    ("Sở Khoa học và Công nghệ tỉnh {p}", "state_agency", "SKH&CN", ""),
    ("Sở Dân tộc và Tôn giáo tỉnh {p}", "state_agency", "SDT&TG", ""),
    ("Thanh tra tỉnh {p}", "state_agency", "TTr", ""),
    ("Công an tỉnh {p}", "state_agency", "CA", ""),
    ("Bộ Chỉ huy Quân sự tỉnh {p}", "state_agency", "BCHQS", ""),
    ("Đài Phát thanh và Truyền hình {p}", "state_agency", "PT-TH", ""),
    ("Văn phòng Đoàn ĐBQH và HĐND tỉnh {p}", "state_agency", "VP ĐĐBQH", ""),
    ("Tòa án nhân dân tỉnh {p}", "state_agency", "TAND", ""),
    ("Viện Kiểm sát nhân dân tỉnh {p}", "state_agency", "VKSND", ""),
    ("Bảo hiểm xã hội tỉnh {p}", "state_agency", "BHXH", ""),
    ("Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh {p}", "mass_org", "MTTQ", ""),
    ("Hội Liên hiệp Phụ nữ tỉnh {p}", "mass_org", "HLHPN", ""),
    ("Tỉnh đoàn {p}", "mass_org", "Tỉnh đoàn", ""),
    ("Hội Nông dân tỉnh {p}", "mass_org", "HND", ""),
    ("Hội Cựu chiến binh tỉnh {p}", "mass_org", "HCCB", ""),
    ("Liên đoàn Lao động tỉnh {p}", "mass_org", "LĐLĐ", ""),
    ("Liên hiệp các Hội Khoa học và Kỹ thuật tỉnh {p}", "mass_org", "LHH", ""),
    ("Hội Văn học Nghệ thuật tỉnh {p}", "mass_org", "HVHNT", ""),
    ("Hội Nhà báo tỉnh {p}", "mass_org", "HNB", ""),
    ("Hội Chữ thập đỏ tỉnh {p}", "mass_org", "HCTĐ", ""),
]
assert len(AGENCIES) == 40

FIELDS = [
    "Công tác tuyên truyền",
    "Công tác giáo dục chính trị tư tưởng",
    "Công tác báo chí, xuất bản",
    "Công tác văn hóa, văn nghệ",
    "Công tác khoa giáo",
    "Công tác dân vận",
    "Công tác lịch sử Đảng",
    "Công tác thông tin đối ngoại",
    "Công tác nắm bắt dư luận xã hội",
    "Công tác kiểm tra, giám sát",
]
TASK_VERBS = [
    "Đẩy mạnh",
    "Nâng cao chất lượng",
    "Đổi mới nội dung, phương thức",
    "Tăng cường",
    "Triển khai có hiệu quả",
]
WORK_ITEM_VERBS = [
    "Tổ chức hội nghị quán triệt",
    "Biên soạn tài liệu về",
    "Xây dựng chuyên mục về",
    "Tổ chức hội thi tìm hiểu về",
    "Kiểm tra, đôn đốc việc thực hiện",
    "Sơ kết, đánh giá kết quả",
    "Tập huấn nghiệp vụ về",
    "Phát hành bản tin về",
    "Tổ chức tọa đàm về",
    "Khảo sát, nắm tình hình về",
]
OUTPUTS = ["Báo cáo kết quả", "Tài liệu", "Chuyên mục", "Hội nghị", "Kế hoạch", "Bản tin"]
ROLES = ["coordinator", "agency", "commune", "district", "official", "viewer", "admin"]

N_FIELDS, N_TASKS, N_WORK_ITEMS = 10, 30, 200
YEAR = 2018
TODAY = date.fromisoformat(env.TODAY)


def _place(name: str) -> str:
    for prefix in ("Thành phố ", "Tỉnh "):
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def reset_database(database_url: str) -> None:
    """Drop and recreate the bench database (before Django is set up)."""
    if database_url.startswith("sqlite"):
        for suffix in ("", "-wal", "-shm"):
            path = env.SQLITE_PATH.with_name(env.SQLITE_PATH.name + suffix)
            path.unlink(missing_ok=True)
        return
    import psycopg

    parsed = urlparse(database_url)
    name = parsed.path.lstrip("/")
    if name in ("test", "postgres", "template0", "template1", ""):
        raise SystemExit(f"refusing to drop database {name!r}")
    admin_url = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def create_database(database_url: str) -> None:
    """Create the bench database if it does not exist yet (a fresh machine)."""
    if database_url.startswith("sqlite"):
        return
    import psycopg

    parsed = urlparse(database_url)
    name = parsed.path.lstrip("/")
    admin_url = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True) as conn:
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if found is None:
            conn.execute(f'CREATE DATABASE "{name}"')


def _state(status: str, percent: int = 0, completed_on: date | None = None) -> dict[str, Any]:
    return {"status": status, "percent_done": percent, "completed_on": completed_on}


def _status(rng: random.Random, start: date, end: date) -> dict[str, Any]:
    """An assignment's status as of TODAY, realistic rather than uniform."""
    roll = rng.random()
    if start > TODAY:
        return _state("not_started")
    if end < TODAY:
        if roll < 0.45:  # done on time
            return _state("done", 100, max(end - timedelta(days=rng.randint(0, 10)), start))
        if roll < 0.60:  # done late
            return _state("done", 100, min(end + timedelta(days=rng.randint(1, 20)), TODAY))
        if roll < 0.85:  # overdue, in progress
            return _state("in_progress", rng.randint(20, 90))
        if roll < 0.95:  # overdue, not started
            return _state("not_started")
        return _state("cancelled")
    if roll < 0.15:
        return _state("done", 100, start + timedelta(days=rng.randint(0, (TODAY - start).days)))
    if roll < 0.70:
        return _state("in_progress", rng.randint(5, 80))
    if roll < 0.75:
        return _state("change_requested", rng.randint(0, 50))
    return _state("not_started")


def generate(provinces_limit: int | None = None, seed: int = 2018) -> dict[str, int]:
    """Write everything in bulk; return row counts."""
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import User
    from django.db import transaction

    from theodoi.plans.models import Assignment, Field, Plan, Programme, Task, WorkItem
    from theodoi.units import sources
    from theodoi.units.models import Membership, Unit

    rng = random.Random(seed)
    provinces = sources.provinces_2025()[:provinces_limit]
    batch = 2000
    with transaction.atomic():
        Unit.objects.bulk_create(
            [
                Unit(
                    key=f"vn2025:{p.code}",
                    code=p.code,
                    name=p.name,
                    kind=Unit.Kind.PROVINCE,
                    division_type=p.division_type,
                    symbol="TU",
                    place=_place(p.name),
                    position=i,
                )
                for i, p in enumerate(provinces)
            ],
            batch_size=batch,
        )
        province_ids = dict(Unit.objects.filter(kind=Unit.Kind.PROVINCE).values_list("code", "pk"))
        communes: list[Unit] = []
        agencies: list[Unit] = []
        for p in provinces:
            for i, c in enumerate(sources.communes_2025(p.code)):
                communes.append(
                    Unit(
                        key=f"vn2025:{c.code}",
                        code=c.code,
                        name=c.name,
                        kind=Unit.Kind.COMMUNE,
                        division_type=c.division_type,
                        parent_id=province_ids[p.code],
                        position=100 + i,
                    )
                )
            for i, (pattern, kind, short, symbol) in enumerate(AGENCIES):
                agencies.append(
                    Unit(
                        key=f"bench:{p.code}:a{i:02d}",
                        code=f"{p.code}.A{i:02d}",
                        name=pattern.format(p=_place(p.name)),
                        short_name=short,
                        kind=kind,
                        symbol=symbol,
                        parent_id=province_ids[p.code],
                        position=i,
                    )
                )
        Unit.objects.bulk_create(communes + agencies, batch_size=batch)

        children: dict[int, dict[str, list[tuple[int, str]]]] = {}
        for pk, parent_id, kind, short in (
            Unit.objects.filter(parent__isnull=False)
            .values_list("pk", "parent_id", "kind", "short_name")
            .order_by("position", "pk")
        ):
            group = "commune" if kind == Unit.Kind.COMMUNE else "agency"
            children.setdefault(parent_id, {"commune": [], "agency": []})[group].append((pk, short))

        password = make_password(env.PASSWORD)
        users: list[User] = []
        for p in provinces:
            for role in ROLES:
                users.append(User(username=f"p{p.code}-{role}", password=password))
        User.objects.bulk_create(users, batch_size=batch)
        user_ids = dict(User.objects.values_list("username", "pk"))

        programmes: list[Programme] = []
        for i, p in enumerate(provinces):
            programmes.append(
                Programme(
                    code=f"{10 + i}-ĐA/TU-{p.code}",
                    title=(
                        "Đề án nâng cao chất lượng công tác tuyên giáo giai đoạn 2016–2020 "
                        f"của Tỉnh ủy {_place(p.name)}"
                    ),
                    issuer_id=province_ids[p.code],
                    start_year=2016,
                    end_year=2020,
                )
            )
        Programme.objects.bulk_create(programmes, batch_size=batch)
        programme_ids = dict(Programme.objects.values_list("issuer_id", "pk"))

        memberships: list[Membership] = []
        plans: list[Plan] = []
        for i, p in enumerate(provinces):
            pid = province_ids[p.code]
            kids = children[pid]
            btg, bdv = kids["agency"][0][0], kids["agency"][1][0]
            where = {
                "coordinator": btg,
                "agency": bdv,
                "commune": kids["commune"][0][0],
                "district": pid,
                "official": pid,
                "viewer": pid,
                "admin": pid,
            }
            for role in ROLES:
                memberships.append(
                    Membership(
                        user_id=user_ids[f"p{p.code}-{role}"], unit_id=where[role], role=role
                    )
                )
            plans.append(
                Plan(
                    programme_id=programme_ids[pid],
                    # Plan numbers are unique across the whole database, so each
                    # province's "…-KH/TU" carries its code.
                    number=f"{100 + i}-KH/TU-{p.code}",
                    issued_on=date(YEAR, 1, 5),
                    year=YEAR,
                    title=f"Kế hoạch thực hiện Đề án năm {YEAR} của Tỉnh ủy {_place(p.name)}",
                    issuer_id=pid,
                    owner_id=btg,
                )
            )
        Membership.objects.bulk_create(memberships, batch_size=batch)
        Plan.objects.bulk_create(plans, batch_size=batch)
        plan_ids = dict(Plan.objects.values_list("issuer_id", "pk"))

        Field.objects.bulk_create(
            [
                Field(plan_id=plan_ids[province_ids[p.code]], name=name, position=j + 1)
                for p in provinces
                for j, name in enumerate(FIELDS)
            ],
            batch_size=batch,
        )
        field_ids: dict[int, list[int]] = {}
        for pk, plan_id in Field.objects.order_by("plan_id", "position").values_list(
            "pk", "plan_id"
        ):
            field_ids.setdefault(plan_id, []).append(pk)
        tasks: list[Task] = []
        for p in provinces:
            plan_id = plan_ids[province_ids[p.code]]
            for t in range(N_TASKS):
                f = t * N_FIELDS // N_TASKS
                tasks.append(
                    Task(
                        plan_id=plan_id,
                        field_id=field_ids[plan_id][f],
                        number=str(t + 1),
                        title=f"{rng.choice(TASK_VERBS)} {FIELDS[f][0].lower()}{FIELDS[f][1:]}"
                        f" (nhiệm vụ {t + 1})",
                        position=t + 1,
                    )
                )
        Task.objects.bulk_create(tasks, batch_size=batch)
        task_ids: dict[int, list[int]] = {}
        for pk, plan_id in Task.objects.order_by("plan_id", "position").values_list(
            "pk", "plan_id"
        ):
            task_ids.setdefault(plan_id, []).append(pk)

        items: list[WorkItem] = []
        # Per work item, in the same order: (lead unit ids, coordinating unit ids).
        parts: list[tuple[list[int], list[int]]] = []
        for p in provinces:
            pid = province_ids[p.code]
            plan_id = plan_ids[pid]
            agency_ids = [pk for pk, _ in children[pid]["agency"]]
            commune_ids = [pk for pk, _ in children[pid]["commune"]]
            btg = agency_ids[0]
            for n in range(N_WORK_ITEMS):
                t = n * N_TASKS // N_WORK_ITEMS
                start = date(YEAR, 1, 1) + timedelta(days=rng.randint(0, 200))
                end = min(start + timedelta(days=rng.randint(20, 240)), date(YEAR, 12, 31))
                roll = rng.random()
                if roll < 0.10:
                    leads = rng.sample(commune_ids, min(len(commune_ids), rng.randint(5, 10)))
                elif roll < 0.30:
                    leads = [btg]
                else:
                    # Party agencies and the big departments lead more often.
                    leads = [agency_ids[min(int(rng.expovariate(1 / 8)), 39)]]
                pool = [a for a in agency_ids if a not in leads]
                coordinating = rng.sample(pool, rng.randint(0, 4))
                if rng.random() < 0.05:
                    coordinating.append(rng.choice([c for c in commune_ids if c not in leads]))
                items.append(
                    WorkItem(
                        task_id=task_ids[plan_id][t],
                        number=f"{t + 1}.{n + 1}",
                        title=f"{rng.choice(WORK_ITEM_VERBS)} {FIELDS[t * N_FIELDS // N_TASKS]}"
                        f" năm {YEAR} (đợt {n + 1})",
                        start=start,
                        end=end,
                        expected_output=rng.choice(OUTPUTS),
                        position=n + 1,
                    )
                )
                parts.append((leads, coordinating))
        created = WorkItem.objects.bulk_create(items, batch_size=batch)
        if created[0].pk is None:  # backends that do not return ids
            created = list(WorkItem.objects.order_by("pk"))
        assignments: list[Assignment] = []
        for item, (leads, coordinating) in zip(created, parts, strict=True):
            for unit_id in leads:
                assignments.append(
                    Assignment(
                        work_item_id=item.pk,
                        unit_id=unit_id,
                        role=Assignment.Role.LEAD,
                        **_status(rng, item.start, item.end),
                    )
                )
            for unit_id in coordinating:
                state = _status(rng, item.start, item.end)
                assignments.append(
                    Assignment(
                        work_item_id=item.pk,
                        unit_id=unit_id,
                        role=Assignment.Role.COORDINATING,
                        **state,
                    )
                )
        Assignment.objects.bulk_create(assignments, batch_size=batch)

    return {
        "provinces": len(provinces),
        "communes": len(communes),
        "agencies": len(agencies),
        "users": len(users),
        "plans": len(plans),
        "tasks": len(tasks),
        "work_items": len(items),
        "assignments": len(assignments),
    }


# Reporting (issue 3) ----------------------------------------------------------------

# The two periods every unit that owes a report has reported on, both past due
# at the bench's today (15/07/2018): the first quarter and the first half.
REPORTED_PERIODS = ("2018-Q1", "2018-H1")


def _entry_values(rng: random.Random, end: date, period_end: date, late_unit: bool) -> dict:
    """A reporter's entry for a work item ending on ``end``, as of ``period_end``."""
    from theodoi.reporting import demo
    from theodoi.reporting.models import ProgressEntry

    S = ProgressEntry.Status
    fill = {"n": rng.randint(2, 12), "m": rng.randint(120, 2400), "k": rng.randint(10, 24)}
    completed_on = None
    if end <= period_end:
        roll = rng.random()
        if roll < 0.65:
            status, percent = S.DONE_ON_TIME, 100
            completed_on = end - timedelta(days=rng.randint(0, 10))
        elif roll < 0.8:
            status, percent = S.DONE_LATE, 100
            completed_on = end + timedelta(days=rng.randint(5, 20))
        else:
            status, percent = S.OVERDUE, rng.choice([50, 60, 70, 80])
    elif rng.random() < 0.1:
        status, percent = S.NOT_STARTED, 0
    else:
        status = S.CHANGE_PROPOSED if rng.random() < 0.08 else S.IN_PROGRESS
        percent = rng.choice([20, 30, 40, 50, 60])
    pool = demo.RESULTS_DONE if status in ProgressEntry.DONE else demo.RESULTS_PROGRESS
    shortcomings = proposals = ""
    if status in (S.OVERDUE, S.CHANGE_PROPOSED) or late_unit or rng.random() < 0.3:
        shortcomings = rng.choice(demo.SHORTCOMINGS)
    if status == S.CHANGE_PROPOSED:
        proposals = demo.PROPOSALS[2]
    elif rng.random() < 0.35:
        proposals = rng.choice(demo.PROPOSALS[:2])
    return {
        "status": status,
        "percent": percent,
        "completed_on": completed_on,
        "results": rng.choice(pool).format(**fill) if status != S.NOT_STARTED else "",
        "shortcomings": shortcomings,
        "proposals": proposals,
        "budget_spent": rng.choice([None, 5_000_000, 8_500_000, 12_000_000, 25_000_000]),
    }


def generate_reporting(seed: int = 2018) -> dict[str, int]:
    """Per plan: quarterly and 6-monthly schedules (due 10 days after the
    period's end), their 2018 periods, and the reports of 2018-Q1 and 2018-H1
    from every unit that owes one: ~10% missing (half of them opened as a
    draft), ~12% sent late, the rest on time, most accepted, some waiting."""
    from django.db import transaction
    from django.utils import timezone

    from theodoi.plans.models import Assignment, Plan
    from theodoi.reporting.models import (
        ProgressEntry,
        ProgressReport,
        ReportingPeriod,
        ReportingSchedule,
    )
    from theodoi.reporting.periods import due_date, spans

    rng = random.Random(seed + 3)
    batch = 2000

    def at(day: date, hour: int = 9) -> Any:
        return timezone.make_aware(datetime.combine(day, dtime(hour, 30)))

    with transaction.atomic():
        plans = list(Plan.objects.order_by("pk"))
        schedules = [
            ReportingSchedule(plan=plan, kind=kind, rule="days_after_end", days=10)
            for plan in plans
            for kind in ("quarter", "half")
        ]
        ReportingSchedule.objects.bulk_create(schedules, batch_size=batch)
        periods = [
            ReportingPeriod(
                plan=s.plan,
                kind=span.kind,
                code=span.code,
                title=span.title,
                start=span.start,
                end=span.end,
                due=due_date(s, span.start, span.end),
            )
            for s in schedules
            for span in spans(s.kind, s.plan.year)
        ]
        ReportingPeriod.objects.bulk_create(periods, batch_size=batch)
        reported = list(
            ReportingPeriod.objects.filter(code__in=REPORTED_PERIODS).order_by("plan_id", "end")
        )
        # (plan, unit) -> [(task position, item position, item id, role, start, end)]
        rows: dict[int, dict[int, list[tuple]]] = {}
        for a in Assignment.objects.values_list(
            "work_item__task__plan_id",
            "unit_id",
            "work_item__task__position",
            "work_item__position",
            "work_item_id",
            "role",
            "work_item__start",
            "work_item__end",
        ).order_by("pk"):
            rows.setdefault(a[0], {}).setdefault(a[1], []).append(a[2:])
        reports: list[ProgressReport] = []
        entry_specs: list[list[tuple]] = []  # per report, its entries' values
        for period in reported:
            for unit_id in sorted(rows.get(period.plan_id, {})):
                items = sorted(
                    r
                    for r in rows[period.plan_id][unit_id]
                    if r[4] <= period.end and r[5] >= period.start
                )
                if not items:
                    continue
                roll = rng.random()
                if roll < 0.10 and rng.random() < 0.5:
                    continue  # missing, never opened
                report = ProgressReport(period=period, unit_id=unit_id)
                late = roll > 0.88
                if roll >= 0.10:
                    sent = (
                        period.due + timedelta(days=rng.randint(2, 4))
                        if late
                        else period.due - timedelta(days=rng.randint(0, 8))
                    )
                    report.first_submitted_at = report.submitted_at = at(sent)
                    if not late and rng.random() < 0.7:
                        report.state = ProgressReport.State.ACCEPTED
                        report.decided_at = at(
                            min(sent + timedelta(days=rng.randint(1, 4)), TODAY), 15
                        )
                    else:
                        report.state = ProgressReport.State.SUBMITTED
                    report.version = 2
                reports.append(report)
                # Leads first, like do_start_report.
                ordered = [r for r in items if r[3] == "lead"] + [
                    r for r in items if r[3] != "lead"
                ]
                filled = report.first_submitted_at is not None
                entry_specs.append(
                    [
                        (
                            r[2],
                            r[3],
                            _entry_values(rng, r[5], period.end, late) if filled else {},
                        )
                        for r in ordered
                    ]
                )
        created = ProgressReport.objects.bulk_create(reports, batch_size=batch)
        entries = [
            ProgressEntry(
                report_id=report.pk, work_item_id=item_id, role=role, position=i, **values
            )
            for report, specs in zip(created, entry_specs, strict=True)
            for i, (item_id, role, values) in enumerate(specs)
        ]
        ProgressEntry.objects.bulk_create(entries, batch_size=batch)
    return {
        "reporting_periods": len(periods),
        "reports": len(reports),
        "received": sum(1 for r in reports if r.first_submitted_at),
        "entries": len(entries),
    }


# Tuyên vận (issue 4) -----------------------------------------------------------------

TUYENVAN_MONTHS = [date(YEAR, m, 1) for m in range(1, 13)]
# Province criteria added to the default 15-criterion table: 25 in all, two of
# them scored by the system (the conference, the submissions).
EXTRA_CRITERIA = [
    "Tuyên truyền trên hệ thống loa truyền thanh cơ sở",
    "Cập nhật tin, bài trên trang thông tin điện tử của xã",
    "Hoạt động của tổ tuyên vận thôn, bản, tổ dân phố",
    "Đối thoại trực tiếp giữa người đứng đầu cấp ủy với Nhân dân",
    "Tuyên truyền phòng, chống tội phạm, tệ nạn xã hội",
    "Tuyên truyền chính sách dân tộc, tôn giáo",
    "Vận động Nhân dân tham gia xây dựng nông thôn mới",
    "Giải quyết kiến nghị của Nhân dân đúng thời hạn",
    "Phối hợp với Mặt trận và các đoàn thể",
    "Lưu trữ hồ sơ, biên bản hội nghị tuyên vận",
]


def _hash(*parts: str) -> str:
    """SQL for a deterministic pseudo-random integer 0..9999 from the given expressions."""
    joined = " || ':' || ".join(f"({p})::text" for p in parts)
    return f"(abs(hashtext({joined})::bigint) %% 10000)::int"


def generate_tuyenvan() -> dict[str, int]:
    """The country's tuyên vận scoring: a "Cả nước" unit above the 34 provinces
    (the national scope of the rankings), one published 25-criterion set per
    province, and for each of the 3,321 communes and 12 months of 2018: the
    conference (~95%, one attending official), the monthly report and related
    documents (~95% each, some after the due day), and the submitted sheets of
    the three sources (self ~97%, district ~95%, the attending official where
    the conference was held). Scores are written in SQL (about 2.6 million
    rows); their points are a hash of the sheet and criterion, so the data is
    the same on every reset: mostly full marks, some half or whole points off,
    now and then a spread above the threshold (a flagged discrepancy)."""
    from django.db import connection, transaction

    from theodoi.tuyenvan import models as tv
    from theodoi.tuyenvan.defaults import build_default_set
    from theodoi.units.models import Unit

    with transaction.atomic():
        country = Unit.objects.create(key="bench:vn", name="Cả nước", kind=Unit.Kind.OTHER)
        Unit.objects.filter(kind=Unit.Kind.PROVINCE, parent__isnull=True).update(parent=country)
        provinces = list(Unit.objects.filter(kind=Unit.Kind.PROVINCE).order_by("position"))
        extra = []
        for province in provinces:
            criteria_set = build_default_set(province, date(YEAR, 1, 1))
            group = tv.CriterionGroup.objects.create(
                criteria_set=criteria_set, code="X", name="Tiêu chí bổ sung của tỉnh", position=10
            )
            extra += [
                tv.Criterion(
                    group=group,
                    code=f"10.{i + 1}",
                    text=text,
                    min_points=Decimal(0),
                    max_points=Decimal(2),
                    position=i,
                )
                for i, text in enumerate(EXTRA_CRITERIA)
            ]
        tv.Criterion.objects.bulk_create(extra)
        t = {
            "unit": Unit._meta.db_table,
            "user": "auth_user",
            "cset": tv.CriteriaSet._meta.db_table,
            "grp": tv.CriterionGroup._meta.db_table,
            "crit": tv.Criterion._meta.db_table,
            "meeting": tv.Meeting._meta.db_table,
            "mo": tv.MeetingOfficial._meta.db_table,
            "sheet": tv.ScoreSheet._meta.db_table,
            "score": tv.Score._meta.db_table,
            "sub": tv.Submission._meta.db_table,
        }
        communes = (
            f"SELECT u.id, u.parent_id AS province_id, m.month::date AS month, "  # noqa: S608
            f"cs.id AS set_id, o.id AS official_id "
            f"FROM {t['unit']} u JOIN {t['cset']} cs ON cs.owner_id = u.parent_id "
            f"JOIN {t['unit']} p ON p.id = u.parent_id "
            f"JOIN {t['user']} o ON o.username = 'p' || p.code || '-official' "
            f"CROSS JOIN unnest(%s::date[]) AS m(month) "
            f"WHERE u.kind = 'commune' AND u.key LIKE 'vn2025:%%'"
        )
        months = TUYENVAN_MONTHS
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                INSERT INTO {t["meeting"]} (commune_id, month, held_on, place, chair, topics,
                    participants, issues_raised, proposals, minutes, minutes_file)
                SELECT c.id, c.month, c.month + (5 + {_hash("c.id", "c.month")} %% 20),
                    'Hội trường Ủy ban nhân dân xã', 'Bí thư Đảng ủy xã',
                    'Thông tin thời sự; Hướng dẫn tuyên truyền tháng; ý kiến của Nhân dân',
                    40 + {_hash("c.id", "c.month", "'p'")} %% 160, '', '', '', ''
                FROM ({communes}) c
                WHERE {_hash("c.id", "c.month", "'meeting'")} %% 100 < 95
                """,  # noqa: S608 (table names from the models)
                [months],
            )
            cursor.execute(
                f"""
                INSERT INTO {t["mo"]} (meeting_id, user_id)
                SELECT mt.id, o.id FROM {t["meeting"]} mt
                JOIN {t["unit"]} u ON u.id = mt.commune_id
                JOIN {t["unit"]} p ON p.id = u.parent_id
                JOIN {t["user"]} o ON o.username = 'p' || p.code || '-official'
                """,  # noqa: S608
                [],
            )
            for kind, share in (("report", 95), ("documents", 93)):
                cursor.execute(
                    f"""
                    INSERT INTO {t["sub"]} (sender_id, recipient_id, month, kind, title, body,
                        file, sent_at)
                    SELECT c.id, c.province_id, c.month, %s,
                        'Báo cáo kết quả công tác tuyên vận tháng ' ||
                        to_char(c.month, 'MM/YYYY'), '', '',
                        (c.month + (15 + {_hash("c.id", "c.month", "%s")} %% 14))::timestamp
                            + interval '9 hours'
                    FROM ({communes}) c
                    WHERE {_hash("c.id", "c.month", "%s", "'sent'")} %% 100 < %s
                    """,  # noqa: S608
                    [kind, kind, months, kind, share],
                )
            cursor.execute(
                f"""
                INSERT INTO {t["sheet"]} (commune_id, month, source, official_id,
                    criteria_set_id, state, version, submitted_at, note)
                SELECT c.id, c.month, src.source,
                       CASE WHEN src.source = 'official' THEN c.official_id END, c.set_id,
                       'submitted', 1, (c.month + 26)::timestamp + interval '10 hours', ''
                FROM ({communes}) c
                CROSS JOIN (VALUES ('self', 97), ('district', 95), ('official', 100))
                    AS src(source, share)
                WHERE {_hash("c.id", "c.month", "src.source")} %% 100 < src.share
                  AND (src.source <> 'official' OR EXISTS (
                      SELECT 1 FROM {t["meeting"]} mt
                      WHERE mt.commune_id = c.id AND mt.month = c.month))
                """,  # noqa: S608
                [months],
            )
            h = _hash("sh.id", "c.id")
            cursor.execute(
                f"""
                INSERT INTO {t["score"]} (sheet_id, criterion_id, points, reason, evidence)
                SELECT sh.id, c.id,
                    CASE c.kind
                      WHEN 'bonus' THEN CASE WHEN {h} %% 10 = 0 THEN 1 ELSE 0 END
                      WHEN 'penalty' THEN CASE WHEN {h} %% 50 = 0 THEN -2 ELSE 0 END
                      ELSE GREATEST(c.min_points, c.max_points - CASE
                          WHEN {h} %% 100 < 70 THEN 0 WHEN {h} %% 100 < 88 THEN 0.5
                          WHEN {h} %% 100 < 97 THEN 1 ELSE 3 END)
                    END,
                    '', ''
                FROM {t["sheet"]} sh
                JOIN {t["grp"]} g ON g.criteria_set_id = sh.criteria_set_id
                JOIN {t["crit"]} c ON c.group_id = g.id
                WHERE c.system_rule = ''
                  AND ((sh.source = 'self' AND c.by_self)
                    OR (sh.source = 'district' AND c.by_district)
                    OR (sh.source = 'official' AND c.by_official))
                """,  # noqa: S608
                [],
            )
            counts = {}
            for name in ("meeting", "sub", "sheet", "score"):
                cursor.execute(f"SELECT count(*) FROM {t[name]}")  # noqa: S608
                counts[name] = cursor.fetchone()[0]
    return {
        "criteria_sets": len(provinces),
        "meetings": counts["meeting"],
        "submissions": counts["sub"],
        "score_sheets": counts["sheet"],
        "scores": counts["score"],
    }


# begin reform: the communes before 1 July 2025 and their lineage ------------------------

FORMER_PER_COMMUNE = 3  # 3,321 communes x 3 = 9,963 former communes (~10,000 in fact)
HISTORY_MONTHS = [date(YEAR - 1, m, 1) for m in range(1, 13)]
REFORM_DAY = date(2025, 7, 1)


def generate_lineage() -> dict[str, int]:
    """The structure before the 2025 reform, for history that follows the merges:
    for each of the 34 provinces a former province (top-level, outside "Cả nước",
    so the 2018 scoring never sees it), and for each of the 3,321 communes three
    former communes under it (9,963, ended 30/06/2025) merged into it
    (``UnitLineage``, 01/07/2025), each with 12 monthly tuyên vận results of 2017
    (119,556 rows; totals a hash of the commune and month). The real mapping
    has ~10,000 former communes for 3,321 (vietnam-address-converter); three
    each is its average, not its shape. The former tier has no districts here."""
    from django.db import transaction

    from theodoi.tuyenvan.models import CriteriaSet, MonthlyResult
    from theodoi.units.models import Unit, UnitLineage

    eve = date(2025, 6, 30)
    with transaction.atomic():
        provinces = list(
            Unit.objects.filter(kind=Unit.Kind.PROVINCE, key__startswith="vn2025:").order_by(
                "position"
            )
        )
        Unit.objects.bulk_create(
            [
                Unit(
                    key=f"bench:old:{p.code}",
                    code=f"old{p.code}",
                    name=f"{p.name} (trước 01/07/2025)",
                    kind=Unit.Kind.PROVINCE,
                    symbol="TU",
                    place=p.place,
                    active_to=eve,
                    position=p.position,
                )
                for p in provinces
            ]
        )
        old_province = dict(
            Unit.objects.filter(key__startswith="bench:old:").values_list("key", "pk")
        )
        sets = dict(CriteriaSet.objects.values_list("owner_id", "pk"))
        communes = list(
            Unit.objects.filter(kind=Unit.Kind.COMMUNE, key__startswith="vn2025:")
            .select_related("parent")
            .order_by("pk")
        )
        former = [
            Unit(
                key=f"bench:old:{c.code}:{i}",
                code=f"old{c.code}{i}",
                name=f"Xã {c.name.split(' ', 1)[-1]} {i} (cũ)",
                kind=Unit.Kind.COMMUNE,
                division_type="xã",
                parent_id=old_province[f"bench:old:{c.parent.code}"],
                active_to=eve,
                position=c.position * FORMER_PER_COMMUNE + i,
            )
            for c in communes
            for i in range(1, FORMER_PER_COMMUNE + 1)
        ]
        Unit.objects.bulk_create(former, batch_size=5000)
        ids = dict(
            Unit.objects.filter(key__startswith="bench:old:", kind=Unit.Kind.COMMUNE).values_list(
                "key", "pk"
            )
        )
        links = []
        results = []
        for c in communes:
            for i in range(1, FORMER_PER_COMMUNE + 1):
                pk = ids[f"bench:old:{c.code}:{i}"]
                links.append(
                    UnitLineage(
                        predecessor_id=pk,
                        successor_id=c.pk,
                        event=UnitLineage.Event.MERGED,
                        effective=REFORM_DAY,
                        basis="bench",
                    )
                )
                province_id = old_province[f"bench:old:{c.parent.code}"]
                for month in HISTORY_MONTHS:
                    total = Decimal(70 + (pk * 31 + month.month * 7) % 31)
                    results.append(
                        MonthlyResult(
                            commune_id=pk,
                            district_id=province_id,
                            province_id=province_id,
                            month=month,
                            criteria_set_id=sets[c.parent_id],
                            total=total,
                            district_total=total,
                            self_total=total,
                            band="good" if total >= 80 else "fair",
                            band_label="Tốt" if total >= 80 else "Khá",
                            meeting_held=True,
                        )
                    )
        UnitLineage.objects.bulk_create(links, batch_size=5000)
        MonthlyResult.objects.bulk_create(results, batch_size=5000)
    return {
        "former_provinces": len(provinces),
        "former_communes": len(former),
        "lineage_links": len(links),
        "history_results": len(results),
    }


# end reform ---------------------------------------------------------------------------


def analyze() -> None:
    """Refresh the planner's statistics after a bulk load (PostgreSQL)."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engine", choices=["postgres", "sqlite"], default="postgres")
    parser.add_argument("--reset", action="store_true", help="drop and recreate the database")
    parser.add_argument("--provinces", type=int, default=None, help="only the first N provinces")
    parser.add_argument("--seed", type=int, default=2018)
    args = parser.parse_args(argv)
    ensure(args.engine, reset=args.reset, provinces=args.provinces, seed=args.seed, verbose=True)


def ensure(
    engine: str,
    *,
    reset: bool = False,
    provinces: int | None = None,
    seed: int = 2018,
    verbose: bool = False,
) -> None:
    """Make sure the engine's bench database holds the generated data."""
    url = env.engine_url(engine)
    began = time.perf_counter()
    if reset:
        reset_database(url)
    else:
        create_database(url)
    env.configure(url)
    from django.core.management import call_command

    from theodoi.units.models import Unit

    call_command("migrate", verbosity=0)
    # Production settings serve hashed static files from a manifest.
    call_command("collectstatic", interactive=False, verbosity=0)
    migrated = time.perf_counter()
    from theodoi.reporting.models import ReportingSchedule
    from theodoi.tuyenvan.models import CriteriaSet

    # Each part is generated once; a database made before a part existed
    # gains it on the next run, the parts already there are left alone.
    parts = [
        ("plans", lambda: Unit.objects.filter(key__startswith="vn2025:").exists(), None),
        ("reporting", ReportingSchedule.objects.exists, lambda: generate_reporting(seed)),
        ("tuyenvan", CriteriaSet.objects.exists, generate_tuyenvan),
        # begin reform
        (
            "lineage",
            lambda: Unit.objects.filter(key__startswith="bench:old:").exists(),
            generate_lineage,
        ),
        # end reform
    ]
    made = False
    for name, present, make in parts:
        if name in ("tuyenvan", "lineage") and engine != "postgres":
            # Its score rows are written in PostgreSQL's SQL; the SQLite file
            # serves the write benchmark, which needs only the plans.
            continue
        if present():
            if verbose:
                print(f"{url}: {name} already generated (use --reset to start again)")
            continue
        began_part = time.perf_counter()
        counts = generate(provinces, seed) if make is None else make()
        made = True
        if verbose:
            print(f"{url}: {name}: " + ", ".join(f"{v:,} {k}" for k, v in counts.items()))
            print(f"  {time.perf_counter() - began_part:.1f} s")
    if made:
        analyze()
    if verbose:
        print(f"migrate {migrated - began:.1f} s, generate {time.perf_counter() - migrated:.1f} s")


if __name__ == "__main__":
    main()

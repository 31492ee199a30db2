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

Deterministic (a seeded random), bulk inserts throughout. ``--reset`` drops and
recreates the database (PostgreSQL) or file (SQLite) and migrates it; without
it, a database that already holds the data is left alone.
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import date, timedelta
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
    env.configure(url)
    from django.core.management import call_command

    from theodoi.units.models import Unit

    call_command("migrate", verbosity=0)
    # Production settings serve hashed static files from a manifest.
    call_command("collectstatic", interactive=False, verbosity=0)
    migrated = time.perf_counter()
    if Unit.objects.filter(key__startswith="vn2025:").exists():
        if verbose:
            print(f"{url}: already generated (use --reset to start again)")
        return
    counts = generate(provinces, seed)
    analyze()
    done = time.perf_counter()
    if verbose:
        print(f"{url}: " + ", ".join(f"{v:,} {k}" for k, v in counts.items()))
        print(f"migrate {migrated - began:.1f} s, generate {done - migrated:.1f} s")


if __name__ == "__main__":
    main()

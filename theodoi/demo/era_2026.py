"""The demo's second era: the new Lào Cai in 2026, beside the 2018 demo.

After 1 July 2025 Yên Bái and Lào Cai form the new Lào Cai: 99 communes and
wards directly under the province (no district tier), and the Ban Tuyên giáo
and the Ban Dân vận merged into the Ban Tuyên giáo và Dân vận Tỉnh ủy
(design/domain-vn.md §5). This era loads:

- the new province and its 99 communes from the ``vietnam-provinces`` release
  (``imports.import_vn2025("15")``), and the lineage of the 2018 communes to
  them (``imports.import_laocai_lineage``), so a 2026 commune's trend page shows
  its predecessors' 2018 months under their own names;
- the merged ban, with lineage links from the two 2018 bans, and its staff;
- the tuyên vận chain of each period: in 2018 the districts score and the Ban
  Tuyên giáo accepts; from 1/7/2025 the merged ban's staff score the communes
  of the clusters (cụm xã) they are assigned to and the merged ban accepts;
- a small 2026 plan of the merged ban with a few work items;
- January 2026 scored and closed, February 2026 open (the month being scored
  on the era's today, 16/03/2026);
- the attendance roster of Q1 2026: twelve province officials (of the merged
  ban, the Ban Tổ chức, the Văn phòng Tỉnh ủy and the Ủy ban MTTQ tỉnh), each
  assigned to one or two clusters, rostered to the 99 communes' conferences,
  preferring each official's own clusters (``build_roster``).

The 2018 demo is untouched; the era is seen with ``THEODOI_TODAY=2026-03-16``
(``theodoi demo --era 2026``).
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from theodoi.core.clock import fixed_today
from theodoi.plans.models import Assignment, Field, Plan, Programme, Task, WorkItem
from theodoi.tuyenvan import scoring
from theodoi.tuyenvan.defaults import build_default_set
from theodoi.tuyenvan.models import (
    CommuneCluster,
    Criterion,
    Meeting,
    MonthlyResult,
    ResultEvent,
    Score,
    ScoreSheet,
    ScoringChain,
    Submission,
)
from theodoi.units import imports
from theodoi.units.models import Membership, Unit, UnitLineage

from .context import DemoContext

R = Membership.Role
S = ScoreSheet.Source
TODAY = date(2026, 3, 16)
CLOSED_MONTH = date(2026, 1, 1)
OPEN_MONTH = date(2026, 2, 1)
BAN_KEY = "vn2025:15:agency:BTGDV"
PROVINCE_CODE = "15"
# Communes of the old Yên Bái (no 2018 units in the demo) are clustered by
# their order in the official list, this many to a cluster.
CLUSTER_SIZE = 10
# The 2018 communes whose successor the 2026 commune reporter works in: the
# 2018 demo's showcase commune, so its history shows on the 2026 trend page.
HOME_2018_COMMUNE = "Phú Nhuận"

STAFF = [
    # (username, role, full name, title, is head)
    ("tgdv.truongban", R.COORDINATOR, "Dương Đức Minh", "Trưởng ban", True),
    ("tgdv.coordinator", R.COORDINATOR, "Nguyễn Thị Thu Trang", "Chuyên viên", False),
    ("tgdv.scorer", R.DISTRICT_SCORER, "Lý Văn Thành", "Chuyên viên", False),
    ("tgdv.scorer2", R.DISTRICT_SCORER, "Hà Thị Loan", "Chuyên viên", False),
    ("tgdv.scorer3", R.DISTRICT_SCORER, "Phạm Văn Quân", "Chuyên viên", False),
    ("tgdv.scorer4", R.DISTRICT_SCORER, "Vàng Thị Dung", "Chuyên viên", False),
]
TOPICS = {
    1: "Kỷ niệm 96 năm Ngày thành lập Đảng (03/02); Tết Bính Ngọ an toàn, tiết kiệm",
    2: "Triển khai Nghị quyết Đại hội Đảng bộ tỉnh; phòng, chống cháy rừng mùa khô",
}


# The province officials attending the communes' conferences in 2026:
# (unit key suffix, unit name, short name, usernames and full names).
ROSTER_UNITS = [
    ("BTC", "Ban Tổ chức Tỉnh ủy", "Ban TC"),
    ("VPTU", "Văn phòng Tỉnh ủy", "VPTU"),
    ("MTTQ", "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh", "UBMTTQ"),
]
ROSTER_OFFICIALS = [
    # (username, unit code, full name)
    ("official.tgdv1", "BTGDV", "Sùng A Páo"),
    ("official.tgdv2", "BTGDV", "Nguyễn Thị Hồng Nhung"),
    ("official.tgdv3", "BTGDV", "Đỗ Quang Huy"),
    ("official.tgdv4", "BTGDV", "Lò Thị Mai"),
    ("official.btc1", "BTC", "Trần Văn Chiến"),
    ("official.btc2", "BTC", "Hoàng Thị Lan"),
    ("official.btc3", "BTC", "Giàng Seo Dín"),
    ("official.vptu1", "VPTU", "Phạm Minh Tuấn"),
    ("official.vptu2", "VPTU", "Vũ Thị Hương"),
    ("official.mttq1", "MTTQ", "Bàn Văn Sơn"),
    ("official.mttq2", "MTTQ", "Lý Thị Chi"),
    ("official.mttq3", "MTTQ", "Nông Văn Cường"),
]
ROSTER_ABSENCES = [
    # (username, first day, last day, reason): they leave a few communes of their
    # cluster to officials of other clusters, which the round's report explains.
    ("official.tgdv1", date(2026, 1, 5), date(2026, 1, 16), "Học lớp bồi dưỡng"),
    ("official.btc2", date(2026, 2, 9), date(2026, 2, 20), "Đi công tác Hà Nội"),
    ("official.mttq1", date(2026, 3, 2), date(2026, 3, 13), "Nghỉ phép"),
]


def _aware(day: date, hour: int = 9) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))


def build_units() -> tuple[Unit, Unit, list[Unit]]:
    """The new province, its communes, the lineage from 2018, and the merged ban."""
    imports.import_vn2025(PROVINCE_CODE)
    imports.import_laocai_lineage()
    province = Unit.objects.get(key=imports.LAOCAI_2025_PROVINCE_KEY)
    ban = Unit.objects.create(
        key=BAN_KEY,
        code="BTGDV",
        name="Ban Tuyên giáo và Dân vận Tỉnh ủy",
        short_name="Ban TG&DV",
        kind=Unit.Kind.PARTY_AGENCY,
        symbol="BTGDVTU",
        place="Lào Cai",
        parent=province,
        active_from=imports.REFORM_DAY,
    )
    for old in Unit.objects.filter(key__in=["lc2018:agency:BTG", "lc2018:agency:BDV"]):
        UnitLineage.objects.create(
            predecessor=old,
            successor=ban,
            event=UnitLineage.Event.MERGED,
            effective=imports.REFORM_DAY,
            basis="Hợp nhất Ban Tuyên giáo và Ban Dân vận Tỉnh ủy",
        )
    communes = list(
        Unit.objects.filter(parent=province, kind=Unit.Kind.COMMUNE).order_by("position", "name")
    )
    return province, ban, communes


def former_district(communes: list[Unit]) -> dict[int, Unit]:
    """Each 2026 commune's former (2018) district: that of most of its predecessors."""
    votes: dict[int, Counter[int]] = defaultdict(Counter)
    districts: dict[int, Unit] = {}
    for link in UnitLineage.objects.filter(successor__in=communes).select_related(
        "predecessor__parent"
    ):
        district = link.predecessor.parent
        if district is not None and district.kind == Unit.Kind.DISTRICT:
            votes[link.successor_id][district.pk] += 1
            districts[district.pk] = district
    return {
        commune_id: districts[counter.most_common(1)[0][0]] for commune_id, counter in votes.items()
    }


def build_chains(province: Unit, ban: Unit) -> None:
    """2018 → 30/6/2025: the districts score, BTG accepts; then by cluster, the merged ban."""
    old_province = Unit.objects.get(key=imports.LAOCAI_2018_PROVINCE_KEY)
    ScoringChain.objects.create(
        province=old_province,
        valid_from=date(2018, 1, 1),
        valid_to=imports.LAST_DAY_BEFORE_REFORM,
        level=ScoringChain.Level.DISTRICT,
        consolidator=Unit.objects.get(key="lc2018:agency:BTG"),
        basis="Quy chế chấm điểm tuyên vận cấp xã (2018)",
    )
    ScoringChain.objects.create(
        province=province,
        valid_from=imports.REFORM_DAY,
        level=ScoringChain.Level.CLUSTER,
        scorer=ban,
        consolidator=ban,
        basis="Không tổ chức cấp huyện; Ban TG&DV chấm điểm trực tiếp theo cụm xã",
    )


def build_clusters(province: Unit, communes: list[Unit]) -> list[CommuneCluster]:
    """Clusters of communes: the old Lào Cai's by former district (its communes'
    2018 district), the old Yên Bái's by their order in the official list."""
    formerly = former_district(communes)
    groups: dict[str, list[Unit]] = defaultdict(list)
    rest: list[Unit] = []
    for commune in communes:
        district = formerly.get(commune.pk)
        if district is None:
            rest.append(commune)
        else:
            groups[f"Cụm {district.place}"].append(commune)
    count = max(1, round(len(rest) / CLUSTER_SIZE)) if rest else 0
    for n in range(count):  # even shares, in the list's order
        share = rest[n * len(rest) // count : (n + 1) * len(rest) // count]
        groups[f"Cụm khu vực Yên Bái {n + 1}"] = share
    clusters = []
    for position, (name, members) in enumerate(groups.items(), start=1):
        cluster = CommuneCluster.objects.create(
            province=province, name=name, valid_from=imports.REFORM_DAY, position=position
        )
        cluster.communes.set(members)
        clusters.append(cluster)
    return clusters


def build_plan(province: Unit, ban: Unit, communes: list[Unit]) -> Plan:
    """The merged ban's 2026 plan: a few work items, one done, one late, the rest under way."""
    programme = Programme.objects.create(
        code="05-CTr/TU",
        title="Chương trình công tác tuyên giáo và dân vận giai đoạn 2026–2030",
        issuer=province,
        start_year=2026,
        end_year=2030,
        summary="Nâng cao hiệu quả công tác tuyên giáo, dân vận sau sắp xếp tổ chức bộ máy.",
    )
    plan = Plan.objects.create(
        programme=programme,
        number="12-KH/BTGDVTU",
        issued_on=date(2026, 1, 8),
        year=2026,
        title="Kế hoạch công tác tuyên truyền, dân vận năm 2026",
        issuer=ban,
        owner=ban,
        summary="Triển khai công tác tuyên truyền, dân vận ở 99 xã, phường của tỉnh Lào Cai mới.",
    )
    field = Field.objects.create(plan=plan, name="Tuyên truyền và dân vận cơ sở", position=1)
    task = Task.objects.create(
        plan=plan,
        field=field,
        number="1.1",
        title="Tổ chức hội nghị tuyên vận hằng tháng ở 99 xã, phường",
        position=1,
    )
    S_ = Assignment.Status
    items = [
        (
            "Ban hành Hướng dẫn chấm điểm tuyên vận cấp xã theo cụm",
            date(2026, 1, 5),
            date(2026, 1, 31),
            {"status": S_.DONE, "percent_done": 100, "completed_on": date(2026, 1, 28)},
        ),
        (
            "Tập huấn báo cáo viên, tuyên truyền viên các xã, phường mới",
            date(2026, 2, 1),
            date(2026, 3, 10),
            {"status": S_.IN_PROGRESS, "percent_done": 70},
        ),
        (
            "Sơ kết quý I công tác dân vận ở các cụm xã",
            date(2026, 3, 15),
            date(2026, 4, 15),
            {"status": S_.IN_PROGRESS, "percent_done": 10},
        ),
        (
            "Xây dựng mô hình “Dân vận khéo” ở mỗi cụm xã",
            date(2026, 4, 1),
            date(2026, 11, 30),
            {"status": S_.NOT_STARTED, "percent_done": 0},
        ),
    ]
    for number, (title, start, end, progress) in enumerate(items, start=1):
        item = WorkItem.objects.create(
            task=task,
            number=f"1.1.{number}",
            title=title,
            start=start,
            end=end,
            expected_output="Báo cáo kết quả",
            position=number,
        )
        Assignment.objects.create(work_item=item, unit=ban, role=Assignment.Role.LEAD, **progress)
        for commune in communes[:3] if number == 2 else []:
            Assignment.objects.create(
                work_item=item, unit=commune, role=Assignment.Role.COORDINATING
            )
    return plan


def build_accounts(
    ctx: DemoContext, province: Unit, ban: Unit, clusters: list[CommuneCluster], home: Unit
) -> dict[str, object]:
    people: dict[str, object] = {}
    for username, role, full_name, title, is_head in STAFF:
        user = ctx.account(username, role, ban, full_name=full_name, is_head=is_head)
        Membership.objects.filter(user=user).update(title=title)
        people[username] = user
    scorers = [people[s[0]] for s in STAFF if s[1] == R.DISTRICT_SCORER]
    home_cluster = next(c for c in clusters if c.communes.filter(pk=home.pk).exists())
    # The demo's scorer has the home commune's cluster; the clusters are shared out.
    others = [c for c in clusters if c.pk != home_cluster.pk]
    home_cluster.scorers.add(scorers[0])
    for n, cluster in enumerate(others):
        cluster.scorers.add(scorers[1 + n % (len(scorers) - 1)])
    people["commune"] = ctx.account(
        "xa.2026", R.COMMUNE_REPORTER, home, full_name="Hoàng Thị Hải Yến"
    )
    people["viewer"] = ctx.account("lanhdao.2026", R.VIEWER, province, full_name="Giàng Seo Vư")
    # begin handover: the new Tỉnh ủy's administrator hands the 2018 bans' open work
    # to the merged ban (a unit's page → "Hand over open work").
    people["admin"] = ctx.account("quantri.2026", R.ADMIN, province, full_name="Lý Văn Thào")
    # end handover
    people["scorer_of"] = {
        commune_id: scorer_id
        for cluster in clusters
        for scorer_id in cluster.scorers.values_list("pk", flat=True)[:1]
        for commune_id in cluster.communes.values_list("pk", flat=True)
    }
    return people


def build_months(province: Unit, communes: list[Unit], people: dict[str, object]) -> None:
    """January 2026 closed, February open, the province scoring communes directly."""
    rng = random.Random(2026)
    criteria_set = build_default_set(province, imports.REFORM_DAY)
    criteria = list(Criterion.objects.filter(group__criteria_set=criteria_set))
    by_source = {s: [c for c in criteria if c.scorable_by(s)] for s in (S.DISTRICT, S.SELF)}
    ban = Unit.objects.get(key=BAN_KEY)
    quality = {c.pk: rng.uniform(0.55, 0.97) for c in communes}
    meetings, sheets, submissions = [], [], []
    plan: list[tuple[ScoreSheet, dict[int, Decimal]]] = []
    home = people["commune"].memberships.get().unit_id  # type: ignore[attr-defined]
    for month in (CLOSED_MONTH, OPEN_MONTH):
        is_open = month == OPEN_MONTH
        for commune in communes:
            q = quality[commune.pk]
            if commune.pk == home or rng.random() < 0.92:
                meetings.append(
                    Meeting(
                        commune=commune,
                        month=month,
                        held_on=month.replace(day=rng.randint(5, 20)),
                        place="Hội trường Đảng ủy",
                        chair="Bí thư Đảng ủy",
                        topics=TOPICS[month.month],
                        participants=rng.randint(30, 140),
                        minutes=f"Biên bản hội nghị tuyên vận tháng {month.month}/2026",
                    )
                )
            for kind in (Submission.Kind.REPORT, Submission.Kind.DOCUMENTS):
                if rng.random() < 0.04:
                    continue
                day = rng.randint(26, 28) if rng.random() < 0.1 else rng.randint(12, 25)
                submissions.append(
                    Submission(
                        sender=commune,
                        recipient=province if kind == Submission.Kind.REPORT else ban,
                        month=month,
                        kind=kind,
                        title=f"Báo cáo tháng {month.month}/2026 - {commune.name}",
                        sent_at=_aware(month.replace(day=day)),
                        # January's were opened; February's wait in the inboxes.
                        opened_at=None if is_open else _aware(month.replace(day=28)),
                    )
                )
            points = {}
            for c in by_source[S.DISTRICT]:
                if c.kind in (Criterion.Kind.BONUS, Criterion.Kind.PENALTY):
                    points[c.pk] = Decimal(0)
                else:
                    ratio = min(1.0, max(0.3, q + rng.gauss(0, 0.06)))
                    half = (c.max_points * Decimal(str(ratio)) * 2).quantize(Decimal(1)) / 2
                    points[c.pk] = max(c.min_points, min(c.max_points, half))
            # The open month: some communes still wait for their cluster's scorer.
            scored = not is_open or commune.pk == home or rng.random() < 0.7
            when = _aware(month.replace(day=28)) if not is_open else _aware(date(2026, 3, 12))
            if scored:
                sheet = ScoreSheet(
                    commune=commune, month=month, source=S.DISTRICT, criteria_set=criteria_set,
                    state=ScoreSheet.State.SUBMITTED, version=1, submitted_at=when,
                )  # fmt: skip
                sheets.append(sheet)
                plan.append((sheet, points))
            if not is_open or rng.random() < 0.8:
                own = {
                    c.pk: points.get(c.pk, Decimal(0) if c.kind == c.Kind.BONUS else c.max_points)
                    for c in by_source[S.SELF]
                }
                sheet = ScoreSheet(
                    commune=commune, month=month, source=S.SELF, criteria_set=criteria_set,
                    state=ScoreSheet.State.SUBMITTED, version=1,
                    submitted_at=when - timedelta(days=3),
                )  # fmt: skip
                sheets.append(sheet)
                plan.append((sheet, own))
    Meeting.objects.bulk_create(meetings, batch_size=500)
    ScoreSheet.objects.bulk_create(sheets, batch_size=500)
    by_pk = {c.pk: c for c in criteria}
    Score.objects.bulk_create(
        [
            Score(
                sheet=sheet,
                criterion_id=pk,
                points=value,
                reason="Chưa đạt yêu cầu"
                if by_pk[pk].kind != Criterion.Kind.BONUS and value < by_pk[pk].max_points
                else "",
                evidence="Biên bản hội nghị" if by_pk[pk].evidence_required else "",
            )
            for sheet, points in plan
            for pk, value in points.items()
        ],
        batch_size=2000,
    )
    Submission.objects.bulk_create(submissions, batch_size=1000)
    with fixed_today(TODAY):
        for month in (CLOSED_MONTH, OPEN_MONTH):
            scoring.compute_month(province, month)
    # January: approved by each cluster's scorer, accepted and closed by the merged ban.
    coordinator = people["tgdv.coordinator"]
    closed = list(MonthlyResult.objects.filter(province=province, month=CLOSED_MONTH))
    events = []
    A = ResultEvent.Action
    scorer_of: dict[int, int] = people["scorer_of"]  # type: ignore[assignment]
    for result in closed:
        result.status = MonthlyResult.Status.CLOSED
        base = _aware(date(2026, 2, 5), 10)
        events += [
            ResultEvent(result=result, action=A.APPROVE, by_id=scorer_of[result.commune_id],
                        at=base),
            ResultEvent(result=result, action=A.ACCEPT, by=coordinator,
                        at=base + timedelta(days=2)),
            ResultEvent(result=result, action=A.CLOSE, by=coordinator,
                        at=base + timedelta(days=3)),
        ]  # fmt: skip
    MonthlyResult.objects.bulk_update(closed, ["status"], batch_size=1000)
    ResultEvent.objects.bulk_create(events, batch_size=2000)


def build_roster(
    ctx: DemoContext, province: Unit, ban: Unit, clusters: list[CommuneCluster]
) -> None:
    """Q1 2026's roster: twelve province officials, each preferred for its clusters'
    communes (one or two clusters each), every commune visited once in the quarter."""
    from theodoi.tuyenvan.roster.models import RosterRound, Unavailability
    from theodoi.tuyenvan.roster.roster import generate_roster

    units = {"BTGDV": ban}
    for position, (code, name, short) in enumerate(ROSTER_UNITS, start=20):
        units[code] = Unit.objects.create(
            key=f"vn2025:{PROVINCE_CODE}:agency:{code}",
            code=code,
            name=name,
            short_name=short,
            kind=Unit.Kind.PARTY_AGENCY,
            place="Lào Cai",
            parent=province,
            position=position,
            active_from=imports.REFORM_DAY,
        )
    before = len(ctx.accounts)
    officials = {
        username: ctx.account(username, R.OFFICIAL, units[code], full_name=full_name)
        for username, code, full_name in ROSTER_OFFICIALS
    }
    Membership.objects.filter(user__in=officials.values(), role=R.OFFICIAL).update(
        title="Cán bộ dự hội nghị"
    )
    # One line per unit in the accounts list (official.tgdv1…4), as in 2018.
    del ctx.accounts[before:]
    label = str(R.OFFICIAL.label)
    for code, unit in units.items():
        names = [u for u, c, _n in ROSTER_OFFICIALS if c == code]
        ctx.accounts.append((f"{names[0]}…{names[-1][-1]}", label, unit.name))
    # Cluster j to official j (mod 12): the larger share of clusters gets two.
    people = list(officials.values())
    for j, cluster in enumerate(clusters):
        cluster.officials.add(people[j % len(people)])
    Unavailability.objects.bulk_create(
        [
            Unavailability(user=officials[u], start=first, end=last, reason=reason)
            for u, first, last, reason in ROSTER_ABSENCES
        ]
    )
    rnd = RosterRound.objects.create(
        province=province,
        period=RosterRound.Period.QUARTER,
        start=date(2026, 1, 1),
        provincial_frequency=RosterRound.Frequency.QUARTERLY,
        district_frequency=RosterRound.Frequency.NONE,
        provincial_monthly_limit=5,
        note="Các xã, phường trực thuộc tỉnh: cán bộ tỉnh dự hội nghị tuyên vận "
        "theo cụm xã được phân công.",
    )
    with fixed_today(TODAY):
        result = generate_roster(rnd)
    if not result.ok:
        ctx.stdout.write(f"Roster {rnd.title} (2026): {'; '.join(result.problems)}\n")
        return
    rnd.status = RosterRound.Status.PUBLISHED
    rnd.published_at = rnd.generated_at
    rnd.save(update_fields=["status", "published_at"])


def load(ctx: DemoContext) -> None:
    """Add the 2026 era to a loaded 2018 demo (its accounts listed apart)."""
    before = len(ctx.accounts)
    province, ban, communes = build_units()
    build_chains(province, ban)
    clusters = build_clusters(province, communes)
    old_home = Unit.objects.filter(
        key__startswith="lc2018:", kind=Unit.Kind.COMMUNE, name__contains=HOME_2018_COMMUNE
    ).first()
    link = UnitLineage.objects.filter(predecessor=old_home).select_related("successor").first()
    home = link.successor if link else communes[0]
    people = build_accounts(ctx, province, ban, clusters, home)
    build_plan(province, ban, communes)
    build_months(province, communes, people)
    build_roster(ctx, province, ban, clusters)
    ctx.era_accounts = ctx.accounts[before:]
    del ctx.accounts[before:]

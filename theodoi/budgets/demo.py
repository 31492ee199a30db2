"""Demo: the detailed plans with budget estimates of Kế hoạch 112-KH/TU (2018).

The kick-off conference asked every agency and district to "build its detailed
plan with a budget estimate, submitted for approval". The Sở Tài chính gives its
opinion on each. By 15/07/2018 most lead units' detailed plans are approved (the
Ban Dân vận's after being returned once to add the dialogue conferences); two are
still waiting: one for the Sở Tài chính's opinion, one for the coordinator's
decision. Amounts are illustrative, of the order the H1 reports say was spent.
"""

from __future__ import annotations

import random

from django.contrib.auth.models import User

from theodoi.demo.context import DemoContext
from theodoi.plans.models import Assignment
from theodoi.units.models import Membership, Unit

from . import actions
from .actions import LineIn
from .models import BudgetSettings, FundingSource

AMOUNTS = [8_000_000, 12_500_000, 15_000_000, 20_000_000, 25_000_000, 30_000_000, 45_000_000]
ACTIVITIES = [
    ("Tổ chức hội nghị triển khai, quán triệt", "Quý I", "01 hội nghị"),
    ("Biên soạn, in ấn tài liệu tuyên truyền", "Quý II", "2.000 cuốn"),
    ("Kiểm tra, đôn đốc, sơ kết, tổng kết", "Quý IV", "Báo cáo sơ kết, tổng kết"),
]


def _reporter(ctx: DemoContext, unit: Unit) -> User:
    found = (
        Membership.objects.filter(
            unit=unit,
            role__in=[
                Membership.Role.AGENCY_REPORTER,
                Membership.Role.DISTRICT_SCORER,
                Membership.Role.COMMUNE_REPORTER,
            ],
        )
        .select_related("user")
        .first()
    )
    if found:
        return found.user
    return ctx.account(f"kh.{unit.pk}", Membership.Role.AGENCY_REPORTER, unit,
                       full_name=f"Cán bộ {unit.short_name or unit.name}")  # fmt: skip


def _lines(rng: random.Random, unit: Unit, items: list) -> list[LineIn]:
    district = unit.kind == Unit.Kind.DISTRICT
    lines = []
    for item in items:
        activity, timing, output = ACTIVITIES[rng.randrange(len(ACTIVITIES))]
        source = FundingSource.DISTRICT if district else FundingSource.PROVINCIAL
        lines.append(LineIn(item.pk, f"{activity}: {item.title[:200]}", rng.choice(AMOUNTS),
                            source, timing, output))  # fmt: skip
        if rng.random() < 0.25:
            lines.append(LineIn(item.pk, "Hỗ trợ từ chương trình mục tiêu", rng.choice(AMOUNTS[:3]),
                                FundingSource.PROGRAMME, "Cả năm", ""))  # fmt: skip
        elif rng.random() < 0.1:
            lines.append(LineIn(item.pk, "Vận động tài trợ, xã hội hóa", 5_000_000,
                                FundingSource.OTHER, "Cả năm", ""))  # fmt: skip
    return lines


def load(ctx: DemoContext) -> None:
    plan = ctx.plan
    finance = ctx.unit("lc2018:agency:STC")
    BudgetSettings.objects.get_or_create(plan=plan, defaults={"finance_unit": finance})
    coordinator = (
        Membership.objects.filter(unit=plan.owner, role=Membership.Role.COORDINATOR)
        .select_related("user").first().user  # type: ignore[union-attr]
    )  # fmt: skip
    stc = ctx.account("stc", Membership.Role.AGENCY_REPORTER, finance,
                      full_name="Đặng Thị Lan")  # fmt: skip
    leads: dict[int, list] = {}
    units: dict[int, Unit] = {}
    for a in (
        Assignment.objects.filter(work_item__task__plan=plan, role=Assignment.Role.LEAD)
        .select_related("unit", "work_item")
        .order_by("unit__position", "unit__name", "work_item__position", "work_item__pk")
    ):
        leads.setdefault(a.unit_id, []).append(a.work_item)
        units[a.unit_id] = a.unit
    order = list(leads)
    rng = random.Random(112)
    # Two still waiting: the last district waits for the Sở Tài chính, the one before
    # it for the coordinator's decision.
    districts = [k for k in order if units[k].kind == Unit.Kind.DISTRICT]
    waiting_finance = districts[-1] if districts else None
    waiting_decision = districts[-2] if len(districts) > 1 else None
    for key in order:
        unit = units[key]
        by = _reporter(ctx, unit)
        lines = _lines(rng, unit, leads[key])
        dp = actions.do_open_detailed_plan(plan, unit, by=by, lines=lines,
                                           note="Kế hoạch chi tiết năm 2018")  # fmt: skip
        dp = actions.do_submit(dp, by=by)
        if key == waiting_finance:
            continue
        dp = actions.do_give_opinion(
            dp, by=stc, opinion="Các nội dung chi phù hợp định mức; đề nghị phê duyệt."
        )
        if key == waiting_decision:
            continue
        if unit.key == "lc2018:agency:BDV":
            dp = actions.do_return(dp, by=coordinator, comment=(
                "Bổ sung dự toán các hội nghị đối thoại trực tiếp giữa người đứng đầu cấp ủy, "
                "chính quyền với nhân dân."))  # fmt: skip
            extra = [*lines, LineIn(leads[key][0].pk, "Hội nghị đối thoại với nhân dân",
                                    30_000_000, FundingSource.PROVINCIAL, "Quý III",
                                    "04 hội nghị")]  # fmt: skip
            dp = actions.do_set_lines(dp, extra, by=by)
            dp = actions.do_submit(dp, by=by)
            dp = actions.do_give_opinion(dp, by=stc, opinion="Thống nhất với dự toán bổ sung.")
        actions.do_approve(dp, by=coordinator, comment="Phê duyệt.")

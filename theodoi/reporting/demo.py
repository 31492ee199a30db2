"""Demo data for reporting: the 6-month period of 2018 of Kế hoạch 112-KH/TU.

Most units have reported (accepted or waiting for a decision), a few late,
a few not at all, and one report was returned with a comment, so rates,
overdue lists and the consolidated report show real content on 15/07/2018.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.utils import timezone

from theodoi.demo.context import DemoContext
from theodoi.units.models import Membership, Unit

from . import actions
from .models import (
    ProgressEntry,
    ProgressReport,
    ReminderSettings,
    ReportingPeriod,
    ReportingSchedule,
    ReportRevision,
)
from .periods import generate_periods, owing_units

S = ProgressEntry.Status

RESULTS_DONE = [
    "Đã tổ chức {n} hội nghị quán triệt, tuyên truyền cho {m} lượt cán bộ, đảng viên; "
    "100% chi bộ trực thuộc đã triển khai đến đảng viên.",
    "Đã xây dựng và ban hành kế hoạch thực hiện; biên tập {n} tin, bài đăng trên trang "
    "thông tin điện tử và phát trên hệ thống loa truyền thanh cơ sở.",
    "Hoàn thành tổ chức {n} lớp bồi dưỡng cho {m} học viên là báo cáo viên, tuyên truyền "
    "viên cơ sở; kết quả kiểm tra cuối khóa 100% đạt yêu cầu.",
    "Đã in và cấp phát {m} tài liệu tuyên truyền song ngữ Việt - Mông, Việt - Dao đến các "
    "thôn, bản vùng cao.",
]
RESULTS_PROGRESS = [
    "Đã triển khai tại {n}/{k} xã, thị trấn; đang tiếp tục tổ chức ở các xã còn lại, dự kiến "
    "hoàn thành trong quý III.",
    "Đã xây dựng dự thảo, đang lấy ý kiến các cơ quan phối hợp; đã tổ chức {n} buổi làm "
    "việc với các đơn vị liên quan.",
    "Đã tổ chức {n} đợt tuyên truyền lưu động với {m} lượt người tham gia; nội dung tiếp tục "
    "thực hiện trong 6 tháng cuối năm.",
]
SHORTCOMINGS = [
    "Một số chi bộ thôn, bản vùng cao tổ chức quán triệt còn chậm do địa bàn rộng, giao "
    "thông đi lại khó khăn trong mùa mưa.",
    "Đội ngũ báo cáo viên cơ sở còn thiếu, một số người chưa được bồi dưỡng nghiệp vụ; "
    "kinh phí cho hoạt động tuyên truyền ở cơ sở còn hạn hẹp.",
    "Việc phối hợp giữa các cơ quan có lúc chưa chặt chẽ, chế độ thông tin báo cáo chưa "
    "đúng thời gian quy định.",
    "Tài liệu tuyên truyền bằng tiếng dân tộc thiểu số còn ít, chưa đáp ứng nhu cầu.",
]
# Units say the same thing in their own words: the consolidated report groups these.
SAID_OTHERWISE = {
    SHORTCOMINGS[0]: "Một số chi bộ thôn, bản vùng cao tổ chức quán triệt còn chậm do địa bàn "
    "rộng, giao thông đi lại khó khăn, nhất là trong mùa mưa.",
    SHORTCOMINGS[1]: "Đội ngũ báo cáo viên cơ sở còn thiếu, một số người chưa được bồi dưỡng "
    "nghiệp vụ; kinh phí cho hoạt động tuyên truyền ở cơ sở còn rất hạn hẹp.",
}
PROPOSALS = [
    "Đề nghị Ban Tuyên giáo Tỉnh ủy tiếp tục mở lớp bồi dưỡng nghiệp vụ cho báo cáo viên cấp "
    "huyện, cấp xã.",
    "Đề nghị Ủy ban nhân dân tỉnh bố trí bổ sung kinh phí in tài liệu tuyên truyền song ngữ.",
    "Đề nghị điều chỉnh thời gian hoàn thành sang quý IV năm 2018 để phù hợp với tình hình "
    "thực tế của địa phương.",
]


def _when(day: date, hour: int = 9) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 30)))


def _values(rng: random.Random, item: Any, late_unit: bool) -> dict[str, Any]:
    n, m, k = rng.randint(2, 12), rng.randint(120, 2400), rng.randint(10, 24)
    # "n/k xã": never more communes done than there are; figures written as Vietnamese do.
    fill = {"n": n, "m": f"{m:,}".replace(",", "."), "k": max(k, n + 3)}
    if item.end <= date(2018, 6, 30):
        roll = rng.random()
        if roll < 0.65:
            status, percent = S.DONE_ON_TIME, 100
        elif roll < 0.8:
            status, percent = S.DONE_LATE, 100
        else:
            status, percent = S.OVERDUE, rng.choice([50, 60, 70, 80])
    else:
        status = S.CHANGE_PROPOSED if rng.random() < 0.08 else S.IN_PROGRESS
        percent = rng.choice([20, 30, 40, 50, 60])
    pool = RESULTS_DONE if status in ProgressEntry.DONE else RESULTS_PROGRESS
    values: dict[str, Any] = {
        "status": status,
        "percent": percent,
        "results": rng.choice(pool).format(**fill),
        "budget_spent": rng.choice([None, 5_000_000, 8_500_000, 12_000_000, 25_000_000]),
    }
    if status == S.DONE_LATE:
        values["completed_on"] = min(
            item.end + timedelta(days=rng.randint(5, 20)), date(2018, 7, 5)
        )
    if status in (S.OVERDUE, S.CHANGE_PROPOSED) or late_unit or rng.random() < 0.3:
        said = rng.choice(SHORTCOMINGS)
        values["shortcomings"] = SAID_OTHERWISE.get(said, said) if item.pk % 3 == 0 else said
    if status == S.CHANGE_PROPOSED:
        values["proposals"] = PROPOSALS[2]
    elif rng.random() < 0.35:
        values["proposals"] = rng.choice(PROPOSALS[:2])
    return values


def _reporter(unit: Unit, ctx: DemoContext) -> User:
    """A reporter of the unit: an existing demo account, or a quiet one for attribution."""
    found = (
        Membership.objects.filter(
            unit=unit,
            role__in=[
                Membership.Role.AGENCY_REPORTER,
                Membership.Role.COMMUNE_REPORTER,
                Membership.Role.DISTRICT_SCORER,
            ],
        )
        .select_related("user")
        .first()
    )
    if found:
        return found.user
    role = {
        Unit.Kind.DISTRICT: Membership.Role.DISTRICT_SCORER,
        Unit.Kind.COMMUNE: Membership.Role.COMMUNE_REPORTER,
    }.get(unit.kind, Membership.Role.AGENCY_REPORTER)
    username = f"bc.{unit.key.replace(':', '.')}"[:150]
    user, created = User.objects.get_or_create(
        username=username,
        defaults={
            "first_name": "Cán bộ",
            "last_name": unit.label,
            # The demo's own domain: the loader recognises its accounts by it.
            "email": f"{username}@demo.theodoi.invalid",
        },
    )
    if created:  # an author of demo reports only: nobody signs in with it
        user.set_unusable_password()
        user.save(update_fields=["password"])
    Membership.objects.get_or_create(user=user, unit=unit, role=role)
    return user


def _coordinator(ctx: DemoContext, btg: Unit) -> User:
    found = (
        Membership.objects.filter(unit=btg, role=Membership.Role.COORDINATOR)
        .select_related("user")
        .first()
    )
    if found:
        return found.user
    return ctx.account(
        "coordinator", Membership.Role.COORDINATOR, btg, full_name="Nguyễn Thị Thu Hương"
    )


def _stamp(report: ProgressReport, submitted: date, decided: date | None) -> None:
    """Put the workflow on the demo's 2018 dates."""
    ProgressReport.objects.filter(pk=report.pk).update(
        first_submitted_at=_when(submitted),
        submitted_at=_when(submitted),
        decided_at=_when(decided, 15) if decided else None,
    )
    for revision in report.revisions.all():
        day = submitted if revision.action == ReportRevision.Action.SUBMIT else decided
        ReportRevision.objects.filter(pk=revision.pk).update(at=_when(day or submitted, 15))


def load(ctx: DemoContext) -> None:
    plan = ctx.plan
    ReportingSchedule.objects.get_or_create(
        plan=plan, kind="half", defaults={"rule": "days_after_end", "days": 10}
    )
    ReportingSchedule.objects.get_or_create(
        plan=plan, kind="year", defaults={"rule": "day_of_last_month", "days": 15}
    )
    ReminderSettings.objects.get_or_create(plan=plan)
    generate_periods(plan)
    h1 = ReportingPeriod.objects.get(plan=plan, code=f"{plan.year}-H1")
    coordinator = _coordinator(ctx, plan.owner)
    rng = random.Random(2018)
    units = owing_units(h1)
    returned_done = False
    counts = {"accepted": 0, "submitted": 0, "late": 0, "missing": 0, "returned": 0}
    for i, unit in enumerate(units):
        roll = rng.random()
        if roll < 0.1:
            counts["missing"] += 1
            if rng.random() < 0.5:
                actions.do_start_report(h1, unit)  # opened, never sent
            continue
        late = roll > 0.88
        reporter = _reporter(unit, ctx)
        report = actions.do_start_report(h1, unit, by=reporter)
        entries = list(report.entries.select_related("work_item"))
        data = {e.work_item_id: _values(rng, e.work_item, late) for e in entries}
        report = actions.do_submit_report(report, by=reporter, data=data)
        submitted = (
            h1.due + timedelta(days=rng.randint(2, 4))
            if late
            else h1.due - timedelta(days=rng.randint(0, 8))
        )
        if not returned_done and i >= 2 and not late:
            actions.do_return_report(
                report,
                by=coordinator,
                comment="Đề nghị bổ sung số liệu cụ thể về số hội nghị, số lượt người tham dự "
                "và kinh phí đã sử dụng cho từng nhóm công việc.",
            )
            _stamp(report, submitted, h1.due + timedelta(days=1))
            returned_done = True
            counts["returned"] += 1
            continue
        decided = None
        if not late and rng.random() < 0.7:
            actions.do_accept_report(report, by=coordinator)
            decided = min(submitted + timedelta(days=rng.randint(1, 4)), ctx.today)
            counts["accepted"] += 1
        else:
            counts["submitted"] += 1
        counts["late"] += int(late)
        _stamp(report, submitted, decided)
    ctx.stdout.write(
        "Reporting: {n} reports due for {code}; {accepted} accepted, {submitted} waiting, "
        "{returned} returned, {late} late, {missing} missing.\n".format(
            n=len(units), code=h1.code, **counts
        )
    )

"""Demo: Đề án 17-ĐA/TU over its years — the plan of 2017 with its year-end reports,
the review of the first two years, and the indicators' values for 2016, 2017 and 2018.

The plan of 2018 was built on the review of the programme's first two years
(2016, 2017); their year-end figures are recorded from that review, and 2018's
from the 6-month review, so the roll-up reads two full years and the current one.
A value the activities records give (an indicator linked to a target, in a year
with records) is not typed. The 2017 plan is smaller than 2018's (three tasks,
five work items), issued, and reported on at year end; its number and the figures
are realistic, not the seed's (the article names only 25-KH/TU of 2016 and
112-KH/TU of 2018): 2017 below 2018.
"""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal

from django.contrib.auth.models import User
from django.utils import timezone

from theodoi.demo.context import DemoContext
from theodoi.plans.models import (
    Assignment,
    Field,
    Plan,
    PlanVersion,
    Programme,
    ProgrammeReview,
    Task,
    WorkItem,
)
from theodoi.plans.programme import do_record_values, programme_indicators, record_values
from theodoi.plans.proposals import do_issue_plan

PLAN_2017 = "74-KH/TU"
PLAN_2017_ISSUED = date(2017, 1, 6)
# (field, task, [(work item, start, end, expected output, lead keys, coordinating keys,
#   finished by year end, the year-end result)])
TASKS_2017 = [
    (
        "Đổi mới công tác tư tưởng, chính trị",
        "Quán triệt, tuyên truyền nghị quyết của Đảng",
        [
            (
                "Tổ chức hội nghị học tập, quán triệt Nghị quyết Trung ương 4 khóa XII",
                date(2017, 1, 15),
                date(2017, 6, 30),
                "Hội nghị quán triệt",
                ["agency:BTG"],
                ["agency:BDV"],
                True,
                "Đã tổ chức 9 hội nghị quán triệt cho 1.850 lượt cán bộ, đảng viên.",
            ),
            (
                "Tổ chức hội thi giảng viên lý luận chính trị giỏi cấp huyện",
                date(2017, 4, 1),
                date(2017, 10, 31),
                "Hội thi cấp huyện",
                ["082", "088"],
                [],
                True,
                "Đã tổ chức 2 hội thi với 46 giảng viên tham gia.",
            ),
        ],
    ),
    (
        "Công tác tuyên truyền, vận động",
        "Đổi mới hình thức hội nghị báo cáo viên",
        [
            (
                "Thí điểm hội nghị báo cáo viên cấp tỉnh theo hình thức trực tuyến",
                date(2017, 3, 1),
                date(2017, 12, 15),
                "Hội nghị trực tuyến đến cấp huyện",
                ["agency:BTG"],
                ["agency:STTTT"],
                True,
                "Đã tổ chức 4 hội nghị trực tuyến đến 9 điểm cầu cấp huyện.",
            ),
        ],
    ),
    (
        "Công tác tuyên truyền, vận động",
        'Xây dựng mô hình "Dân vận khéo"',
        [
            (
                'Xây dựng, nhân rộng mô hình "Dân vận khéo" ở cơ sở',
                date(2017, 2, 1),
                date(2017, 11, 30),
                "Mô hình mới được công nhận",
                ["agency:BDV"],
                ["082"],
                True,
                'Đã công nhận 22 mô hình "Dân vận khéo" mới.',
            ),
            (
                "Kiện toàn ban tuyên vận xã, tổ tuyên vận thôn",
                date(2017, 3, 1),
                date(2017, 12, 31),
                "Ban tuyên vận được kiện toàn",
                ["084"],
                ["agency:BDV"],
                False,
                "Đã kiện toàn 10/13 ban tuyên vận xã; còn 3 xã chuyển sang năm 2018.",
            ),
        ],
    ),
]

REVIEW = "Báo cáo sơ kết 2 năm thực hiện Đề án 17-ĐA/TU (2016 – 2017)"
HALF_YEAR = "Báo cáo sơ kết 6 tháng đầu năm 2018 thực hiện Kế hoạch 112-KH/TU"

# Per indicator, in the order of plan_2018.OBJECTIVES: (2016, 2017, 2018 so far).
VALUES: list[tuple[float | None, float | None, float | None]] = [
    (91, 92.5, 94),  # cán bộ, đảng viên học tập, quán triệt nghị quyết (%)
    (3, 5, 7),  # hội thi giảng viên lý luận chính trị giỏi cấp huyện (huyện)
    (25, 33, 42),  # hội nghị báo cáo viên trực tuyến (%)
    (None, 40, 86),  # báo cáo tuyên vận qua Cổng thông tin điện tử (%)
    (60, 78, 95),  # ban tuyên vận xã được kiện toàn (%)
    (None, None, 100),  # xã được chấm điểm tuyên vận hằng tháng: from 2018 (11-QĐ/TU)
    (18, 22, 26),  # mô hình "Dân vận khéo" mới (mô hình)
]


def _unit(ctx: DemoContext, key: str) -> object:
    return ctx.unit(f"lc2018:{key}")


def build_plan_2017(ctx: DemoContext, programme: Programme, coordinator: User) -> Plan:
    """The smaller plan of 2017, issued in January and reported on at year end."""
    from theodoi.reporting import actions as reporting
    from theodoi.reporting.models import ProgressReport, ReportingSchedule
    from theodoi.reporting.periods import generate_periods, owing_units

    btg = _unit(ctx, "agency:BTG")
    plan = Plan.objects.create(
        programme=programme, number=PLAN_2017, issued_on=PLAN_2017_ISSUED, year=2017,
        title="Kế hoạch thực hiện Đề án 17-ĐA/TU năm 2017", issuer=ctx.province, owner=btg,
        summary="Cụ thể hóa Kế hoạch số 25-KH/TU ngày 09/5/2016 thành các nhiệm vụ năm 2017.",
    )  # fmt: skip
    fields: dict[str, Field] = {}
    for position, (field_name, task_title, items) in enumerate(TASKS_2017, start=1):
        if field_name not in fields:
            fields[field_name] = Field.objects.create(
                plan=plan, name=field_name, position=len(fields) + 1
            )
        task = Task.objects.create(plan=plan, field=fields[field_name], number=str(position),
                                   title=task_title, position=position)  # fmt: skip
        for n, (title, start, end, output, leads, coordinating, done, _r) in enumerate(items, 1):
            item = WorkItem.objects.create(task=task, number=f"{position}.{n}", title=title,
                                           start=start, end=end, expected_output=output,
                                           position=n)  # fmt: skip
            for key in leads:
                Assignment.objects.create(
                    work_item=item, unit=_unit(ctx, key), role=Assignment.Role.LEAD,
                    status=Assignment.Status.DONE if done else Assignment.Status.IN_PROGRESS,
                    percent_done=100 if done else 75, completed_on=end if done else None,
                )  # fmt: skip
            for key in coordinating:
                Assignment.objects.create(work_item=item, unit=_unit(ctx, key),
                                          role=Assignment.Role.COORDINATING)  # fmt: skip
    version = do_issue_plan(plan, by=coordinator)
    issued_at = timezone.make_aware(datetime.combine(PLAN_2017_ISSUED, time(9)))
    PlanVersion.objects.filter(pk=version.pk).update(created_at=issued_at)
    # The year-end reports: every lead unit reported and was accepted in December.
    ReportingSchedule.objects.create(plan=plan, kind="year", rule="day_of_last_month", days=15)
    (period,) = generate_periods(plan)
    results = {title: (done, result) for _f, _t, items in TASKS_2017
               for title, *_x, done, result in items}  # fmt: skip
    from theodoi.reporting.demo import _reporter, _stamp

    for unit in owing_units(period):
        reporter = _reporter(unit, ctx)
        report = reporting.do_start_report(period, unit, by=reporter)
        data = {}
        for entry in report.entries.select_related("work_item"):
            done, result = results[entry.work_item.title]
            data[entry.work_item_id] = {
                "status": "done_on_time" if done else "overdue",
                "percent": 100 if done else 75,
                "results": result,
                **({} if done else {"shortcomings": "Một số xã thiếu cán bộ kiêm nhiệm."}),
            }
        report = reporting.do_submit_report(report, by=reporter, data=data)
        reporting.do_accept_report(report, by=coordinator)
        _stamp(report, date(2017, 12, 12), date(2017, 12, 20))
    ctx.stdout.write(
        f"Programme years: plan {PLAN_2017} of 2017 with "
        f"{ProgressReport.objects.filter(period=period).count()} year-end reports.\n"
    )
    return plan


REVIEW_NUMBER = "310-BC/TU"
REVIEW_DATE = date(2017, 12, 15)
REVIEW_RESULTS = (
    "Sau 2 năm triển khai, công tác tư tưởng chính trị, tuyên truyền vận động có nhiều đổi "
    "mới: 92,5% cán bộ, đảng viên được học tập, quán triệt nghị quyết; 5 huyện tổ chức hội thi "
    "giảng viên lý luận chính trị giỏi; hội nghị báo cáo viên cấp tỉnh bắt đầu tổ chức trực "
    'tuyến; 78% ban tuyên vận xã được kiện toàn; 40 mô hình "Dân vận khéo" mới được công nhận.'
)
REVIEW_SHORTCOMINGS = (
    "Một số nhiệm vụ triển khai chậm, chưa đồng bộ; việc truyền tải báo cáo tuyên vận qua "
    "Cổng thông tin điện tử Tỉnh ủy mới đạt 40%; chấm điểm công tác tuyên vận ở xã chưa thực "
    "hiện thường xuyên; chế độ thông tin, báo cáo có lúc chưa kịp thời."
)
REVIEW_CAUSES = (
    "Một số cấp ủy chưa quan tâm đúng mức; đội ngũ cán bộ làm công tác tuyên vận ở cơ sở còn "
    "thiếu, kiêm nhiệm nhiều việc; hạ tầng công nghệ thông tin ở vùng cao còn hạn chế; kinh "
    "phí bố trí cho các nhiệm vụ của Đề án chưa đáp ứng yêu cầu."
)


def build_review(programme: Programme, coordinator: User) -> ProgrammeReview:
    """The review of 2016–2017 the plan of 2018 was built on."""
    review = ProgrammeReview(
        programme=programme, first_year=2016, last_year=2017, number=REVIEW_NUMBER,
        issued_on=REVIEW_DATE, title=REVIEW, results=REVIEW_RESULTS,
        shortcomings=REVIEW_SHORTCOMINGS, causes=REVIEW_CAUSES,
    )  # fmt: skip
    review._history_user = coordinator  # type: ignore[attr-defined]
    review.save()
    return review


def build_programme_years(ctx: DemoContext) -> None:
    programme = Programme.objects.get(code="17-ĐA/TU", issuer=ctx.province)
    coordinator = User.objects.get(username="coordinator")
    build_plan_2017(ctx, programme, coordinator)
    build_review(programme, coordinator)
    indicators = programme_indicators(programme)
    for column, (year, source) in enumerate(((2016, REVIEW), (2017, REVIEW), (2018, HALF_YEAR))):
        measured = record_values(programme, [year])
        values = {
            indicator.pk: Decimal(str(row[column]))
            for indicator, row in zip(indicators, VALUES, strict=False)
            if row[column] is not None and (indicator.pk, year) not in measured
        }
        do_record_values(
            programme, year=year, values=values, source=source, by=coordinator,
            reason="Số liệu từ báo cáo sơ kết",
        )  # fmt: skip

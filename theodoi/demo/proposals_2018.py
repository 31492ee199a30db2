"""Demo: Kế hoạch 112-KH/TU as it lived in 2018 — issued, then adjusted by proposals.

The seed's kick-off conference: "during implementation units may propose
adjustments to tasks, but the objectives stay fixed", and content involving
other agencies is agreed with them beforehand. So, by 15/07/2018:

- the plan is issued on 05/01/2018 (version 1);
- the Ban Dân vận proposes a clearer output for its "Dân vận khéo" work item;
  the MTTQ, Hội LHPN and Hội Nông dân (coordinating) agree; approved in May
  (version 2);
- the Ban Tổ chức Tỉnh ủy proposes to cancel one of its work items (rejected:
  it is central to the Đề án);
- the Sở Văn hóa, Thể thao và Du lịch proposes to postpone one of its work
  items; its coordinating agency agrees and the Ban Tuyên giáo approves on
  12/07/2018 (version 3) — after most 6-month reports were filed, so those
  reports still show the work item as it was;
- the Sở Thông tin và Truyền thông has a proposal waiting for its
  coordinating units' opinions.

Reports filed before each change point at the version then in force.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib.auth.models import User
from django.utils import translation

from theodoi.core import clock
from theodoi.demo.context import DemoContext
from theodoi.plans.models import ChangeProposal, PlanVersion, WorkItem
from theodoi.plans.proposals import do_answer, do_decide, do_issue_plan, do_propose
from theodoi.units.models import Membership, Unit


def _item(plan: Any, lead_key: str, *, coordinated: bool, title: str = "") -> WorkItem:
    items = (
        WorkItem.objects.filter(
            task__plan=plan,
            assignments__unit__key=lead_key,
            assignments__role="lead",
            title__icontains=title,
        )
        .prefetch_related("assignments__unit")
        .order_by("end", "pk")
    )
    for item in items:
        roles = [a.role for a in item.assignments.all()]
        if roles.count("lead") == 1 and (("coordinating" in roles) == coordinated):
            return item
    return items.first()  # type: ignore[return-value]


def _speaker(unit: Unit) -> User:
    membership = (
        Membership.objects.filter(unit=unit).exclude(role=Membership.Role.VIEWER).order_by("pk")
    ).first()
    return membership.user  # type: ignore[union-attr]


def _propose(plan: Any, item: WorkItem, by: User, unit: Unit, **kwargs: Any) -> ChangeProposal:
    return do_propose(plan, unit=unit, by=by, work_item=item, **kwargs)


def _agree_all(proposal: ChangeProposal, comment: str) -> None:
    for consultation in proposal.consultations.select_related("unit"):
        do_answer(consultation, by=_speaker(consultation.unit), answer="agree", comment=comment)


def build_proposals(ctx: DemoContext) -> str:
    # What is stored as text (a version's summary, notifications) reads in Vietnamese.
    with translation.override("vi"):
        return _build(ctx)


def _build(ctx: DemoContext) -> str:
    plan = ctx.plan
    coordinator = User.objects.get(username="coordinator")
    bdv = ctx.unit("lc2018:agency:BDV")
    btc = ctx.unit("lc2018:agency:BTC")
    svh = ctx.unit("lc2018:agency:SVHTTDL")
    stttt = ctx.unit("lc2018:agency:STTTT")

    with clock.fixed_today(date(2018, 1, 5)):
        do_issue_plan(plan, by=coordinator)

    # The Ban Dân vận: a clearer expected output; its coordinating organisations agree.
    item = _item(plan, bdv.key, coordinated=True, title="Dân vận khéo")
    with clock.fixed_today(date(2018, 4, 20)):
        output = _propose(
            plan, item, User.objects.get(username="agency"), bdv, kind="change",
            reason="Làm rõ sản phẩm để thuận lợi cho việc đánh giá kết quả cuối năm.",
            effective_from=date(2018, 5, 1),
            values={"expected_output": "Báo cáo kết quả kèm danh sách mô hình \"Dân vận khéo\" "
                    "được công nhận ở cấp tỉnh, cấp huyện"},
        )  # fmt: skip
        _agree_all(output, "Nhất trí.")
    with clock.fixed_today(date(2018, 5, 10)):
        do_decide(
            output, by=coordinator, approve=True,
            reason="Nhất trí; sản phẩm cụ thể hơn, phù hợp yêu cầu của Đề án.",
        )  # fmt: skip

    # The Ban Tổ chức Tỉnh ủy: cancel a work item — rejected.
    item = _item(plan, btc.key, coordinated=False)
    with clock.fixed_today(date(2018, 6, 4)):
        cancel = _propose(
            plan, item, _speaker(btc), btc, kind="cancel",
            reason="Nội dung đang được xem xét trong đề án sắp xếp tổ chức bộ máy; đề nghị "
            "đưa ra khỏi kế hoạch năm 2018.",
            effective_from=date(2018, 6, 15),
        )  # fmt: skip
        _agree_all(cancel, "Không có ý kiến khác.")
    with clock.fixed_today(date(2018, 6, 20)):
        do_decide(
            cancel, by=coordinator, approve=False,
            reason="Không nhất trí hủy: nội dung đã xin ý kiến chỉ đạo của Thường trực Tỉnh ủy và "
            "là nhiệm vụ của Đề án 17-ĐA/TU; đơn vị đề xuất lùi thời gian nếu cần.",
        )  # fmt: skip

    # The Sở VH-TT&DL: postpone a work item its coordinating agency takes part in.
    item = _item(plan, svh.key, coordinated=True)
    new_end = max(item.end, date(2018, 9, 30))
    if new_end == item.end:
        new_end = date(2018, 12, 31)
    with clock.fixed_today(date(2018, 6, 25)):
        postpone = _propose(
            plan, item, _speaker(svh), svh, kind="postpone",
            reason="Số liệu về sự hài lòng của du khách chỉ đầy đủ sau mùa du lịch hè; đề nghị "
            "lùi thời gian hoàn thành cho phù hợp.",
            effective_from=date(2018, 7, 1),
            values={"end": new_end.isoformat()},
        )  # fmt: skip
    with clock.fixed_today(date(2018, 7, 2)):
        _agree_all(postpone, "Nhất trí; đơn vị sẽ phối hợp theo thời gian mới.")
    with clock.fixed_today(date(2018, 7, 12)):
        do_decide(
            postpone, by=coordinator, approve=True,
            reason="Nhất trí lùi thời gian; mục tiêu, chỉ tiêu của Đề án giữ nguyên.",
        )  # fmt: skip

    # The Sở TT&TT: a proposal still waiting for its coordinating units' opinions.
    item = _item(plan, stttt.key, coordinated=True)
    with clock.fixed_today(date(2018, 7, 13)):
        _propose(
            plan, item, _speaker(stttt), stttt, kind="change",
            reason="Bổ sung hình thức tuyên truyền trên mạng xã hội theo chỉ đạo mới.",
            effective_from=date(2018, 7, 15),
            values={"title": f"{item.title} (kể cả trên mạng xã hội)"[:500]},
        )  # fmt: skip

    _point_reports_at_their_versions(plan)
    count = ChangeProposal.objects.filter(plan=plan).count()
    return f"Proposals: plan issued, {count} change proposals, {plan.versions.count()} versions"


def _point_reports_at_their_versions(plan: Any) -> None:
    """A report filed on a day points at the version then in force (the demo backdates)."""
    from theodoi.reporting.models import ProgressReport

    versions = list(PlanVersion.objects.filter(plan=plan).order_by("number").defer("snapshot"))
    reports = ProgressReport.objects.filter(period__plan=plan, submitted_at__isnull=False)
    for report in reports.only("pk", "submitted_at"):
        in_force = [v for v in versions if v.created_at <= report.submitted_at]
        if in_force:
            ProgressReport.objects.filter(pk=report.pk).update(plan_version=in_force[-1])

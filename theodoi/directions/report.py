"""The directions in the consolidated report: matters awaiting direction and directions
not yet carried out (Vietnamese, as the report)."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch

from theodoi.documents.party import PartyDocument

from .models import FollowUpItem, Matter

BODY_VI = {Matter.Body.STANDING: "Thường trực", Matter.Body.BOARD: "Ban Thường vụ"}


def open_matters(committee_id: int, until: Any) -> tuple[list[Matter], list[Matter]]:
    """(awaiting direction, directed but not carried out) raised by ``until``."""
    found = list(
        Matter.objects.filter(committee_id=committee_id, raised_on__lte=until)
        .exclude(state=Matter.State.DONE)
        .select_related("raised_by", "committee")
        .prefetch_related(
            Prefetch(
                "follow_ups",
                queryset=FollowUpItem.objects.filter(closed_on__isnull=True).select_related("unit"),
            )
        )
        .order_by("raised_on", "pk")
    )
    return (
        [m for m in found if m.state == Matter.State.AWAITING],
        [m for m in found if m.state == Matter.State.DIRECTED],
    )


def directions_section(doc: PartyDocument, period: Any, heading: str) -> bool:
    """Write the section under ``heading``; False (nothing written) when nothing is open."""
    plan = period.plan
    awaiting, directed = open_matters(plan.issuer_id, period.end)
    if not awaiting and not directed:
        return False
    committee = plan.issuer.name
    doc.heading(heading)
    if awaiting:
        doc.paragraph("1. Các nội dung đã xin ý kiến, đang chờ chỉ đạo", bold=True)
        for m in awaiting:
            doc.bullet(
                f"{m.title} ({m.raised_by.name} đề xuất ngày {m.raised_on:%d/%m/%Y},"
                f" xin ý kiến {BODY_VI[m.body]} {committee})."
            )
    if directed:
        doc.paragraph("2. Các ý kiến chỉ đạo chưa thực hiện xong", bold=True)
        for m in directed:
            doc.bullet(
                f"{m.title}: {m.direction_text.strip().rstrip('.')}"
                f" (Văn bản số {m.direction_number} ngày {m.direction_date:%d/%m/%Y})."
            )
            for f in m.follow_ups.all():
                due = f", hạn {f.deadline:%d/%m/%Y}" if f.deadline else ""
                doc.paragraph(f"+ {f.unit.name}: {f.text.strip().rstrip('.')}{due}.")
    return True


def outlook(period: Any) -> list[Any]:
    """The next period's tasks that directions create: the directions not carried out,
    each with its open follow-ups (a source of the consolidated report's Part V)."""
    from theodoi.reporting.sections import Block

    _awaiting, directed = open_matters(period.plan.issuer_id, period.end)
    if not directed:
        return []
    blocks = [Block("h2", "Thực hiện các ý kiến chỉ đạo của Thường trực Tỉnh ủy chưa hoàn thành")]
    for m in directed:
        blocks.append(Block("bullet", f"{m.title} (Văn bản số {m.direction_number})."))
        for f in m.follow_ups.all():
            due = f", hạn {f.deadline:%d/%m/%Y}" if f.deadline else ""
            blocks.append(Block("p", f"+ {f.unit.name}: {f.text.strip().rstrip('.')}{due}."))
    return blocks

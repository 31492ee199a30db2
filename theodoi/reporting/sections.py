"""The written sections of the consolidated report: generated, edited, exported.

Four sections are prose rather than tables: the results of the tasks (Part II),
the shortcomings (III), the directions and tasks for the next period (V) and
the recommendations (VI). Each is generated from the period's reports as a
list of blocks; staff may edit a section on the draft page before export, and
the export prints the edited text from then on (kept for every later export,
with history). A block is one line of the edited text:

- ``# text``   a sub-heading (bold), e.g. a field of the plan;
- ``## text``  a minor heading (bold italic), e.g. a work item;
- ``- text``   a dash item;
- other lines  a body paragraph.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from theodoi.core.workflow import Stale, clean_reason
from theodoi.plans.models import Assignment, ChangeProposal

from .models import ProgressEntry, ReportingPeriod, ReportSection
from .narrative import Said, group_similar, merge_figures

if TYPE_CHECKING:
    from theodoi.units.models import Unit

    from .consolidation import Consolidated

Key = ReportSection.Key
S = ProgressEntry.Status
# A change proposal's kind as the report words it (the report is a Vietnamese document).
KIND_VI = {
    "add": "Bổ sung nhóm công việc",
    "change": "Điều chỉnh nhóm công việc",
    "postpone": "Lùi thời hạn nhóm công việc",
    "cancel": "Dừng thực hiện nhóm công việc",
}


@dataclass(frozen=True)
class Block:
    kind: str  # "h2", "h3", "bullet", "p"
    text: str


def to_text(blocks: list[Block]) -> str:
    prefix = {"h2": "# ", "h3": "## ", "bullet": "- ", "p": ""}
    return "\n".join(prefix[b.kind] + b.text for b in blocks)


def from_text(text: str) -> list[Block]:
    blocks = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.startswith("## "):
            blocks.append(Block("h3", line[3:].strip()))
        elif line.startswith("# "):
            blocks.append(Block("h2", line[2:].strip()))
        elif line[:2] in ("- ", "– ", "+ "):
            blocks.append(Block("bullet", line[2:].strip()))
        else:
            blocks.append(Block("p", line))
    return blocks


def digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _names(units: list[Unit]) -> str:
    return ", ".join(u.name for u in units)


def _sentence(text: str) -> str:
    text = text.strip().rstrip(" .;,")
    return f"{text}."


def _code(work_item: Any) -> str:
    return str(work_item.number or work_item.pk)


# Generation ----------------------------------------------------------------------------


def results(data: Consolidated) -> list[Block]:
    """Part II in words: per field and work item, what was done and by whom.

    The lead units' texts carry the work item: near-identical ones are said once
    with their figures added. Coordinating units often report the same events as
    the lead, so their figures are never added to the leads'; they are named in
    one line ("Phối hợp thực hiện: …") and their own texts stay in their
    reports, which keeps Part II to what the Standing Committee reads."""
    leads: dict[int, list[tuple[Any, str, str]]] = defaultdict(list)
    helpers: dict[int, list[Unit]] = defaultdict(list)
    items: dict[int, Any] = {}
    for unit, work_item, role, text in data.narratives:
        if not text.strip():
            continue
        items[work_item.pk] = work_item
        if role == ProgressEntry.Role.LEAD:
            leads[work_item.pk].append((unit, text, ""))
        elif unit not in helpers[work_item.pk]:
            helpers[work_item.pk].append(unit)
    if not items:
        return [Block("p", "Các cơ quan, đơn vị chưa báo cáo kết quả cụ thể trong kỳ.")]
    blocks: list[Block] = []
    fields: dict[int, list[Any]] = defaultdict(list)
    field_of: dict[int, Any] = {}
    for item in items.values():
        field = item.task.field
        fields[field.pk].append(item)
        field_of[field.pk] = field
    order = sorted(field_of, key=lambda pk: (field_of[pk].position, field_of[pk].pk))
    for number, field_pk in enumerate(order, 1):
        blocks.append(Block("h2", f"{number}. {field_of[field_pk].name}"))
        for item in sorted(fields[field_pk], key=lambda i: (i.task.position, i.position, i.pk)):
            blocks.append(Block("h3", str(item)))
            for said in group_similar(leads[item.pk]):
                blocks.extend(Block("bullet", line) for line in _results_lines(said))
            if not leads[item.pk]:
                blocks.append(Block("bullet", "Đơn vị chủ trì chưa báo cáo kết quả."))
            if helpers[item.pk]:
                blocks.append(Block("bullet", f"Phối hợp thực hiện: {_names(helpers[item.pk])}."))
    return blocks


def _results_lines(said: Said[Any]) -> list[str]:
    """One line for a group: its figures added, or its one text; each unit's own
    text when the figures differ and cannot be added (never one unit's figures
    under another's name)."""
    if len(set(said.texts)) == 1:
        return [f"{_names(said.who)}: {_sentence(said.text)}"]
    merged = merge_figures(said.texts) if len(said.texts) == len(said.who) else None
    if merged is not None:
        return [
            f"{_sentence(merged)[:-1]} (tổng hợp số liệu của {len(said.who)} đơn vị:"
            f" {_names(said.who)})."
        ]
    return [
        f"{who.name}: {_sentence(text)}" for who, text in zip(said.who, said.texts, strict=False)
    ]


def _raised(groups: list[tuple[Unit, list[tuple[str, str]]]], empty: str) -> list[Block]:
    items = [(unit, text, item) for unit, pairs in groups for item, text in pairs]
    if not items:
        return [Block("p", empty)]
    blocks = []
    # Figures must match to be one group here: a shortcoming is said in one wording.
    for said in group_similar(((u, t, _item_code(i)) for u, t, i in items), figures_alike=False):
        codes = sorted(said.where, key=_code_order)
        where = f"; nhiệm vụ {', '.join(codes)}" if codes else ""
        blocks.append(Block("bullet", f"{_sentence(said.text)[:-1]} ({_names(said.who)}{where})."))
    return blocks


def _code_order(code: str) -> tuple[int, tuple[int, ...], str]:
    """1.2 before 1.10 before 2.1; codes that are not numbers last, by name."""
    parts = code.split(".")
    if all(p.isdigit() for p in parts):
        return (0, tuple(int(p) for p in parts), "")
    return (1, (), code)


def _item_code(label: str) -> str:
    head = label.split(" ", 1)[0].rstrip(".")
    return head if head.replace(".", "").isdigit() else label


def shortcomings(data: Consolidated) -> list[Block]:
    return _raised(data.shortcomings, "Các báo cáo không nêu hạn chế.")


def proposals(data: Consolidated) -> list[Block]:
    return _raised(data.proposals, "Các báo cáo không có kiến nghị, đề xuất.")


# Other sources of the next period's tasks (e.g. directions of the Standing Committee not
# yet carried out, change proposals awaiting a decision) register here: each returns
# blocks for the period that ends, or nothing.
OUTLOOK_SOURCES: list[Callable[[ReportingPeriod], list[Block]]] = []


def next_window(period: ReportingPeriod) -> tuple[date, date, str]:
    """The next period of the plan's schedule, or the rest of the year without one."""
    following = (
        ReportingPeriod.objects.filter(
            plan_id=period.plan_id, kind=period.kind, start__gt=period.end
        )
        .order_by("start")
        .first()
    )
    if following is not None:
        return following.start, following.end, following.title.lower()
    start = period.end + timedelta(days=1)
    end = date(start.year, 12, 31)
    return start, end, f"những tháng còn lại của năm {start.year}"


def outlook(data: Consolidated) -> list[Block]:
    """Part V: the work items due next, the overdue ones, the adjustments asked for."""
    period = data.period
    start, end, title = next_window(period)
    done = {
        (line.unit.pk, line.work_item.pk)
        for line in data.lines
        if line.status in ProgressEntry.DONE
    }
    due = (
        Assignment.objects.filter(
            role=Assignment.Role.LEAD,
            work_item__task__plan_id=period.plan_id,
            work_item__end__gte=start,
            work_item__start__lte=end,
        )
        .select_related("unit", "work_item__task__field")
        .order_by(
            "work_item__task__field__position",
            "work_item__task__position",
            "work_item__position",
            "unit__position",
        )
    )
    leads: dict[int, list[Unit]] = defaultdict(list)
    items: dict[int, Any] = {}
    for a in due:
        if (a.unit_id, a.work_item_id) in done:
            continue
        leads[a.work_item_id].append(a.unit)
        items[a.work_item_id] = a.work_item
    blocks = [Block("p", f"Trong {title}, tập trung thực hiện tốt các nhiệm vụ trọng tâm sau:")]
    number = 0
    if items:
        number += 1
        blocks.append(
            Block(
                "h2",
                f"{number}. Triển khai các nhiệm vụ theo kế hoạch"
                f" ({start:%d/%m/%Y} - {end:%d/%m/%Y})",
            )
        )
        for pk, item in items.items():
            blocks.append(
                Block("bullet", f"{item} (chủ trì: {_names(leads[pk])}; hạn {item.end:%d/%m/%Y}).")
            )
    overdue = data.overdue()
    if overdue:
        number += 1
        blocks.append(Block("h2", f"{number}. Khắc phục các nhiệm vụ quá hạn chưa hoàn thành"))
        for line in overdue:
            blocks.append(
                Block("bullet", f"{line.work_item} ({line.unit.name}; đạt {line.percent}%).")
            )
    adjust = [line for line in data.lines if line.status == S.CHANGE_PROPOSED]
    pending = list(
        ChangeProposal.objects.filter(
            plan_id=period.plan_id,
            state__in=[ChangeProposal.State.CONSULTING, ChangeProposal.State.SUBMITTED],
        )
        .select_related("unit", "work_item")
        .order_by("created_at", "pk")
    )
    if adjust or pending:
        number += 1
        blocks.append(Block("h2", f"{number}. Xem xét các đề nghị điều chỉnh nhiệm vụ"))
        for proposal in pending:
            what = KIND_VI.get(proposal.kind, proposal.kind)
            target = proposal.work_item or proposal.values.get("title", "")
            blocks.append(
                Block(
                    "bullet",
                    f"{what} {target} (đề xuất của {proposal.unit.name}"
                    f" ngày {proposal.created_at:%d/%m/%Y}, đang xem xét).",
                )
            )
        proposed = {(p.unit_id, p.work_item_id) for p in pending}
        for line in adjust:
            if (line.unit.pk, line.work_item.pk) not in proposed:
                blocks.append(
                    Block("bullet", f"{line.work_item} (đề nghị của {line.unit.name}).")
                )
    for source in OUTLOOK_SOURCES:
        more = source(period)
        if more:
            number += 1
            first, *rest = more
            blocks.append(Block("h2", f"{number}. {first.text}"))
            blocks.extend(rest)
    if number == 0:
        blocks.append(
            Block("p", "Tiếp tục duy trì, thực hiện thường xuyên các nhiệm vụ của kế hoạch.")
        )
    return blocks


GENERATORS: dict[str, Callable[[Consolidated], list[Block]]] = {
    Key.RESULTS: results,
    Key.SHORTCOMINGS: shortcomings,
    Key.OUTLOOK: outlook,
    Key.PROPOSALS: proposals,
}


def generated(data: Consolidated) -> dict[str, list[Block]]:
    return {key: make(data) for key, make in GENERATORS.items()}


def edited(period: ReportingPeriod) -> dict[str, ReportSection]:
    return {
        s.key: s for s in ReportSection.objects.filter(period=period).select_related("updated_by")
    }


def final(data: Consolidated) -> dict[str, list[Block]]:
    """What the export prints: the edited text where staff edited, else generated."""
    blocks = generated(data)
    for key, section in edited(data.period).items():
        blocks[key] = from_text(section.text)
    return blocks


# Editing ------------------------------------------------------------------------------


def save(
    period: ReportingPeriod,
    key: str,
    *,
    text: str,
    version: int,
    generated_text: str,
    by: AbstractBaseUser,
    reason: str = "",
) -> ReportSection:
    """Save the edited text of a section; ``version`` 0 for the first edit.

    Raises :class:`Stale` when someone saved the section since ``version`` was read.
    """
    if key not in Key.values:
        raise ValueError(key)
    reason = clean_reason(reason, required=False)
    text = "\n".join(line.rstrip() for line in text.strip().splitlines())
    if not text:
        raise ValidationError({"text": _("Write the section, or restore the generated text.")})
    with transaction.atomic():
        current = ReportSection.objects.select_for_update().filter(period=period, key=key).first()
        if (current.version if current else 0) != version:
            raise Stale(current)
        if current is None:
            try:
                with transaction.atomic():
                    section = ReportSection(
                        period=period,
                        key=key,
                        text=text,
                        updated_by=by,
                        reason=reason,
                        generated_digest=digest(generated_text),
                    )
                    section._change_reason = reason  # type: ignore[attr-defined]
                    section.save()
            except IntegrityError:
                raise Stale(ReportSection.objects.get(period=period, key=key)) from None
            return section
        current.text = text
        current.reason = reason
        current.updated_by = by
        current.generated_digest = digest(generated_text)
        current.version += 1
        current._change_reason = reason  # type: ignore[attr-defined]
        current.save()
        return current


def restore(
    period: ReportingPeriod, key: str, *, version: int, by: AbstractBaseUser, reason: str
) -> None:
    """Drop the edit of a section: the export prints the generated text again."""
    reason = clean_reason(reason, required=True)
    with transaction.atomic():
        current = ReportSection.objects.select_for_update().filter(period=period, key=key).first()
        if current is None:
            return
        if current.version != version:
            raise Stale(current)
        current._change_reason = reason  # type: ignore[attr-defined]
        current._history_user = by  # type: ignore[attr-defined]
        current.delete()

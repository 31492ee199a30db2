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
from collections import Counter, defaultdict
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from theodoi.core.workflow import Stale, clean_reason
from theodoi.plans.models import Assignment, ChangeProposal
from theodoi.units.models import Unit as UnitModel

from .models import ProgressEntry, ReportingPeriod, ReportSection
from .narrative import Said, group_similar, merge_figures

if TYPE_CHECKING:
    from theodoi.units.models import Unit

    from .consolidation import Consolidated

Key = ReportSection.Key
NO_REPORT = "no_report"  # consolidation.NO_REPORT: a lead line nobody reported
UnitKind = UnitModel.Kind
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


# The district-level committees the period's plan asks reports from: when a list names
# every one of them, the report says "các huyện ủy, thành ủy" as staff write it.
_DISTRICTS: ContextVar[frozenset[int]] = ContextVar("report_districts", default=frozenset())
DISTRICT_PREFIX = "Huyện ủy "


def _names(units: list[Unit]) -> str:
    """Units as a report names them: agencies by name, then the district committees —
    "các huyện ủy, thành ủy" when they are all there, else "các huyện ủy Bát Xát, Sa Pa"
    for two or more huyện ủy (a thành ủy or thị ủy keeps its own name)."""
    district = [u for u in units if getattr(u, "kind", None) == UnitKind.DISTRICT]
    parts = [u.name for u in units if getattr(u, "kind", None) != UnitKind.DISTRICT]
    everyone = _DISTRICTS.get()
    if len(everyone) >= 3 and everyone <= {u.pk for u in district}:
        return ", ".join([*parts, "các huyện ủy, thành ủy"])
    huyen = [u for u in district if u.name.startswith(DISTRICT_PREFIX)]
    parts += [u.name for u in district if not u.name.startswith(DISTRICT_PREFIX)]
    if len(huyen) >= 2:
        parts.append("các huyện ủy " + ", ".join(u.name[len(DISTRICT_PREFIX) :] for u in huyen))
    else:
        parts += [u.name for u in huyen]
    return ", ".join(parts)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


# Words a unit's narrative begins with that are not a name: after the unit's name they
# continue the sentence in lower case ("Ban Tuyên giáo Tỉnh ủy đã tổ chức …").
NAME_WORDS = frozenset(
    [
        "Ban",
        "Huyện",
        "Thành",
        "Thị",
        "Tỉnh",
        "Sở",
        "Hội",
        "Đảng",
        "Ủy",
        "Uỷ",
        "UBND",
        "MTTQ",
        "Mặt",
        "Báo",
        "Đài",
        "Trường",
        "Văn",
        "Xã",
        "Phòng",
        "Trung",
        "Công",
        "Liên",
        "Đoàn",
        "Chi",
        "Nhà",
        "Bộ",
        "Chính",
        "Quốc",
        "Thường",
        "Nghị",
        "Quyết",
        "Kế",
        "Chỉ",
        "Hướng",
    ]
)


def _continue(text: str) -> str:
    """A narrative as the rest of a sentence that starts with its unit's name."""
    text = text.strip()
    first = text.split(" ", 1)[0]
    if not first[:1].isalpha():
        return f": {text}"
    if first in NAME_WORDS or first.isupper() or not first[1:].islower():
        return f": {text}"
    return " " + text[:1].lower() + text[1:]


def _sentence(text: str) -> str:
    text = text.strip().rstrip(" .;,")
    return f"{text}."


def _code(work_item: Any) -> str:
    return str(work_item.number or work_item.pk)


# Generation ----------------------------------------------------------------------------


def results(data: Consolidated) -> list[Block]:
    """Part II in words: per field a summary of its work items' state, then per work
    item one paragraph of what was done and by whom.

    The lead units' texts carry the work item: near-identical ones are said once
    with their figures added. Coordinating units often report the same events as
    the lead, so their figures are never added to the leads'; they are named in
    one sentence ("Phối hợp thực hiện: …") and their own texts stay in their
    reports, which keeps Part II to what the Standing Committee reads."""
    leads: dict[int, list[tuple[Any, str, str]]] = defaultdict(list)
    helpers: dict[int, list[Unit]] = defaultdict(list)
    items: dict[int, Any] = {}
    silent: dict[int, list[Unit]] = defaultdict(list)
    for line in data.lines:
        if line.status == NO_REPORT:
            silent[line.work_item.pk].append(line.unit)
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
    states = _field_states(data)
    order = sorted(field_of, key=lambda pk: (field_of[pk].position, field_of[pk].pk))
    with _districts_of(data):
        for number, field_pk in enumerate(order, 1):
            blocks.append(Block("h2", f"{number}. {field_of[field_pk].name}"))
            summary = _field_summary(states.get(field_of[field_pk].name))
            if summary:
                blocks.append(Block("p", summary))
            for item in sorted(fields[field_pk], key=lambda i: (i.task.position, i.position, i.pk)):
                blocks.append(Block("h3", str(item)))
                sentences = [
                    line for said in group_similar(leads[item.pk]) for line in _results_lines(said)
                ]
                if silent[item.pk]:
                    sentences.append(
                        f"{_capital(_names(silent[item.pk]))} (chủ trì) chưa gửi báo cáo."
                    )
                elif not leads[item.pk]:
                    sentences.append("Đơn vị chủ trì chưa báo cáo kết quả.")
                if helpers[item.pk]:
                    sentences.append(f"Phối hợp thực hiện: {_names(helpers[item.pk])}.")
                blocks.append(Block("p", " ".join(sentences)))
    return blocks


def _field_states(data: Consolidated) -> dict[str, Counter[str]]:
    states: dict[str, Counter[str]] = defaultdict(Counter)
    for line in data.lines:
        states[line.field][line.status] += 1
    return states


def _field_summary(counts: Counter[str] | None) -> str:
    """ "Có 12 lượt nhóm công việc; đã hoàn thành 5, đang thực hiện 6, quá hạn 1." """
    if not counts:
        return ""
    done = counts[S.DONE_ON_TIME] + counts[S.DONE_LATE]
    going = counts[S.IN_PROGRESS] + counts[S.CHANGE_PROPOSED]
    parts = [f"đã hoàn thành {done}"] if done else []
    if counts[S.DONE_LATE]:
        parts[-1] += f" ({counts[S.DONE_LATE]} hoàn thành sau thời hạn)"
    if going:
        parts.append(f"đang thực hiện {going}")
    if counts[S.NOT_STARTED]:
        parts.append(f"chưa triển khai {counts[S.NOT_STARTED]}")
    if counts[S.OVERDUE]:
        parts.append(f"quá hạn chưa hoàn thành {counts[S.OVERDUE]}")
    unreported = sum(counts.values()) - done - going - counts[S.NOT_STARTED] - counts[S.OVERDUE]
    if unreported:
        parts.append(f"chưa có báo cáo {unreported}")
    return f"Các cơ quan, đơn vị chủ trì {sum(counts.values())} lượt nhóm công việc; " + (
        ", ".join(parts) + "."
    )


class _districts_of:
    """Within it, `_names` knows the district committees the period's plan asks from."""

    def __init__(self, data: Consolidated) -> None:
        self.ids = frozenset(u.pk for u in data.expected if u.kind == UnitKind.DISTRICT)

    def __enter__(self) -> None:
        self.token = _DISTRICTS.set(self.ids)

    def __exit__(self, *exc: object) -> None:
        _DISTRICTS.reset(self.token)


def _results_lines(said: Said[Any]) -> list[str]:
    """The sentences of a group: its figures added, or its one text; each unit's own
    text when the figures differ and cannot be added (never one unit's figures
    under another's name). Each sentence begins with the units that said it."""
    if len(set(said.texts)) == 1:
        return [_capital(_names(said.who)) + _continue(_sentence(said.text))]
    merged = merge_figures(said.texts) if len(said.texts) == len(said.who) else None
    if merged is not None:
        return [
            _capital(_names(said.who))
            + _continue(_sentence(merged))[:-1]
            + f" (số liệu cộng của {len(said.who)} đơn vị)."
        ]
    return [
        who.name + _continue(_sentence(text))
        for who, text in zip(said.who, said.texts, strict=False)
    ]


MAX_CODES = 5


def _raised(groups: list[tuple[Unit, list[tuple[str, str]]]], empty: str) -> list[Block]:
    items = [(unit, text, item) for unit, pairs in groups for item, text in pairs]
    if not items:
        return [Block("p", empty)]
    blocks = []
    # Figures must match to be one group here: a shortcoming is said in one wording.
    for said in group_similar(((u, t, _item_code(i)) for u, t, i in items), figures_alike=False):
        codes = sorted(said.where, key=_code_order)
        # A few work items are named; beyond that the report counts them (the units'
        # reports and the annex have them one by one).
        if len(codes) > MAX_CODES:
            where = f"; ở {len(codes)} nhóm công việc"
        else:
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
    with _districts_of(data):
        return _raised(data.shortcomings, "Các báo cáo không nêu hạn chế.")


def proposals(data: Consolidated) -> list[Block]:
    with _districts_of(data):
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
    with _districts_of(data):
        return _outlook(data)


def _due_by_structure(items: dict[int, Any], leads: dict[int, list[Unit]]) -> list[Block]:
    """The work items due next, as the plan is built: a heading per field, a line per
    task. A task with one item due names it; with several it names their numbers, the
    leads of all of them and the latest deadline, so that Part V stays a page, not a
    copy of the plan's annex."""
    tasks: dict[int, list[Any]] = defaultdict(list)
    for item in items.values():
        tasks[item.task_id].append(item)
    fields: dict[int, list[list[Any]]] = defaultdict(list)
    for group in tasks.values():
        fields[group[0].task.field_id].append(group)
    blocks: list[Block] = []
    for letter, groups in zip("abcdđeghiklmnopqrstuvxy", fields.values(), strict=False):
        blocks.append(Block("h3", f"{letter}) {groups[0][0].task.field.name}"))
        for group in groups:
            units: list[Unit] = []
            for item in group:
                units.extend(u for u in leads[item.pk] if u not in units)
            if len(group) == 1:
                item = group[0]
                blocks.append(
                    Block("bullet", f"{item} (chủ trì: {_names(units)}; hạn {item.end:%d/%m/%Y}).")
                )
                continue
            codes = ", ".join(item.number or item.title for item in group)
            last = max(item.end for item in group)
            blocks.append(
                Block(
                    "bullet",
                    f"{_capital(str(group[0].task))}: {len(group)} nhóm công việc ({codes});"
                    f" chủ trì: {_names(units)}; hạn chậm nhất {last:%d/%m/%Y}.",
                )
            )
    return blocks


def _outlook(data: Consolidated) -> list[Block]:
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
        blocks.extend(_due_by_structure(items, leads))
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
        asking: dict[Any, list[Unit]] = defaultdict(list)
        for line in adjust:
            if (line.unit.pk, line.work_item.pk) not in proposed:
                asking[line.work_item].append(line.unit)
        for work_item, units in asking.items():
            blocks.append(Block("bullet", f"{work_item} (đề nghị của {_names(units)})."))
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

"""The plans API: plans, their matrix, and work items (read, create, update).

Access: a plan or work item outside the caller's reach is 404; one it may see
but its role may not change is 403. Writes go through plans.actions, so the
validation and the optimistic lock are the pages' own.
"""

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch, QuerySet, Window
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema, Status

from theodoi import permissions
from theodoi.core import clock
from theodoi.core.apikit import (
    ERRORS,
    LIST_ERRORS,
    MAX_ID,
    WRITE_ERRORS,
    ErrorOut,
    Id,
    IsoDate,
    Pagination,
    Text,
    UnitRef,
    Year,
    json_response,
    paginate,
)
from theodoi.core.prepared import IdList, Prepared, id_list_subquery, slot
from theodoi.permissions.plans import (
    access_plan,
    access_task,
    access_work_item,
    visible_plans,
)
from theodoi.units.models import Unit

from .actions import (
    StaleVersion,
    WorkItemData,
    do_create_work_item,
    do_update_work_item,
    validate_work_item,
)
from .matrix import build_matrix
from .models import Assignment, Plan, Task, WorkItem
from .models import Field as PlanField

router = Router(tags=["plans"])

LEAD = Assignment.Role.LEAD
COORDINATING = Assignment.Role.COORDINATING
DEADLINE_FILTERS = (Assignment.Deadline.OVERDUE.value, Assignment.Deadline.DUE_SOON.value)
SEVERITY = tuple(deadline.value for deadline in Assignment.DEADLINE_SEVERITY)
StatusFilter = Literal[(*Assignment.Status.values, *DEADLINE_FILTERS)]  # type: ignore[valid-type]


# Schemas -------------------------------------------------------------------


class ProgrammeRef(Schema):
    id: int
    code: str
    title: str
    start_year: int
    end_year: int


class PlanOut(Schema):
    id: int
    number: str
    title: str
    year: int
    issued_on: date
    programme: ProgrammeRef
    issuer: UnitRef
    owner: UnitRef
    task_count: int
    work_item_count: int


class LegalDocumentOut(Schema):
    id: int
    number: str
    issued_on: date
    title: str


class AssignmentOut(Schema):
    unit: UnitRef
    role: Assignment.Role
    status: Assignment.Status
    percent_done: int
    completed_on: date | None
    deadline_status: Assignment.Deadline

    @staticmethod
    def resolve_deadline_status(obj: Assignment) -> str:
        return obj.deadline_status(clock.today())


def _units(item: WorkItem, role: str) -> list[Unit]:
    return [a.unit for a in item.assignments.all() if a.role == role]


class WorkItemSummary(Schema):
    id: int
    number: str
    title: str
    start: date
    end: date
    version: int
    leads: list[UnitRef]
    coordinating: list[UnitRef]

    @staticmethod
    def resolve_leads(obj: WorkItem) -> list[Unit]:
        return _units(obj, LEAD)

    @staticmethod
    def resolve_coordinating(obj: WorkItem) -> list[Unit]:
        return _units(obj, COORDINATING)


class TaskRef(Schema):
    id: int
    number: str
    title: str


class FieldRef(Schema):
    id: int
    name: str


class TaskOut(TaskRef):
    work_items: list[WorkItemSummary]

    @staticmethod
    def resolve_work_items(obj: Task) -> list[WorkItem]:
        return list(obj.work_items.all())


class FieldOut(FieldRef):
    tasks: list[TaskOut]

    @staticmethod
    def resolve_tasks(obj: PlanField) -> list[Task]:
        return list(obj.tasks.all())


class PlanDetail(PlanOut):
    summary: str
    legal_bases: list[LegalDocumentOut]
    fields: list[FieldOut]

    @staticmethod
    def resolve_legal_bases(obj: Plan) -> list[Any]:
        return list(obj.legal_bases.all())

    @staticmethod
    def resolve_fields(obj: Plan) -> list[PlanField]:
        return list(obj.fields.all())


class MatrixCell(Schema):
    task: int
    lead: int = Field(description="Work items of the task the unit leads.")
    coordinating: int = Field(description="Work items of the task the unit coordinates.")


class MatrixRowOut(Schema):
    unit: UnitRef
    tasks_led: int
    work_items_led: int
    work_items_coordinated: int
    tasks_coordinated: int
    cells: list[MatrixCell]


class MatrixTask(TaskRef):
    field: FieldRef


class MatrixOut(Schema):
    units: list[MatrixRowOut]
    tasks: list[MatrixTask]


class WorkItemOut(WorkItemSummary):
    plan: int
    task: TaskRef
    field: FieldRef
    expected_output: str
    coordination_note: str
    position: int
    deadline_status: Assignment.Deadline
    assignments: list[AssignmentOut]

    @staticmethod
    def resolve_plan(obj: WorkItem) -> int:
        return obj.task.plan_id

    @staticmethod
    def resolve_field(obj: WorkItem) -> PlanField:
        return obj.task.field

    @staticmethod
    def resolve_deadline_status(obj: WorkItem) -> str:
        return obj.deadline_status(clock.today())

    @staticmethod
    def resolve_assignments(obj: WorkItem) -> list[Assignment]:
        return list(obj.assignments.all())


class WorkItemBrief(WorkItemSummary):
    """A work item as a list shows it (``view=summary``): WorkItemOut's fields, in its
    order, without ``field``, ``expected_output``, ``coordination_note``,
    ``position`` and ``assignments``."""

    plan: int
    task: TaskRef
    deadline_status: Assignment.Deadline

    @staticmethod
    def resolve_plan(obj: WorkItem) -> int:
        return obj.task.plan_id

    @staticmethod
    def resolve_deadline_status(obj: WorkItem) -> str:
        return obj.deadline_status(clock.today())


class PlanStaleOut(ErrorOut):
    """409 on a work item: ``current`` is the work item as it is now."""

    current: WorkItemOut


class WorkItemIn(Schema):
    task: Id
    title: Text = Field(..., max_length=500)
    start: IsoDate
    end: IsoDate
    number: Text = Field("", max_length=20)
    expected_output: Text = Field("", max_length=500)
    coordination_note: Text = Field("", max_length=5000)
    leads: list[Id] = Field(default_factory=list, description="Ids of the lead units.")
    coordinating: list[Id] = Field(
        default_factory=list, description="Ids of the coordinating units."
    )
    reason: Text = Field("", max_length=100, description="Kept in the history.")


class WorkItemPatch(Schema):
    """Send ``version`` as read; fields left out keep their values."""

    version: int = Field(..., ge=1, le=MAX_ID)
    title: Text = Field(None, max_length=500)
    start: IsoDate = None
    end: IsoDate = None
    number: Text = Field(None, max_length=20)
    expected_output: Text = Field(None, max_length=500)
    coordination_note: Text = Field(None, max_length=5000)
    leads: list[Id] = None
    coordinating: list[Id] = None
    reason: Text = Field("", max_length=100, description="Kept in the history.")


class PlanFilters(Schema):
    year: Year | None = None
    programme: Id | None = None


class WorkItemFilters(Schema):
    unit: Id | None = Field(None, description="Work items the unit leads or coordinates.")
    status: StatusFilter | None = Field(
        None,
        description="An assignment status (of that unit's assignment when `unit` is given, "
        "else of any lead), or `overdue` / `due_soon` (a lead not done past or within "
        f"{Assignment.DUE_SOON_DAYS} days of the end date).",
    )
    due_before: IsoDate | None = Field(None, description="End date on or before this day.")
    plan: Id | None = None
    view: Literal["full", "summary"] = Field(
        "full",
        description="`full`: each work item as `GET /work-items/{id}` answers it. `summary`: "
        "what a list shows (WorkItemBrief: no field, expected output, coordination note, "
        "position or assignments; its leads and coordinating units, its deadline status): "
        "less than half the bytes.",
    )


# Querysets -------------------------------------------------------------------


def _assignments() -> Prefetch:
    return Prefetch(
        "assignments",
        queryset=Assignment.objects.select_related("unit").order_by(
            "-role", "unit__position", "unit__name"
        ),
    )


def _work_items() -> QuerySet[WorkItem]:
    return WorkItem.objects.select_related("task__field", "task__plan").prefetch_related(
        _assignments()
    )


def _plans() -> QuerySet[Plan]:
    return Plan.objects.select_related("programme", "issuer", "owner").with_counts()


# Plans -----------------------------------------------------------------------


@router.get(
    "/plans", response={200: list[PlanOut], **LIST_ERRORS}, summary="Plans you may see, with counts"
)
@paginate(Pagination)
def list_plans(request: HttpRequest, filters: Query[PlanFilters]) -> Any:
    plans = visible_plans(request.auth, _plans()).order_by("-year", "number", "pk")
    if filters.year:
        plans = plans.filter(year=filters.year)
    if filters.programme:
        plans = plans.filter(programme_id=filters.programme)
    return plans


@router.get(
    "/plans/{id}",
    response={200: PlanDetail, **ERRORS},
    summary="A plan with its fields, tasks and work items",
)
def get_plan(request: HttpRequest, id: int = Path(..., ge=1, le=MAX_ID)) -> Any:
    work_items = WorkItem.objects.order_by("position", "pk").prefetch_related(_assignments())
    tasks = Task.objects.order_by("position", "pk").prefetch_related(
        Prefetch("work_items", queryset=work_items)
    )
    fields = PlanField.objects.order_by("position", "pk").prefetch_related(
        Prefetch("tasks", queryset=tasks)
    )
    queryset = _plans().prefetch_related("legal_bases", Prefetch("fields", queryset=fields))
    return access_plan(request.auth, id, queryset=queryset)


@router.get(
    "/plans/{id}/matrix",
    response={200: MatrixOut, **ERRORS},
    summary="The assignment matrix: per unit, tasks and work items led and coordinated",
)
def get_matrix(request: HttpRequest, id: int = Path(..., ge=1, le=MAX_ID)) -> Any:
    plan = access_plan(request.auth, id, queryset=Plan.objects.all())
    matrix = build_matrix(plan)
    return {
        "units": [
            {
                "unit": row.unit,
                "tasks_led": row.tasks_led,
                "work_items_led": row.work_items_led,
                "work_items_coordinated": row.work_items_coordinated,
                "tasks_coordinated": row.tasks_coordinated,
                "cells": [
                    {
                        "task": task_id,
                        "lead": counts.get(LEAD, 0),
                        "coordinating": counts.get(COORDINATING, 0),
                    }
                    for task_id, counts in row.cells.items()
                ],
            }
            for row in matrix.rows
        ],
        "tasks": matrix.tasks,
    }


# Work items ------------------------------------------------------------------


class PagedWorkItemOut(Schema):
    """A page of work items: ``items`` (each as ``GET /work-items/{id}`` answers it) and
    ``count``, the number of work items on all pages."""

    items: list[WorkItemOut]
    count: int


class PagedWorkItemBrief(Schema):
    """A page of work items with ``view=summary``: ``items`` (each a WorkItemBrief) and
    ``count``, the number of work items on all pages."""

    items: list[WorkItemBrief]
    count: int


# begin perf
# The list is built from ``.values_list()`` rows as plain dicts and rendered once:
# no model objects, no per-row validation of the nested schemas (most of a page's
# time before). The dicts have exactly WorkItemOut's (or WorkItemBrief's) fields,
# in its order, and tests/plans compare them with what the schema makes of the
# same work items.
ITEM_FIELDS = (
    "id",
    "number",
    "title",
    "start",
    "end",
    "version",
    "task_id",
    "task__plan_id",
    "task__number",
    "task__title",
    "task__field_id",
    "task__field__name",
    "expected_output",
    "coordination_note",
    "position",
)
ASSIGNMENT_FIELDS = (
    "work_item_id",
    "unit_id",
    "unit__code",
    "unit__name",
    "role",
    "status",
    "percent_done",
    "completed_on",
)
ITEM_WIDTH = len(ITEM_FIELDS)
# WorkItemBrief's: the first ten of ITEM_FIELDS (not the long texts).
BRIEF_FIELDS = ITEM_FIELDS[:10]
BRIEF_WIDTH = len(BRIEF_FIELDS)
# ASSIGNMENT_FIELDS from the work item, and their order.
ITEM_ASSIGNMENT_FIELDS = tuple(f"assignments__{name}" for name in ASSIGNMENT_FIELDS)
ITEM_ASSIGNMENT_ORDER = (
    "-assignments__role",
    "assignments__unit__position",
    "assignments__unit__name",
)


def work_item_dicts(
    rows: Sequence[Sequence[Any]], today: date, assignments: Any = None, *, brief: bool = False
) -> list[dict[str, Any]]:
    """WorkItemOut's JSON for ``rows`` (tuples of ITEM_FIELDS' values, in that order;
    values after them are ignored), or WorkItemBrief's when ``brief`` (tuples of
    BRIEF_FIELDS'): 1 query for the assignments unless given (tuples of
    ASSIGNMENT_FIELDS in the prefetch's order); each unit's and task's dict is made
    once and shared."""
    out: list[dict[str, Any]] = []
    by_id: dict[int, dict[str, Any]] = {}
    tasks: dict[int, dict[str, Any]] = {}
    fields: dict[int, dict[str, Any]] = {}
    ends: dict[int, date] = {}
    not_due = Assignment.Deadline.NOT_DUE.value
    for row in rows:
        pk, number, title, start, end, version, task_id, plan_id, task_number, task_title = row[
            :BRIEF_WIDTH
        ]
        task = tasks.get(task_id)
        if task is None:
            task = tasks[task_id] = {"id": task_id, "number": task_number, "title": task_title}
        item = {
            "id": pk,
            "number": number,
            "title": title,
            "start": start.isoformat(),
            "end": end.isoformat(),
            "version": version,
            "leads": [],
            "coordinating": [],
            "plan": plan_id,
            "task": task,
        }
        if not brief:
            field_id, field_name, expected_output, coordination_note, position = row[
                BRIEF_WIDTH:ITEM_WIDTH
            ]
            field = fields.get(field_id)
            if field is None:
                field = fields[field_id] = {"id": field_id, "name": field_name}
            item["field"] = field
            item["expected_output"] = expected_output
            item["coordination_note"] = coordination_note
            item["position"] = position
        item["deadline_status"] = not_due
        if not brief:
            item["assignments"] = []
        ends[pk] = end
        by_id[pk] = item
        out.append(item)
    if not by_id:
        return out
    units: dict[int, dict[str, Any]] = {}
    lead_statuses: dict[int, set[str]] = {}
    # The deadline rule depends on three values that repeat across a page: each
    # combination is worked out once (as its plain string).
    deadlines: dict[tuple[str, date | None, date], str] = {}
    if assignments is None:
        assignments = item_assignments(list(by_id))
    for item_id, unit_id, code, name, role, status, percent, completed in assignments:
        unit = units.get(unit_id)
        if unit is None:
            unit = units[unit_id] = {"id": unit_id, "code": code, "name": name}
        item = by_id[item_id]
        key = (status, completed, ends[item_id])
        deadline = deadlines.get(key)
        if deadline is None:
            deadline = deadlines[key] = Assignment.deadline_for(*key, today).value
        if role == LEAD:
            item["leads"].append(unit)
            lead_statuses.setdefault(item_id, set()).add(deadline)
        else:
            item["coordinating"].append(unit)
        if brief:
            continue
        item["assignments"].append(
            {
                "unit": unit,
                "role": role,
                "status": status,
                "percent_done": percent,
                "completed_on": completed.isoformat() if completed else None,
                "deadline_status": deadline,
            }
        )
    for item_id, statuses in lead_statuses.items():
        for severe in SEVERITY:
            if severe in statuses:
                by_id[item_id]["deadline_status"] = severe
                break
    return out


def _item_row(item: WorkItem) -> tuple[Any, ...]:
    """A work item as a ``.values_list(*ITEM_FIELDS)`` row (its task and field loaded
    with it)."""
    task = item.task
    return (
        item.pk,
        item.number,
        item.title,
        item.start,
        item.end,
        item.version,
        task.pk,
        task.plan_id,
        task.number,
        task.title,
        task.field_id,
        task.field.name,
        item.expected_output,
        item.coordination_note,
        item.position,
    )


def saved_work_item_dict(item: WorkItem) -> dict[str, Any]:
    """WorkItemOut's JSON for a work item plans.actions just saved: its fields and
    task as they are in memory (what was written), its assignments read back in
    the list's order (1 query instead of reading the work item again)."""
    return work_item_dicts([_item_row(item)], clock.today())[0]


def created_work_item_dict(item: WorkItem, data: WorkItemData) -> dict[str, Any]:
    """WorkItemOut's JSON for a work item plans.actions just created from ``data``:
    its assignments are the units given, new (the model's defaults), in the list's
    order (leads first, then by unit position and name) — sorted here when the
    positions decide it, read back (``saved_work_item_dict``) when two units of a
    role share a position and the database's collation of names would."""
    rows = []
    for role, units in ((LEAD, data.leads), (COORDINATING, data.coordinating)):
        if len({u.position for u in units}) != len(units):
            return saved_work_item_dict(item)
        for unit in sorted(units, key=lambda u: u.position):
            rows.append(
                (
                    item.pk,
                    unit.pk,
                    unit.code,
                    unit.name,
                    role,
                    Assignment.Status.NOT_STARTED.value,
                    0,
                    None,
                )
            )
    return work_item_dicts([_item_row(item)], clock.today(), rows)[0]


def _list_query(
    kind: str,
    plan: bool,
    due_before: bool,
    unit: bool,
    status: str | None,
    size: int | None,
    offset: int,
    brief: bool = False,
) -> QuerySet[Any]:
    """The work items ``GET /work-items`` lists, for one shape of its filters (which
    are given, and for ``status`` the deadline filter or "any"), page size, offset
    and view (``brief``: BRIEF_FIELDS, else ITEM_FIELDS, then the count of all); the
    values in :func:`~theodoi.core.prepared.slot` placeholders."""
    items = permissions.plans.work_items_in_reach(WorkItem.objects.all(), kind).order_by(
        "end", "task__plan_id", "task__position", "position", "pk"
    )
    if plan:
        items = items.filter(task__plan_id=slot("plan"))
    if due_before:
        items = items.filter(end__lte=slot("due_before", date))
    if unit or status:
        assignments = Assignment.objects.all()
        if unit:
            assignments = assignments.filter(unit_id=slot("unit"))
        if status in DEADLINE_FILTERS:
            assignments = assignments.filter(role=LEAD, status__in=Assignment.Status.OPEN)
            if status == Assignment.Deadline.OVERDUE:
                assignments = assignments.filter(work_item__end__lt=slot("today", date))
            else:
                assignments = assignments.filter(
                    work_item__end__gte=slot("today", date), work_item__end__lte=slot("soon", date)
                )
        elif status:
            assignments = assignments.filter(status=slot("status", str))
            if not unit:
                assignments = assignments.filter(role=LEAD)
        items = items.filter(pk__in_array=assignments.values("work_item_id"))
    if size is None:
        return items
    # The page and the count of all in one query (a window count).
    columns = BRIEF_FIELDS if brief else ITEM_FIELDS
    return items.annotate(total_count=Window(Count("pk"))).values_list(*columns, "total_count")[
        offset : offset + size
    ]


_LIST = Prepared(_list_query, model=WorkItem)
_ASSIGNMENTS = Prepared(
    lambda: (
        Assignment.objects.filter(work_item_id__in=id_list_subquery(slot("ids", IdList)))
        .order_by("-role", "unit__position", "unit__name")
        .values_list(*ASSIGNMENT_FIELDS)
    ),
    model=Assignment,
)


def item_assignments(item_ids: list[int]) -> list[tuple[Any, ...]]:
    """The assignments of these work items as ASSIGNMENT_FIELDS tuples, in the list's
    order (leads first, then by unit position and name): one prepared query."""
    return _ASSIGNMENTS.rows(ids=IdList(item_ids))


@router.get(
    "/work-items",
    response={200: PagedWorkItemOut | PagedWorkItemBrief, **LIST_ERRORS},
    summary="Work items you may see",
    description="A page of work items, each in full (`view=full`, the default: "
    "PagedWorkItemOut) or as a list shows it (`view=summary`: PagedWorkItemBrief).",
)
def list_work_items(
    request: HttpRequest, filters: Query[WorkItemFilters], paging: Query[Pagination.Input]
) -> HttpResponse:
    # perf: one prepared query per shape of the filters (no ORM building per request)
    kind, values = permissions.reach_shape(request.auth)
    today = clock.today()
    status = filters.status
    shape = (
        kind,
        bool(filters.plan),
        bool(filters.due_before),
        bool(filters.unit),
        status if status in DEADLINE_FILTERS else ("any" if status else None),
    )
    values.update(
        plan=filters.plan,
        due_before=filters.due_before,
        unit=filters.unit,
        status=status,
        today=today,
        soon=today + timedelta(days=Assignment.DUE_SOON_DAYS),
    )
    size = paging.page_size or Pagination.DEFAULT_PAGE_SIZE
    offset = (paging.page - 1) * size
    brief = filters.view == "summary"
    rows = _LIST.rows((*shape, size, offset, brief), **values)
    if rows:
        count = rows[0][-1]  # the window count after the item's fields
    else:
        count = _LIST.queryset((*shape, None, 0), **values).count() if offset else 0
    return json_response({"items": work_item_dicts(rows, today, brief=brief), "count": count})


@router.get("/work-items/{id}", response={200: WorkItemOut, **ERRORS}, summary="A work item")
def get_work_item(request: HttpRequest, id: int = Path(..., ge=1, le=MAX_ID)) -> Any:
    # perf: the work item with its assignments (a row each) in one prepared query,
    # its visibility checked in it.
    rows = permissions.plans.work_item_rows(
        request.auth, id, (*ITEM_FIELDS, *ITEM_ASSIGNMENT_FIELDS), ITEM_ASSIGNMENT_ORDER
    )
    assignments = [row[ITEM_WIDTH:] for row in rows if row[ITEM_WIDTH] is not None]
    return json_response(work_item_dicts(rows[:1], clock.today(), assignments)[0])


def _resolve_units(
    request: HttpRequest,
    ids: list[int],
    name: str,
    errors: dict[str, list[str]],
    found: dict[int, Unit] | None = None,
) -> list[Unit]:
    """The units with these ids the caller may see; an error for any other id.
    ``found``: the visible units already looked up (``visible_units_by_id``)."""
    wanted = list(dict.fromkeys(ids))
    if found is None:
        found = permissions.visible_units_by_id(request.auth, wanted)  # perf
    missing = [str(pk) for pk in wanted if pk not in found]
    if missing:
        errors.setdefault(name, []).append(
            _("Unknown unit: %(ids)s.") % {"ids": ", ".join(missing)}
        )
    return [found[pk] for pk in wanted if pk in found]


def _check_all(task: Task, data: WorkItemData, errors: dict[str, list[str]]) -> None:
    """Raise every error at once: the unknown ids with the action's own checks."""
    if not errors:
        return
    try:
        validate_work_item(task, data)
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            errors.setdefault(name, []).extend(messages)
    raise ValidationError(errors)


@router.post(
    "/work-items",
    response={201: WorkItemOut, **WRITE_ERRORS},
    summary="Create a work item (coordinators of the plan)",
)
def create_work_item(request: HttpRequest, payload: WorkItemIn) -> Any:
    user = request.auth
    named = [*payload.leads, *payload.coordinating]
    # perf: the units named looked up with the task's plan's (one query)
    permissions.expect_units(user, named)
    try:
        task = access_task(user, payload.task, "add_workitem")
    except Http404:
        raise ValidationError({"task": _("Unknown task: %(id)s.") % {"id": payload.task}}) from None
    except PermissionDenied:
        raise PermissionDenied(_("Only the plan's coordinators may add work items.")) from None
    errors: dict[str, list[str]] = {}
    found = permissions.visible_units_by_id(user, named)
    data = WorkItemData(
        title=payload.title,
        start=payload.start,
        end=payload.end,
        number=payload.number,
        expected_output=payload.expected_output,
        coordination_note=payload.coordination_note,
        leads=_resolve_units(request, payload.leads, "leads", errors, found),
        coordinating=_resolve_units(request, payload.coordinating, "coordinating", errors, found),
    )
    _check_all(task, data, errors)
    item = do_create_work_item(task, data, by=user, reason=payload.reason)
    return json_response(created_work_item_dict(item, data), status=201)  # perf


@router.patch(
    "/work-items/{id}",
    response={**WRITE_ERRORS, 200: WorkItemOut, 409: PlanStaleOut},
    summary="Update a work item (send the version you read)",
)
def update_work_item(
    request: HttpRequest, payload: WorkItemPatch, id: int = Path(..., ge=1, le=MAX_ID)
) -> Any:
    user = request.auth
    try:
        item = access_work_item(user, id, "change", queryset=_work_items())
    except PermissionDenied:
        raise PermissionDenied(_("Only the plan's coordinators may change work items.")) from None
    given = payload.model_fields_set
    errors: dict[str, list[str]] = {}

    def value(name: str) -> Any:
        return getattr(payload, name) if name in given else getattr(item, name)

    # perf: the leads and the coordinating units given in one query
    sent = [
        *(payload.leads if "leads" in given else []),
        *(payload.coordinating if "coordinating" in given else []),
    ]
    found = permissions.visible_units_by_id(user, sent)
    leads = (
        _resolve_units(request, payload.leads, "leads", errors, found)
        if "leads" in given
        else _units(item, LEAD)
    )
    coordinating = (
        _resolve_units(request, payload.coordinating, "coordinating", errors, found)
        if "coordinating" in given
        else _units(item, COORDINATING)
    )
    data = WorkItemData(
        title=value("title"),
        start=value("start"),
        end=value("end"),
        number=value("number"),
        expected_output=value("expected_output"),
        coordination_note=value("coordination_note"),
        leads=leads,
        coordinating=coordinating,
    )
    _check_all(item.task, data, errors)
    try:
        do_update_work_item(item, data, version=payload.version, by=user, reason=payload.reason)
    except StaleVersion:
        return Status(
            409,
            {
                "message": _("Someone else saved this work item first: here is their version."),
                "fields": {"version": _("Reload the work item and apply your change again.")},
                "current": _work_items().get(pk=item.pk),
            },
        )
    return json_response(saved_work_item_dict(item))  # perf

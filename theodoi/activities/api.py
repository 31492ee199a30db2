"""The activities API: records, the networks' registers, targets computed from records.

Access is the pages' (``theodoi.permissions.activities``): a record, a member or a
target outside the caller's reach is 404; a visible record the caller may not
change is 403. Lists are paged and read a constant number of queries.
"""

from datetime import date
from decimal import Decimal
from typing import Any, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from theodoi.core import clock
from theodoi.core.apikit import (
    ERRORS,
    LIST_ERRORS,
    WRITE_ERRORS,
    Id,
    IsoDate,
    ObjectIn,
    Pagination,
    Reason,
    ShortText,
    StaleOut,
    Text,
    UnitRef,
    paginate,
)
from theodoi.core.workflow import Stale
from theodoi.permissions import activities as access
from theodoi.permissions import visible_units
from theodoi.permissions.plans import visible_plans, visible_work_items

from . import actions, networks, targets
from .kinds import unit_paths
from .models import Activity, FollowUp, Kind, Network, Target

router = Router(tags=["activities"])

KindKey = Literal[
    "reporters_conference", "class", "contest", "publication", "study", "dialogue", "model",
    "conference",
]  # fmt: skip


class ActivityFollowUpOut(Schema):
    id: int
    text: str
    responsible: str
    deadline: date | None
    closed_on: date | None
    closing_note: str


class ActivityOut(Schema):
    id: int
    kind: str
    title: str
    start: date
    end: date | None
    place: str
    owner: UnitRef
    units: list[UnitRef]
    work_item: int | None
    mode: str
    level: str
    participants: int
    quantity: int
    details: dict[str, Any]
    summary: str
    follow_ups: list[ActivityFollowUpOut]
    files: int
    version: int


class ActivityIn(ObjectIn):
    kind: KindKey
    title: ShortText
    start: IsoDate = Field(..., description="The day it was held (or began)")
    end: IsoDate | None = None
    place: ShortText = ""
    owner: Id | None = Field(None, description="The unit whose record it is; yours by default")
    units: list[Id] = Field(
        default_factory=list, max_length=200, description="Units that held it; the owner by default"
    )
    work_item: Id | None = None
    mode: Literal["online", "in_person", ""] = ""
    level: Literal["province", "district", "commune", ""] = ""
    summary: Text = ""
    details: dict[str, Any] = Field(
        default_factory=dict,
        description="The kind's own fields (see the README: points, trainees, rounds…)",
    )
    reason: Reason = ""


class ActivityPut(ActivityIn):
    version: int = Field(..., ge=1)


class ActivityQuery(Schema):
    kind: KindKey | None = None
    unit: Id | None = Field(None, description="Records held by this unit or a unit under it")
    from_: IsoDate | None = Field(None, alias="from")
    to: IsoDate | None = None
    work_item: Id | None = None


class ActivityFollowUpIn(ObjectIn):
    text: Text
    responsible: ShortText = ""
    deadline: IsoDate | None = None


class ActivityCloseIn(ObjectIn):
    closed_on: IsoDate | None = None
    closing_note: Text


def _activities() -> QuerySet[Activity]:
    return (
        Activity.objects.select_related("owner")
        .prefetch_related("units", Prefetch("follow_ups", FollowUp.objects.order_by("pk")))
        .annotate(file_count=Count("files", distinct=True))
    )


def _unit(unit: Any) -> dict[str, Any]:
    return {"id": unit.pk, "code": unit.code, "name": unit.name}


def _out(a: Activity) -> dict[str, Any]:
    return {
        "id": a.pk,
        "kind": a.kind,
        "title": a.title,
        "start": a.start,
        "end": a.end,
        "place": a.place,
        "owner": _unit(a.owner),
        "units": [_unit(u) for u in a.units.all()],
        "work_item": a.work_item_id,
        "mode": a.mode,
        "level": a.level,
        "participants": a.participants,
        "quantity": a.quantity,
        "details": a.details,
        "summary": a.summary,
        "follow_ups": [
            {
                "id": f.pk,
                "text": f.text,
                "responsible": f.responsible,
                "deadline": f.deadline,
                "closed_on": f.closed_on,
                "closing_note": f.closing_note,
            }
            for f in a.follow_ups.all()
        ],
        "files": getattr(a, "file_count", 0),
        "version": a.version,
    }


class _Page:
    """A lazily sliced list whose rows are turned into dicts for the page only."""

    def __init__(self, queryset: QuerySet[Any], convert: Any) -> None:
        self.queryset = queryset
        self.convert = convert

    def count(self) -> int:
        return self.queryset.count()

    def all(self) -> "_Page":
        return self

    def __getitem__(self, page: slice) -> list[dict[str, Any]]:
        return [self.convert(obj) for obj in self.queryset[page]]


def held_within(queryset: QuerySet[Activity], unit_ids: Any) -> QuerySet[Activity]:
    """Records recorded by or held by one of the units (no duplicate rows)."""
    inner = Activity.objects.filter(Q(owner_id__in=unit_ids) | Q(units__in=unit_ids))
    return queryset.filter(pk__in=inner.values("pk"))


def filter_activities(user: Any, filters: ActivityQuery) -> QuerySet[Activity]:
    """The caller's records with the query's filters (a unit it does not see: 404)."""
    queryset = access.visible_activities(user, _activities())
    if filters.kind:
        queryset = queryset.filter(kind=filters.kind)
    if filters.unit is not None:
        unit = access.access_unit_for(user, filters.unit)
        from theodoi.activities.targets import subtrees

        queryset = held_within(queryset, subtrees([unit.pk])[unit.pk])
    if filters.from_:
        queryset = queryset.filter(start__gte=filters.from_)
    if filters.to:
        queryset = queryset.filter(start__lte=filters.to)
    if filters.work_item is not None:
        queryset = queryset.filter(work_item_id=filters.work_item)
    return queryset.order_by("-start", "-pk")


@router.get(
    "/activities",
    response={200: list[ActivityOut], **LIST_ERRORS, 404: ERRORS[404]},
    summary="Activity records you may see (by kind, unit, dates)",
)
@paginate(Pagination)
def list_activities(request: HttpRequest, filters: Query[ActivityQuery]) -> Any:
    if filters.from_ and filters.to and filters.to < filters.from_:
        raise ValidationError({"to": _("The end is before the start.")})
    return _Page(filter_activities(request.auth, filters), _out)


def resolve(user: Any, payload: ActivityIn, *, current: Activity | None = None) -> Any:
    """The payload as ``ActivityData``, with every unknown reference named at its field."""
    errors: dict[str, list[str]] = {}
    if payload.owner is not None:
        owner = visible_units(user).filter(pk=payload.owner).first()
        if owner is None:
            errors["owner"] = [_("Unknown unit: %(id)s.") % {"id": payload.owner}]
    elif current is not None:
        owner = current.owner
    else:
        owner = access.default_owner(user)
        if owner is None:
            raise PermissionDenied(_("Your role does not allow recording activities."))
    units = list(visible_units(user).filter(pk__in=payload.units)) if payload.units else []
    missing = sorted(set(payload.units) - {u.pk for u in units})
    if missing:
        errors["units"] = [_("Unknown unit: %(id)s.") % {"id": ", ".join(map(str, missing))}]
    work_item = None
    if payload.work_item is not None:
        work_item = visible_work_items(user).filter(pk=payload.work_item).first()
        if work_item is None:
            errors["work_item"] = [_("Unknown work item: %(id)s.") % {"id": payload.work_item}]
    if errors:
        raise ValidationError(errors)
    named = {unit_id for _path, unit_id in unit_paths(payload.kind, payload.details)}
    named = {i for i in named if isinstance(i, int)}
    known = set(visible_units(user).filter(pk__in=named).values_list("pk", flat=True))
    data = actions.ActivityData(
        kind=payload.kind,
        title=payload.title,
        start=payload.start,
        end=payload.end,
        place=payload.place,
        owner=owner,
        units=units,
        work_item=work_item,
        mode=payload.mode,
        level=payload.level,
        summary=payload.summary,
        details=payload.details,
    )
    return data, known


@router.post(
    "/activities",
    response={201: ActivityOut, **WRITE_ERRORS},
    summary="Record an activity (the unit's reporters and coordinators)",
)
def create_activity(request: HttpRequest, payload: ActivityIn) -> Any:
    user = request.auth
    data, known = resolve(user, payload)
    access.require_owner(user, data.owner)
    activity = actions.do_create_activity(data, by=user, reason=payload.reason, known_units=known)
    return Status(201, _out(_activities().get(pk=activity.pk)))


@router.get(
    "/activities/{activity_id}",
    response={200: ActivityOut, **ERRORS},
    summary="An activity record with its details and follow-ups",
)
def get_activity(request: HttpRequest, activity_id: str) -> Any:
    return _out(access.access_activity(request.auth, activity_id, "view", queryset=_activities()))


def _stale(stale: Stale) -> Any:
    return Status(
        409,
        StaleOut(
            message=_("Someone else saved this record first: here is their version."),
            fields={"version": _("Reload the record and apply your change again.")},
            current=_out(_activities().get(pk=stale.current.pk)),
        ),
    )


@router.put(
    "/activities/{activity_id}",
    response={200: ActivityOut, **WRITE_ERRORS},
    summary="Replace an activity record (send the version you read)",
)
def update_activity(request: HttpRequest, activity_id: str, payload: ActivityPut) -> Any:
    user = request.auth
    activity = access.access_activity(user, activity_id, "change")
    data, known = resolve(user, payload, current=activity)
    access.require_owner(user, data.owner, activity)
    try:
        actions.do_update_activity(
            activity, data, version=payload.version, by=user, reason=payload.reason,
            known_units=known,
        )  # fmt: skip
    except Stale as stale:
        return _stale(stale)
    return _out(_activities().get(pk=activity.pk))


class DeleteQuery(Schema):
    version: int = Field(..., ge=1)
    reason: Reason


@router.delete(
    "/activities/{activity_id}",
    response={204: None, **WRITE_ERRORS},
    summary="Delete an activity record (its version and a reason in the query)",
)
def delete_activity(request: HttpRequest, activity_id: str, query: Query[DeleteQuery]) -> Any:
    user = request.auth
    activity = access.access_activity(user, activity_id, "delete")
    try:
        actions.do_delete_activity(activity, version=query.version, by=user, reason=query.reason)
    except Stale as stale:
        return _stale(stale)
    return Status(204, None)


@router.post(
    "/activities/{activity_id}/follow-ups",
    response={201: ActivityFollowUpOut, **WRITE_ERRORS},
    summary="Add a follow-up to a dialogue",
)
def add_follow_up(request: HttpRequest, activity_id: str, payload: ActivityFollowUpIn) -> Any:
    user = request.auth
    activity = access.access_activity(user, activity_id, "change")
    item = actions.do_add_follow_up(
        activity, text=payload.text, responsible=payload.responsible, deadline=payload.deadline,
        by=user,
    )  # fmt: skip
    return Status(201, item)


@router.post(
    "/activity-follow-ups/{follow_up_id}/close",
    response={200: ActivityFollowUpOut, **WRITE_ERRORS},
    summary="Close a dialogue's follow-up, saying how",
)
def close_follow_up(request: HttpRequest, follow_up_id: str, payload: ActivityCloseIn) -> Any:
    user = request.auth
    item = access.access_follow_up(user, follow_up_id, "change")
    return actions.do_close_follow_up(
        item, closed_on=payload.closed_on or clock.today(), note=payload.closing_note, by=user
    )


# Networks ---------------------------------------------------------------------------


class MemberOut(Schema):
    id: int
    full_name: str
    position: str
    unit: UnitRef
    level: str
    term_start: date | None
    term_end: date | None
    training: str
    activities_attended: int
    serving: bool


class GapOut(Schema):
    unit: int
    unit_name: str
    standard: int | None
    serving: int
    gap: int
    basis: str


class NetworkOut(Schema):
    network: str
    day: date
    members: list[MemberOut]
    gaps: list[GapOut]


class NetworkQuery(Schema):
    unit: Id | None = Field(None, description="Members of this unit or a unit under it")
    page: int = Field(1, ge=1, le=1_000_000)
    page_size: int = Field(50, ge=1, le=100)


@router.get(
    "/networks/{kind}",
    response={200: NetworkOut, **ERRORS},
    summary="A network's register (reporter, propagandist, opinion) with gaps per unit",
)
def network_register(request: HttpRequest, kind: str, query: Query[NetworkQuery]) -> Any:
    if kind not in Network.values:
        raise Http404
    user = request.auth
    members = access.visible_members(user)
    standards = access.visible_standards(user)
    if query.unit is not None:
        unit = access.access_unit_for(user, query.unit)
        ids = targets.subtrees([unit.pk])[unit.pk]
        members = members.filter(unit_id__in=ids)
        standards = standards.filter(unit_id__in=ids)
    today = clock.today()
    rows = networks.gaps(kind, members, standards, today)
    flat = [m for row in rows for m in row.members]
    first = (query.page - 1) * query.page_size
    return {
        "network": kind,
        "day": today,
        "members": [
            {
                "id": m.pk,
                "full_name": m.full_name,
                "position": m.position,
                "unit": _unit(m.unit),
                "level": m.level,
                "term_start": m.term_start,
                "term_end": m.term_end,
                "training": m.training,
                "activities_attended": m.attended,
                "serving": m.serves_on(today),
            }
            for m in flat[first : first + query.page_size]
        ],
        "gaps": [
            {
                "unit": r.unit_id,
                "unit_name": r.unit_name,
                "standard": r.standard,
                "serving": r.serving,
                "gap": r.gap,
                "basis": r.basis,
            }
            for r in rows
        ],
    }


# Targets ----------------------------------------------------------------------------


class TrendOut(Schema):
    month: str
    value: Decimal | None


class TargetOut(Schema):
    id: int
    name: str
    unit: int
    plan: int | None
    indicator: int | None
    measure: str
    comparison: str
    goal: Decimal
    start: date
    end: date
    value: Decimal | None
    met: bool
    status: str
    numerator: int | None
    denominator: int | None
    records: int
    computed_from: str
    trend: list[TrendOut]
    version: int


class TargetQuery(Schema):
    plan: Id | None = None
    programme: Id | None = None


class _TargetPage:
    """Targets evaluated together for the page only (a constant number of queries)."""

    def __init__(self, queryset: QuerySet[Target]) -> None:
        self.queryset = queryset

    def count(self) -> int:
        return self.queryset.count()

    def all(self) -> "_TargetPage":
        return self

    def __getitem__(self, page: slice) -> list[dict[str, Any]]:
        rows = list(self.queryset[page])
        results = targets.evaluate(rows)
        return [targets.as_dict(results[t.pk]) for t in rows]


@router.get(
    "/targets",
    response={200: list[TargetOut], **LIST_ERRORS, 404: ERRORS[404]},
    summary="Targets with their computed value, goal, status and trend (by plan or programme)",
)
@paginate(Pagination)
def list_targets(request: HttpRequest, filters: Query[TargetQuery]) -> Any:
    user = request.auth
    queryset = access.visible_targets(user, Target.objects.select_related("unit"))
    if filters.plan is not None:
        plan = visible_plans(user).filter(pk=filters.plan).first()
        if plan is None:
            raise Http404
        queryset = queryset.filter(plan=plan)
    if filters.programme is not None:
        from theodoi.permissions.plans import access_programme

        programme = access_programme(user, filters.programme)
        queryset = queryset.filter(
            Q(plan__programme=programme) | Q(indicator__objective__programme=programme)
        )
    return _TargetPage(queryset.order_by("start", "pk"))


@router.get(
    "/targets/{target_id}",
    response={200: TargetOut, **ERRORS},
    summary="A target with its computed value, status and trend",
)
def get_target(request: HttpRequest, target_id: str) -> Any:
    target = access.access_target(request.auth, target_id)
    return targets.as_dict(targets.evaluate_one(target))


class TargetIn(ObjectIn):
    name: ShortText
    unit: Id = Field(..., description="Scope unit: its records and those of the units under it")
    measure: Literal["count", "share", "sum", "distinct_units"]
    kind: KindKey | Literal[""] = ""
    mode: Literal["online", "in_person", ""] = ""
    level: Literal["province", "district", "commune", ""] = ""
    follow_ups: Literal["closed", "open", ""] = ""
    share_mode: Literal["online", "in_person", ""] = Field(
        "", description="For a share: the records counted above the line"
    )
    share_follow_ups: Literal["closed", "open", ""] = ""
    sum_of: Literal["participants", "quantity", ""] = ""
    unit_kind: ShortText = Field("", description="For distinct units: the kind of unit counted")
    comparison: Literal["gt", "gte", "lt", "lte", "eq"]
    goal: Decimal = Field(..., ge=0, max_digits=14, decimal_places=2)
    start: IsoDate
    end: IsoDate
    plan: Id | None = None
    indicator: Id | None = Field(None, description="The programme indicator it gives its actual")
    reason: Reason = ""


class TargetPut(TargetIn):
    version: int = Field(..., ge=1)


def _fill_target(user: Any, target: Target, payload: TargetIn) -> Target:
    """The payload on the target, every reference the user may not use named at its field."""
    errors: dict[str, list[str]] = {}
    unit = access.target_units(user).filter(pk=payload.unit).first()
    if unit is None:
        errors["unit"] = [_("Unknown unit: %(id)s.") % {"id": payload.unit}]
    plan = indicator = None
    if payload.plan is not None:
        plan = access.linkable_plans(user).filter(pk=payload.plan).first()
        if plan is None:
            errors["plan"] = [_("Unknown plan: %(id)s.") % {"id": payload.plan}]
    if payload.indicator is not None:
        indicator = access.linkable_indicators(user).filter(pk=payload.indicator).first()
        if indicator is None:
            errors["indicator"] = [_("Unknown indicator: %(id)s.") % {"id": payload.indicator}]
    if errors:
        raise ValidationError(errors)
    for name in (
        "name", "measure", "kind", "mode", "level", "follow_ups", "share_mode",
        "share_follow_ups", "sum_of", "unit_kind", "comparison", "goal", "start", "end",
    ):  # fmt: skip
        setattr(target, name, getattr(payload, name))
    target.unit, target.plan, target.indicator = unit, plan, indicator
    return target


@router.post(
    "/targets",
    response={201: TargetOut, **WRITE_ERRORS},
    summary="Define a target computed from the records (coordinators)",
)
def create_target(request: HttpRequest, payload: TargetIn) -> Any:
    user = request.auth
    if not user.has_perm("activities.add_target", None):
        raise PermissionDenied
    target = _fill_target(user, Target(), payload)
    actions.do_save_target(target, version=None, by=user, reason=payload.reason or "created")
    return Status(201, targets.as_dict(targets.evaluate_one(target)))


@router.put(
    "/targets/{target_id}",
    response={200: TargetOut, **WRITE_ERRORS},
    summary="Replace a target's definition (send the version you read)",
)
def update_target(request: HttpRequest, target_id: str, payload: TargetPut) -> Any:
    user = request.auth
    target = _fill_target(user, access.access_target(user, target_id, "change"), payload)
    try:
        actions.do_save_target(target, version=payload.version, by=user, reason=payload.reason)
    except Stale as stale:
        current = stale.current  # the target as saved now, read by the action
        return Status(
            409,
            StaleOut(
                message=_("Someone else saved this target first: here is their version."),
                fields={"version": _("Reload the target and apply your change again.")},
                current=targets.as_dict(targets.evaluate_one(current)),
            ),
        )
    return targets.as_dict(targets.evaluate_one(target))


class TargetRecordOut(ActivityOut):
    counted_above_line: bool


@router.get(
    "/targets/{target_id}/records",
    response={200: list[TargetRecordOut], **ERRORS},
    summary="The records a target's value is computed from (drill-down)",
)
@paginate(Pagination)
def target_records(request: HttpRequest, target_id: str) -> Any:
    target = access.access_target(request.auth, target_id)
    result = targets.evaluate_one(target)
    above = result.numerator_ids

    def convert(a: Activity) -> dict[str, Any]:
        return {**_out(a), "counted_above_line": a.pk in above}

    queryset = _activities().filter(pk__in=result.record_ids).order_by("start", "pk")
    return _Page(queryset, convert)


__all__ = ["Kind", "router"]

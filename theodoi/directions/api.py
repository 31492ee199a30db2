"""The register of matters put to the Standing Committee: list, raise, read, record the
direction, close a follow-up. Access: ``theodoi.permissions.directions``."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from theodoi.core.apikit import (
    ERRORS,
    LIST_ERRORS,
    WRITE_ERRORS,
    Id,
    IsoDate,
    ObjectIn,
    Pagination,
    ShortText,
    StaleOut,
    Text,
    UnitRef,
    paginate,
)
from theodoi.core.workflow import Stale
from theodoi.permissions import directions as access
from theodoi.permissions import plans as plan_access
from theodoi.permissions import visible_units

from . import actions
from .models import FollowUpItem, Matter

router = Router(tags=["directions"])


class FollowUpOut(Schema):
    id: int
    text: str
    unit: UnitRef
    work_item_id: int | None
    deadline: date | None
    closed_on: date | None
    closing_note: str


class MatterOut(Schema):
    id: int
    committee: UnitRef
    body: str
    plan_id: int | None
    title: str
    content: str
    raised_by: UnitRef
    raised_on: date
    state: str
    direction_number: str
    direction_date: date | None
    direction_text: str
    version: int
    follow_ups: list[FollowUpOut]


class MatterIn(ObjectIn):
    title: ShortText = Field(..., max_length=400)
    content: Text = ""
    committee: Id | None = Field(None, description="The committee asked; yours by default")
    raised_by: Id | None = Field(None, description="The unit raising it; yours by default")
    raised_on: IsoDate | None = None
    body: Literal["standing", "board"] = "standing"
    plan: Id | None = None


class FollowUpIn(ObjectIn):
    text: Text
    unit: Id
    deadline: IsoDate | None = None
    work_item: Id | None = None


class DirectionIn(ObjectIn):
    version: int | None = None
    number: ShortText = Field(..., max_length=60)
    issued_on: IsoDate
    text: Text
    follow_ups: list[FollowUpIn] = Field(default_factory=list, max_length=100)


class AddFollowUpIn(FollowUpIn):
    version: int | None = Field(None, description="The matter's version as read")


class CloseIn(ObjectIn):
    note: Text
    closed_on: IsoDate | None = None


def _matters() -> Any:
    return Matter.objects.select_related("committee", "raised_by").prefetch_related(
        Prefetch("follow_ups", queryset=FollowUpItem.objects.select_related("unit"))
    )


def _out(matter: Matter) -> Any:
    return _matters().get(pk=matter.pk)


@router.get("/directions", response={200: list[MatterOut], **LIST_ERRORS},
            summary="Matters put to the Standing Committee that you may see")  # fmt: skip
@paginate(Pagination)
def list_matters(request: HttpRequest, status: str | None = None) -> Any:
    found = access.visible_matters(request.auth, _matters())
    if status:
        if status not in Matter.State.values:
            raise ValidationError({"status": _("One of: awaiting, directed, done.")})
        found = found.filter(state=status)
    return found


@router.post("/directions", response={201: MatterOut, **WRITE_ERRORS},
             summary="Put a matter to the Standing Committee (its coordinators)")  # fmt: skip
def raise_matter(request: HttpRequest, payload: MatterIn) -> Any:
    user = request.auth
    plan = plan_access.access_plan(user, payload.plan) if payload.plan is not None else None
    committees = access.committees(user)
    if payload.committee is not None:
        committee = committees.filter(pk=payload.committee).first()
    else:
        committee = committees.first()
    if committee is None:
        raise ValidationError({"committee": _("You do not keep this committee's register.")})
    if payload.raised_by is not None:
        raised_by = visible_units(user).filter(pk=payload.raised_by).first()
        if raised_by is None:
            raise ValidationError({"raised_by": _("Unknown unit: %(id)s.") % {
                "id": payload.raised_by}})  # fmt: skip
    else:
        raised_by = next(
            (m.unit for m in access.memberships(user) if m.role == access.Role.COORDINATOR),
            committee,
        )
    matter = actions.do_raise_matter(
        committee, raised_by=raised_by, title=payload.title, content=payload.content,
        raised_on=payload.raised_on, body=payload.body, plan=plan, by=user,
    )  # fmt: skip
    return Status(201, _out(matter))


@router.get("/directions/{id}", response={200: MatterOut, **ERRORS},
            summary="A matter with its direction and follow-ups")  # fmt: skip
def get_matter(request: HttpRequest, id: str) -> Any:
    return _out(access.access_matter(request.auth, id))


def _follow_ups(user: Any, items: list[FollowUpIn]) -> list[actions.FollowUpIn]:
    """The follow-ups sent, their units and work items resolved within the caller's reach."""
    units = visible_units(user).in_bulk([f.unit for f in items])
    follow_ups = []
    for n, item in enumerate(items):
        if item.unit not in units:
            raise ValidationError({f"follow_ups.{n}.unit": _("Unknown unit: %(id)s.") % {
                "id": item.unit}})  # fmt: skip
        work_item = None
        if item.work_item is not None:
            work_item = plan_access.visible_work_items(user).filter(pk=item.work_item).first()
            if work_item is None:
                raise ValidationError({f"follow_ups.{n}.work_item": _("Unknown work item.")})
        follow_ups.append(actions.FollowUpIn(item.text, units[item.unit], item.deadline,
                                             work_item))  # fmt: skip
    return follow_ups


@router.post("/directions/{id}/direction", response={200: MatterOut, **WRITE_ERRORS},
             summary="Record the committee's direction and the follow-up it creates")  # fmt: skip
def record_direction(request: HttpRequest, id: str, payload: DirectionIn) -> Any:
    user = request.auth
    matter = access.access_matter(user, id, "change")
    follow_ups = _follow_ups(user, payload.follow_ups)
    try:
        matter = actions.do_record_direction(
            matter, by=user, number=payload.number, issued_on=payload.issued_on,
            text=payload.text, follow_ups=follow_ups, version=payload.version,
        )  # fmt: skip
    except Stale as stale:
        return Status(409, StaleOut(message=str(stale), current={"version": stale.current.version}))
    return _out(matter)


@router.post("/directions/{id}/follow-ups", response={201: MatterOut, **WRITE_ERRORS},
             summary="Assign another follow-up of a matter already directed")  # fmt: skip
def add_follow_up(request: HttpRequest, id: str, payload: AddFollowUpIn) -> Any:
    user = request.auth
    matter = access.access_matter(user, id, "change")
    (item,) = _follow_ups(user, [payload])
    try:
        actions.do_add_follow_up(matter, item, by=user, version=payload.version)
    except Stale as stale:
        return Status(409, StaleOut(message=str(stale), current={"version": stale.current.version}))
    return Status(201, _out(matter))


@router.post("/directions/follow-ups/{id}/close", response={200: MatterOut, **WRITE_ERRORS},
             summary="Close a follow-up with how it was done")  # fmt: skip
def close_follow_up(request: HttpRequest, id: str, payload: CloseIn) -> Any:
    item = access.access_follow_up(request.auth, id, "close")
    actions.do_close_follow_up(item, by=request.auth, note=payload.note,
                               closed_on=payload.closed_on)  # fmt: skip
    return _out(item.matter)

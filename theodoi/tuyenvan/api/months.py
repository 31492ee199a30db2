"""A commune's month: its conference record and its approval (approve … reopen)."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from theodoi.core.apikit import (
    LIST_ERRORS,
    WRITE_ERRORS,
    Id,
    IsoDate,
    Month,
    Pagination,
    Reason,
    Text,
    paginate,
)
from theodoi.permissions import tuyenvan as access

from .. import actions
from ..models import Meeting, MonthlyResult, month_key

router = Router(tags=["tuyenvan"])

# The endpoint's action → the rule that allows it (the same as the pages').
MONTH_MOVES = {
    "approve": "approve_month",
    "return": "approve_month",
    "close": "close_month",
    "reopen": "reopen_month",
}
DISTRICT_MOVES = {"accept": "accept_district", "close": "close_month"}
CLUSTER_MOVES = {"approve": "approve_cluster", "accept": "accept_cluster", "close": "close_month"}


# -- conference records -------------------------------------------------------------


class TvMeetingIn(Schema):
    commune: Id
    month: Month
    held_on: IsoDate
    place: Text = Field(min_length=1, max_length=200)
    chair: Text = Field(min_length=1, max_length=200)
    topics: Text = Field(min_length=1)
    participants: int = Field(ge=0, le=1_000_000)
    officials: list[Id] | None = Field(
        None,
        max_length=200,
        description="Omitted: the published roster's officials for a new record.",
    )
    issues_raised: Text = ""
    proposals: Text = ""
    minutes: Text = ""


class TvMeetingOut(Schema):
    id: int
    commune: int
    month: str
    held_on: date
    place: str
    chair: str
    topics: str
    participants: int
    officials: list[int]
    issues_raised: str
    proposals: str

    @staticmethod
    def resolve_commune(obj: Meeting) -> int:
        return obj.commune_id

    @staticmethod
    def resolve_month(obj: Meeting) -> str:
        return month_key(obj.month)

    @staticmethod
    def resolve_officials(obj: Meeting) -> list[int]:
        return [link.user_id for link in obj.official_links.all()]


@router.get(
    "/meetings",
    response={200: list[TvMeetingOut], **LIST_ERRORS},
    summary="Conferences within reach",
)
@paginate(Pagination)
def list_meetings(request: HttpRequest, month: Month) -> Any:
    return (
        access.visible_tuyenvan_meetings(request.user, Meeting.objects.filter(month=month))
        .prefetch_related("official_links")
        .order_by("commune_id", "pk")
    )


def _save_meeting(request: HttpRequest, payload: TvMeetingIn) -> Meeting:
    cm = access.access_commune_month(request.user, payload.commune, payload.month, "change_meeting")
    officials = None
    if payload.officials is not None:
        choices = actions.attending_choices(cm.commune, cm.month)
        officials = list(choices.filter(pk__in=payload.officials))
        if len(officials) != len(set(payload.officials)):
            raise ValidationError({"officials": _("Not an attending official here.")})
    data = payload.dict(exclude={"commune", "month", "officials"})
    meeting = actions.do_save_meeting(
        cm.commune, cm.month, data, by=request.user, officials=officials
    )
    return Meeting.objects.prefetch_related("official_links").get(pk=meeting.pk)


@router.post(
    "/meetings", response={201: TvMeetingOut, **WRITE_ERRORS}, summary="Record a conference"
)
def create_meeting(request: HttpRequest, payload: TvMeetingIn) -> Any:
    return Status(201, _save_meeting(request, payload))


@router.put(
    "/meetings/{meeting_id}",
    response={200: TvMeetingOut, **WRITE_ERRORS},
    summary="Update a conference",
)
def update_meeting(request: HttpRequest, meeting_id: Id, payload: TvMeetingIn) -> Any:
    meeting = access.access_meeting(request.user, meeting_id, "change_meeting")
    if (payload.commune, payload.month) != (meeting.commune_id, meeting.month):
        raise ValidationError({"month": _("A conference keeps its commune and month.")})
    return _save_meeting(request, payload)


# -- approval -------------------------------------------------------------------------


class TvMonthIn(Schema):
    commune: Id
    month: Month
    reason: Reason = ""
    # Approving while the commune's explanation window is open closes it: say so.
    close_window: bool = False


class TvDistrictMonthIn(Schema):
    district: Id
    month: Month


class TvClusterMonthIn(Schema):
    cluster: Id
    month: Month
    close_window: bool = False


class TvResultEventOut(Schema):
    action: str
    by: int
    at: datetime
    reason: str

    @staticmethod
    def resolve_by(obj: Any) -> int:
        return obj.by_id


class TvMonthStatusOut(Schema):
    commune: int
    month: str
    status: str
    total: Decimal | None
    events: list[TvResultEventOut]

    @staticmethod
    def resolve_commune(obj: MonthlyResult) -> int:
        return obj.commune_id

    @staticmethod
    def resolve_month(obj: MonthlyResult) -> str:
        return month_key(obj.month)

    @staticmethod
    def resolve_events(obj: MonthlyResult) -> list[Any]:
        return list(obj.events.all())


@router.post(
    "/months/{action}",
    response={200: TvMonthStatusOut, **WRITE_ERRORS},
    summary="approve | return (reason) | close | reopen (reason) a commune's month",
)
def month_move(request: HttpRequest, action: str, payload: TvMonthIn) -> Any:
    rule = MONTH_MOVES.get(action)
    if rule is None:
        raise Http404
    cm = access.access_commune_month(request.user, payload.commune, payload.month, rule)
    return actions.do_month_step(
        cm.commune,
        cm.month,
        action,
        reason=payload.reason,
        by=request.user,
        close_window=payload.close_window,
    )


@router.post(
    "/districts/{action}",
    response={200: list[TvMonthStatusOut], **WRITE_ERRORS},
    summary="BTG accepts a district's month | close every commune of a district",
)
def district_move(request: HttpRequest, action: str, payload: TvDistrictMonthIn) -> Any:
    rule = DISTRICT_MOVES.get(action)
    if rule is None:
        raise Http404
    district = access.access_district(request.user, payload.district, rule, payload.month)
    actions.do_district_step(district, payload.month, action, by=request.user)
    return (
        MonthlyResult.objects.filter(district=district, month=payload.month)
        .prefetch_related("events")
        .order_by("commune__name")
    )


@router.post(
    "/clusters/{action}",
    response={200: list[TvMonthStatusOut], **WRITE_ERRORS},
    summary="A cluster's month: its scorers approve its communes | the consolidating "
    "body accepts it | close every commune of it",
)
def cluster_move(request: HttpRequest, action: str, payload: TvClusterMonthIn) -> Any:
    """Approving goes commune by commune: the communes it refuses stay open (their
    status says so); accepting and closing are all or nothing."""
    rule = CLUSTER_MOVES.get(action)
    if rule is None:
        raise Http404
    cluster_month = access.access_cluster_month(request.user, payload.cluster, payload.month, rule)
    actions.do_cluster_step(
        cluster_month, action, by=request.user, close_window=payload.close_window
    )
    return (
        MonthlyResult.objects.filter(
            commune__in=cluster_month.communes(), month=cluster_month.month
        )
        .prefetch_related("events")
        .order_by("commune__name")
    )

"""Roster rounds: list, create, read, change the rules, generate, publish, conference dates."""

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Body, Field, Router, Schema, Status
from ninja.errors import HttpError

from theodoi import permissions
from theodoi.core.apikit import (
    ERRORS,
    LIST_ERRORS,
    WRITE_ERRORS,
    ErrorOut,
    Id,
    IsoDate,
    Month,
    ObjectIn,
    Pagination,
    Reason,
    Text,
    paginate,
)
from theodoi.permissions import roster as access

from .. import actions
from ..models import ConferenceDate, RosterRound
from ..roster import conference_days, round_communes

router = Router(tags=["tuyenvan"])

# Conference dates sent at once: every commune of a large province for a quarter.
MAX_DATES = 1000
DATES_BODY = Body(..., max_length=MAX_DATES)


class RosterRoundIn(ObjectIn):
    province: Id
    period: RosterRound.Period
    start: Month = Field(description="The first month, YYYY-MM.", examples=["2018-01"])
    provincial_frequency: RosterRound.Frequency = RosterRound.Frequency.QUARTERLY
    district_frequency: RosterRound.Frequency = RosterRound.Frequency.MONTHLY
    provincial_monthly_limit: int = Field(5, ge=1, le=31)
    district_monthly_limit: int = Field(12, ge=1, le=31)
    no_repeat: bool = True
    prefer_district: bool = True
    note: Text = ""


class RosterRoundOut(Schema):
    id: int
    title: str
    province: int
    period: str
    start: date
    end: date
    status: str
    provincial_frequency: int
    district_frequency: int
    provincial_monthly_limit: int
    district_monthly_limit: int
    no_repeat: bool
    prefer_district: bool

    @staticmethod
    def resolve_title(obj: RosterRound) -> str:
        return str(obj.title)

    @staticmethod
    def resolve_province(obj: RosterRound) -> int:
        return obj.province_id


class RosterRoundPatch(ObjectIn):
    provincial_frequency: RosterRound.Frequency | None = None
    district_frequency: RosterRound.Frequency | None = None
    provincial_monthly_limit: int | None = Field(None, ge=1, le=31)
    district_monthly_limit: int | None = Field(None, ge=1, le=31)
    no_repeat: bool | None = None
    prefer_district: bool | None = None
    note: Text | None = None
    reason: Reason = ""


class RosterGenerateOut(Schema):
    ok: bool
    entries: int
    seconds: float
    problems: list[str]


class RosterConflictOut(ErrorOut):
    """409: the round cannot be generated; ``problems`` are the rules no roster meets."""

    problems: list[str] = Field(default_factory=list)


class RosterDateIn(ObjectIn):
    commune: Id
    day: IsoDate


class RosterDateOut(Schema):
    commune: int
    commune_name: str
    district: int
    month: date
    day: date
    generated: bool

    @staticmethod
    def resolve_commune(obj: ConferenceDate) -> int:
        return obj.commune_id

    @staticmethod
    def resolve_commune_name(obj: ConferenceDate) -> str:
        return obj.commune.name

    @staticmethod
    def resolve_district(obj: ConferenceDate) -> int:
        return obj.commune.parent_id

    @staticmethod
    def resolve_generated(obj: ConferenceDate) -> bool:
        return obj.is_default


class RosterDatesSaved(Schema):
    changed: int


@router.get(
    "/roster",
    response={200: list[RosterRoundOut], **LIST_ERRORS},
    summary="Roster rounds you may read",
)
@paginate(Pagination)
def list_rounds(request: HttpRequest) -> Any:
    return access.visible_rounds(request.auth).order_by("-start", "pk")


@router.post(
    "/roster",
    response={201: RosterRoundOut, **WRITE_ERRORS},
    summary="Create a draft round (coordinators)",
)
def create_round(request: HttpRequest, body: RosterRoundIn) -> Status:
    user = request.auth
    permissions.require(user, "tuyenvan_people.add_rosterround")
    province = access.round_provinces(user).filter(pk=body.province).first()
    if province is None:
        raise ValidationError({"province": _("Choose a province you coordinate.")})
    data = body.dict(exclude={"province", "start"})
    rnd = actions.do_create_round(province=province, start=body.start, by=user, **data)
    return Status(201, rnd)


@router.get(
    "/roster/{round_id}",
    response={200: RosterRoundOut, **ERRORS},
    summary="A round (its assignments: /roster/{round_id}/entries)",
)
def get_round(request: HttpRequest, round_id: Id) -> Any:
    return access.access_round(request.auth, round_id)


@router.patch(
    "/roster/{round_id}",
    response={200: RosterRoundOut, **WRITE_ERRORS},
    summary="Change a draft round's rules (coordinators)",
)
def update_round(request: HttpRequest, round_id: Id, body: RosterRoundPatch) -> Any:
    rnd = access.access_round(request.auth, round_id, "change")
    if not rnd.is_draft:
        raise HttpError(409, _("Reopen the published round before changing its rules."))
    changes = body.dict(exclude={"reason"}, exclude_none=True)
    actions.do_update_round(rnd, by=request.auth, reason=body.reason, **changes)
    return rnd


@router.post(
    "/roster/{round_id}/generate",
    response={200: RosterGenerateOut, 409: RosterConflictOut, **ERRORS},
    summary="Generate the round's roster (coordinators, draft rounds)",
)
def generate(request: HttpRequest, round_id: Id) -> Status:
    rnd = access.access_round(request.auth, round_id, "change")
    try:
        result = actions.do_generate_roster(rnd, by=request.auth)
    except ValidationError as exc:
        raise HttpError(409, " ".join(exc.messages)) from exc
    if not result.ok:
        return Status(
            409,
            RosterConflictOut(
                message=_("No roster meets every rule."), problems=list(result.problems)
            ),
        )
    return Status(
        200,
        RosterGenerateOut(
            ok=True, entries=len(result.entries), seconds=result.seconds, problems=[]
        ),
    )


@router.post(
    "/roster/{round_id}/publish",
    response={200: RosterRoundOut, **WRITE_ERRORS},
    summary="Publish the round (coordinators)",
)
def publish(request: HttpRequest, round_id: Id) -> Any:
    rnd = access.access_round(request.auth, round_id, "change")
    try:
        actions.do_publish_round(rnd, by=request.auth)
    except ValidationError as exc:
        raise HttpError(409, " ".join(exc.messages)) from exc
    return rnd


@router.get(
    "/roster/{round_id}/dates",
    response={200: list[RosterDateOut], **ERRORS},
    summary="Each commune's conference day per month of the round (coordinators)",
)
@paginate(Pagination)
def list_dates(request: HttpRequest, round_id: Id) -> Any:
    rnd = access.access_round(request.auth, round_id, "change")
    communes = round_communes(rnd)
    conference_days(rnd, communes)  # proposes the missing days
    return (
        ConferenceDate.objects.filter(commune__in=communes, month__in=rnd.months)
        .select_related("commune")
        .order_by("month", "day", "commune_id")
    )


@router.put(
    "/roster/{round_id}/dates",
    response={200: RosterDatesSaved, **WRITE_ERRORS},
    summary=f"Set conference days, at most {MAX_DATES} (all or nothing; the month is the day's)",
)
def set_dates(
    request: HttpRequest,
    round_id: Id,
    dates: list[RosterDateIn] = DATES_BODY,
) -> Any:
    rnd = access.access_round(request.auth, round_id, "change")
    changed = actions.do_set_conference_dates(
        rnd, [(row.commune, row.day) for row in dates], by=request.auth
    )
    return RosterDatesSaved(changed=changed)

"""Days the officials of a round cannot attend (the round's coordinators)."""

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from theodoi.core.apikit import (
    ERRORS,
    WRITE_ERRORS,
    Id,
    IsoDate,
    ObjectIn,
    Pagination,
    ShortText,
    paginate,
)
from theodoi.permissions import roster as access

from .. import actions
from ..models import RosterRound, Unavailability
from ..roster import round_officials

router = Router(tags=["tuyenvan"])


class RosterUnavailabilityIn(ObjectIn):
    official: Id
    start: IsoDate
    end: IsoDate
    reason: ShortText = Field("", max_length=200)


class RosterUnavailabilityOut(Schema):
    id: int
    official: int
    official_name: str
    start: date
    end: date
    reason: str

    @staticmethod
    def resolve_official(item: Unavailability) -> int:
        return item.user_id

    @staticmethod
    def resolve_official_name(item: Unavailability) -> str:
        return item.user.get_full_name() or item.user.username


def _of_round(rnd: RosterRound) -> QuerySet[Unavailability]:
    users = [o.user.pk for o in round_officials(rnd)]
    return (
        Unavailability.objects.filter(user__in=users, end__gte=rnd.start, start__lte=rnd.end)
        .select_related("user")
        .order_by("start", "pk")
    )


@router.get(
    "/roster/{round_id}/unavailability",
    response={200: list[RosterUnavailabilityOut], **ERRORS},
    summary="The round's officials' unavailable dates (coordinators)",
)
@paginate(Pagination)
def list_unavailability(request: HttpRequest, round_id: Id) -> Any:
    return _of_round(access.access_round(request.auth, round_id, "change"))


@router.post(
    "/roster/{round_id}/unavailability",
    response={201: RosterUnavailabilityOut, **WRITE_ERRORS},
    summary="Declare days an official of the round cannot attend (coordinators)",
)
def add_unavailability(request: HttpRequest, round_id: Id, body: RosterUnavailabilityIn) -> Status:
    rnd = access.access_round(request.auth, round_id, "change")
    official = {o.user.pk: o.user for o in round_officials(rnd)}.get(body.official)
    if official is None:
        raise ValidationError({"official": _("Choose an attending official of this province.")})
    item = actions.do_declare_unavailability(
        official=official,
        start=body.start,
        end=body.end,
        reason=body.reason,
        by=request.auth,
    )
    return Status(201, item)


@router.delete(
    "/roster/{round_id}/unavailability/{item_id}",
    response={204: None, **ERRORS},
    summary="Remove declared unavailable dates (coordinators)",
)
def delete_unavailability(request: HttpRequest, round_id: Id, item_id: Id) -> Status:
    rnd = access.access_round(request.auth, round_id, "change")
    item = access.access_unavailability(request.auth, item_id, "delete", queryset=_of_round(rnd))
    actions.do_remove_unavailability(item, by=request.auth)
    return Status(204, None)

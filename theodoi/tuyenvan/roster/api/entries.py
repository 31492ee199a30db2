"""Assignments of a round: read, add or change by hand (with a reason)."""

from datetime import date
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from theodoi.core.apikit import (
    ERRORS,
    WRITE_ERRORS,
    Id,
    IsoDate,
    ObjectIn,
    Pagination,
    Reason,
    paginate,
)
from theodoi.permissions import roster as access
from theodoi.units.models import Unit

from .. import actions
from ..models import RosterEntry
from ..roster import round_officials

router = Router(tags=["tuyenvan"])


class RosterEntryOut(Schema):
    id: int
    day: date
    commune: int
    commune_name: str
    district: int
    district_name: str
    official: int
    official_name: str
    kind: str
    explanation: str
    edit_reason: str

    @staticmethod
    def resolve_commune(e: RosterEntry) -> int:
        return e.commune_id

    @staticmethod
    def resolve_commune_name(e: RosterEntry) -> str:
        return e.commune.name

    @staticmethod
    def resolve_district(e: RosterEntry) -> int:
        return e.commune.parent_id

    @staticmethod
    def resolve_district_name(e: RosterEntry) -> str:
        return e.commune.parent.name

    @staticmethod
    def resolve_official(e: RosterEntry) -> int:
        return e.official_id

    @staticmethod
    def resolve_official_name(e: RosterEntry) -> str:
        return e.official.get_full_name() or e.official.username


class RosterEntryPatch(ObjectIn):
    official: Id
    day: IsoDate
    reason: Reason


class RosterEntryIn(ObjectIn):
    commune: Id
    official: Id
    day: IsoDate
    reason: Reason


class RosterEntryEdited(Schema):
    entry: RosterEntryOut
    warnings: list[str]


def _fresh(pk: int) -> RosterEntry:
    return RosterEntry.objects.select_related("commune__parent", "official").get(pk=pk)


@router.get(
    "/roster/{round_id}/entries",
    response={200: list[RosterEntryOut], **ERRORS},
    summary="A round's assignments, by day",
)
@paginate(Pagination)
def list_entries(request: HttpRequest, round_id: Id) -> Any:
    rnd = access.access_round(request.auth, round_id)
    return rnd.entries.select_related("commune__parent", "official").order_by(
        "day", "commune__parent__position", "commune__position", "kind", "pk"
    )


@router.patch(
    "/roster/{round_id}/entries/{entry_id}",
    response={200: RosterEntryEdited, **WRITE_ERRORS},
    summary="Change who attends a conference, or its date (with a reason)",
)
def edit_entry(request: HttpRequest, round_id: Id, entry_id: Id, body: RosterEntryPatch) -> Any:
    entry = access.access_roster_entry(request.auth, entry_id, "change", round_id=round_id)
    official = User.objects.filter(pk=body.official).first()
    if official is None:
        raise ValidationError({"official": _("Choose an attending official of this province.")})
    warnings = actions.do_edit_entry(
        entry, official=official, day=body.day, reason=body.reason, by=request.auth
    )
    return RosterEntryEdited(entry=_fresh(entry.pk), warnings=warnings)


@router.post(
    "/roster/{round_id}/entries",
    response={201: RosterEntryEdited, **WRITE_ERRORS},
    summary="Add an assignment by hand (with a reason); broken rules come back as warnings",
)
def add_entry(request: HttpRequest, round_id: Id, body: RosterEntryIn) -> Status:
    rnd = access.access_round(request.auth, round_id, "change")
    official = next((o for o in round_officials(rnd) if o.user.pk == body.official), None)
    commune = Unit.objects.filter(pk=body.commune, kind=Unit.Kind.COMMUNE).first()
    fields = {}
    if official is None:
        fields["official"] = _("Choose an attending official of this province.")
    if commune is None:
        fields["commune"] = _("Choose a commune of this province.")
    if fields:
        raise ValidationError(fields)
    entry, warnings = actions.do_add_entry(
        rnd,
        official=official.user,
        commune=commune,
        kind=official.kind,
        day=body.day,
        reason=body.reason,
        by=request.auth,
    )
    return Status(201, RosterEntryEdited(entry=_fresh(entry.pk), warnings=warnings))

"""API: the attendance roster (generate, read, edit) and the boards registry (read).

Mounted under /api/v1/tuyenvan/: ``roster``, ``roster/{id}`` (read, and its
rules while a draft), ``roster/{id}/entries``, ``roster/{id}/unavailability``,
``roster/{id}/dates`` (the round's coordinators only), ``boards``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from theodoi import permissions
from theodoi.core import clock
from theodoi.units.models import Unit

from . import actions
from .forms import parse_month
from .models import (
    Board,
    ConferenceDate,
    RosterEntry,
    RosterRound,
    Team,
    Unavailability,
    month_start,
)
from .roster import conference_days, generate_roster, round_communes, round_officials

router = Router(tags=["tuyenvan"])


class Problem(Schema):
    message: str
    fields: dict[str, str] = {}
    problems: list[str] = []


def _invalid(exc: ValidationError) -> Status:
    if hasattr(exc, "error_dict"):
        fields = {k: " ".join(v) for k, v in exc.message_dict.items()}
    else:
        fields = {"__all__": " ".join(exc.messages)}
    return Status(422, Problem(message=_("The input is not valid."), fields=fields))


class RoundIn(Schema):
    province: int
    period: RosterRound.Period
    start: str = Field(description="The first month, YYYY-MM.", examples=["2018-01"])
    provincial_frequency: RosterRound.Frequency = RosterRound.Frequency.QUARTERLY
    district_frequency: RosterRound.Frequency = RosterRound.Frequency.MONTHLY
    provincial_monthly_limit: int = Field(5, ge=1, le=31)
    district_monthly_limit: int = Field(12, ge=1, le=31)
    no_repeat: bool = True
    prefer_district: bool = True
    note: str = ""


class RoundOut(Schema):
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


class EntryOut(Schema):
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


class RoundDetail(RoundOut):
    entries: list[EntryOut]


class GenerateOut(Schema):
    ok: bool
    entries: int
    seconds: float
    problems: list[str]


class EntryPatch(Schema):
    official: int
    day: date
    reason: str = Field(min_length=1, max_length=300)


class EntryEdited(Schema):
    entry: EntryOut
    warnings: list[str]


def _round_out(rnd: RosterRound) -> dict[str, Any]:
    return {
        "id": rnd.pk,
        "title": str(rnd.title),
        "province": rnd.province_id,
        "period": rnd.period,
        "start": rnd.start,
        "end": rnd.end,
        "status": rnd.status,
        "provincial_frequency": rnd.provincial_frequency,
        "district_frequency": rnd.district_frequency,
        "provincial_monthly_limit": rnd.provincial_monthly_limit,
        "district_monthly_limit": rnd.district_monthly_limit,
        "no_repeat": rnd.no_repeat,
        "prefer_district": rnd.prefer_district,
    }


def _entry_out(e: RosterEntry) -> EntryOut:
    return EntryOut(
        id=e.pk,
        day=e.day,
        commune=e.commune_id,
        commune_name=e.commune.name,
        district=e.commune.parent_id,
        district_name=e.commune.parent.name,
        official=e.official_id,
        official_name=e.official.get_full_name() or e.official.username,
        kind=e.kind,
        explanation=e.explanation,
        edit_reason=e.edit_reason,
    )


def _round(request: HttpRequest, pk: int, perm: str = "view") -> RosterRound:
    rnd = get_object_or_404(RosterRound, pk=pk)
    if not request.auth.has_perm(f"tuyenvan_people.{perm}_rosterround", rnd):
        if request.auth.has_perm("tuyenvan_people.view_rosterround", rnd):
            raise HttpError(403, _("Only the round's coordinators may do this."))
        raise HttpError(404, _("Not found."))
    return rnd


@router.get("/roster", response=list[RoundOut], summary="Roster rounds you may read")
def list_rounds(request: HttpRequest) -> Any:
    return [_round_out(r) for r in permissions.visible_rounds(request.auth)]


@router.post(
    "/roster",
    response={201: RoundOut, 403: Problem, 422: Problem},
    summary="Create a draft round (coordinators)",
)
def create_round(request: HttpRequest, payload: RoundIn) -> Status:
    user = request.auth
    if not user.has_perm("tuyenvan_people.add_rosterround"):
        return Status(403, Problem(message=_("Only coordinators create roster rounds.")))
    start = parse_month(payload.start)
    if start is None:
        return Status(
            422,
            Problem(
                message=_("The input is not valid."),
                fields={"start": _("Enter a month as YYYY-MM, e.g. 2018-03.")},
            ),
        )
    province = Unit.objects.filter(pk=payload.province, kind=Unit.Kind.PROVINCE).first()
    if province is None or not permissions.reaches(user, province, "coordinator"):
        return Status(
            422,
            Problem(
                message=_("The input is not valid."),
                fields={"province": _("Choose a province you coordinate.")},
            ),
        )
    data = payload.dict(exclude={"province", "start"})
    try:
        rnd = actions.do_create_round(province=province, start=start, by=user, **data)
    except ValidationError as exc:
        return _invalid(exc)
    return Status(201, _round_out(rnd))


@router.get("/roster/{round_id}", response=RoundDetail, summary="A round with its assignments")
def get_round(request: HttpRequest, round_id: int) -> Any:
    rnd = _round(request, round_id)
    entries = rnd.entries.select_related("commune__parent", "official")
    return {**_round_out(rnd), "entries": [_entry_out(e) for e in entries]}


@router.post(
    "/roster/{round_id}/generate",
    response={200: GenerateOut, 409: Problem},
    summary="Generate the round's roster (coordinators, draft rounds)",
)
def generate(request: HttpRequest, round_id: int) -> Status:
    rnd = _round(request, round_id, "change")
    if not rnd.is_draft:
        return Status(
            409, Problem(message=_("Reopen the published round before generating it again."))
        )
    result = generate_roster(rnd)
    if not result.ok:
        return Status(
            409,
            Problem(message=_("No roster meets every rule."), problems=result.problems),
        )
    return Status(
        200,
        GenerateOut(ok=True, entries=len(result.entries), seconds=result.seconds, problems=[]),
    )


@router.post(
    "/roster/{round_id}/publish",
    response={200: RoundOut, 409: Problem},
    summary="Publish the round (coordinators)",
)
def publish(request: HttpRequest, round_id: int) -> Status:
    rnd = _round(request, round_id, "change")
    try:
        actions.do_publish_round(rnd, by=request.auth)
    except ValidationError as exc:
        return Status(409, Problem(message=" ".join(exc.messages)))
    return Status(200, _round_out(rnd))


@router.patch(
    "/roster/{round_id}/entries/{entry_id}",
    response={200: EntryEdited, 422: Problem},
    summary="Change who attends a conference, or its date (with a reason)",
)
def edit_entry(request: HttpRequest, round_id: int, entry_id: int, payload: EntryPatch) -> Status:
    rnd = _round(request, round_id, "change")
    entry = get_object_or_404(
        RosterEntry.objects.select_related("commune__parent"), pk=entry_id, round=rnd
    )
    official = User.objects.filter(pk=payload.official).first()
    if official is None:
        return Status(
            422,
            Problem(
                message=_("The input is not valid."),
                fields={"official": _("Choose an attending official of this province.")},
            ),
        )
    try:
        warnings = actions.do_edit_entry(
            entry, official=official, day=payload.day, reason=payload.reason, by=request.auth
        )
    except ValidationError as exc:
        return _invalid(exc)
    entry.refresh_from_db()
    return Status(200, EntryEdited(entry=_entry_out(entry), warnings=warnings))


class RoundPatch(Schema):
    provincial_frequency: RosterRound.Frequency | None = None
    district_frequency: RosterRound.Frequency | None = None
    provincial_monthly_limit: int | None = Field(None, ge=1, le=31)
    district_monthly_limit: int | None = Field(None, ge=1, le=31)
    no_repeat: bool | None = None
    prefer_district: bool | None = None
    note: str | None = None
    reason: str = Field("", max_length=300)


@router.patch(
    "/roster/{round_id}",
    response={200: RoundOut, 409: Problem, 422: Problem},
    summary="Change a draft round's rules (coordinators)",
)
def update_round(request: HttpRequest, round_id: int, payload: RoundPatch) -> Status:
    rnd = _round(request, round_id, "change")
    changes = payload.dict(exclude={"reason"}, exclude_none=True)
    if not rnd.is_draft:
        return Status(
            409, Problem(message=_("Reopen the published round before changing its rules."))
        )
    try:
        actions.do_update_round(rnd, by=request.auth, reason=payload.reason, **changes)
    except ValidationError as exc:
        return _invalid(exc)
    return Status(200, _round_out(rnd))


class EntryNew(Schema):
    commune: int
    official: int
    day: date
    reason: str = Field(min_length=1, max_length=300)


@router.post(
    "/roster/{round_id}/entries",
    response={201: EntryEdited, 422: Problem},
    summary="Add an assignment by hand (with a reason); broken rules come back as warnings",
)
def add_entry(request: HttpRequest, round_id: int, payload: EntryNew) -> Status:
    rnd = _round(request, round_id, "change")
    officials = {o.user.pk: o for o in round_officials(rnd)}
    fields = {}
    official = officials.get(payload.official)
    if official is None:
        fields["official"] = _("Choose an attending official of this province.")
    commune = Unit.objects.filter(pk=payload.commune, kind=Unit.Kind.COMMUNE).first()
    if commune is None:
        fields["commune"] = _("Choose a commune of this province.")
    if fields:
        return Status(422, Problem(message=_("The input is not valid."), fields=fields))
    try:
        entry, warnings = actions.do_add_entry(
            rnd,
            official=official.user,
            commune=commune,
            kind=official.kind,
            day=payload.day,
            reason=payload.reason,
            by=request.auth,
        )
    except ValidationError as exc:
        return _invalid(exc)
    entry = RosterEntry.objects.select_related("commune__parent", "official").get(pk=entry.pk)
    return Status(201, EntryEdited(entry=_entry_out(entry), warnings=warnings))


class UnavailabilityIn(Schema):
    official: int
    start: date
    end: date
    reason: str = Field("", max_length=200)


class UnavailabilityOut(UnavailabilityIn):
    id: int
    official_name: str


def _unavailability_out(item: Unavailability) -> UnavailabilityOut:
    return UnavailabilityOut(
        id=item.pk,
        official=item.user_id,
        official_name=item.user.get_full_name() or item.user.username,
        start=item.start,
        end=item.end,
        reason=item.reason,
    )


def _round_unavailability(rnd: RosterRound) -> Any:
    users = [o.user.pk for o in round_officials(rnd)]
    return Unavailability.objects.filter(
        user__in=users, end__gte=rnd.start, start__lte=rnd.end
    ).select_related("user")


@router.get(
    "/roster/{round_id}/unavailability",
    response=list[UnavailabilityOut],
    summary="The round's officials' unavailable dates (coordinators)",
)
def list_unavailability(request: HttpRequest, round_id: int) -> Any:
    rnd = _round(request, round_id, "change")
    return [_unavailability_out(u) for u in _round_unavailability(rnd)]


@router.post(
    "/roster/{round_id}/unavailability",
    response={201: UnavailabilityOut, 422: Problem},
    summary="Declare days an official of the round cannot attend (coordinators)",
)
def add_unavailability(request: HttpRequest, round_id: int, payload: UnavailabilityIn) -> Status:
    rnd = _round(request, round_id, "change")
    if payload.official not in {o.user.pk for o in round_officials(rnd)}:
        return Status(
            422,
            Problem(
                message=_("The input is not valid."),
                fields={"official": _("Choose an attending official of this province.")},
            ),
        )
    item = Unavailability(
        user_id=payload.official, start=payload.start, end=payload.end, reason=payload.reason
    )
    try:
        item.full_clean()
    except ValidationError as exc:
        return _invalid(exc)
    item._change_reason = _("Unavailable dates declared")
    item.save()
    item = Unavailability.objects.select_related("user").get(pk=item.pk)
    return Status(201, _unavailability_out(item))


@router.delete(
    "/roster/{round_id}/unavailability/{item_id}",
    response={204: None},
    summary="Remove declared unavailable dates (coordinators)",
)
def delete_unavailability(request: HttpRequest, round_id: int, item_id: int) -> Status:
    rnd = _round(request, round_id, "change")
    item = get_object_or_404(_round_unavailability(rnd), pk=item_id)
    item._change_reason = _("Unavailable dates removed")
    item.delete()
    return Status(204, None)


class ConferenceDateOut(Schema):
    commune: int
    commune_name: str
    district: int
    month: date
    day: date
    generated: bool


class ConferenceDateIn(Schema):
    commune: int
    day: date


@router.get(
    "/roster/{round_id}/dates",
    response=list[ConferenceDateOut],
    summary="Each commune's conference day per month of the round (coordinators)",
)
def list_dates(request: HttpRequest, round_id: int) -> Any:
    rnd = _round(request, round_id, "change")
    communes = round_communes(rnd)
    conference_days(rnd, communes)  # proposes the missing days
    rows = ConferenceDate.objects.filter(commune__in=communes, month__in=rnd.months)
    names = {c.pk: c for c in communes}
    return [
        ConferenceDateOut(
            commune=r.commune_id,
            commune_name=names[r.commune_id].name,
            district=names[r.commune_id].parent_id,
            month=r.month,
            day=r.day,
            generated=r.is_default,
        )
        for r in sorted(rows, key=lambda r: (r.month, r.day, r.commune_id))
    ]


@router.put(
    "/roster/{round_id}/dates",
    response={200: list[ConferenceDateOut], 422: Problem},
    summary="Set conference days (all or nothing; the month is the day's month)",
)
def set_dates(request: HttpRequest, round_id: int, payload: list[ConferenceDateIn]) -> Any:
    rnd = _round(request, round_id, "change")
    communes = {c.pk for c in round_communes(rnd)}
    fields = {}
    for i, row in enumerate(payload):
        if row.commune not in communes:
            fields[f"{i}.commune"] = _("Choose a commune of this province.")
        elif month_start(row.day) not in rnd.months:
            fields[f"{i}.day"] = _("The date must fall within the round.")
    if fields:
        return Status(422, Problem(message=_("The input is not valid."), fields=fields))
    with transaction.atomic():
        for row in payload:
            item, created = ConferenceDate.objects.get_or_create(
                commune_id=row.commune,
                month=month_start(row.day),
                defaults={"day": row.day, "is_default": False},
            )
            if not created and (item.day != row.day or item.is_default):
                item.day, item.is_default = row.day, False
                item._change_reason = _("Conference date set")
                item.save(update_fields=["day", "is_default"])
    return Status(200, list_dates(request, round_id))


class MemberOut(Schema):
    full_name: str
    post: str
    title: str


class TeamOut(Schema):
    id: int
    village: str
    members: list[MemberOut]


class RulesOut(Schema):
    number: str
    issued_on: date
    title: str


class BoardOut(Schema):
    id: int
    name: str
    unit: int
    unit_name: str
    unit_kind: str
    members: list[MemberOut]
    rules: list[RulesOut]
    teams: list[TeamOut]
    gaps: list[str]


@router.get(
    "/boards",
    response={200: list[BoardOut], 422: Problem},
    summary="Tuyên vận boards with members, teams, rules and gaps",
)
def list_boards(request: HttpRequest, district: int | None = None) -> Status:
    from django.db.models import Prefetch, Q

    boards = permissions.visible_boards(
        request.auth,
        Board.objects.with_gaps().select_related("unit").prefetch_related("members", "rules"),
    )
    if district is not None:
        boards = boards.filter(Q(unit_id=district) | Q(unit__parent_id=district))
    boards = list(boards)
    teams: dict[int, list[Team]] = {}
    for team in Team.objects.filter(commune__in=[b.unit_id for b in boards]).prefetch_related(
        Prefetch("members")
    ):
        teams.setdefault(team.commune_id, []).append(team)
    today = clock.today()
    return Status(
        200,
        [
            BoardOut(
                id=b.pk,
                name=b.name,
                unit=b.unit_id,
                unit_name=b.unit.name,
                unit_kind=b.unit.kind,
                members=[
                    MemberOut(full_name=m.full_name, post=m.post, title=m.title)
                    for m in b.members.all()
                ],
                rules=[
                    RulesOut(number=r.number, issued_on=r.issued_on, title=r.title)
                    for r in b.rules.all()
                ],
                teams=[
                    TeamOut(
                        id=t.pk,
                        village=t.village_name,
                        members=[
                            MemberOut(full_name=m.full_name, post=m.post, title=m.title)
                            for m in t.members.all()
                        ],
                    )
                    for t in teams.get(b.unit_id, [])
                ],
                gaps=b.gap_labels(today),
            )
            for b in boards
        ],
    )

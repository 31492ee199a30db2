"""The tuyên vận API under /api/v1/tuyenvan/, asking theodoi.permissions like the pages.

Out-of-reach objects answer 404, in-reach objects the user may not change 403,
bad input 422 with ``fields`` (a criterion's code for a score line).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Form, Router, Schema, Status
from ninja import File as NinjaFile
from ninja.errors import HttpError
from ninja.files import UploadedFile
from pydantic import AfterValidator

from theodoi import permissions
from theodoi.units.models import Unit

from . import actions, results, scoring
from .models import (
    Appeal,
    CommuneMonth,
    CriteriaSet,
    Criterion,
    Meeting,
    MeetingFile,
    MonthlyResult,
    Resolution,
    Score,
    ScoreSheet,
    Submission,
    month_key,
    parse_month,
)

router = Router(tags=["tuyenvan"])
MONTH_PATTERN = r"^\d{4}-(0[1-9]|1[0-2])$"
MAX_ID = 2**31 - 1


def _no_nul(value: str) -> str:
    """PostgreSQL refuses NUL in text: refuse it at the door as a field error."""
    if "\x00" in value:
        raise ValueError("NUL")
    return value


# An id the database can hold; text without NUL; points within any table's range.
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Text = Annotated[str, AfterValidator(_no_nul), Field(max_length=10_000)]
Points = Annotated[Decimal, Field(ge=-1000, le=1000, max_digits=7, decimal_places=2)]


class ErrorOut(Schema):
    message: str
    fields: dict[str, str]


class Invalid(Exception):
    """Bad input found by this module: answered 422 with a message per field."""

    def __init__(self, fields: dict[str, str]) -> None:
        super().__init__(fields)
        self.fields = fields


def _field_errors(error: DjangoValidationError) -> Invalid:
    if hasattr(error, "error_dict"):
        return Invalid({k: " ".join(msgs) for k, msgs in error.message_dict.items()})
    return Invalid({"__all__": " ".join(error.messages)})


def answers_invalid(view: Callable[..., Any]) -> Callable[..., Any]:
    """Turn :class:`Invalid` into a 422 JSON answer with the translated messages."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return view(*args, **kwargs)
        except Invalid as invalid:
            return Status(
                422, ErrorOut(message=_("The input is not valid."), fields=invalid.fields)
            )

    return wrapper


def _month(text: str) -> date:
    try:
        return parse_month(text)
    except ValueError:
        raise Invalid({"month": _("Use the form YYYY-MM.")}) from None


def _commune(request: HttpRequest, commune_id: int, month: date) -> CommuneMonth:
    commune = get_object_or_404(Unit, pk=commune_id, kind=Unit.Kind.COMMUNE)
    cm = CommuneMonth(commune, month)
    if not request.user.has_perm("tuyenvan.view_month", cm):
        raise HttpError(404, _("Not found."))
    return cm


def _deny() -> HttpError:
    return HttpError(403, _("You may not change this."))


# -- criteria sets ------------------------------------------------------------


class CriterionOut(Schema):
    id: int
    group: str
    code: str
    text: str
    guidance: str
    kind: str
    min_points: Decimal
    max_points: Decimal
    evidence_required: bool
    sources: list[str]
    system_rule: str


class CriteriaSetOut(Schema):
    id: int
    owner: int
    name: str
    version: int
    effective_from: str
    status: str
    discrepancy_threshold: Decimal
    explanation_days: int
    report_due_day: int
    bands: list[dict[str, Any]]
    ineligible_without_meeting: bool
    criteria: list[CriterionOut] | None = None


def _set_out(s: CriteriaSet, with_criteria: bool = False) -> CriteriaSetOut:
    criteria = None
    if with_criteria:
        criteria = [
            CriterionOut(
                id=c.pk,
                group=c.group.code,
                code=c.code,
                text=c.text,
                guidance=c.guidance,
                kind=c.kind,
                min_points=c.min_points,
                max_points=c.max_points,
                evidence_required=c.evidence_required,
                sources=[src for src in ("self", "district", "official") if c.scorable_by(src)],
                system_rule=c.system_rule,
            )
            for c in Criterion.objects.filter(group__criteria_set=s).select_related("group")
        ]
    return CriteriaSetOut(
        id=s.pk,
        owner=s.owner_id,
        name=s.name,
        version=s.version,
        effective_from=month_key(s.effective_from),
        status=s.status,
        discrepancy_threshold=s.discrepancy_threshold,
        explanation_days=s.explanation_days,
        report_due_day=s.report_due_day,
        bands=s.bands,
        ineligible_without_meeting=s.ineligible_without_meeting,
        criteria=criteria,
    )


@router.get(
    "/criteria-sets", response={200: list[CriteriaSetOut], 422: ErrorOut}, summary="Criteria sets"
)
@answers_invalid
def list_sets(request: HttpRequest) -> list[CriteriaSetOut]:
    return [_set_out(s) for s in permissions.visible_criteria_sets(request.user)]


@router.get(
    "/criteria-sets/{set_id}",
    response={200: CriteriaSetOut, 422: ErrorOut},
    summary="A set with its criteria",
)
@answers_invalid
def get_set(request: HttpRequest, set_id: Id) -> CriteriaSetOut:
    criteria_set = get_object_or_404(permissions.visible_criteria_sets(request.user), pk=set_id)
    return _set_out(criteria_set, with_criteria=True)


# -- meetings ------------------------------------------------------------------


class MeetingIn(Schema):
    commune: Id
    month: str = Field(pattern=MONTH_PATTERN)
    held_on: date
    place: Text = Field(min_length=1, max_length=200)
    chair: Text = Field(min_length=1, max_length=200)
    topics: Text = Field(min_length=1)
    participants: int = Field(ge=0, le=1_000_000)
    officials: list[Id] | None = Field(
        None, description="Omitted: the published roster's officials for a new record."
    )
    issues_raised: Text = ""
    proposals: Text = ""
    minutes: Text = ""


class MeetingOut(Schema):
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


def _meeting_out(m: Meeting) -> MeetingOut:
    return MeetingOut(
        id=m.pk,
        commune=m.commune_id,
        month=month_key(m.month),
        held_on=m.held_on,
        place=m.place,
        chair=m.chair,
        topics=m.topics,
        participants=m.participants,
        officials=[link.user_id for link in m.official_links.all()],
        issues_raised=m.issues_raised,
        proposals=m.proposals,
    )


@router.get(
    "/meetings", response={200: list[MeetingOut], 422: ErrorOut}, summary="Conferences within reach"
)
@answers_invalid
def list_meetings(request: HttpRequest, month: str) -> list[MeetingOut]:
    the_month = _month(month)
    communes = permissions.visible_tuyenvan_communes(request.user, the_month).values("pk")
    found = Meeting.objects.filter(month=the_month, commune__in=communes)
    attended = Meeting.objects.filter(month=the_month, official_links__user=request.user)
    return [
        _meeting_out(m) for m in (found | attended).distinct().prefetch_related("official_links")
    ]


def _save_meeting(request: HttpRequest, payload: MeetingIn) -> Meeting:
    cm = _commune(request, payload.commune, _month(payload.month))
    if not request.user.has_perm("tuyenvan.change_meeting", cm):
        raise _deny()
    officials = None
    if payload.officials is not None:
        choices = actions.attending_choices(cm.commune, cm.month)
        officials = list(choices.filter(pk__in=payload.officials))
        if len(officials) != len(set(payload.officials)):
            raise Invalid({"officials": _("Not an attending official here.")})
    data = payload.dict(exclude={"commune", "month", "officials"})
    try:
        meeting = actions.do_save_meeting(
            cm.commune, cm.month, data, by=request.user, officials=officials
        )
    except DjangoValidationError as error:
        raise _field_errors(error) from None
    return Meeting.objects.prefetch_related("official_links").get(pk=meeting.pk)


@router.post("/meetings", response={201: MeetingOut, 422: ErrorOut}, summary="Record a conference")
@answers_invalid
def create_meeting(request: HttpRequest, payload: MeetingIn) -> Status:
    return Status(201, _meeting_out(_save_meeting(request, payload)))


@router.put(
    "/meetings/{meeting_id}",
    response={200: MeetingOut, 422: ErrorOut},
    summary="Update a conference",
)
@answers_invalid
def update_meeting(request: HttpRequest, meeting_id: Id, payload: MeetingIn) -> MeetingOut:
    meeting = get_object_or_404(Meeting, pk=meeting_id)
    if (payload.commune, payload.month) != (meeting.commune_id, month_key(meeting.month)):
        raise Invalid({"month": _("A conference keeps its commune and month.")})
    return _meeting_out(_save_meeting(request, payload))


# -- score sheets -----------------------------------------------------------------


class ScoreIn(Schema):
    criterion: Id
    points: Points
    reason: Text = ""
    evidence: Text = Field("", max_length=300)


class SheetIn(Schema):
    commune: Id
    month: str = Field(pattern=MONTH_PATTERN)
    source: str = Field(pattern=r"^(self|district|official)$")
    scores: list[ScoreIn]
    submit: bool = False
    change_reason: Text = ""


class SheetUpdate(Schema):
    scores: list[ScoreIn]
    submit: bool = False
    change_reason: Text = ""


class ScoreOut(Schema):
    criterion: int
    code: str
    points: Decimal
    reason: str
    evidence: str


class SheetOut(Schema):
    id: int
    commune: int
    month: str
    source: str
    official: int | None
    criteria_set: int
    state: str
    version: int
    submitted_at: datetime | None
    scores: list[ScoreOut]


def _sheet_out(sheet: ScoreSheet) -> SheetOut:
    return SheetOut(
        id=sheet.pk,
        commune=sheet.commune_id,
        month=month_key(sheet.month),
        source=sheet.source,
        official=sheet.official_id,
        criteria_set=sheet.criteria_set_id,
        state=sheet.state,
        version=sheet.version,
        submitted_at=sheet.submitted_at,
        scores=[
            ScoreOut(
                criterion=s.criterion_id,
                code=s.criterion.code,
                points=s.points,
                reason=s.reason,
                evidence=s.evidence,
            )
            for s in sheet.scores.all()
        ],
    )


def _scores() -> Prefetch:
    return Prefetch("scores", queryset=Score.objects.select_related("criterion"))


def _with_scores(sheet: ScoreSheet) -> ScoreSheet:
    return ScoreSheet.objects.prefetch_related(_scores()).get(pk=sheet.pk)


def _entries(scores: list[ScoreIn]) -> dict[int, actions.ScoreInput]:
    return {s.criterion: actions.ScoreInput(s.points, s.reason, s.evidence) for s in scores}


def _save_sheet(
    request: HttpRequest, sheet: ScoreSheet, scores: list[ScoreIn], submit: bool, reason: str
) -> ScoreSheet:
    if not request.user.has_perm("tuyenvan.change_sheet", sheet):
        raise _deny()
    try:
        return actions.do_save_sheet(
            sheet, _entries(scores), by=request.user, submit=submit, change_reason=reason
        )
    except DjangoValidationError as error:
        raise _field_errors(error) from None


@router.get(
    "/sheets", response={200: list[SheetOut], 422: ErrorOut}, summary="Score sheets within reach"
)
@answers_invalid
def list_sheets(request: HttpRequest, month: str, commune: Id | None = None) -> list[SheetOut]:
    found = permissions.visible_tuyenvan_sheets(
        request.user, ScoreSheet.objects.filter(month=_month(month))
    )
    if commune is not None:
        found = found.filter(commune_id=commune)
    return [_sheet_out(s) for s in found.prefetch_related(_scores())[:500]]


@router.get("/sheets/{sheet_id}", response={200: SheetOut, 422: ErrorOut}, summary="A score sheet")
@answers_invalid
def get_sheet(request: HttpRequest, sheet_id: Id) -> SheetOut:
    sheet = get_object_or_404(ScoreSheet, pk=sheet_id)
    if not request.user.has_perm("tuyenvan.view_sheet", sheet):
        raise HttpError(404, _("Not found."))
    return _sheet_out(_with_scores(sheet))


@router.post(
    "/sheets", response={201: SheetOut, 422: ErrorOut}, summary="Create (or fill) one's own sheet"
)
@answers_invalid
def create_sheet(request: HttpRequest, payload: SheetIn) -> Status:
    cm = _commune(request, payload.commune, _month(payload.month))
    official: User | None = request.user if payload.source == "official" else None
    sheet = actions.sheet_for(cm.commune, cm.month, payload.source, official)
    if sheet is None:
        raise HttpError(409, _("No criteria set is in force for this month."))
    sheet = _save_sheet(request, sheet, payload.scores, payload.submit, payload.change_reason)
    return Status(201, _sheet_out(_with_scores(sheet)))


@router.put(
    "/sheets/{sheet_id}", response={200: SheetOut, 422: ErrorOut}, summary="Update one's own sheet"
)
@answers_invalid
def update_sheet(request: HttpRequest, sheet_id: Id, payload: SheetUpdate) -> SheetOut:
    sheet = get_object_or_404(ScoreSheet, pk=sheet_id)
    if not request.user.has_perm("tuyenvan.view_sheet", sheet):
        raise HttpError(404, _("Not found."))
    sheet = _save_sheet(request, sheet, payload.scores, payload.submit, payload.change_reason)
    return _sheet_out(_with_scores(sheet))


@router.post(
    "/sheets/{sheet_id}/submit",
    response={200: SheetOut, 422: ErrorOut},
    summary="Submit one's own sheet",
)
@answers_invalid
def submit_sheet(request: HttpRequest, sheet_id: Id) -> SheetOut:
    sheet = get_object_or_404(ScoreSheet, pk=sheet_id)
    if not request.user.has_perm("tuyenvan.view_sheet", sheet):
        raise HttpError(404, _("Not found."))
    current = [
        ScoreIn(criterion=s.criterion_id, points=s.points, reason=s.reason, evidence=s.evidence)
        for s in sheet.scores.all()
    ]
    return _sheet_out(_with_scores(_save_sheet(request, sheet, current, True, "")))


# -- results and rankings -----------------------------------------------------------


class ResultOut(Schema):
    commune: int
    commune_name: str
    district: int
    month: str
    criteria_set: int
    total: Decimal | None
    band: str
    band_label: str
    eligible: bool
    self_total: Decimal | None
    district_total: Decimal | None
    official_total: Decimal | None
    system_total: Decimal
    sources_missing: list[str]
    open_flags: int
    deductions: int
    status: str


@router.get(
    "/results",
    response={200: list[ResultOut], 422: ErrorOut},
    summary="Each commune's result for a month",
)
@answers_invalid
def list_results(request: HttpRequest, month: str, district: Id | None = None) -> list[ResultOut]:
    the_month = _month(month)
    found = MonthlyResult.objects.filter(
        month=the_month,
        commune__in=permissions.visible_tuyenvan_communes(request.user, the_month).values("pk"),
    ).select_related("commune")
    if district is not None:
        found = found.filter(district_id=district)
    return [
        ResultOut(
            commune=r.commune_id,
            commune_name=r.commune.name,
            district=r.district_id,
            month=month_key(r.month),
            criteria_set=r.criteria_set_id,
            total=r.total,
            band=r.band,
            band_label=r.band_label,
            eligible=r.eligible,
            self_total=r.self_total,
            district_total=r.district_total,
            official_total=r.official_total,
            system_total=r.system_total,
            sources_missing=r.missing_sources,
            open_flags=r.open_flags,
            deductions=r.deductions,
            status=r.status,
        )
        for r in found.order_by("district_id", "commune__name")
    ]


class RankedOut(Schema):
    rank: int
    unit: int
    name: str
    score: Decimal
    band: str
    band_label: str
    deductions: int
    months: int


class RankingOut(Schema):
    period: str
    level: str
    within: int
    rule: str
    ranking: list[RankedOut]


@router.get(
    "/rankings",
    response={200: RankingOut, 422: ErrorOut},
    summary="Ordered ranking, ties by a stated rule",
)
@answers_invalid
def rankings(
    request: HttpRequest,
    period: str,
    level: str = "commune",
    within: Id | None = None,
) -> RankingOut:
    try:
        the_period = results.parse_period(period)
    except ValueError:
        raise Invalid({"period": _("Use YYYY-MM, YYYY-Qn or YYYY.")}) from None
    if level not in ("commune", "district"):
        raise Invalid({"level": _("Use 'commune' or 'district'.")})
    if within is None:
        ids = permissions.reach(request.user, *permissions.tuyenvan.TV_READ_ROLES)
        unit = (
            Unit.objects.filter(pk__in=ids, kind__in=[Unit.Kind.PROVINCE, Unit.Kind.DISTRICT])
            .exclude(kind=Unit.Kind.DISTRICT, parent_id__in=ids)
            .order_by("kind", "name")
            .first()
        )
        if unit is None:  # a commune reporter: its own district's communes
            own = permissions.tv_ranking_districts(request.user)
            unit = Unit.objects.filter(pk__in=own).order_by("name").first()
    else:
        unit = Unit.objects.filter(pk=within).first()
    if unit is None or not request.user.has_perm("tuyenvan.view_ranking", unit):
        raise HttpError(404, _("Not found."))
    if level != "commune" and not request.user.has_perm("tuyenvan.view_results", unit):
        raise HttpError(404, _("Not found."))
    ranked = (
        results.rank_districts(unit, the_period)
        if level == "district"
        else results.rank_communes(unit, the_period)
    )
    return RankingOut(
        period=the_period.key,
        level=level,
        within=unit.pk,
        rule=(results.__doc__ or "").strip(),
        ranking=[
            RankedOut(
                rank=r.rank,
                unit=r.unit_id,
                name=r.name,
                score=r.score,
                band=r.band,
                band_label=r.band_label,
                deductions=r.deductions,
                months=r.months,
            )
            for r in ranked
        ],
    )


# -- submissions -------------------------------------------------------------------


class SubmissionIn(Schema):
    commune: Id
    month: str = Field(pattern=MONTH_PATTERN)
    kind: str = Field(pattern=r"^(report|documents)$")
    title: Text = Field(min_length=1, max_length=300)
    body: Text = ""


class SubmissionOut(Schema):
    id: int
    sender: int
    recipient: int
    month: str
    kind: str
    title: str
    sent_at: datetime
    opened_at: datetime | None


def _submission_out(s: Submission) -> SubmissionOut:
    return SubmissionOut(
        id=s.pk,
        sender=s.sender_id,
        recipient=s.recipient_id,
        month=month_key(s.month),
        kind=s.kind,
        title=s.title,
        sent_at=s.sent_at,
        opened_at=s.opened_at,
    )


@router.get(
    "/submissions",
    response={200: list[SubmissionOut], 422: ErrorOut},
    summary="Submissions sent or received",
)
@answers_invalid
def list_submissions(request: HttpRequest, month: str) -> list[SubmissionOut]:
    the_month = _month(month)
    found = permissions.visible_tuyenvan_submissions(
        request.user, Submission.objects.filter(month=the_month)
    )
    return [_submission_out(s) for s in found.order_by("-sent_at")[:2000]]


@router.post(
    "/submissions",
    response={201: SubmissionOut, 422: ErrorOut},
    summary="Send a report or documents",
)
@answers_invalid
def create_submission(request: HttpRequest, payload: SubmissionIn) -> Status:
    cm = _commune(request, payload.commune, _month(payload.month))
    if not request.user.has_perm("tuyenvan.send_submission", cm):
        raise _deny()
    recipient = cm.commune.parent if payload.kind == "report" else actions.btg_of(cm.commune)
    if recipient is None:
        raise HttpError(409, _("No recipient found for this kind of submission."))
    submission = actions.do_send_submission(
        cm.commune,
        recipient,
        cm.month,
        payload.kind,
        title=payload.title,
        body=payload.body,
        by=request.user,
    )
    return Status(201, _submission_out(submission))


# -- appeals, flags, approvals -------------------------------------------------------


def _remap(error: DjangoValidationError, code: str, to: str) -> Invalid:
    """Errors keyed by a criterion's code (from the sheet's checks) belong to ``to``."""
    invalid = _field_errors(error)
    if code in invalid.fields:
        invalid.fields[to] = invalid.fields.pop(code)
    return invalid


def _criterion_in_force(cm: CommuneMonth, criterion_id: int) -> Criterion:
    criteria_set = scoring.set_in_force(cm.commune, cm.month)
    found = Criterion.objects.filter(pk=criterion_id, group__criteria_set=criteria_set).first()
    if found is None:
        raise Invalid({"criterion": _("This criterion is not in the set in force.")})
    return found


class AppealIn(Schema):
    commune: Id
    month: str = Field(pattern=MONTH_PATTERN)
    criterion: Id
    text: Text = Field(min_length=1)


class AnswerIn(Schema):
    answer: Text = Field(min_length=1)
    points: Points | None = None


class AppealOut(Schema):
    id: int
    commune: int
    month: str
    criterion: int
    code: str
    text: str
    created_by: int
    created_at: datetime
    answer: str
    outcome: str
    answered_by: int | None
    answered_at: datetime | None


def _appeal_out(a: Appeal) -> AppealOut:
    return AppealOut(
        id=a.pk,
        commune=a.commune_id,
        month=month_key(a.month),
        criterion=a.criterion_id,
        code=a.criterion.code,
        text=a.text,
        created_by=a.created_by_id,
        created_at=a.created_at,
        answer=a.answer,
        outcome=a.outcome,
        answered_by=a.answered_by_id,
        answered_at=a.answered_at,
    )


@router.get(
    "/appeals", response={200: list[AppealOut], 422: ErrorOut}, summary="Appeals within reach"
)
@answers_invalid
def list_appeals(request: HttpRequest, month: str, commune: Id | None = None) -> list[AppealOut]:
    the_month = _month(month)
    found = Appeal.objects.filter(
        month=the_month,
        commune__in=permissions.visible_tuyenvan_communes(request.user, the_month).values("pk"),
    ).select_related("criterion")
    if commune is not None:
        found = found.filter(commune_id=commune)
    return [_appeal_out(a) for a in found.order_by("created_at", "pk")[:2000]]


@router.post(
    "/appeals",
    response={201: AppealOut, 422: ErrorOut},
    summary="File an explanation (giải trình) within the window",
)
@answers_invalid
def file_appeal(request: HttpRequest, payload: AppealIn) -> Status:
    cm = _commune(request, payload.commune, _month(payload.month))
    if not request.user.has_perm("tuyenvan.appeal", cm):
        raise _deny()
    criterion = _criterion_in_force(cm, payload.criterion)
    try:
        appeal = actions.do_file_appeal(
            cm.commune, cm.month, criterion, text=payload.text, by=request.user
        )
    except DjangoValidationError as error:
        raise _field_errors(error) from None
    return Status(201, _appeal_out(appeal))


@router.post(
    "/appeals/{appeal_id}/answer",
    response={200: AppealOut, 422: ErrorOut},
    summary="The district answers an appeal with a reason (and new points, if changed)",
)
@answers_invalid
def answer_appeal(request: HttpRequest, appeal_id: Id, payload: AnswerIn) -> AppealOut:
    appeal = get_object_or_404(Appeal.objects.select_related("commune", "criterion"), pk=appeal_id)
    cm = CommuneMonth(appeal.commune, appeal.month)
    if not request.user.has_perm("tuyenvan.view_month", cm):
        raise HttpError(404, _("Not found."))
    if not request.user.has_perm("tuyenvan.answer_appeal", cm):
        raise _deny()
    try:
        actions.do_answer_appeal(
            appeal, answer=payload.answer, points=payload.points, by=request.user
        )
    except DjangoValidationError as error:
        raise _remap(error, appeal.criterion.code, "points") from None
    return _appeal_out(appeal)


class ResolveIn(Schema):
    commune: Id
    month: str = Field(pattern=MONTH_PATTERN)
    criterion: Id
    points: Points | None = None
    reason: Text = Field(min_length=1)


class ResolutionOut(Schema):
    commune: int
    month: str
    criterion: int
    code: str
    points: Decimal
    reason: str
    resolved_by: int
    resolved_at: datetime
    corrected: bool


@router.post(
    "/flags/resolve",
    response={200: ResolutionOut, 422: ErrorOut},
    summary="Confirm (no points) or correct (new points) a flagged discrepancy, with a reason",
)
@answers_invalid
def resolve_flag(request: HttpRequest, payload: ResolveIn) -> ResolutionOut:
    cm = _commune(request, payload.commune, _month(payload.month))
    if not request.user.has_perm("tuyenvan.resolve_flag", cm):
        raise _deny()
    criterion = _criterion_in_force(cm, payload.criterion)
    before = Score.objects.filter(
        sheet__commune=cm.commune,
        sheet__month=cm.month,
        sheet__source=ScoreSheet.Source.DISTRICT,
        criterion=criterion,
    ).values_list("points", flat=True)
    old = before.first()
    try:
        resolution = actions.do_resolve_flag(
            cm.commune,
            cm.month,
            criterion,
            points=payload.points,
            reason=payload.reason,
            by=request.user,
        )
    except DjangoValidationError as error:
        raise _remap(error, criterion.code, "points") from None
    return _resolution_out(resolution, criterion, corrected=old != resolution.points)


def _resolution_out(r: Resolution, criterion: Criterion, *, corrected: bool) -> ResolutionOut:
    return ResolutionOut(
        commune=r.commune_id,
        month=month_key(r.month),
        criterion=r.criterion_id,
        code=criterion.code,
        points=r.points,
        reason=r.reason,
        resolved_by=r.resolved_by_id,
        resolved_at=r.resolved_at,
        corrected=corrected,
    )


class MonthIn(Schema):
    commune: Id
    month: str = Field(pattern=MONTH_PATTERN)
    reason: Text = ""


class DistrictMonthIn(Schema):
    district: Id
    month: str = Field(pattern=MONTH_PATTERN)


class EventOut(Schema):
    action: str
    by: int
    at: datetime
    reason: str


class MonthStatusOut(Schema):
    commune: int
    month: str
    status: str
    total: Decimal | None
    events: list[EventOut]


def _status_out(result: MonthlyResult) -> MonthStatusOut:
    return MonthStatusOut(
        commune=result.commune_id,
        month=month_key(result.month),
        status=result.status,
        total=result.total,
        events=[
            EventOut(action=e.action, by=e.by_id, at=e.at, reason=e.reason)
            for e in result.events.all()
        ],
    )


MONTH_MOVES = {
    "approve": "tuyenvan.approve_month",
    "return": "tuyenvan.approve_month",
    "close": "tuyenvan.close_month",
    "reopen": "tuyenvan.reopen_month",
}


@router.post(
    "/months/{action}",
    response={200: MonthStatusOut, 422: ErrorOut},
    summary="approve | return (reason) | close | reopen (reason) a commune's month",
)
@answers_invalid
def month_move(request: HttpRequest, action: str, payload: MonthIn) -> MonthStatusOut:
    perm = MONTH_MOVES.get(action)
    if perm is None:
        raise HttpError(404, _("Not found."))
    cm = _commune(request, payload.commune, _month(payload.month))
    if not request.user.has_perm(perm, cm):
        raise _deny()
    by: Any = request.user
    try:
        if action == "approve":
            result = actions.do_approve_month(cm.commune, cm.month, by=by)
        elif action == "return":
            result = actions.do_return_month(cm.commune, cm.month, reason=payload.reason, by=by)
        elif action == "close":
            actions.do_close_month([cm.commune], cm.month, by=by)
            result = MonthlyResult.objects.get(commune=cm.commune, month=cm.month)
        else:
            result = actions.do_reopen_month(cm.commune, cm.month, reason=payload.reason, by=by)
    except DjangoValidationError as error:
        raise _field_errors(error) from None
    return _status_out(result)


@router.post(
    "/districts/{action}",
    response={200: list[MonthStatusOut], 422: ErrorOut},
    summary="BTG accepts a district's month | close every commune of a district",
)
@answers_invalid
def district_move(
    request: HttpRequest, action: str, payload: DistrictMonthIn
) -> list[MonthStatusOut]:
    perm = {"accept": "tuyenvan.accept_district", "close": "tuyenvan.close_month"}.get(action)
    if perm is None:
        raise HttpError(404, _("Not found."))
    district = Unit.objects.filter(pk=payload.district, kind=Unit.Kind.DISTRICT).first()
    if district is None or not request.user.has_perm("tuyenvan.view_results", district):
        raise HttpError(404, _("Not found."))
    if not request.user.has_perm(perm, district):
        raise _deny()
    month = _month(payload.month)
    by: Any = request.user
    try:
        if action == "accept":
            actions.do_accept_district(district, month, by=by)
        else:
            communes = list(district.children.filter(kind=Unit.Kind.COMMUNE))
            actions.do_close_month(communes, month, by=by)
    except DjangoValidationError as error:
        raise _field_errors(error) from None
    found = MonthlyResult.objects.filter(district=district, month=month).order_by("commune__name")
    return [_status_out(r) for r in found]


# -- conference files -----------------------------------------------------------------


class MeetingFileOut(Schema):
    id: int
    meeting: int
    kind: str
    name: str
    content_type: str
    size: int
    uploaded_by: int
    uploaded_at: datetime
    url: str


def _file_out(f: MeetingFile) -> MeetingFileOut:
    return MeetingFileOut(
        id=f.pk,
        meeting=f.meeting_id,
        kind=f.kind,
        name=f.name,
        content_type=f.content_type,
        size=f.size,
        uploaded_by=f.uploaded_by_id,
        uploaded_at=f.uploaded_at,
        url=reverse("tuyenvan:meeting-file", args=[f.pk]),
    )


def _meeting_month(request: HttpRequest, meeting_id: int) -> tuple[Meeting, CommuneMonth]:
    meeting = get_object_or_404(Meeting.objects.select_related("commune"), pk=meeting_id)
    cm = CommuneMonth(meeting.commune, meeting.month)
    if not request.user.has_perm("tuyenvan.view_meeting_files", cm):
        raise HttpError(404, _("Not found."))
    return meeting, cm


@router.get(
    "/meetings/{meeting_id}/files",
    response={200: list[MeetingFileOut], 422: ErrorOut},
    summary="A conference's files (download at ``url``)",
)
@answers_invalid
def list_meeting_files(request: HttpRequest, meeting_id: Id) -> list[MeetingFileOut]:
    meeting, _cm = _meeting_month(request, meeting_id)
    return [_file_out(f) for f in meeting.files.all()]


@router.post(
    "/meetings/{meeting_id}/files",
    response={201: MeetingFileOut, 422: ErrorOut},
    summary="Attach a file (multipart: kind, file): PDF, DOCX, XLSX, PNG or JPEG",
)
@answers_invalid
def add_meeting_file(
    request: HttpRequest,
    meeting_id: Id,
    kind: Form[str],
    file: NinjaFile[UploadedFile],
) -> Status:
    meeting, cm = _meeting_month(request, meeting_id)
    if not request.user.has_perm("tuyenvan.change_meeting_files", cm):
        raise _deny()
    try:
        attached = actions.do_add_meeting_file(meeting, file, kind, by=request.user)
    except DjangoValidationError as error:
        raise _field_errors(error) from None
    return Status(201, _file_out(attached))


__all__ = ["router", "scoring"]

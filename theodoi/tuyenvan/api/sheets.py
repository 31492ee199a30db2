"""Score sheets: one per source (the commune, the district, each attending official)."""

from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from django.contrib.auth.models import User
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from theodoi import permissions
from theodoi.core.apikit import (
    ERRORS,
    LIST_ERRORS,
    WRITE_ERRORS,
    Id,
    Month,
    Pagination,
    Points,
    Reason,
    Text,
    paginate,
)
from theodoi.permissions import tuyenvan as access

from .. import actions
from ..models import Score, ScoreSheet, month_key

router = Router(tags=["tuyenvan"])
MAX_LINES = 300


class TvScoreIn(Schema):
    criterion: Id
    points: Points
    reason: Text = ""
    evidence: Text = Field("", max_length=300)


class TvSheetIn(Schema):
    commune: Id
    month: Month
    source: Literal["self", "district", "official"]
    scores: list[TvScoreIn] = Field(max_length=MAX_LINES)
    submit: bool = False
    change_reason: Reason = ""


class TvSheetUpdate(Schema):
    scores: list[TvScoreIn] = Field(max_length=MAX_LINES)
    submit: bool = False
    change_reason: Reason = ""


class TvScoreOut(Schema):
    criterion: int
    code: str
    points: Decimal
    reason: str
    evidence: str

    @staticmethod
    def resolve_criterion(obj: Score) -> int:
        return obj.criterion_id

    @staticmethod
    def resolve_code(obj: Score) -> str:
        return obj.criterion.code


class TvSheetOut(Schema):
    id: int
    commune: int
    month: str
    source: str
    official: int | None
    criteria_set: int
    state: str
    version: int
    submitted_at: datetime | None
    scores: list[TvScoreOut]

    @staticmethod
    def resolve_commune(obj: ScoreSheet) -> int:
        return obj.commune_id

    @staticmethod
    def resolve_month(obj: ScoreSheet) -> str:
        return month_key(obj.month)

    @staticmethod
    def resolve_official(obj: ScoreSheet) -> int | None:
        return obj.official_id

    @staticmethod
    def resolve_criteria_set(obj: ScoreSheet) -> int:
        return obj.criteria_set_id

    @staticmethod
    def resolve_scores(obj: ScoreSheet) -> list[Score]:
        return list(obj.scores.all())


def _with_scores(queryset: QuerySet[ScoreSheet]) -> QuerySet[ScoreSheet]:
    return queryset.prefetch_related(
        Prefetch("scores", queryset=Score.objects.select_related("criterion"))
    )


def _reloaded(sheet: ScoreSheet) -> ScoreSheet:
    return _with_scores(ScoreSheet.objects.filter(pk=sheet.pk)).get()


def _entries(scores: list[TvScoreIn]) -> dict[int, actions.ScoreInput]:
    return {s.criterion: actions.ScoreInput(s.points, s.reason, s.evidence) for s in scores}


def _save(
    request: HttpRequest, sheet: ScoreSheet, entries: dict[int, Any], submit: bool, reason: str
) -> ScoreSheet:
    return actions.do_save_sheet(
        sheet, entries, by=request.user, submit=submit, change_reason=reason
    )


@router.get(
    "/sheets",
    response={200: list[TvSheetOut], **LIST_ERRORS},
    summary="Score sheets within reach",
)
@paginate(Pagination)
def list_sheets(request: HttpRequest, month: Month, commune: Id | None = None) -> Any:
    found = access.visible_tuyenvan_sheets(request.user, ScoreSheet.objects.filter(month=month))
    if commune is not None:
        found = found.filter(commune_id=commune)
    return _with_scores(found).order_by("commune_id", "source", "official_id", "pk")


@router.get("/sheets/{sheet_id}", response={200: TvSheetOut, **ERRORS}, summary="A score sheet")
def get_sheet(request: HttpRequest, sheet_id: Id) -> Any:
    return _reloaded(access.access_sheet(request.user, sheet_id))


@router.post(
    "/sheets",
    response={201: TvSheetOut, **WRITE_ERRORS},
    summary="Create (or fill) one's own sheet",
)
def create_sheet(request: HttpRequest, payload: TvSheetIn) -> Any:
    cm = access.access_commune_month(request.user, payload.commune, payload.month)
    official: User | None = request.user if payload.source == "official" else None
    sheet = actions.sheet_for(cm.commune, cm.month, payload.source, official)
    if sheet is None:
        raise HttpError(409, _("No criteria set is in force for this month."))
    permissions.require(request.user, "tuyenvan.change_sheet", sheet)
    sheet = _save(request, sheet, _entries(payload.scores), payload.submit, payload.change_reason)
    return Status(201, _reloaded(sheet))


@router.put(
    "/sheets/{sheet_id}",
    response={200: TvSheetOut, **WRITE_ERRORS},
    summary="Update one's own sheet",
)
def update_sheet(request: HttpRequest, sheet_id: Id, payload: TvSheetUpdate) -> Any:
    sheet = access.access_sheet(request.user, sheet_id, "change_sheet")
    sheet = _save(request, sheet, _entries(payload.scores), payload.submit, payload.change_reason)
    return _reloaded(sheet)


@router.post(
    "/sheets/{sheet_id}/submit",
    response={200: TvSheetOut, **WRITE_ERRORS},
    summary="Submit one's own sheet",
)
def submit_sheet(request: HttpRequest, sheet_id: Id) -> Any:
    sheet = access.access_sheet(request.user, sheet_id, "change_sheet")
    current = {
        s.criterion_id: actions.ScoreInput(s.points, s.reason, s.evidence)
        for s in sheet.scores.all()
    }
    return _reloaded(_save(request, sheet, current, True, ""))

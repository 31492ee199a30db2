"""Appeals (giải trình) and flagged discrepancies of a commune's month."""

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest
from django.urls import reverse
from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from theodoi.core.apikit import (
    ERRORS,
    LIST_ERRORS,
    WRITE_ERRORS,
    Id,
    Month,
    Pagination,
    Points,
    Text,
    paginate,
)
from theodoi.permissions import tuyenvan as access

from .. import actions, evidence
from ..models import Appeal, Criterion, Resolution, Score, ScoreSheet, month_key

router = Router(tags=["tuyenvan"])


def _remap(error: ValidationError, code: str, to: str) -> ValidationError:
    """Errors keyed by a criterion's code (from the sheet's checks) belong to ``to``."""
    if not hasattr(error, "error_dict"):
        return error
    fields = dict(error.message_dict)
    if code in fields:
        fields[to] = fields.pop(code)
    return ValidationError(fields)


class TvAppealIn(Schema):
    commune: Id
    month: Month
    criterion: Id
    text: Text = Field(min_length=1)


class TvAnswerIn(Schema):
    answer: Text = Field(min_length=1)
    points: Points | None = None


class TvAppealFileOut(Schema):
    """An appeal's attachment: its name as sent, its type (from its content),
    its size (None when the stored file is missing) and where to download it."""

    name: str
    content_type: str
    size: int | None
    url: str


def _attachment(appeal: Appeal) -> TvAppealFileOut | None:
    if not appeal.file:
        return None
    try:
        size: int | None = appeal.file.size
    except OSError:
        size = None
    return TvAppealFileOut(
        name=appeal.file_name,
        content_type=evidence.CONTENT_TYPES.get(appeal.file_type, "application/octet-stream"),
        size=size,
        url=reverse("api:tuyenvan_appeal_file", args=[appeal.pk]),
    )


class TvAppealOut(Schema):
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
    file: TvAppealFileOut | None

    @staticmethod
    def resolve_file(obj: Appeal) -> TvAppealFileOut | None:
        return _attachment(obj)

    @staticmethod
    def resolve_commune(obj: Appeal) -> int:
        return obj.commune_id

    @staticmethod
    def resolve_month(obj: Appeal) -> str:
        return month_key(obj.month)

    @staticmethod
    def resolve_criterion(obj: Appeal) -> int:
        return obj.criterion_id

    @staticmethod
    def resolve_code(obj: Appeal) -> str:
        return obj.criterion.code

    @staticmethod
    def resolve_created_by(obj: Appeal) -> int:
        return obj.created_by_id

    @staticmethod
    def resolve_answered_by(obj: Appeal) -> int | None:
        return obj.answered_by_id


@router.get(
    "/appeals",
    response={200: list[TvAppealOut], **LIST_ERRORS},
    summary="Appeals within reach",
)
@paginate(Pagination)
def list_appeals(request: HttpRequest, month: Month, commune: Id | None = None) -> Any:
    found = access.visible_tuyenvan_appeals(
        request.user, Appeal.objects.filter(month=month)
    ).select_related("criterion")
    if commune is not None:
        found = found.filter(commune_id=commune)
    return found.order_by("created_at", "pk")


@router.post(
    "/appeals",
    response={201: TvAppealOut, **WRITE_ERRORS},
    summary="File an explanation (giải trình) within the window",
)
def file_appeal(request: HttpRequest, payload: TvAppealIn) -> Any:
    cm = access.access_commune_month(request.user, payload.commune, payload.month, "appeal")
    criterion = actions.criterion_in_force(cm.commune, cm.month, payload.criterion)
    appeal = actions.do_file_appeal(
        cm.commune, cm.month, criterion, text=payload.text, by=request.user
    )
    return Status(201, appeal)


@router.post(
    "/appeals/with-file",
    response={201: TvAppealOut, **WRITE_ERRORS},
    summary="File an explanation with an attachment (multipart: commune, month, criterion, "
    "text, file): PDF, DOCX, XLSX, PNG or JPEG, within the size limit",
)
def file_appeal_with_file(
    request: HttpRequest, payload: Form[TvAppealIn], file: File[UploadedFile]
) -> Any:
    cm = access.access_commune_month(request.user, payload.commune, payload.month, "appeal")
    criterion = actions.criterion_in_force(cm.commune, cm.month, payload.criterion)
    appeal = actions.do_file_appeal(
        cm.commune, cm.month, criterion, text=payload.text, by=request.user, upload=file
    )
    return Status(201, appeal)


@router.get(
    "/appeals/{appeal_id}",
    response={200: TvAppealOut, **ERRORS},
    summary="One appeal (its attachment, if any, is downloaded at ``file.url``)",
)
def get_appeal(request: HttpRequest, appeal_id: Id) -> Any:
    return access.access_appeal(request.user, appeal_id)


@router.get(
    "/appeals/{appeal_id}/file",
    response={200: None, **ERRORS},
    url_name="tuyenvan_appeal_file",
    summary="Download an appeal's attachment (404 when it has none)",
)
def appeal_file(request: HttpRequest, appeal_id: Id) -> Any:
    appeal = access.access_appeal(request.user, appeal_id)
    if not appeal.file:
        raise Http404
    kind = appeal.file_type
    try:
        handle = appeal.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(
        handle,
        content_type=evidence.CONTENT_TYPES.get(kind, "application/octet-stream"),
        as_attachment=True,
        filename=evidence.download_name(appeal.file_name, kind),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


@router.post(
    "/appeals/{appeal_id}/answer",
    response={200: TvAppealOut, **WRITE_ERRORS},
    summary="The district answers an appeal with a reason (and new points, if changed)",
)
def answer_appeal(request: HttpRequest, appeal_id: Id, payload: TvAnswerIn) -> Any:
    appeal = access.access_appeal(request.user, appeal_id, "answer_appeal")
    try:
        return actions.do_answer_appeal(
            appeal, answer=payload.answer, points=payload.points, by=request.user
        )
    except ValidationError as error:
        raise _remap(error, appeal.criterion.code, "points") from None


class TvResolveIn(Schema):
    commune: Id
    month: Month
    criterion: Id
    points: Points | None = None
    reason: Text = Field(min_length=1)


class TvResolutionOut(Schema):
    commune: int
    month: str
    criterion: int
    code: str
    points: Decimal
    reason: str
    resolved_by: int
    resolved_at: datetime
    corrected: bool


def _resolution_out(r: Resolution, criterion: Criterion, *, corrected: bool) -> TvResolutionOut:
    return TvResolutionOut(
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


@router.post(
    "/flags/resolve",
    response={200: TvResolutionOut, **WRITE_ERRORS},
    summary="Confirm (no points) or correct (new points) a flagged discrepancy, with a reason",
)
def resolve_flag(request: HttpRequest, payload: TvResolveIn) -> Any:
    cm = access.access_commune_month(request.user, payload.commune, payload.month, "resolve_flag")
    criterion = actions.criterion_in_force(cm.commune, cm.month, payload.criterion)
    old = (
        Score.objects.filter(
            sheet__commune=cm.commune,
            sheet__month=cm.month,
            sheet__source=ScoreSheet.Source.DISTRICT,
            criterion=criterion,
        )
        .values_list("points", flat=True)
        .first()
    )
    try:
        resolution = actions.do_resolve_flag(
            cm.commune,
            cm.month,
            criterion,
            points=payload.points,
            reason=payload.reason,
            by=request.user,
        )
    except ValidationError as error:
        raise _remap(error, criterion.code, "points") from None
    return _resolution_out(resolution, criterion, corrected=old != resolution.points)

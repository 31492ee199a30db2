"""Documents intake: what a commune sends to its district and to BTG."""

from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from theodoi.core.apikit import (
    ERRORS,
    LIST_ERRORS,
    WRITE_ERRORS,
    Id,
    Month,
    Pagination,
    Text,
    paginate,
)
from theodoi.permissions import tuyenvan as access

from .. import actions
from ..models import Submission, month_key

router = Router(tags=["tuyenvan"])


class TvSubmissionIn(Schema):
    commune: Id
    month: Month
    kind: Literal["report", "documents"]
    title: Text = Field(min_length=1, max_length=300)
    body: Text = ""


class TvSubmissionOut(Schema):
    id: int
    sender: int
    recipient: int
    month: str
    kind: str
    title: str
    sent_at: datetime
    opened_at: datetime | None

    @staticmethod
    def resolve_sender(obj: Submission) -> int:
        return obj.sender_id

    @staticmethod
    def resolve_recipient(obj: Submission) -> int:
        return obj.recipient_id

    @staticmethod
    def resolve_month(obj: Submission) -> str:
        return month_key(obj.month)


class TvSubmissionDetail(TvSubmissionOut):
    body: str
    opened_by: int | None

    @staticmethod
    def resolve_opened_by(obj: Submission) -> int | None:
        return obj.opened_by_id


@router.get(
    "/submissions",
    response={200: list[TvSubmissionOut], **LIST_ERRORS},
    summary="Submissions sent or received",
)
@paginate(Pagination)
def list_submissions(request: HttpRequest, month: Month) -> Any:
    found = access.visible_tuyenvan_submissions(
        request.user, Submission.objects.filter(month=month)
    )
    return found.order_by("-sent_at", "-pk")


@router.get(
    "/submissions/{submission_id}",
    response={200: TvSubmissionDetail, **ERRORS},
    summary="A submission; opening it marks it opened when the recipient's side opens it",
)
def get_submission(request: HttpRequest, submission_id: Id) -> Any:
    submission = access.access_submission(request.user, submission_id)
    if request.user.has_perm("tuyenvan.open_submission", submission):
        submission = actions.do_open_submission(submission, by=request.user)
    return submission


@router.post(
    "/submissions",
    response={201: TvSubmissionOut, **WRITE_ERRORS},
    summary="Send a report (to the district) or documents (to BTG)",
)
def create_submission(request: HttpRequest, payload: TvSubmissionIn) -> Any:
    cm = access.access_commune_month(
        request.user, payload.commune, payload.month, "send_submission"
    )
    submission = actions.do_send_commune_submission(
        cm.commune, cm.month, payload.kind, title=payload.title, body=payload.body, by=request.user
    )
    return Status(201, submission)

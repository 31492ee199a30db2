"""A conference's evidence files (minutes, photos, attendance list)."""

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from theodoi.core.apikit import ERRORS, WRITE_ERRORS, Id, Pagination, paginate
from theodoi.permissions import tuyenvan as access

from .. import actions
from ..models import MeetingFile

router = Router(tags=["tuyenvan"])


class TvMeetingFileOut(Schema):
    id: int
    meeting: int
    kind: str
    name: str
    content_type: str
    size: int
    uploaded_by: int
    uploaded_at: datetime
    url: str

    @staticmethod
    def resolve_meeting(obj: MeetingFile) -> int:
        return obj.meeting_id

    @staticmethod
    def resolve_uploaded_by(obj: MeetingFile) -> int:
        return obj.uploaded_by_id

    @staticmethod
    def resolve_url(obj: MeetingFile) -> str:
        return reverse("tuyenvan:meeting-file", args=[obj.pk])


@router.get(
    "/meetings/{meeting_id}/files",
    response={200: list[TvMeetingFileOut], **ERRORS},
    summary="A conference's files (download at ``url``)",
)
@paginate(Pagination)
def list_meeting_files(request: HttpRequest, meeting_id: Id) -> Any:
    meeting = access.access_meeting(request.user, meeting_id)
    return meeting.files.order_by("uploaded_at", "pk")


@router.post(
    "/meetings/{meeting_id}/files",
    response={201: TvMeetingFileOut, **WRITE_ERRORS},
    summary="Attach a file (multipart: kind, file): PDF, DOCX, XLSX, PNG or JPEG",
)
def add_meeting_file(
    request: HttpRequest,
    meeting_id: Id,
    kind: Form[str],
    file: File[UploadedFile],
) -> Any:
    meeting = access.access_meeting(request.user, meeting_id, "change_meeting_files")
    return Status(201, actions.do_add_meeting_file(meeting, file, kind, by=request.user))

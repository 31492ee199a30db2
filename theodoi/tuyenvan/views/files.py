"""Evidence files: a conference's files and a score line's files."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from theodoi.permissions import tuyenvan as access

from .. import actions, evidence
from ..models import CommuneMonth, Meeting, MeetingFile, ScoreFile
from .common import month_url


def _serve(attached: MeetingFile | ScoreFile) -> FileResponse:
    kind = attached.content_type
    try:
        handle = attached.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(
        handle,
        content_type=evidence.CONTENT_TYPES.get(kind, "application/octet-stream"),
        as_attachment=kind not in ("pdf", "png", "jpg"),
        filename=evidence.download_name(attached.name, kind),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def meeting_file_add(request: HttpRequest, commune_id: int, month: str) -> HttpResponse:
    """The conference's files page: the list, and the upload form for the commune."""
    cm = access.access_commune_month(request.user, commune_id, month, "change_meeting_files")
    meeting = Meeting.objects.filter(commune=cm.commune, month=cm.month).first()
    if meeting is None:
        messages.error(request, _("Record the conference first."))
        return redirect(month_url(cm))
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        try:
            actions.do_add_meeting_files(
                meeting,
                request.FILES.getlist("file"),
                request.POST.get("kind", ""),
                by=request.user,
            )
        except ValidationError as error:
            errors = error.message_dict
        else:
            messages.success(request, _("The files are attached."))
            return redirect(month_url(cm) + "#files")
    return render(
        request,
        "tuyenvan/meeting_files.html",
        {"cm": cm, "meeting": meeting, "errors": errors, "can_files": True,
         "kinds": MeetingFile.Kind.choices, "kind": request.POST.get("kind", "")},
        status=400 if errors else 200,
    )  # fmt: skip


@login_required
def meeting_file(request: HttpRequest, pk: int) -> FileResponse:
    return _serve(access.access_meeting_file(request.user, pk))


@login_required
@require_POST
def meeting_file_remove(request: HttpRequest, pk: int) -> HttpResponse:
    attached = access.access_meeting_file(request.user, pk, "change_meeting_files")
    cm = CommuneMonth(attached.meeting.commune, attached.meeting.month)
    actions.do_remove_meeting_file(attached, by=request.user)
    messages.success(request, _("The file is removed."))
    return redirect(month_url(cm) + "#files")


@login_required
def score_file(request: HttpRequest, pk: int) -> FileResponse:
    return _serve(access.access_score_file(request.user, pk))

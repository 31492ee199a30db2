"""Documents intake: what a commune (or a district) sends, and the recipients' inbox."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from theodoi.permissions import tuyenvan as access

from .. import actions, documents
from ..forms import SubmissionForm
from ..models import Submission
from .common import month_url, show_errors

INBOX_ROWS = 200


@login_required
@require_POST
def send_submission(request: HttpRequest, commune_id: int, month: str) -> HttpResponse:
    cm = access.access_commune_month(request.user, commune_id, month, "send_submission")
    form = SubmissionForm(request.POST, request.FILES)
    if not form.is_valid():
        for field, errors in form.errors.items():
            for error in errors:
                messages.error(request, f"{form.fields[field].label}: {error}")
        return redirect(month_url(cm))
    try:
        actions.do_send_commune_submission(
            cm.commune,
            cm.month,
            form.cleaned_data["kind"],
            title=form.cleaned_data["title"],
            body=form.cleaned_data["body"],
            file=form.cleaned_data["file"],
            by=request.user,
        )
    except ValidationError as error:
        show_errors(request, error)
    else:
        messages.success(request, _("Sent."))
    return redirect(month_url(cm))


@login_required
def submission_detail(request: HttpRequest, pk: int) -> HttpResponse:
    submission = access.access_submission(request.user, pk)
    if request.user.has_perm("tuyenvan.open_submission", submission):
        submission = actions.do_open_submission(submission, by=request.user)
    return render(request, "tuyenvan/submission.html", {"submission": submission})


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    """Submissions received by the user's side: the latest, newest first."""
    received = access.visible_tuyenvan_inbox(request.user)
    # begin home: the home's "to open" line leads here
    unopened = request.GET.get("unopened") == "1"
    if unopened:
        received = received.filter(opened_at__isnull=True)
    # end home
    received = received.select_related("sender", "recipient").order_by("-sent_at", "-pk")[
        :INBOX_ROWS
    ]
    return render(request, "tuyenvan/inbox.html", {"received": received, "unopened": unopened})


@login_required
def district_section(request: HttpRequest, district_id: int, month: str) -> HttpResponse:
    """The tuyên vận section of the district's report: read, downloaded, sent to BTG."""
    action = "send_district_section" if request.method == "POST" else "view"
    district = access.access_district(request.user, district_id, action)
    the_month = access.parse_month_key(month)
    section = documents.district_section(district, the_month)
    if request.GET.get("format") == "docx":
        response = HttpResponse(
            documents.district_section_docx(section),
            content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        )
        response["Content-Disposition"] = (
            f'attachment; filename="tuyen-van-{district.pk}-{month}.docx"'
        )
        return response
    if request.method == "POST":
        try:
            # begin budgets: sending issues the section: its number from the register
            documents.section_number(district, the_month, issue=True, by=request.user)
            # end budgets
            actions.do_send_district_section(district, the_month, section, by=request.user)
        except ValidationError as error:
            show_errors(request, error)
        else:
            messages.success(request, _("Sent."))
        return redirect(request.path)
    sent = access.visible_tuyenvan_submissions(
        request.user,
        Submission.objects.filter(
            sender=district, month=the_month, kind=Submission.Kind.DISTRICT_SECTION
        ),
    ).order_by("-sent_at")
    can_send = request.user.has_perm("tuyenvan.send_district_section", district)
    return render(
        request,
        "tuyenvan/district_section.html",
        {"district": district, "month": the_month, "section": section, "can_send": can_send,
         "sent": sent},
    )  # fmt: skip

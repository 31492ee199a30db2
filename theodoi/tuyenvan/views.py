"""Pages of the tuyên vận app: access → validate → change → respond."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from theodoi import permissions
from theodoi.core import clock
from theodoi.units.models import Unit

from . import actions, documents, evidence, preview, results, scoring
from .forms import (
    CriteriaSetForm,
    MeetingForm,
    NewVersionForm,
    ReasonForm,
    SubmissionForm,
    criterion_formset,
)
from .models import (
    Appeal,
    CommuneMonth,
    CriteriaSet,
    Criterion,
    Meeting,
    MeetingFile,
    MonthlyResult,
    ResultEvent,
    Score,
    ScoreFile,
    ScoreSheet,
    Submission,
    month_key,
    parse_month,
)

Source = ScoreSheet.Source


# ---------------------------------------------------------------------------
# Access helpers


def _month(text: str) -> date:
    try:
        return parse_month(text)
    except ValueError:
        raise Http404 from None


def _default_month() -> date:
    today = clock.today()
    return date(today.year - (today.month == 1), (today.month - 2) % 12 + 1, 1)


def _get_commune_month(request: HttpRequest, commune_id: int, month_text: str) -> CommuneMonth:
    """The commune's month, or 404 for anyone who may not read it."""
    commune = get_object_or_404(Unit.objects.select_related("parent"), pk=commune_id)
    cm = CommuneMonth(commune, _month(month_text))
    if commune.kind != Unit.Kind.COMMUNE or not request.user.has_perm("tuyenvan.view_month", cm):
        raise Http404
    return cm


def _require(request: HttpRequest, perm: str, obj: Any) -> None:
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied


def _get_district(request: HttpRequest, district_id: int, perm: str) -> Unit:
    district = get_object_or_404(Unit, pk=district_id, kind=Unit.Kind.DISTRICT)
    if not request.user.has_perm("tuyenvan.view_results", district):
        raise Http404
    _require(request, perm, district)
    return district


def _month_url(cm: CommuneMonth) -> str:
    return reverse("tuyenvan:month", args=[cm.commune.pk, cm.key])


def _errors(error: ValidationError) -> list[str]:
    return list(error.messages)


# ---------------------------------------------------------------------------
# The month board


@login_required
def index(request: HttpRequest) -> HttpResponse:
    try:
        month = parse_month(request.GET.get("month", "")) if request.GET.get("month") else None
    except ValueError:
        month = None
    month = month or _default_month()
    communes = permissions.visible_tuyenvan_communes(request.user, month).select_related("parent")
    district_id = request.GET.get("district")
    if district_id and district_id.isdigit():
        communes = communes.filter(parent_id=int(district_id))
    communes = list(communes.order_by("parent__position", "parent__name", "position", "name"))
    found = MonthlyResult.objects.filter(month=month, commune__in=[c.pk for c in communes])
    by_commune = {r.commune_id: r for r in found}
    rows = [(c, by_commune.get(c.pk)) for c in communes]
    districts = sorted({c.parent for c in communes if c.parent}, key=lambda d: d.name)
    attending = Meeting.objects.filter(official_links__user=request.user).select_related("commune")[
        :24
    ]
    months = [date(month.year, m, 1) for m in range(1, 13)]
    return render(
        request,
        "tuyenvan/index.html",
        {
            "month": month,
            "months": months,
            "rows": rows,
            "districts": districts,
            "district_id": district_id,
            "attending": attending,
            "can_criteria": request.user.has_perm("tuyenvan.add_criteriaset"),
            "district_actions": [
                (d, can_accept, can_close)
                for d in districts
                for can_accept, can_close in [
                    (
                        request.user.has_perm("tuyenvan.accept_district", d),
                        request.user.has_perm("tuyenvan.close_month", d),
                    )
                ]
                if can_accept or can_close
            ],
        },
    )


# ---------------------------------------------------------------------------
# The commune's month


@login_required
def month_page(request: HttpRequest, commune_id: int, month: str) -> HttpResponse:
    cm = _get_commune_month(request, commune_id, month)
    user = request.user
    meeting = (
        Meeting.objects.filter(commune=cm.commune, month=cm.month)
        .prefetch_related("attending_officials")
        .first()
    )
    sheets = list(
        permissions.visible_tuyenvan_sheets(
            user, ScoreSheet.objects.filter(commune=cm.commune, month=cm.month)
        ).select_related("official")
    )
    # Missing and late reports change with the date alone: refresh the result
    # of a month that has begun; never create results for future months.
    if cm.month <= clock.today():
        result = scoring.recompute(cm.commune, cm.month)
    else:
        result = MonthlyResult.objects.filter(commune=cm.commune, month=cm.month).first()
    submissions = Submission.objects.filter(sender=cm.commune, month=cm.month).select_related(
        "recipient", "sent_by"
    )
    own_sources = [
        source
        for source in (Source.SELF, Source.DISTRICT)
        if user.has_perm("tuyenvan.change_sheet", _probe(cm, source))
    ]
    is_attending = meeting is not None and any(
        u.pk == user.pk for u in meeting.attending_officials.all()
    )
    if is_attending and user.has_perm("tuyenvan.change_sheet", _probe(cm, Source.OFFICIAL, user)):
        own_sources.append(Source.OFFICIAL)
    rank = None
    if result and result.total is not None and cm.commune.parent:
        ranking = results.rank_communes(cm.commune.parent, results.month_period(cm.month))
        rank = next(((r.rank, len(ranking)) for r in ranking if r.unit_id == cm.commune.pk), None)
    return render(
        request,
        "tuyenvan/month.html",
        {
            "cm": cm,
            "commune": cm.commune,
            "meeting": meeting,
            "sheets": sheets,
            "result": result,
            "submissions": submissions,
            "own_sources": own_sources,
            "rank": rank,
            "events": result.events.select_related("by") if result else [],
            "can_meeting": user.has_perm("tuyenvan.change_meeting", cm),
            "can_files": user.has_perm("tuyenvan.change_meeting_files", cm),
            "can_send": user.has_perm("tuyenvan.send_submission", cm),
            "moves": _moves(user, cm, result),
            "submission_form": SubmissionForm(),
            "reason_form": ReasonForm(),
        },
    )


def _moves(user: Any, cm: CommuneMonth, result: MonthlyResult | None) -> dict[str, bool]:
    """Which approval buttons apply to the month in its current status."""
    status = result.status if result else MonthlyResult.Status.OPEN
    St = MonthlyResult.Status
    moves = {
        "approve": status == St.OPEN and user.has_perm("tuyenvan.approve_month", cm),
        "return": status == St.APPROVED and user.has_perm("tuyenvan.approve_month", cm),
        "close": status in (St.APPROVED, St.ACCEPTED) and user.has_perm("tuyenvan.close_month", cm),
        "reopen": status != St.OPEN and user.has_perm("tuyenvan.reopen_month", cm),
    }
    moves["any"] = any(moves.values())
    return moves


def _probe(cm: CommuneMonth, source: str, official: Any = None) -> ScoreSheet:
    """An unsaved sheet to ask the permission module about."""
    return ScoreSheet(
        commune=cm.commune,
        month=cm.month,
        source=source,
        official=official if source == Source.OFFICIAL else None,
    )


@login_required
def meeting_edit(request: HttpRequest, commune_id: int, month: str) -> HttpResponse:
    cm = _get_commune_month(request, commune_id, month)
    _require(request, "tuyenvan.change_meeting", cm)
    meeting = Meeting.objects.filter(commune=cm.commune, month=cm.month).first() or Meeting(
        commune=cm.commune, month=cm.month
    )
    form = MeetingForm(
        request.POST or None, request.FILES or None, instance=meeting, commune=cm.commune
    )
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "officials"}
        actions.do_save_meeting(
            cm.commune,
            cm.month,
            data,
            by=request.user,
            officials=list(form.cleaned_data["officials"]),
        )
        messages.success(request, _("The conference record is saved."))
        return redirect(_month_url(cm))
    return render(request, "tuyenvan/meeting_form.html", {"cm": cm, "form": form})


# ---------------------------------------------------------------------------
# Evidence files


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
    cm = _get_commune_month(request, commune_id, month)
    _require(request, "tuyenvan.change_meeting_files", cm)
    meeting = Meeting.objects.filter(commune=cm.commune, month=cm.month).first()
    if meeting is None:
        messages.error(request, _("Record the conference first."))
        return redirect(_month_url(cm))
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        uploads = request.FILES.getlist("file")
        try:
            if not uploads:
                raise ValidationError({"file": _("Choose a file.")})
            with transaction.atomic():
                for upload in uploads:
                    actions.do_add_meeting_file(
                        meeting, upload, request.POST.get("kind", ""), by=request.user
                    )
        except ValidationError as error:
            errors = error.message_dict
        else:
            messages.success(request, _("The files are attached."))
            return redirect(_month_url(cm) + "#files")
    return render(
        request,
        "tuyenvan/meeting_files.html",
        {"cm": cm, "meeting": meeting, "errors": errors, "can_files": True,
         "kinds": MeetingFile.Kind.choices, "kind": request.POST.get("kind", "")},
        status=400 if errors else 200,
    )  # fmt: skip


@login_required
def meeting_file(request: HttpRequest, pk: int) -> FileResponse:
    attached = get_object_or_404(MeetingFile.objects.select_related("meeting__commune"), pk=pk)
    cm = CommuneMonth(attached.meeting.commune, attached.meeting.month)
    if not request.user.has_perm("tuyenvan.view_meeting_files", cm):
        raise Http404
    return _serve(attached)


@login_required
@require_POST
def meeting_file_remove(request: HttpRequest, pk: int) -> HttpResponse:
    attached = get_object_or_404(MeetingFile.objects.select_related("meeting__commune"), pk=pk)
    cm = CommuneMonth(attached.meeting.commune, attached.meeting.month)
    if not request.user.has_perm("tuyenvan.view_meeting_files", cm):
        raise Http404
    _require(request, "tuyenvan.change_meeting_files", cm)
    actions.do_remove_meeting_file(attached, by=request.user)
    messages.success(request, _("The file is removed."))
    return redirect(_month_url(cm) + "#files")


@login_required
def score_file(request: HttpRequest, pk: int) -> FileResponse:
    attached = get_object_or_404(ScoreFile.objects.select_related("score__sheet"), pk=pk)
    if not request.user.has_perm("tuyenvan.view_sheet", attached.score.sheet):
        raise Http404
    return _serve(attached)


# ---------------------------------------------------------------------------
# Score sheets


def _sheet_rows(
    sheet: ScoreSheet, cm: CommuneMonth, data: Any, errors: dict[str, list[str]]
) -> list[dict[str, Any]]:
    scores = {s.criterion_id: s for s in sheet.scores.prefetch_related("files")} if sheet.pk else {}
    others: dict[int, list[tuple[str, Decimal]]] = {}
    if sheet.source == Source.DISTRICT:
        for score in (
            Score.objects.filter(
                sheet__commune=cm.commune,
                sheet__month=cm.month,
                sheet__state=ScoreSheet.State.SUBMITTED,
                sheet__criteria_set=sheet.criteria_set,
            )
            .exclude(sheet__source=Source.DISTRICT)
            .select_related("sheet__official")
        ):
            label = (
                _("Self")
                if score.sheet.source == Source.SELF
                else (score.sheet.official.get_full_name() or score.sheet.official.username)
            )
            others.setdefault(score.criterion_id, []).append((label, score.points))
    rows = []
    threshold = sheet.criteria_set.discrepancy_threshold
    for criterion in Criterion.objects.filter(
        group__criteria_set=sheet.criteria_set
    ).select_related("group"):
        score = scores.get(criterion.pk)
        key = str(criterion.pk)
        points = data.get(f"points-{key}") if data else (score.points if score else "")
        values = [p for _l, p in others.get(criterion.pk, [])]
        if score is not None:
            values.append(score.points)
        rows.append(
            {
                "criterion": criterion,
                "scorable": criterion.scorable_by(sheet.source),
                "points": "" if points is None else points,
                "reason": data.get(f"reason-{key}") if data else (score.reason if score else ""),
                "evidence": data.get(f"evidence-{key}")
                if data
                else (score.evidence if score else ""),
                "files": list(score.files.all()) if score is not None else [],
                "others": others.get(criterion.pk, []),
                "flagged": len(values) > 1 and max(values) - min(values) > threshold,
                "errors": errors.get(criterion.code, []),
            }
        )
    return rows


@login_required
def sheet_edit(request: HttpRequest, commune_id: int, month: str, source: str) -> HttpResponse:
    cm = _get_commune_month(request, commune_id, month)
    if source not in Source.values:
        raise Http404
    official = request.user if source == Source.OFFICIAL else None
    sheet = actions.sheet_for(cm.commune, cm.month, source, official)
    if sheet is None:
        messages.error(request, _("No criteria set is in force for this month."))
        return redirect(_month_url(cm))
    _require(request, "tuyenvan.change_sheet", sheet)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        entries = {
            criterion.pk: actions.ScoreInput(
                request.POST.get(f"points-{criterion.pk}", ""),
                request.POST.get(f"reason-{criterion.pk}", ""),
                request.POST.get(f"evidence-{criterion.pk}", ""),
                request.FILES.getlist(f"evidence_file-{criterion.pk}"),
            )
            for criterion in Criterion.objects.filter(group__criteria_set=sheet.criteria_set)
            if criterion.scorable_by(sheet.source)
        }
        try:
            actions.do_save_sheet(
                sheet,
                entries,
                by=request.user,
                submit="submit" in request.POST,
                change_reason=request.POST.get("change_reason", ""),
            )
        except ValidationError as error:
            errors = error.message_dict
        else:
            messages.success(request, _("The score sheet is saved."))
            return redirect(_month_url(cm))
    return render(
        request,
        "tuyenvan/sheet_form.html",
        {
            "cm": cm,
            "sheet": sheet,
            "rows": _sheet_rows(
                sheet, cm, request.POST if request.method == "POST" else None, errors
            ),
            "general_errors": errors.get("__all__", []) + errors.get("change_reason", []),
        },
        status=400 if errors else 200,
    )


@login_required
def sheet_view(request: HttpRequest, pk: int) -> HttpResponse:
    sheet = get_object_or_404(
        ScoreSheet.objects.select_related("commune", "official", "criteria_set"), pk=pk
    )
    if not request.user.has_perm("tuyenvan.view_sheet", sheet):
        raise Http404
    scores = (
        sheet.scores.select_related("criterion")
        .prefetch_related("files")
        .order_by("criterion__group__position", "criterion__position")
    )
    cm = CommuneMonth(sheet.commune, sheet.month)
    return render(request, "tuyenvan/sheet.html", {"cm": cm, "sheet": sheet, "scores": scores})


@login_required
def history(request: HttpRequest, commune_id: int, month: str) -> HttpResponse:
    cm = _get_commune_month(request, commune_id, month)
    sheets = permissions.visible_tuyenvan_sheets(
        request.user, ScoreSheet.objects.filter(commune=cm.commune, month=cm.month)
    )
    records = (
        Score.history.filter(sheet_id__in=sheets.values("pk"))
        .select_related("history_user", "criterion", "sheet__official")
        .order_by("-history_date")
    )
    changes = []
    for record in records:
        previous = record.prev_record
        changes.append(
            {
                "record": record,
                "old": previous.points if previous else None,
                "new": record.points,
                "source": record.sheet.get_source_display() if record.sheet else "",
            }
        )
    events = ResultEvent.objects.filter(
        result__commune=cm.commune, result__month=cm.month
    ).select_related("by")
    return render(
        request, "tuyenvan/history.html", {"cm": cm, "changes": changes, "events": events}
    )


# ---------------------------------------------------------------------------
# Explanation, flags and appeals


@login_required
def explanation(request: HttpRequest, commune_id: int, month: str) -> HttpResponse:
    cm = _get_commune_month(request, commune_id, month)
    explained = scoring.explain(cm.commune, cm.month)
    if explained is not None:
        # Evidence files of the commune's and the district's lines, for those who read them.
        sheets = permissions.visible_tuyenvan_sheets(
            request.user,
            ScoreSheet.objects.filter(
                commune=cm.commune, month=cm.month, source__in=[Source.SELF, Source.DISTRICT]
            ),
        )
        files: dict[int, dict[str, list[ScoreFile]]] = {}
        for attached in ScoreFile.objects.filter(score__sheet__in=sheets).select_related(
            "score__sheet"
        ):
            by_source = files.setdefault(attached.score.criterion_id, {})
            by_source.setdefault(attached.score.sheet.source, []).append(attached)
        for line in explained.lines:
            line.files = files.get(line.criterion.pk, {})  # type: ignore[attr-defined]
    opens, closes = actions.appeal_window(cm.commune, cm.month)
    today = clock.today()
    return render(
        request,
        "tuyenvan/explanation.html",
        {
            "cm": cm,
            "explained": explained,
            "window": (opens, closes),
            "window_open": opens is not None and closes is not None and opens <= today <= closes,
            "can_appeal": request.user.has_perm("tuyenvan.appeal", cm),
            "can_resolve": request.user.has_perm("tuyenvan.resolve_flag", cm),
            "can_answer": request.user.has_perm("tuyenvan.answer_appeal", cm),
        },
    )


def _criterion_of(cm: CommuneMonth, criterion_id: int) -> Criterion:
    criteria_set = scoring.set_in_force(cm.commune, cm.month)
    return get_object_or_404(Criterion, pk=criterion_id, group__criteria_set=criteria_set)


@login_required
@require_POST
def resolve_flag(
    request: HttpRequest, commune_id: int, month: str, criterion_id: int
) -> HttpResponse:
    cm = _get_commune_month(request, commune_id, month)
    _require(request, "tuyenvan.resolve_flag", cm)
    criterion = _criterion_of(cm, criterion_id)
    try:
        actions.do_resolve_flag(
            cm.commune,
            cm.month,
            criterion,
            points=request.POST.get("points", ""),
            reason=request.POST.get("reason", ""),
            by=request.user,
        )
    except ValidationError as error:
        for message in _errors(error):
            messages.error(request, f"{criterion.code}: {message}")
    else:
        messages.success(request, _("The discrepancy is resolved."))
    return redirect(reverse("tuyenvan:explain", args=[cm.commune.pk, cm.key]))


@login_required
@require_POST
def file_appeal(
    request: HttpRequest, commune_id: int, month: str, criterion_id: int
) -> HttpResponse:
    cm = _get_commune_month(request, commune_id, month)
    _require(request, "tuyenvan.appeal", cm)
    criterion = _criterion_of(cm, criterion_id)
    try:
        actions.do_file_appeal(
            cm.commune, cm.month, criterion, text=request.POST.get("text", ""), by=request.user
        )
    except ValidationError as error:
        for message in _errors(error):
            messages.error(request, f"{criterion.code}: {message}")
    else:
        messages.success(request, _("The explanation is sent to the district."))
    return redirect(reverse("tuyenvan:explain", args=[cm.commune.pk, cm.key]))


@login_required
@require_POST
def answer_appeal(request: HttpRequest, pk: int) -> HttpResponse:
    appeal = get_object_or_404(Appeal.objects.select_related("commune", "criterion"), pk=pk)
    cm = CommuneMonth(appeal.commune, appeal.month)
    if not request.user.has_perm("tuyenvan.view_month", cm):
        raise Http404
    _require(request, "tuyenvan.answer_appeal", cm)
    try:
        actions.do_answer_appeal(
            appeal,
            answer=request.POST.get("answer", ""),
            points=request.POST.get("points", ""),
            by=request.user,
        )
    except ValidationError as error:
        for message in _errors(error):
            messages.error(request, f"{appeal.criterion.code}: {message}")
    else:
        messages.success(request, _("The appeal is answered."))
    return redirect(reverse("tuyenvan:explain", args=[cm.commune.pk, cm.key]))


# ---------------------------------------------------------------------------
# Approval, close, reopen


@login_required
@require_POST
def month_action(request: HttpRequest, commune_id: int, month: str, action: str) -> HttpResponse:
    cm = _get_commune_month(request, commune_id, month)
    perm = {
        "approve": "tuyenvan.approve_month",
        "return": "tuyenvan.approve_month",
        "close": "tuyenvan.close_month",
        "reopen": "tuyenvan.reopen_month",
    }.get(action)
    if perm is None:
        raise Http404
    _require(request, perm, cm)
    reason = request.POST.get("reason", "")
    try:
        if action == "approve":
            actions.do_approve_month(cm.commune, cm.month, by=request.user)
        elif action == "return":
            actions.do_return_month(cm.commune, cm.month, reason=reason, by=request.user)
        elif action == "close":
            actions.do_close_month([cm.commune], cm.month, by=request.user)
        else:
            actions.do_reopen_month(cm.commune, cm.month, reason=reason, by=request.user)
    except ValidationError as error:
        for message in _errors(error):
            messages.error(request, message)
    else:
        messages.success(request, _("Done."))
    return redirect(_month_url(cm))


@login_required
@require_POST
def district_action(
    request: HttpRequest, district_id: int, month: str, action: str
) -> HttpResponse:
    perm = {"accept": "tuyenvan.accept_district", "close": "tuyenvan.close_month"}.get(action)
    if perm is None:
        raise Http404
    district = _get_district(request, district_id, perm)
    the_month = _month(month)
    try:
        if action == "accept":
            actions.do_accept_district(district, the_month, by=request.user)
        else:
            communes = list(district.children.filter(kind=Unit.Kind.COMMUNE))
            actions.do_close_month(communes, the_month, by=request.user)
    except ValidationError as error:
        for message in _errors(error):
            messages.error(request, message)
    else:
        messages.success(request, _("Done."))
    return redirect(
        f"{reverse('tuyenvan:index')}?month={month_key(the_month)}&district={district.pk}"
    )


# ---------------------------------------------------------------------------
# Documents intake


@login_required
@require_POST
def send_submission(request: HttpRequest, commune_id: int, month: str) -> HttpResponse:
    cm = _get_commune_month(request, commune_id, month)
    _require(request, "tuyenvan.send_submission", cm)
    form = SubmissionForm(request.POST, request.FILES)
    if form.is_valid():
        kind = form.cleaned_data["kind"]
        recipient = (
            cm.commune.parent if kind == Submission.Kind.REPORT else actions.btg_of(cm.commune)
        )
        if recipient is None:
            messages.error(request, _("No recipient found for this kind of submission."))
        else:
            actions.do_send_submission(
                cm.commune,
                recipient,
                cm.month,
                kind,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                file=form.cleaned_data["file"],
                by=request.user,
            )
            messages.success(request, _("Sent."))
    else:
        for field, errors in form.errors.items():
            for error in errors:
                messages.error(request, f"{form.fields[field].label}: {error}")
    return redirect(_month_url(cm))


@login_required
def submission_detail(request: HttpRequest, pk: int) -> HttpResponse:
    submission = get_object_or_404(
        Submission.objects.select_related("sender", "recipient", "sent_by", "opened_by"), pk=pk
    )
    if not request.user.has_perm("tuyenvan.view_submission", submission):
        raise Http404
    if request.user.has_perm("tuyenvan.open_submission", submission):
        actions.do_open_submission(submission, by=request.user)
    return render(request, "tuyenvan/submission.html", {"submission": submission})


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    """Submissions received by the user's units."""
    received = (
        Submission.objects.filter(recipient_id__in=permissions.inbox_unit_ids(request.user))
        .select_related("sender", "recipient")
        .order_by("-sent_at")[:200]
    )
    return render(request, "tuyenvan/inbox.html", {"received": received})


# ---------------------------------------------------------------------------
# Criteria sets


@login_required
def criteria_list(request: HttpRequest) -> HttpResponse:
    sets = permissions.visible_criteria_sets(request.user).select_related("owner")
    return render(
        request,
        "tuyenvan/criteria_list.html",
        {
            "sets": sets,
            "can_change": request.user.has_perm("tuyenvan.change_criteriaset", None),
            "form": NewVersionForm(),
        },
    )


@login_required
def criteria_detail(request: HttpRequest, pk: int) -> HttpResponse:
    criteria_set = get_object_or_404(CriteriaSet.objects.select_related("owner"), pk=pk)
    if not request.user.has_perm("tuyenvan.view_criteriaset", criteria_set):
        raise Http404
    groups = criteria_set.groups.prefetch_related(
        Prefetch("criteria", queryset=Criterion.objects.order_by("position", "code"))
    )
    return render(
        request,
        "tuyenvan/criteria_detail.html",
        {
            "set": criteria_set,
            "groups": groups,
            "can_change": request.user.has_perm("tuyenvan.change_criteriaset", criteria_set),
        },
    )


@login_required
@require_POST
def criteria_new_version(request: HttpRequest, pk: int) -> HttpResponse:
    source = get_object_or_404(CriteriaSet, pk=pk)
    _require(request, "tuyenvan.change_criteriaset", source)
    form = NewVersionForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("tuyenvan:criteria")
    copy = actions.do_copy_set(
        source, effective_from=form.cleaned_data["effective_from"], by=request.user
    )
    return redirect("tuyenvan:criteria-edit", copy.pk)


@login_required
def criteria_edit(request: HttpRequest, pk: int) -> HttpResponse:
    criteria_set = get_object_or_404(CriteriaSet, pk=pk)
    _require(request, "tuyenvan.change_criteriaset", criteria_set)
    if not criteria_set.is_draft:
        messages.error(request, _("A published set cannot be edited; make a new version."))
        return redirect(criteria_set)
    form = CriteriaSetForm(request.POST or None, instance=criteria_set)
    formset = criterion_formset(criteria_set, request.POST or None)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        form.save()
        formset.save()
        messages.success(request, _("The draft is saved."))
        return redirect(criteria_set)
    return render(
        request,
        "tuyenvan/criteria_edit.html",
        {"set": criteria_set, "form": form, "formset": formset},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def criteria_publish(request: HttpRequest, pk: int) -> HttpResponse:
    criteria_set = get_object_or_404(CriteriaSet, pk=pk)
    _require(request, "tuyenvan.change_criteriaset", criteria_set)
    try:
        actions.do_publish_set(criteria_set, by=request.user)
    except ValidationError as error:
        for message in _errors(error):
            messages.error(request, message)
    else:
        messages.success(request, _("The set is published."))
    return redirect(criteria_set)


@login_required
def criteria_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """How a chosen closed month scores under this set, beside the set in force."""
    criteria_set = get_object_or_404(CriteriaSet.objects.select_related("owner"), pk=pk)
    if not request.user.has_perm("tuyenvan.view_criteriaset", criteria_set):
        raise Http404
    _require(request, "tuyenvan.preview_criteriaset", criteria_set)
    months = preview.closed_months(criteria_set)
    chosen = None
    text = request.GET.get("month", "")
    if text:
        try:
            chosen = parse_month(text)
        except ValueError:
            chosen = None
        if chosen not in months:
            messages.error(request, _("Choose a closed month."))
            chosen = None
    if chosen is None and months:
        chosen = months[0]
    rows = preview.preview_month(criteria_set, chosen) if chosen else []
    return render(
        request,
        "tuyenvan/criteria_preview.html",
        {
            "set": criteria_set,
            "months": months,
            "chosen": chosen,
            "rows": rows,
            "changed": sum(1 for r in rows if r.band_changed),
        },
    )


# ---------------------------------------------------------------------------
# Results


def _ranking_scope(request: HttpRequest) -> tuple[results.Period, str, Unit]:
    try:
        period = results.parse_period(request.GET.get("period") or month_key(_default_month()))
    except ValueError:
        raise Http404 from None
    level = request.GET.get("level", "commune")
    if level not in ("commune", "district"):
        raise Http404
    within_id = request.GET.get("within", "")
    if within_id.isdigit() and len(within_id) < 12:
        within = get_object_or_404(Unit, pk=int(within_id))
    else:
        within = _default_within(request) or _own_district(request)
    if within is None or not request.user.has_perm("tuyenvan.view_ranking", within):
        raise Http404
    # A commune reporter sees the commune ranking of its district only.
    if level != "commune" and not request.user.has_perm("tuyenvan.view_results", within):
        raise Http404
    return period, level, within


def _default_within(request: HttpRequest) -> Unit | None:
    ids = permissions.reach(request.user, *permissions.tuyenvan.TV_READ_ROLES)
    return (
        Unit.objects.filter(pk__in=ids, kind__in=[Unit.Kind.PROVINCE, Unit.Kind.DISTRICT])
        .order_by("kind", "name")
        .exclude(kind=Unit.Kind.DISTRICT, parent_id__in=ids)
        .first()
    )


def _own_district(request: HttpRequest) -> Unit | None:
    """The district whose commune ranking a commune reporter may open."""
    ids = permissions.tv_ranking_districts(request.user)
    return Unit.objects.filter(pk__in=ids).order_by("name").first()


@login_required
def rankings(request: HttpRequest) -> HttpResponse:
    period, level, within = _ranking_scope(request)
    ranked = (
        results.rank_districts(within, period)
        if level == "district"
        else results.rank_communes(within, period)
    )
    full = request.user.has_perm("tuyenvan.view_results", within)
    context: dict[str, Any] = {
        "period": period,
        "level": level,
        "within": within,
        "ranked": ranked,
        "query": request.GET.urlencode(),
        "scopes": permissions.visible_ranking_scopes(request.user).order_by("kind", "name"),
        "max_score": max((r.score for r in ranked), default=Decimal(100)) or Decimal(100),
        "full": full,
        # Rows the user may open (a commune reporter: its own commune only).
        "openable": {r.unit_id for r in ranked}
        if full
        else set(
            permissions.visible_tuyenvan_communes(request.user)
            .filter(pk__in=[r.unit_id for r in ranked])
            .values_list("pk", flat=True)
        ),
    }
    if not full:  # a commune reporter: where its commune stands
        context["standing"] = [r for r in ranked if r.unit_id in context["openable"]]
    if period.is_month:
        context["bands"] = results.band_distribution(within, period.start)
        context["improved"] = results.most_improved(within, period.start)
        if context["full"]:
            context["attention"] = results.attention(within, period.start)
    return render(request, "tuyenvan/rankings.html", context)


@login_required
def rankings_xlsx(request: HttpRequest) -> HttpResponse:
    period, level, within = _ranking_scope(request)
    data = documents.rankings_xlsx(within, period, level)
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="xep-hang-{period.key}.xlsx"'
    return response


@login_required
def trend(request: HttpRequest, commune_id: int) -> HttpResponse:
    commune = get_object_or_404(Unit, pk=commune_id, kind=Unit.Kind.COMMUNE)
    if not request.user.has_perm("tuyenvan.view_results", commune):
        raise Http404
    year = request.GET.get("year", "")
    year_int = int(year) if year.isdigit() else clock.today().year
    rows = results.trend(commune, year_int)
    return render(
        request, "tuyenvan/trend.html", {"commune": commune, "rows": rows, "year": year_int}
    )


@login_required
def bulletin(request: HttpRequest, month: str) -> HttpResponse:
    the_month = _month(month)
    within = _default_within(request)
    if within is None or within.kind != Unit.Kind.PROVINCE:
        raise Http404
    if not request.user.has_perm("tuyenvan.view_results", within):
        raise Http404
    data = documents.bulletin_docx(within, the_month)
    response = HttpResponse(
        data,
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    response["Content-Disposition"] = f'attachment; filename="ban-tin-tuyen-van-{month}.docx"'
    return response


@login_required
def district_section(request: HttpRequest, district_id: int, month: str) -> HttpResponse:
    district = _get_district(request, district_id, "tuyenvan.view_results")
    the_month = _month(month)
    section = documents.district_section(district, the_month)
    can_send = request.user.has_perm("tuyenvan.send_district_section", district)
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
        _require(request, "tuyenvan.send_district_section", district)
        btg = actions.btg_of(district)
        if btg is None:
            messages.error(request, _("No recipient found for this kind of submission."))
        else:
            actions.do_send_submission(
                district,
                btg,
                the_month,
                Submission.Kind.DISTRICT_SECTION,
                title=section.title,
                body=section.text,
                by=request.user,
            )
            messages.success(request, _("Sent."))
        return redirect(request.path)
    sent = Submission.objects.filter(
        sender=district, month=the_month, kind=Submission.Kind.DISTRICT_SECTION
    ).order_by("-sent_at")
    return render(
        request,
        "tuyenvan/district_section.html",
        {"district": district, "month": the_month, "section": section, "can_send": can_send,
         "sent": sent},
    )  # fmt: skip

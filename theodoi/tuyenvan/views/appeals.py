"""The explanation of a month's result, its discrepancies (flags) and appeals (giải trình)."""

from __future__ import annotations

from types import SimpleNamespace

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from theodoi.core import clock
from theodoi.permissions import tuyenvan as access

from .. import actions, scoring
from ..models import CommuneMonth, ScoreFile, ScoreSheet
from ..templatetags.tuyenvan import pts
from ..wording import wording_for
from .files import _serve

Source = ScoreSheet.Source


def _explain_url(cm: CommuneMonth) -> str:
    return reverse("tuyenvan:explain", args=[cm.commune.pk, cm.key])


@login_required
def explanation(request: HttpRequest, commune_id: int, month: str) -> HttpResponse:
    cm = access.access_commune_month(request.user, commune_id, month)
    return _render_explanation(request, cm)


def _render_explanation(
    request: HttpRequest,
    cm: CommuneMonth,
    row_errors: dict[str, list[str]] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The explanation page; a refused resolution or appeal is said at its row."""
    user = request.user
    explained = scoring.explain(cm.commune, cm.month)
    if explained is not None:
        # Evidence files of the commune's and the district's lines, for those who read them.
        sheets = access.visible_tuyenvan_sheets(
            user,
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
    words = wording_for(cm.commune, cm.month, user)
    threshold = explained.criteria_set.discrepancy_threshold if explained is not None else None
    return render(
        request,
        "tuyenvan/explanation.html",
        {
            "cm": cm,
            "words": words,
            "rule": words.rule % {"t": pts(threshold)},
            "explained": explained,
            "window": (opens, closes),
            "window_open": opens is not None and closes is not None and opens <= today <= closes,
            "can_appeal": user.has_perm("tuyenvan.appeal", cm),
            "can_resolve": user.has_perm("tuyenvan.resolve_flag", cm),
            "can_answer": user.has_perm("tuyenvan.answer_appeal", cm),
            "row_errors": row_errors or {},
            "posted": request.POST if row_errors else {},
        },
        status=status,
    )


def _row_url(cm: CommuneMonth, code: str) -> str:
    """Back to the line acted on (stay in place)."""
    return f"{_explain_url(cm)}#c-{code}"


@login_required
@require_POST
def resolve_flag(
    request: HttpRequest, commune_id: int, month: str, criterion_id: int
) -> HttpResponse:
    cm, criterion = access.access_flag(
        request.user, commune_id, month, criterion_id, "resolve_flag"
    )
    try:
        actions.do_resolve_flag(
            cm.commune,
            cm.month,
            criterion,
            points=request.POST.get("points", ""),
            reason=request.POST.get("reason", ""),
            evidence=request.POST.get("evidence", ""),
            by=request.user,
        )
    except ValidationError as error:
        return _render_explanation(request, cm, {criterion.code: error.messages}, 400)
    messages.success(request, _("The discrepancy is resolved."))
    return redirect(_row_url(cm, criterion.code))


@login_required
@require_POST
def file_appeal(
    request: HttpRequest, commune_id: int, month: str, criterion_id: int
) -> HttpResponse:
    cm, criterion = access.access_flag(request.user, commune_id, month, criterion_id, "appeal")
    try:
        actions.do_file_appeal(
            cm.commune,
            cm.month,
            criterion,
            text=request.POST.get("text", ""),
            by=request.user,
            upload=request.FILES.get("file"),
        )
    except ValidationError as error:
        return _render_explanation(request, cm, {criterion.code: error.messages}, 400)
    messages.success(request, wording_for(cm.commune, cm.month, request.user).explanation_sent)
    return redirect(_row_url(cm, criterion.code))


@login_required
def appeal_file(request: HttpRequest, pk: int) -> HttpResponse:
    """The file attached to an appeal, for those who see the commune's month
    (an appeal without one: its line on the explanation page)."""
    appeal = access.access_appeal(request.user, pk)
    if not appeal.file:
        return redirect(_row_url(CommuneMonth(appeal.commune, appeal.month), appeal.criterion.code))
    return _serve(
        SimpleNamespace(content_type=appeal.file_type, file=appeal.file, name=appeal.file_name)
    )


@login_required
@require_POST
def answer_appeal(request: HttpRequest, pk: int) -> HttpResponse:
    appeal = access.access_appeal(request.user, pk, "answer_appeal")
    try:
        actions.do_answer_appeal(
            appeal,
            answer=request.POST.get("answer", ""),
            points=request.POST.get("points", ""),
            by=request.user,
        )
    except ValidationError as error:
        cm = CommuneMonth(appeal.commune, appeal.month)
        return _render_explanation(request, cm, {appeal.criterion.code: error.messages}, 400)
    messages.success(request, _("The appeal is answered."))
    return redirect(_row_url(CommuneMonth(appeal.commune, appeal.month), appeal.criterion.code))

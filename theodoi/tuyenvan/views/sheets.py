"""Score sheets: filling one's own sheet, reading a sheet."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from theodoi import permissions
from theodoi.core.offline import fingerprint, is_stale
from theodoi.permissions import tuyenvan as access

from .. import actions
from ..models import CommuneMonth, Criterion, Score, ScoreSheet
from ..wording import wording_for
from .common import month_url

Source = ScoreSheet.Source


def sheet_version(sheet: ScoreSheet) -> str:
    """The saved state of a sheet a form was opened on (see core.offline)."""
    if sheet.pk is None:
        return fingerprint("new")
    lines = sheet.scores.order_by("criterion_id").values_list(
        "criterion_id", "points", "reason", "evidence"
    )
    return fingerprint(str(sheet.state), int(sheet.version), [tuple(map(str, ln)) for ln in lines])


def _sheet_rows(
    sheet: ScoreSheet,
    cm: CommuneMonth,
    data: Any,
    errors: dict[str, list[str]],
    stale: bool = False,
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
        newer = None
        if stale and score is not None and data:
            same = (
                _same_number(str(data.get(f"points-{key}", "")).strip(), score.points)
                and data.get(f"reason-{key}", "").strip() == score.reason
                and data.get(f"evidence-{key}", "").strip() == score.evidence
            )
            newer = None if same else score
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
                "newer": newer,
            }
        )
    return rows


def _same_number(text: str, value: Decimal) -> bool:
    try:
        return Decimal(text.replace(",", ".")) == value
    except (ArithmeticError, ValueError):
        return False


@login_required
def sheet_edit(request: HttpRequest, commune_id: int, month: str, source: str) -> HttpResponse:
    cm = access.access_commune_month(request.user, commune_id, month)
    if source not in Source.values:
        raise Http404
    official = request.user if source == Source.OFFICIAL else None
    sheet = actions.sheet_for(cm.commune, cm.month, source, official)
    if sheet is None:
        messages.error(request, _("No criteria set is in force for this month."))
        return redirect(month_url(cm))
    permissions.require(request.user, "tuyenvan.change_sheet", sheet)
    errors: dict[str, list[str]] = {}
    stale = False
    if request.method == "POST" and is_stale(request.POST.get("version"), sheet_version(sheet)):
        # Saved by someone else (or on another device) since this form was
        # opened: nothing is written; both versions are shown to choose from.
        stale = True
        errors = {
            "__all__": [
                _(
                    "This sheet was saved elsewhere after you opened it. Your values are in "
                    "the form and the newer saved ones are shown under each line: send again "
                    "to keep yours, or load the newer version."
                )
            ]
        }
    elif request.method == "POST":
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
            return redirect(month_url(cm))
    return render(
        request,
        "tuyenvan/sheet_form.html",
        {
            "cm": cm,
            "words": wording_for(cm.commune, cm.month, request.user),
            "sheet": sheet,
            "rows": _sheet_rows(
                sheet, cm, request.POST if request.method == "POST" else None, errors, stale
            ),
            "general_errors": errors.get("__all__", []) + errors.get("change_reason", []),
            "stale": stale,
            "version": sheet_version(sheet),
        },
        status=409 if stale else 400 if errors else 200,
    )


@login_required
def sheet_view(request: HttpRequest, pk: int) -> HttpResponse:
    sheet = access.access_sheet(request.user, pk)
    scores = (
        sheet.scores.select_related("criterion")
        .prefetch_related("files")
        .order_by("criterion__group__position", "criterion__position")
    )
    cm = CommuneMonth(sheet.commune, sheet.month)
    return render(
        request,
        "tuyenvan/sheet.html",
        {
            "cm": cm,
            "words": wording_for(sheet.commune_id, sheet.month, request.user),
            "sheet": sheet,
            "scores": scores,
        },
    )

"""A district approves its communes' month together (the same checks as one by one)."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from theodoi.core import clock
from theodoi.permissions import home as home_access
from theodoi.permissions import tuyenvan as access

from .. import actions
from ..models import MonthlyResult, ScoreSheet, month_key
from ..wording import BY_DISTRICT, wording_for


@login_required
def bulk_approve(request: HttpRequest, month: str) -> HttpResponse:
    """The district scorer's communes for the month: which are ready, which are not
    and why; approve the chosen ones, each with the checks of a single approval,
    and show every row's result (approved, or refused with its reason)."""
    the_month = access.parse_month_key(month)
    communes = list(home_access.approvable_communes(request.user, the_month))
    rows_result = None
    if request.method == "POST":
        chosen = set(request.POST.getlist("commune"))
        picked = [c for c in communes if str(c.pk) in chosen]
        if not picked:
            messages.error(request, _("Choose at least one commune."))
        else:
            rows_result = actions.do_approve_months(
                picked,
                the_month,
                by=request.user,
                close_window=request.POST.get("close_window") == "1",
            )
            done = sum(1 for r in rows_result if r.approved)
            refused = len(rows_result) - done
            messages.success(
                request,
                ngettext("%(done)d commune approved", "%(done)d communes approved", done)
                % {"done": done}
                + (
                    "; "
                    + ngettext(
                        "%(refused)d refused (see the reason on its row).",
                        "%(refused)d refused (see the reason on their rows).",
                        refused,
                    )
                    % {"refused": refused}
                    if refused
                    else "."
                ),
            )
    results = {
        r.commune_id: r for r in MonthlyResult.objects.filter(commune__in=communes, month=the_month)
    }
    outcome = {r.commune.pk: r for r in rows_result or []}
    today = clock.today()
    windows = {}
    for sheet in ScoreSheet.objects.filter(
        commune__in=communes,
        month=the_month,
        source=ScoreSheet.Source.DISTRICT,
        submitted_at__isnull=False,
    ).select_related("criteria_set"):
        opens = timezone.localdate(sheet.submitted_at)
        closes = opens + timedelta(days=sheet.criteria_set.explanation_days)
        if opens <= today <= closes:
            windows[sheet.commune_id] = closes
    rows = []
    # The chain of the month: the district's sheet, or the cluster scorer's.
    words = wording_for(communes[0], the_month, request.user) if communes else BY_DISTRICT
    for commune in communes:
        result = results.get(commune.pk)
        problems = []
        if result is None or result.district_total is None:
            problems.append(str(words.not_submitted))
        elif result.open_flags:
            problems.append(_("%(n)d flag(s) to resolve") % {"n": result.open_flags})
        rows.append(
            {
                "commune": commune,
                "result": result,
                "problems": problems,
                "window": windows.get(commune.pk)
                if result is not None and result.status == MonthlyResult.Status.OPEN
                else None,
                "outcome": outcome.get(commune.pk),
            }
        )
    return render(
        request,
        "tuyenvan/bulk_approve.html",
        {"month": the_month, "key": month_key(the_month), "rows": rows, "words": words},
    )

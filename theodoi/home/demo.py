"""The demo's notices: what each account was told as the demo's events happened.

The apps' demo loaders write their rows directly, past the signals that notify,
so the communes' and districts' "Thông báo" would be empty while their homes
list the events. This tells them, in ``notify``'s words and links, dated when
each happened: the last closed month closed, the district's scores of the open
month submitted (the explanation window, the flags), and the open month's
reports and documents received and not yet opened. No e-mail is sent.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from theodoi.permissions import home as scope
from theodoi.units.models import Membership

from . import notify


def load(ctx: Any) -> None:
    from theodoi.reporting.models import Notification
    from theodoi.tuyenvan.models import MonthlyResult, ResultEvent, ScoreSheet, Submission

    Role = Membership.Role
    last = Notification.objects.aggregate(last=Max("pk"))["last"] or 0

    def told(users: list[Any], render: notify.Render, url: str, at: datetime) -> None:
        nonlocal last
        notify.deliver(users, render, url, email=False)
        Notification.objects.filter(pk__gt=last).update(created_at=at)
        last = Notification.objects.aggregate(last=Max("pk"))["last"] or last

    reporters: dict[int, list[Any]] = {}
    for m in Membership.objects.filter(
        role=Role.COMMUNE_REPORTER, user__is_active=True
    ).select_related("user"):
        reporters.setdefault(m.unit_id, []).append(m.user)
    if not reporters:
        return
    results = MonthlyResult.objects.filter(commune_id__in=list(reporters)).select_related("commune")
    closed = results.filter(status=MonthlyResult.Status.CLOSED).order_by("-month").first()
    if closed is not None:
        for result in results.filter(month=closed.month, status=MonthlyResult.Status.CLOSED):
            event = result.events.filter(action=ResultEvent.Action.CLOSE).last()
            told(
                reporters[result.commune_id],
                notify.month_messages(result)["close"],
                reverse("tuyenvan:month", args=[result.commune_id, f"{result.month:%Y-%m}"]),
                event.at if event else timezone.now(),
            )
    open_results = {
        (r.commune_id, r.month): r for r in results.filter(status=MonthlyResult.Status.OPEN)
    }
    for sheet in ScoreSheet.objects.filter(
        commune_id__in=[c for c, _m in open_results],
        source=ScoreSheet.Source.DISTRICT,
        submitted_at__isnull=False,
    ).select_related("criteria_set"):
        result = open_results.get((sheet.commune_id, sheet.month))
        if result is None:
            continue
        closes = timezone.localdate(sheet.submitted_at) + timedelta(
            days=sheet.criteria_set.explanation_days
        )
        told(
            reporters[sheet.commune_id],
            lambda s=sheet, c=closes, r=result: notify.scored_text(s.month, c, r.open_flags),
            reverse("tuyenvan:explain", args=[sheet.commune_id, f"{sheet.month:%Y-%m}"]),
            sheet.submitted_at,
        )
    latest = Submission.objects.aggregate(month=Max("month"))["month"]
    for submission in (
        Submission.objects.filter(month=latest, opened_at__isnull=True)
        .select_related("sender", "recipient")
        .order_by("sent_at", "pk")
    ):
        told(
            scope.submission_receivers(submission),
            lambda s=submission: notify.received_text(s),
            reverse("tuyenvan:submission", args=[submission.pk]),
            submission.sent_at,
        )

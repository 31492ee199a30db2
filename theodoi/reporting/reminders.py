"""Reminders that escalate: before, on and after a due date; a daily digest for coordinators.

Each reminder is logged under a unique key (period, unit, day), so running
the job twice on a day never sends twice.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import date
from functools import partial

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from theodoi import permissions
from theodoi.plans.models import Plan
from theodoi.units.models import Membership, Unit

from .models import Notification, ProgressReport, ReminderLog, ReminderSettings, ReportingPeriod
from .periods import owing_by_period


def _log_once(
    key: str, plan: Plan, day: date, report: ProgressReport | None = None
) -> ReminderLog | None:
    try:
        with transaction.atomic():
            return ReminderLog.objects.create(key=key, plan=plan, day=day, report=report)
    except IntegrityError:
        return None


def _recipients_preferences(users: list[User]) -> dict[int, tuple[str, bool]]:
    """Each user's (language, wants e-mail now): the notification preferences of
    theodoi.home when installed; Vietnamese and e-mail otherwise."""
    found = {u.pk: (settings.LANGUAGE_CODE, True) for u in users}
    if apps.is_installed("theodoi.home"):
        from theodoi.home.models import NotificationPreference

        for pref in NotificationPreference.objects.filter(user__in=users):
            found[pref.user_id] = (pref.language, pref.email == pref.Email.IMMEDIATE)
    return found


def _notify(
    users: list[User], subject: Callable[[], str], body: Callable[[], str], url: str, email: bool
) -> None:
    """Tell ``users``: each text rendered in the recipient's language (a cron job
    or a queue worker has no request, hence no language of its own)."""
    prefs = _recipients_preferences(users)
    link = settings.SITE_URL.rstrip("/") + url
    rows = []
    for user in users:
        language, wants_email = prefs[user.pk]
        with translation.override(language):
            text, long_text = str(subject()), str(body())
        rows.append(Notification(user=user, text=text[:500], url=url))
        if email and wants_email and user.email:
            send_mail(text, f"{long_text}\n\n{link}", None, [user.email], fail_silently=True)
    Notification.objects.bulk_create(rows)


def offsets(config: ReminderSettings) -> set[int]:
    """Days relative to the due date (negative: before) on which to remind."""
    days = {-d for d in config.before if d > 0} | {d for d in config.after if d > 0}
    if config.on_due_day:
        days.add(0)
    return days


def send_reminders(today: date) -> int:
    """Send today's reminders and digests; return how many reminders went out."""
    sent = 0
    plans = Plan.objects.filter(reporting_periods__isnull=False).distinct().select_related("owner")
    configs = {c.plan_id: c for c in ReminderSettings.objects.filter(plan__in=plans)}
    for plan in plans:
        config = configs.get(plan.pk) or ReminderSettings(plan=plan)
        periods = list(plan.reporting_periods.all())
        sent += _remind_units(plan, config, periods, today)
        if config.coordinator_digest:
            _digest(plan, config, periods, today)
    if apps.is_installed("theodoi.home"):  # the notifications' daily digests
        from theodoi.home.notify import send_digests

        send_digests()
    return sent


def _remind_units(
    plan: Plan, config: ReminderSettings, periods: list[ReportingPeriod], today: date
) -> int:
    days = offsets(config)
    due_now = [p for p in periods if (today - p.due).days in days]
    if not due_now:
        return 0
    owing = owing_by_period(due_now)
    reports = {
        (r.period_id, r.unit_id): r for r in ProgressReport.objects.filter(period__in=due_now)
    }
    unit_ids = set().union(*owing.values())
    members: dict[int, list[Membership]] = defaultdict(list)
    for m in Membership.objects.filter(unit_id__in=unit_ids).select_related("user"):
        members[m.unit_id].append(m)
    units = Unit.objects.in_bulk(unit_ids)
    sent = 0
    for period in due_now:
        late_by = (today - period.due).days
        for unit_id in sorted(owing[period.pk]):
            report = reports.get((period.pk, unit_id))
            if report is not None and not report.is_editable:
                continue
            recipients = {
                m.user for m in members[unit_id] if m.role in permissions.reporting.REPORTER_ROLES
            }
            if late_by >= config.escalate_after and late_by > 0:
                recipients |= {m.user for m in members[unit_id] if m.is_head}
            if not recipients:
                continue
            if _log_once(f"report:{period.pk}:{unit_id}:{today}", plan, today, report) is None:
                continue
            values = {
                "period": period.title,
                "unit": units[unit_id].name,
                "days": abs(late_by),
                "due": period.due.strftime("%d/%m/%Y"),
                "plan": plan.number,
            }
            url = report.get_absolute_url() if report else reverse("reporting:home")
            _notify(
                sorted(recipients, key=lambda u: u.pk),
                partial(_reminder_subject, late_by, values),
                partial(_reminder_body, values),
                url,
                config.send_email,
            )
            sent += 1
    return sent


def _reminder_subject(late_by: int, values: dict[str, object]) -> str:
    if late_by < 0:
        text = _("The report %(period)s of %(unit)s is due in %(days)s days (%(due)s).")
    elif late_by == 0:
        text = _("The report %(period)s of %(unit)s is due today (%(due)s).")
    else:
        text = _("The report %(period)s of %(unit)s is %(days)s days overdue (due %(due)s).")
    return text % values


def _reminder_body(values: dict[str, object]) -> str:
    return _("Plan %(plan)s. Please fill in and submit the report.") % values


def _digest(
    plan: Plan, config: ReminderSettings, periods: list[ReportingPeriod], today: date
) -> None:
    past = [p for p in periods if p.due < today]
    owing = owing_by_period(past)
    received = set(
        ProgressReport.objects.filter(
            period__in=past, first_submitted_at__isnull=False
        ).values_list("period_id", "unit_id")
    )
    missing = sum(1 for p in past for u in owing[p.pk] if (p.pk, u) not in received)
    waiting = ProgressReport.objects.filter(
        period__plan=plan, state=ProgressReport.State.SUBMITTED
    ).count()
    if not missing and not waiting:
        return
    coordinators = permissions.reporting.reporting_coordinators(plan)
    values = {"plan": plan.number, "missing": missing, "waiting": waiting}

    def subject() -> str:
        return (
            _("%(plan)s: %(missing)s reports overdue, %(waiting)s waiting for your decision.")
            % values
        )

    url = reverse("reporting:plan", args=[plan.pk])
    users = [u for u in coordinators if _log_once(f"digest:{plan.pk}:{u.pk}:{today}", plan, today)]
    if users:
        _notify(users, subject, subject, url, config.send_email)

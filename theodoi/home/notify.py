"""Notifications on events: in the app (the "Notifications" page) and by e-mail.

What happens is followed without the apps importing this module: the shared
workflow's ``moved`` signal (a progress report accepted, returned or reopened;
a tuyên vận month approved, returned, accepted, closed or reopened; any
reviewed document's decision told to whoever proposed it) and the saves of
the tuyên vận objects whose actions do not go through the workflow (an appeal
answered, the district's scores submitted — the flags and the explanation
window — a monthly report or documents received).

Each text is rendered in the recipient's language (its preference, Vietnamese
by default). E-mail follows the recipient's choice: one e-mail per event,
through the task queue once the change is committed; a daily digest
(:func:`send_digests`, run by ``theodoi remind``); or none.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from theodoi.core.workflow import moved
from theodoi.permissions import home as scope
from theodoi.units.models import Membership

from .models import NotificationPreference

Role = Membership.Role
Render = Callable[[], str]


def _prefs(users: Iterable[Any]) -> dict[int, NotificationPreference]:
    ids = [u.pk for u in users]
    return {p.user_id: p for p in NotificationPreference.objects.filter(user_id__in=ids)}


def deliver(
    users: Iterable[Any],
    render: Render,
    url: str,
    *,
    by: Any = None,
    email: bool = True,
    body: Render | None = None,
) -> int:
    """Notify ``users`` (not ``by``, who did it): ``render()`` is the text, called in
    each recipient's language; ``body`` the e-mail's longer text (the text itself
    when none). Returns how many were notified."""
    from theodoi.reporting.models import Notification

    by_id = getattr(by, "pk", None)
    recipients = sorted(
        {u.pk: u for u in users if u is not None and u.is_active and u.pk != by_id}.values(),
        key=lambda u: u.pk,
    )
    if not recipients:
        return 0
    prefs = _prefs(recipients)
    rows, mails = [], []
    for user in recipients:
        pref = prefs.get(user.pk) or NotificationPreference(user=user)
        with translation.override(pref.language):
            text = str(render())[:500]
            long_text = str(body()) if body else text
        rows.append(Notification(user=user, text=text, url=url[:200]))
        if email and user.email and pref.email == NotificationPreference.Email.IMMEDIATE:
            mails.append((user.pk, text, long_text, url, pref.language))
    Notification.objects.bulk_create(rows)
    if mails:

        def enqueue() -> None:
            from .tasks import send_notification_email

            for args in mails:
                send_notification_email.enqueue(*args)

        transaction.on_commit(enqueue)
    return len(recipients)


def email_text(text: str, body: str, url: str, language: str) -> tuple[str, str]:
    """The subject and body of one notification's e-mail, in ``language``."""
    site = settings.SITE_URL.rstrip("/")
    with translation.override(language):
        footer = _("Choose how you are notified: %(url)s") % {
            "url": site + reverse("home:preferences")
        }
        link = site + url if url.startswith("/") else url
        return text[:200], f"{body}\n\n{link}\n\n-- \n{footer}\n"


def send_digests(now: datetime | None = None) -> int:
    """One e-mail per account that chose the daily digest: what it was told since
    the last one (the last 24 hours the first time). Returns how many were sent."""
    from django.core.mail import send_mail

    from theodoi.reporting.models import Notification

    now = now or timezone.now()
    sent = 0
    prefs = NotificationPreference.objects.filter(
        email=NotificationPreference.Email.DIGEST, user__is_active=True
    ).select_related("user")
    for pref in prefs:
        since = pref.digest_sent_at or now - timedelta(days=1)
        items = list(
            Notification.objects.filter(
                user=pref.user, created_at__gt=since, created_at__lte=now
            ).order_by("created_at", "pk")[:200]
        )
        pref.digest_sent_at = now
        pref.save(update_fields=["digest_sent_at"])
        if not items or not pref.user.email:
            continue
        site = settings.SITE_URL.rstrip("/")
        with translation.override(pref.language):
            subject = _("theodoi: %(n)d notification(s) since %(since)s") % {
                "n": len(items),
                "since": timezone.localtime(since).strftime("%d/%m/%Y %H:%M"),
            }
            lines = [f"- {n.text}\n  {site + n.url if n.url else ''}" for n in items]
            footer = _("Choose how you are notified: %(url)s") % {
                "url": site + reverse("home:preferences")
            }
        send_mail(subject, "\n".join(lines) + f"\n\n-- \n{footer}\n", None, [pref.user.email])
        sent += 1
    return sent


# -- the events ----------------------------------------------------------------------


def _month(value: Any) -> str:
    return value.strftime("%m/%Y")


def _month_url(commune_id: int, month: Any) -> str:
    return reverse("tuyenvan:month", args=[commune_id, f"{month.year:04d}-{month.month:02d}"])


@receiver(moved)
def _on_moved(sender: Any, obj: Any, step: Any, by: Any, reason: str, **kwargs: Any) -> None:
    label = sender._meta.label
    if label == "reporting.ProgressReport":
        _report_moved(obj, step.name, by, reason)
    elif label == "tuyenvan.MonthlyResult":
        _month_moved(obj, step.name, by, reason)
    else:
        _proposal_decided(obj, step, by, reason)


def _report_moved(report: Any, step: str, by: Any, reason: str) -> None:
    from theodoi.reporting.models import ProgressReport

    report = ProgressReport.objects.select_related("period__plan", "unit").get(pk=report.pk)
    values = {
        "period": report.period.title,
        "unit": report.unit.name,
        "comment": report.comment or reason,
    }
    messages: dict[str, Render] = {
        "accept": lambda: _("Your report %(period)s (%(unit)s) was accepted.") % values,
        "return": lambda: (
            _("Your report %(period)s (%(unit)s) was returned for correction: %(comment)s") % values
        ),
        "reopen": lambda: _("Your report %(period)s (%(unit)s) was reopened: %(comment)s") % values,
    }
    if step not in messages:
        return
    texts = messages[step]
    deliver(scope.unit_reporters(report.unit_id), texts, report.get_absolute_url(), by=by)


def _month_moved(result: Any, step: str, by: Any, reason: str) -> None:
    messages = month_messages(result, reason)
    if step not in messages:
        return
    users = scope.unit_members(result.commune_id, Role.COMMUNE_REPORTER)
    if step == "reopen":
        users += scope.members_reaching(result.commune_id, Role.DISTRICT_SCORER)
    deliver(users, messages[step], _month_url(result.commune_id, result.month), by=by)


def month_messages(result: Any, reason: str = "") -> dict[str, Render]:
    """The texts told to a commune when its tuyên vận month moves, by step, in the
    words of the month's chain (the district, or the cluster's scorers)."""
    from theodoi.tuyenvan.wording import wording_for

    values = {"commune": result.commune.name, "month": _month(result.month), "reason": reason}
    words = wording_for(result.commune_id, result.month)
    return {
        "approve": lambda: words.told_approved % values,
        "return": lambda: words.told_returned % values,
        "accept": lambda: words.told_accepted % values,
        "close": lambda: _("The tuyên vận month %(month)s of %(commune)s is closed.") % values,
        "reopen": lambda: (
            _("The tuyên vận month %(month)s of %(commune)s was reopened: %(reason)s") % values
        ),
    }


# The decision steps told to whoever proposed the document.
DECISIONS = frozenset({"accept", "return", "reject", "approve", "publish"})
PROPOSER_FIELDS = ("proposed_by", "created_by", "submitted_by", "author")


def _proposal_decided(obj: Any, step: Any, by: Any, reason: str) -> None:
    if step.name not in DECISIONS:
        return
    proposer = next((getattr(obj, f, None) for f in PROPOSER_FIELDS if hasattr(obj, f)), None)
    if not isinstance(proposer, User):
        return
    url = obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else ""
    values = {"what": str(obj)[:200], "reason": reason}
    texts: dict[str, Render] = {
        "accept": lambda: _("Your proposal “%(what)s” was accepted.") % values,
        "approve": lambda: _("Your proposal “%(what)s” was approved.") % values,
        "publish": lambda: _("“%(what)s” was published.") % values,
        "return": lambda: _("Your proposal “%(what)s” was returned: %(reason)s") % values,
        "reject": lambda: _("Your proposal “%(what)s” was refused: %(reason)s") % values,
    }
    deliver([proposer], texts[step.name], url, by=by)


def scored_text(month: Any, closes: Any, flags: int, words: Any = None) -> str:
    """The text told to a commune when the district (or the cluster's scorer,
    ``words`` of the month's chain) submits its scores."""
    from theodoi.tuyenvan.wording import BY_DISTRICT

    values = {"month": _month(month), "day": closes.strftime("%d/%m/%Y"), "n": flags}
    message = (words or BY_DISTRICT).told_scored % values
    if flags:
        message += " " + _("%(n)d flag(s) on your commune.") % values
    return message


def received_text(submission: Any) -> str:
    """The text told to whoever receives a commune's or district's submission."""
    values = {
        "kind": submission.get_kind_display(),
        "sender": submission.sender.name,
        "month": _month(submission.month),
    }
    return _("Received from %(sender)s: %(kind)s, %(month)s.") % values


def _connect_tuyenvan() -> None:
    from theodoi.tuyenvan.models import Appeal, ScoreSheet, Submission

    @receiver(post_save, sender=Appeal, weak=False, dispatch_uid="home.appeal_answered")
    def _appeal_answered(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
        fields = kwargs.get("update_fields") or ()
        if created or "answered_at" not in fields or instance.answered_at is None:
            return
        values = {
            "code": instance.criterion.code,
            "month": _month(instance.month),
            "outcome": instance.get_outcome_display(),
            "answer": instance.answer,
        }
        users = scope.unit_members(instance.commune_id, Role.COMMUNE_REPORTER)
        deliver(
            [*users, instance.created_by],
            lambda: (
                _("Your appeal on %(code)s (%(month)s) was answered: %(outcome)s. %(answer)s")
                % values
            ),
            reverse(
                "tuyenvan:explain", args=[instance.commune_id, instance.month.strftime("%Y-%m")]
            ),
            by=instance.answered_by,
        )

    @receiver(post_save, sender=ScoreSheet, weak=False, dispatch_uid="home.district_scored")
    def _district_scored(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
        fields = kwargs.get("update_fields") or ()
        if instance.source != ScoreSheet.Source.DISTRICT or "submitted_at" not in fields:
            return
        commune_id, month = instance.commune_id, instance.month
        users = scope.unit_members(commune_id, Role.COMMUNE_REPORTER)
        by = instance.submitted_by

        def after() -> None:
            from theodoi.tuyenvan.models import MonthlyResult
            from theodoi.tuyenvan.wording import wording_for

            result = MonthlyResult.objects.filter(commune_id=commune_id, month=month).first()
            words = wording_for(commune_id, month)
            flags = result.open_flags if result else 0
            closes = timezone.localdate(instance.submitted_at) + timedelta(
                days=instance.criteria_set.explanation_days
            )
            deliver(
                users,
                lambda: scored_text(month, closes, flags, words),
                reverse("tuyenvan:explain", args=[commune_id, month.strftime("%Y-%m")]),
                by=by,
            )

        transaction.on_commit(after)

    @receiver(post_save, sender=Submission, weak=False, dispatch_uid="home.received")
    def _received(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
        if not created or kwargs.get("raw"):
            return
        deliver(
            scope.submission_receivers(instance),
            lambda: received_text(instance),
            reverse("tuyenvan:submission", args=[instance.pk]),
            by=instance.sent_by,
        )


_connect_tuyenvan()

"""Periodic reporting: schedules, periods, progress reports and what follows them up."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from theodoi.plans.models import Plan, WorkItem
from theodoi.units.models import Unit


class PeriodKind(models.TextChoices):
    MONTH = "month", _("Month")
    QUARTER = "quarter", _("Quarter")
    HALF = "half", _("6 months")
    YEAR = "year", _("Year")
    AD_HOC = "ad_hoc", _("Ad hoc")


class ReportingSchedule(models.Model):
    """One period kind a plan collects reports for, with its due-date rule."""

    class Rule(models.TextChoices):
        DAY_OF_LAST_MONTH = "day_of_last_month", _("Day N of the period's last month")
        DAYS_AFTER_END = "days_after_end", _("N days after the period's end")

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="reporting_schedules", verbose_name=_("plan")
    )
    kind = models.CharField(
        _("period kind"),
        max_length=10,
        choices=[c for c in PeriodKind.choices if c[0] != PeriodKind.AD_HOC],
    )
    rule = models.CharField(_("due-date rule"), max_length=20, choices=Rule.choices)
    days = models.PositiveSmallIntegerField(_("N"), default=10)
    shift_off_days = models.BooleanField(
        _("move due dates off weekends and holidays"),
        default=False,
        help_text=_(
            "Only when set does a due date on a weekend or holiday move to the next working day."
        ),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("reporting schedule")
        verbose_name_plural = _("reporting schedules")
        ordering = ["plan", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "kind"],
                name="one_schedule_per_kind",
                violation_error_message=_("This plan already collects reports of this kind."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.plan.number} · {self.get_kind_display()}"


class ReportingPeriodQuerySet(models.QuerySet["ReportingPeriod"]):
    def past_due(self, today: date) -> ReportingPeriodQuerySet:
        return self.filter(due__lt=today)


class ReportingPeriod(models.Model):
    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="reporting_periods", verbose_name=_("plan")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=PeriodKind.choices)
    code = models.CharField(
        _("code"), max_length=20, help_text=_("YYYY-MM, YYYY-Qn, YYYY-Hn, YYYY or your own code.")
    )
    title = models.CharField(pgettext_lazy("period", "title"), max_length=200)
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))
    due = models.DateField(_("due date"))
    history = HistoricalRecords()

    objects = ReportingPeriodQuerySet.as_manager()

    class Meta:
        verbose_name = _("reporting period")
        verbose_name_plural = _("reporting periods")
        ordering = ["plan", "end", "-start", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "code"],
                name="unique_period_code",
                violation_error_message=_("This plan already has a period with this code."),
            ),
            models.CheckConstraint(
                condition=Q(end__gte=models.F("start")),
                name="period_dates_order",
                violation_error_message=_("The end date cannot be before the start date."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} · {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("reporting:period", args=[self.pk])


class ProgressReportQuerySet(models.QuerySet["ProgressReport"]):
    def received(self) -> ProgressReportQuerySet:
        return self.filter(first_submitted_at__isnull=False)

    def past_due_unsent(self, today: date) -> ProgressReportQuerySet:
        return self.filter(
            period__due__lt=today,
            state__in=[ProgressReport.State.DRAFT, ProgressReport.State.RETURNED],
        )


class ProgressReport(models.Model):
    """A unit's report for a period: one entry per work item it takes part in."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        ACCEPTED = "accepted", _("Accepted")
        RETURNED = "returned", _("Returned")

    EDITABLE = (State.DRAFT, State.RETURNED)

    period = models.ForeignKey(
        ReportingPeriod, on_delete=models.CASCADE, related_name="reports", verbose_name=_("period")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="progress_reports", verbose_name=_("unit")
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.DRAFT)
    version = models.PositiveIntegerField(pgettext_lazy("revision", "version"), default=1)
    first_submitted_at = models.DateTimeField(_("first submitted"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    comment = models.TextField(_("coordinator's comment"), blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords()

    objects = ProgressReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["period", "unit__position", "unit__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["period", "unit"],
                name="one_report_per_unit_and_period",
                violation_error_message=_("This unit already has a report for this period."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit} · {self.period.code}"

    def get_absolute_url(self) -> str:
        return reverse("reporting:report", args=[self.pk])

    @property
    def is_editable(self) -> bool:
        return self.state in self.EDITABLE

    @property
    def on_time(self) -> bool | None:
        if self.first_submitted_at is None:
            return None
        from django.utils import timezone

        return timezone.localdate(self.first_submitted_at) <= self.period.due


class ProgressEntry(models.Model):
    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE_ON_TIME = "done_on_time", _("Done on time")
        DONE_LATE = "done_late", _("Done late")
        OVERDUE = "overdue", _("Overdue, not done")
        CHANGE_PROPOSED = "change_requested", _("Adjustment proposed")

    DONE = (Status.DONE_ON_TIME, Status.DONE_LATE)
    # The fields a reporter fills; revisions diff these.
    FILLED = (
        "status",
        "percent",
        "completed_on",
        "results",
        "shortcomings",
        "proposals",
        "budget_spent",
    )

    class Role(models.TextChoices):
        LEAD = "lead", _("Lead")
        COORDINATING = "coordinating", _("Coordinating")

    report = models.ForeignKey(
        ProgressReport, on_delete=models.CASCADE, related_name="entries", verbose_name=_("report")
    )
    work_item = models.ForeignKey(
        WorkItem,
        on_delete=models.CASCADE,
        related_name="progress_entries",
        verbose_name=_("work item"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    position = models.PositiveIntegerField(_("position"), default=0)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NOT_STARTED
    )
    percent = models.PositiveSmallIntegerField(_("percent done"), default=0)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    results = models.TextField(_("results achieved"), blank=True)
    shortcomings = models.TextField(_("shortcomings and causes"), blank=True)
    proposals = models.TextField(_("proposals"), blank=True)
    budget_spent = models.PositiveBigIntegerField(_("budget spent (VND)"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("progress entry")
        verbose_name_plural = _("progress entries")
        ordering = ["report", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["report", "work_item"], name="one_entry_per_work_item"),
            models.CheckConstraint(condition=Q(percent__lte=100), name="entry_percent_at_most_100"),
        ]

    def __str__(self) -> str:
        return str(self.work_item)

    def values(self) -> dict[str, object]:
        return {
            name: (value.isoformat() if isinstance(value, date) else value)
            for name in self.FILLED
            for value in [getattr(self, name)]
        }


def evidence_path(instance: Evidence, filename: str) -> str:
    """A generated name: nothing of the uploaded name reaches the file system."""
    import secrets

    from .evidence import EXTENSIONS

    ext = EXTENSIONS.get(instance.content_type, "bin")
    return f"evidence/{instance.entry.report_id}/{secrets.token_hex(16)}.{ext}"


class Evidence(models.Model):
    entry = models.ForeignKey(
        ProgressEntry, on_delete=models.CASCADE, related_name="evidence", verbose_name=_("entry")
    )
    file = models.FileField(_("file"), upload_to=evidence_path, max_length=200)
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("reporting:evidence", args=[self.pk])


class ReportRevision(models.Model):
    """One step of a report's workflow: who, when, what changed and why."""

    class Action(models.TextChoices):
        SUBMIT = "submit", _("Submitted")
        ACCEPT = "accept", _("Accepted")
        RETURN = "return", _("Returned")
        REOPEN = "reopen", _("Reopened")

    report = models.ForeignKey(
        ProgressReport,
        on_delete=models.CASCADE,
        related_name="revisions",
        verbose_name=_("report"),
    )
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("when"))
    version = models.PositiveIntegerField(pgettext_lazy("revision", "version"))
    comment = models.TextField(_("comment or reason"), blank=True)
    # {work item id: {field: [before, after]}} for submissions.
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    # {work item id: {field: value}}: the entries as submitted.
    snapshot = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("report revision")
        verbose_name_plural = _("report revisions")
        ordering = ["report", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.report} · {self.get_action_display()}"


class ReminderSettings(models.Model):
    plan = models.OneToOneField(
        Plan, on_delete=models.CASCADE, related_name="reminder_settings", verbose_name=_("plan")
    )
    days_before = models.CharField(
        _("days before the due date"),
        max_length=40,
        default="3",
        help_text=_("Comma-separated, e.g. 7,3."),
    )
    on_due_day = models.BooleanField(_("on the due date"), default=True)
    days_after = models.CharField(
        _("days after the due date"),
        max_length=40,
        default="1,3,7",
        help_text=_("Comma-separated, e.g. 1,3,7."),
    )
    escalate_after = models.PositiveSmallIntegerField(
        _("also tell the unit's head from day"),
        default=3,
        help_text=_("Days after the due date from which the head of the unit is reminded too."),
    )
    coordinator_digest = models.BooleanField(_("daily digest for coordinators"), default=True)
    send_email = models.BooleanField(_("send email"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("reminder settings")
        verbose_name_plural = _("reminder settings")

    def __str__(self) -> str:
        return str(self.plan)

    @staticmethod
    def _days(text: str) -> list[int]:
        return sorted({int(x) for x in text.replace(" ", "").split(",") if x.isdigit()})

    @property
    def before(self) -> list[int]:
        return self._days(self.days_before)

    @property
    def after(self) -> list[int]:
        return self._days(self.days_after)


class ReminderLog(models.Model):
    """One reminder sent; the key makes a second one for the same report and day impossible."""

    key = models.CharField(max_length=120, unique=True)
    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, null=True, blank=True)
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE)
    day = models.DateField()
    recipients = models.PositiveSmallIntegerField(default=0)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-day", "pk"]

    def __str__(self) -> str:
        return self.key


class NotificationQuerySet(models.QuerySet["Notification"]):
    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    text = models.CharField(_("text"), max_length=500)
    url = models.CharField(_("link"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.text


class Inspection(models.Model):
    """An inspection or supervision (kiểm tra, giám sát) of a unit."""

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="inspections", verbose_name=_("plan")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="inspections", verbose_name=_("unit")
    )
    held_on = models.DateField(_("date"))
    team = models.TextField(pgettext_lazy("inspection", "team"))
    scope = models.TextField(_("scope"))
    findings = models.TextField(_("findings"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.unit} · {self.held_on:%d/%m/%Y}"

    def get_absolute_url(self) -> str:
        return reverse("reporting:inspection", args=[self.pk])


class FollowUp(models.Model):
    inspection = models.ForeignKey(
        Inspection,
        on_delete=models.CASCADE,
        related_name="follow_ups",
        verbose_name=_("inspection"),
    )
    text = models.TextField(_("required follow-up"))
    deadline = models.DateField(_("deadline"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    closing_note = models.TextField(_("how it was closed"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["deadline", "pk"]

    def __str__(self) -> str:
        return self.text[:80]


class ConsolidatedExport(models.Model):
    class Format(models.TextChoices):
        DOCX = "docx", "DOCX"
        XLSX = "xlsx", "XLSX"

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    period = models.ForeignKey(
        ReportingPeriod,
        on_delete=models.CASCADE,
        related_name="exports",
        verbose_name=_("period"),
    )
    format = models.CharField(_("format"), max_length=4, choices=Format.choices)
    number = models.CharField(_("number and symbol"), max_length=40, blank=True)
    issued_on = models.DateField(_("date of the report"), null=True, blank=True)
    recipients = models.TextField(_("recipients"), blank=True, help_text=_("One per line."))
    signer_authority = models.CharField(
        _("signing authority"), max_length=100, blank=True, help_text=_("e.g. K/T TRƯỞNG BAN")
    )
    signer_position = models.CharField(_("signer's position"), max_length=100, blank=True)
    signer_name = models.CharField(_("signer's name"), max_length=100, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    file = models.FileField(upload_to="exports/", blank=True, max_length=200)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("consolidated export")
        verbose_name_plural = _("consolidated exports")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.period.code} · {self.format}"

    def get_absolute_url(self) -> str:
        return reverse("reporting:export", args=[self.pk])


class ReportSection(models.Model):
    """A section of a period's consolidated report as staff edited it before export.

    The export prints the edited text instead of the generated one; the text is
    kept for every later export of the period. ``generated_digest`` is the digest
    of the generated text the editor started from, so the page can say when the
    reports behind it have changed since.
    """

    class Key(models.TextChoices):
        RESULTS = "results", _("Results of the tasks")
        SHORTCOMINGS = "shortcomings", _("Shortcomings and causes")
        OUTLOOK = "outlook", _("Directions and tasks for the next period")
        PROPOSALS = "proposals", _("Recommendations and proposals")

    period = models.ForeignKey(
        ReportingPeriod,
        on_delete=models.CASCADE,
        related_name="sections",
        verbose_name=_("period"),
    )
    key = models.CharField(_("section"), max_length=20, choices=Key.choices)
    text = models.TextField(_("text"))
    generated_digest = models.CharField(max_length=64, blank=True)
    version = models.PositiveIntegerField(_("version of the text"), default=1)
    reason = models.CharField(_("reason for the change"), max_length=100, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("report section")
        verbose_name_plural = _("report sections")
        ordering = ["period", "key"]
        constraints = [
            models.UniqueConstraint(fields=["period", "key"], name="one_section_per_key"),
        ]

    def __str__(self) -> str:
        return f"{self.period} · {self.get_key_display()}"

"""The programme (Đề án), its annual plans (Kế hoạch), tasks, work items and assignments."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from theodoi.core import clock
from theodoi.units.models import Unit


class LegalDocument(models.Model):
    """A document referred to by number and date, e.g. Kế hoạch 25-KH/TU of 09/05/2016."""

    number = models.CharField(_("number and symbol"), max_length=60)
    issued_on = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=300, blank=True)
    issuer = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("issuing body")
    )

    class Meta:
        verbose_name = _("legal document")
        verbose_name_plural = _("legal documents")
        ordering = ["issued_on", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["number", "issued_on"],
                name="unique_legal_document",
                violation_error_message=_("A document with this number and date already exists."),
            )
        ]

    def __str__(self) -> str:
        return _("%(number)s of %(date)s") % {
            "number": self.number,
            "date": self.issued_on.strftime("%d/%m/%Y"),
        }


class Programme(models.Model):
    """A multi-year programme (Đề án), e.g. 17-ĐA/TU, 2016–2020."""

    code = models.CharField(_("number and symbol"), max_length=60)
    title = models.CharField(_("title"), max_length=400)
    issuer = models.ForeignKey(Unit, on_delete=models.PROTECT, verbose_name=_("issuing body"))
    start_year = models.PositiveSmallIntegerField(_("first year"))
    end_year = models.PositiveSmallIntegerField(_("last year"))
    summary = models.TextField(_("summary"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["-start_year", "code"]
        constraints = [
            # Each committee numbers its own documents: "17-ĐA/TU" exists in
            # many provinces, once in each.
            models.UniqueConstraint(
                fields=["issuer", "code"],
                name="unique_programme_code_per_issuer",
                violation_error_message=_(
                    "This body already has a programme with this document number."
                ),
            ),
            models.CheckConstraint(
                condition=Q(end_year__gte=models.F("start_year")),
                name="programme_term_order",
                violation_error_message=_("The last year cannot be before the first year."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} · {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("plans:programme", args=[self.pk])

    @property
    def term(self) -> str:
        return f"{self.start_year}–{self.end_year}"


class Objective(models.Model):
    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="objectives", verbose_name=_("programme")
    )
    text = models.TextField(_("objective"))
    position = models.PositiveIntegerField(_("position"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("objective")
        verbose_name_plural = _("objectives")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.text[:80]


class Indicator(models.Model):
    """A measurable target of an objective (chỉ tiêu)."""

    objective = models.ForeignKey(
        Objective, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("objective")
    )
    name = models.CharField(_("indicator"), max_length=300)
    measure = models.CharField(_("unit of measure"), max_length=40, blank=True)
    target = models.DecimalField(
        _("target"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    baseline = models.DecimalField(
        _("baseline"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


class PlanQuerySet(models.QuerySet["Plan"]):
    def by_reference(self, reference: str) -> PlanQuerySet:
        """Plans matching an id ("12") or a document number ("112-KH/TU").

        A number can match several plans, one per issuing committee; callers
        ask for the id when it does.
        """
        reference = reference.strip()
        if reference.isdigit():
            return self.filter(Q(pk=int(reference)) | Q(number=reference))
        return self.filter(number=reference)

    def with_counts(self) -> PlanQuerySet:
        return self.annotate(
            task_count=Count("tasks", distinct=True),
            work_item_count=Count("tasks__work_items", distinct=True),
        )


class Plan(models.Model):
    """An annual implementation plan (Kế hoạch), e.g. 112-KH/TU of 05/01/2018."""

    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="plans", verbose_name=_("programme")
    )
    number = models.CharField(_("number and symbol"), max_length=60)
    issued_on = models.DateField(_("date"))
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=400)
    issuer = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="issued_plans",
        verbose_name=_("issuing body"),
    )
    owner = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="owned_plans",
        verbose_name=_("coordinating body"),
        help_text=_("The body that drafts the plan and follows it up, e.g. the Ban Tuyên giáo."),
    )
    legal_bases = models.ManyToManyField(
        LegalDocument, blank=True, related_name="plans", verbose_name=_("legal bases")
    )
    summary = models.TextField(_("purpose and requirements"), blank=True)
    history = HistoricalRecords(m2m_fields=[legal_bases])

    objects = PlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        ordering = ["-year", "number"]
        constraints = [
            # Each committee numbers its own plans: Lào Cai's and Yên Bái's
            # Tỉnh ủy may both issue a "112-KH/TU".
            models.UniqueConstraint(
                fields=["issuer", "number"],
                name="unique_plan_number_per_issuer",
                violation_error_message=_("A plan with this document number already exists."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.number} · {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("plans:detail", args=[self.pk])

    def clean(self) -> None:
        super().clean()
        if self.programme_id and self.year:
            programme = self.programme
            if not programme.start_year <= self.year <= programme.end_year:
                raise ValidationError(
                    {
                        "year": _("The plan's year must fall within the programme's term %(term)s.")
                        % {"term": programme.term}
                    }
                )

    @property
    def first_day(self) -> date:
        return date(self.year, 1, 1)

    @property
    def last_day(self) -> date:
        return date(self.year, 12, 31)


class Field(models.Model):
    """A field of work (lĩnh vực) grouping a plan's tasks."""

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="fields", verbose_name=_("plan")
    )
    name = models.CharField(_("field"), max_length=200)
    position = models.PositiveIntegerField(_("position"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("field")
        verbose_name_plural = _("fields")
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "name"],
                name="unique_field_name",
                violation_error_message=_("This plan already has a field with this name."),
            )
        ]

    def __str__(self) -> str:
        return self.name


def numbered(number: str, title: str) -> str:
    """How a task or a work item is printed: "3. Title", or the title without a number."""
    return f"{number}. {title}" if number else title


class Task(models.Model):
    """A task (nhiệm vụ) of a plan, made of work items."""

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="tasks", verbose_name=_("plan")
    )
    field = models.ForeignKey(
        Field, on_delete=models.PROTECT, related_name="tasks", verbose_name=_("field")
    )
    number = models.CharField(_("number"), max_length=20, blank=True)
    title = models.CharField(_("task"), max_length=500)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return numbered(self.number, self.title)

    def get_absolute_url(self) -> str:
        return reverse("plans:task", args=[self.pk])

    def clean(self) -> None:
        super().clean()
        if self.field_id and self.plan_id and self.field.plan_id != self.plan_id:
            raise ValidationError({"field": _("The field belongs to another plan.")})


class WorkItemQuerySet(models.QuerySet["WorkItem"]):
    def for_unit(self, unit: Unit | int, role: str | None = None) -> WorkItemQuerySet:
        condition = Q(assignments__unit=unit)
        if role:
            condition &= Q(assignments__role=role)
        return self.filter(condition).distinct()

    def active_between(self, start: date, end: date) -> WorkItemQuerySet:
        return self.filter(start__lte=end, end__gte=start)

    def overdue(self, today: date | None = None) -> WorkItemQuerySet:
        """Work items past their end date with a lead that has not finished."""
        today = today or clock.today()
        return self.filter(
            end__lt=today,
            assignments__role=Assignment.Role.LEAD,
            assignments__status__in=Assignment.Status.OPEN,
        ).distinct()


class WorkItem(models.Model):
    """A work item (nhóm đầu công việc): what is done, by whom, and when."""

    task = models.ForeignKey(
        Task, on_delete=models.CASCADE, related_name="work_items", verbose_name=_("task")
    )
    number = models.CharField(_("number"), max_length=20, blank=True)
    title = models.CharField(_("work item"), max_length=500)
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))
    expected_output = models.CharField(_("expected output"), max_length=500, blank=True)
    time_frame = models.CharField(
        _("time frame as written"),
        max_length=120,
        blank=True,
        help_text=_(
            "The time frame as the plan wrote it, e.g. “Quý I/2018”, kept beside the dates."
        ),
    )
    coordination_note = models.TextField(_("coordination"), blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    objects = WorkItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("work item")
        verbose_name_plural = _("work items")
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gte=models.F("start")),
                name="work_item_dates_order",
                violation_error_message=_("The end date cannot be before the start date."),
            )
        ]

    def __str__(self) -> str:
        return numbered(self.number, self.title)

    def get_absolute_url(self) -> str:
        return reverse("plans:work-item", args=[self.pk])

    def clean(self) -> None:
        super().clean()
        errors: dict[str, ValidationError] = {}
        if self.start and self.end and self.end < self.start:
            errors["end"] = ValidationError(_("The end date cannot be before the start date."))
        if self.task_id and self.start and self.end:
            year = self.task.plan.year
            if self.start.year != year:
                errors["start"] = ValidationError(
                    _("The work item must fall within the plan's year %(year)s.") % {"year": year}
                )
            if self.end.year != year:
                errors["end"] = ValidationError(
                    _("The work item must fall within the plan's year %(year)s.") % {"year": year}
                )
        if errors:
            raise ValidationError(errors)

    @property
    def plan_id(self) -> int:
        return self.task.plan_id

    def deadline_status(self, today: date | None = None) -> str:
        """The work item's standing against its end date, over all its lead units."""
        leads = [a for a in self.assignments.all() if a.role == Assignment.Role.LEAD]
        statuses = {a.deadline_status(today) for a in leads}
        for status in Assignment.DEADLINE_SEVERITY:
            if status in statuses:
                return status
        return Assignment.Deadline.NOT_DUE


class Assignment(models.Model):
    """A unit's part in a work item: it leads it (chủ trì) or coordinates (phối hợp).

    A work item may have several lead units, each responsible within its own
    area (the nine district committees each lead the same six work items), so
    progress is tracked per lead assignment.
    """

    class Role(models.TextChoices):
        LEAD = "lead", _("Lead")
        COORDINATING = "coordinating", _("Coordinating")

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        CHANGE_REQUESTED = "change_requested", _("Adjustment proposed")
        CANCELLED = "cancelled", _("Cancelled")

    Status.OPEN = (Status.NOT_STARTED, Status.IN_PROGRESS, Status.CHANGE_REQUESTED)  # type: ignore[attr-defined]

    class Deadline(models.TextChoices):
        NOT_DUE = "not_due", _("Not yet due")
        DUE_SOON = "due_soon", _("Due soon")
        OVERDUE = "overdue", _("Overdue, not done")
        DONE_ON_TIME = "done_on_time", _("Done on time")
        DONE_LATE = "done_late", _("Done late")
        CANCELLED = "cancelled", _("Cancelled")

    DEADLINE_SEVERITY = (
        Deadline.OVERDUE,
        Deadline.DUE_SOON,
        Deadline.NOT_DUE,
        Deadline.DONE_LATE,
        Deadline.DONE_ON_TIME,
        Deadline.CANCELLED,
    )
    DUE_SOON_DAYS = 7

    work_item = models.ForeignKey(
        WorkItem, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("work item")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("unit")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NOT_STARTED
    )
    percent_done = models.PositiveSmallIntegerField(_("percent done"), default=0)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["work_item", "-role", "unit__position", "unit__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["work_item", "unit"],
                name="one_role_per_unit",
                violation_error_message=_(
                    "A unit cannot both lead and coordinate the same work item."
                ),
            ),
            models.CheckConstraint(
                condition=Q(percent_done__lte=100),
                name="percent_at_most_100",
                violation_error_message=_("Percent done cannot exceed 100."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} · {self.get_role_display()} · {self.work_item}"

    def deadline_status(self, today: date | None = None) -> str:
        return self.deadline_for(
            self.status, self.completed_on, self.work_item.end, today or clock.today()
        )

    @classmethod
    def deadline_for(cls, status: str, completed_on: date | None, end: date, today: date) -> str:
        """The standing of an assignment in ``status`` against the work item's ``end``
        (the same rule for a model instance and for rows read with ``.values()``)."""
        if status == cls.Status.CANCELLED:
            return cls.Deadline.CANCELLED
        if status == cls.Status.DONE:
            if completed_on and completed_on > end:
                return cls.Deadline.DONE_LATE
            return cls.Deadline.DONE_ON_TIME
        if end < today:
            return cls.Deadline.OVERDUE
        if (end - today).days <= cls.DUE_SOON_DAYS:
            return cls.Deadline.DUE_SOON
        return cls.Deadline.NOT_DUE


# A plan as it lives: versions, change proposals, amendment decisions.
from .models_programme import IndicatorValue, ProgrammeReview  # noqa: E402, F401
from .models_proposals import (  # noqa: E402, F401
    ChangeProposal,
    Consultation,
    LockDecision,
    PlanVersion,
)

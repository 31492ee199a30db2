"""Detailed plans with budget estimates (kế hoạch chi tiết gắn với dự toán kinh phí).

Each lead unit files, under a year's plan, its detailed plan: for each work item
it leads, the activities, their time, their output and the amount estimated
with its funding source. The plan's coordinators approve it or return it with
comments (a finance reviewer, e.g. the Sở Tài chính, gives an opinion first
where the plan is configured so). An approved detailed plan is locked; a change
is a new revision, which replaces it once approved.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from theodoi.plans.models import Plan, WorkItem
from theodoi.units.models import Unit


class FundingSource(models.TextChoices):
    PROVINCIAL = "provincial", _("Provincial budget")
    DISTRICT = "district", _("District budget")
    PROGRAMME = "programme", _("Programme funds")
    OTHER = "other", _("Socialised and other sources")


class BudgetSettings(models.Model):
    """A plan's budget review: the unit asked for a finance opinion, if any."""

    plan = models.OneToOneField(
        Plan, on_delete=models.CASCADE, related_name="budget_settings", verbose_name=_("plan")
    )
    finance_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("finance reviewer"),
        help_text=_("When set, each detailed plan gets this unit's opinion before a decision."),
    )  # fmt: skip
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("budget settings")
        verbose_name_plural = _("budget settings")

    def __str__(self) -> str:
        return str(self.plan)


class DetailedPlan(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        FINANCE = "finance", _("Awaiting the finance opinion")
        RETURNED = "returned", _("Returned")
        APPROVED = "approved", _("Approved")
        SUPERSEDED = "superseded", _("Replaced by a later revision")

    EDITABLE = (State.DRAFT, State.RETURNED)
    OPEN = (State.DRAFT, State.SUBMITTED, State.FINANCE, State.RETURNED)

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="detailed_plans", verbose_name=_("plan")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="detailed_plans", verbose_name=_("unit")
    )
    revision = models.PositiveSmallIntegerField(_("revision"), default=1)
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.DRAFT)
    note = models.TextField(_("note"), blank=True)
    comment = models.TextField(_("coordinator's comment"), blank=True)
    finance_opinion = models.TextField(_("finance opinion"), blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(pgettext_lazy("revision", "version"), default=1)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("detailed plan")
        verbose_name_plural = _("detailed plans")
        ordering = ["plan", "unit__position", "unit__name", "revision"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "unit", "revision"],
                name="one_detailed_plan_per_revision",
                violation_error_message=_("This unit already has this revision."),
            ),
            models.UniqueConstraint(
                fields=["plan", "unit"],
                condition=Q(state__in=["draft", "submitted", "finance", "returned"]),
                name="one_open_detailed_plan",
                violation_error_message=_(
                    "This unit already has a detailed plan in progress for this plan."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} · {self.plan.number} · {self.revision}"

    def get_absolute_url(self) -> str:
        return reverse("budgets:detail", args=[self.pk])

    @property
    def is_editable(self) -> bool:
        return self.state in self.EDITABLE


class BudgetLine(models.Model):
    """An activity of a work item the unit leads, with its estimate."""

    detailed_plan = models.ForeignKey(
        DetailedPlan, on_delete=models.CASCADE, related_name="lines",
        verbose_name=_("detailed plan"),
    )  # fmt: skip
    work_item = models.ForeignKey(
        WorkItem, on_delete=models.PROTECT, related_name="budget_lines",
        verbose_name=_("work item"),
    )  # fmt: skip
    activity = models.CharField(_("activity"), max_length=500)
    timing = models.CharField(_("time"), max_length=100, blank=True, help_text=_("e.g. Quý II"))
    output = models.CharField(_("output"), max_length=300, blank=True)
    amount = models.PositiveBigIntegerField(_("amount (VND)"))
    source = models.CharField(
        _("funding source"), max_length=12, choices=FundingSource.choices,
        default=FundingSource.PROVINCIAL,
    )  # fmt: skip
    position = models.PositiveIntegerField(_("position"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        ordering = ["detailed_plan", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__lte=10**15), name="budget_line_amount_bounded"
            )
        ]

    def __str__(self) -> str:
        return self.activity

"""A plan as it lives: its versions, change proposals, consultations and amendment decisions.

Imported at the bottom of ``theodoi.plans.models`` so Django finds the models in
the plans app. Objectives stay fixed: proposals change work items; once a plan is
issued (it has a version 1), objectives, indicators, tasks and work items change
directly only by recording a decision of the issuing body (``LockDecision``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from theodoi.units.models import Unit


class PlanVersion(models.Model):
    """One version of a plan in force: numbered, what changed, on whose proposal, by whom.

    ``snapshot`` keeps the plan's tasks and work items as they were, so a report
    filed under this version shows what it reported against.
    """

    plan = models.ForeignKey(
        "plans.Plan", on_delete=models.CASCADE, related_name="versions", verbose_name=_("plan")
    )
    number = models.PositiveIntegerField(pgettext_lazy("revision", "version"))
    created_at = models.DateTimeField(_("in force from"))
    summary = models.TextField(_("what changed"), blank=True)
    proposal = models.ForeignKey(
        "plans.ChangeProposal",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("change proposal"),
    )
    decision = models.ForeignKey(
        "plans.LockDecision",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decision"),
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    snapshot = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("plan version")
        verbose_name_plural = _("plan versions")
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="one_plan_version_number")
        ]

    def __str__(self) -> str:
        return _("%(plan)s, version %(n)s") % {"plan": self.plan.number, "n": self.number}

    def get_absolute_url(self) -> str:
        return reverse("plans:version", args=[self.plan_id, self.number])

    def work_item(self, work_item_id: int) -> dict | None:
        """The work item as it was in this version (None: not in the plan then)."""
        return self.snapshot.get("work_items", {}).get(str(work_item_id))


class LockDecision(models.Model):
    """A decision of the issuing body that lets a locked object change (number, date, reason)."""

    class Action(models.TextChoices):
        ADD = "add", _("Addition")
        CHANGE = "change", _("Amendment")
        DELETE = "delete", _("Deletion")

    programme = models.ForeignKey(
        "plans.Programme",
        on_delete=models.CASCADE,
        related_name="lock_decisions",
        verbose_name=_("programme"),
    )
    plan = models.ForeignKey(
        "plans.Plan",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="lock_decisions",
        verbose_name=_("plan"),
    )
    number = models.CharField(_("decision number"), max_length=60)
    decided_on = models.DateField(_("decision date"))
    reason = models.TextField(_("reason"))
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    target = models.CharField(_("what"), max_length=300)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("amendment decision")
        verbose_name_plural = _("amendment decisions")
        ordering = ["-recorded_at", "-pk"]

    def __str__(self) -> str:
        return _("Decision %(number)s of %(date)s") % {
            "number": self.number,
            "date": self.decided_on.strftime("%d/%m/%Y"),
        }


class ChangeProposal(models.Model):
    """A unit's proposal to add, change, postpone or cancel a task or a work item it leads."""

    class Subject(models.TextChoices):
        WORK_ITEM = "work_item", _("A work item")
        TASK = "task", _("A task")

    class Kind(models.TextChoices):
        ADD = "add", _("Add a work item")
        CHANGE = "change", _("Change a work item")
        POSTPONE = "postpone", _("Postpone a work item")
        CANCEL = "cancel", _("Cancel a work item")

    class State(models.TextChoices):
        CONSULTING = "consulting", _("Awaiting other units' opinions")
        SUBMITTED = "submitted", _("Awaiting decision")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    plan = models.ForeignKey(
        "plans.Plan", on_delete=models.CASCADE, related_name="proposals", verbose_name=_("plan")
    )
    subject = models.CharField(
        _("what it changes"), max_length=10, choices=Subject.choices, default=Subject.WORK_ITEM
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    work_item = models.ForeignKey(
        "plans.WorkItem",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposals",
        verbose_name=_("work item"),
    )
    # A work item's task; the task a task proposal changes (None: a task to add,
    # until its approval creates it).
    task = models.ForeignKey(
        "plans.Task",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="proposals",
        verbose_name=_("task"),
    )
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="change_proposals",
        verbose_name=_("proposed by"),
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # The new values: for a work item title, number, expected_output, start, end
    # (ISO), leads and coordinating (unit ids); for a task number, title,
    # description, field (id), end, leads and coordinating. "before" is the work
    # item or task in force when proposed.
    values = models.JSONField(_("proposed values"), default=dict, blank=True)
    before = models.JSONField(default=dict, blank=True)
    reason = models.TextField(_("why the change"))
    effective_from = models.DateField(_("applies from"))
    state = models.CharField(
        _("state"), max_length=12, choices=State.choices, default=State.CONSULTING
    )
    base_version = models.PositiveIntegerField(_("plan version proposed against"), default=1)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(_("proposed"))
    decided_at = models.DateTimeField(_("decision time"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    result_version = models.ForeignKey(
        PlanVersion,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("resulting version"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("change proposal")
        verbose_name_plural = _("change proposals")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        title = self.values.get("title") or self.before.get("title") or ""
        return f"{self.kind_label}: {title}"[:200]

    def get_absolute_url(self) -> str:
        return reverse("plans:proposal", args=[self.pk])

    @property
    def kind_label(self) -> str:
        """What the proposal does, naming what it acts on ("Postpone a task")."""
        if self.subject == self.Subject.TASK:
            return str(TASK_KINDS.get(self.kind, self.get_kind_display()))
        return str(self.get_kind_display())


TASK_KINDS = {
    ChangeProposal.Kind.ADD: _("Add a task"),
    ChangeProposal.Kind.CHANGE: _("Change a task"),
    ChangeProposal.Kind.POSTPONE: _("Postpone a task"),
    ChangeProposal.Kind.CANCEL: _("Cancel a task"),
}


class Consultation(models.Model):
    """A unit whose work the proposal touches, asked to agree or disagree before the decision."""

    class Answer(models.TextChoices):
        PENDING = "", _("Not answered yet")
        AGREE = "agree", _("Agrees")
        DISAGREE = "disagree", _("Disagrees")

    proposal = models.ForeignKey(
        ChangeProposal,
        on_delete=models.CASCADE,
        related_name="consultations",
        verbose_name=_("change proposal"),
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="consultations", verbose_name=_("unit")
    )
    answer = models.CharField(
        _("unit's opinion"),
        max_length=10,
        choices=Answer.choices,
        default=Answer.PENDING,
        blank=True,
    )
    comment = models.TextField(_("comment"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("opinion given"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        ordering = ["proposal", "unit__position", "unit__name"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "unit"], name="one_consultation_per_unit")
        ]

    def __str__(self) -> str:
        return f"{self.unit} · {self.get_answer_display()}"

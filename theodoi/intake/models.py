"""Imports waiting for review: the file as read, the user's corrections, nothing else written.

A staged import holds the rows parsed from the uploaded file and the corrections
made on the review page; the plan (or the report) is changed only when the
import is committed, all at once, after everything is checked again.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from theodoi.plans.models import Plan
from theodoi.units.models import Unit


class StagedImport(models.Model):
    class Kind(models.TextChoices):
        PLAN = "plan", _("Plan's task table")
        REPORT = "report", _("Progress report")

    class State(models.TextChoices):
        REVIEW = "review", _("In review")
        COMMITTED = "committed", _("Committed")
        DISCARDED = "discarded", _("Discarded")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.PLAN)
    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="staged_imports", verbose_name=_("plan")
    )
    # For a progress report: the report (a draft) the table fills.
    report = models.ForeignKey(
        "reporting.ProgressReport",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="staged_imports",
        verbose_name=_("report"),
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.REVIEW)
    filename = models.CharField(_("file"), max_length=200)
    file_format = models.CharField(_("format"), max_length=10)
    # The file as read: {"rows": [[cell, …], …], "merged": …, "meta": {…}} (see reader.py).
    grid = models.JSONField(default=dict)
    # Source column index (as text) -> field key; "" ignores the column.
    mapping = models.JSONField(default=dict)
    header_row = models.IntegerField(default=-1)
    # Row index (as text) -> {cell key: corrected text, "kind": …}.
    edits = models.JSONField(default=dict)
    # A name that matches several units -> the unit id chosen for it.
    choices = models.JSONField(default=dict)
    apply_meta = models.BooleanField(_("update the plan from the document's header"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    committed_at = models.DateTimeField(_("committed"), null=True, blank=True)
    committed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reason = models.TextField(_("reason"), blank=True)
    summary = models.JSONField(default=dict, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("staged import")
        verbose_name_plural = _("staged imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.filename} → {self.plan.number}"

    def get_absolute_url(self) -> str:
        return reverse("intake:review", args=[self.pk])


class ColumnMapping(models.Model):
    """How an issuing body's tables name their columns, remembered from past reviews."""

    issuer = models.ForeignKey(
        Unit,
        on_delete=models.CASCADE,
        related_name="column_mappings",
        verbose_name=_("issuing body"),
    )
    header = models.CharField(_("header (folded)"), max_length=200)
    field = models.CharField(_("field"), max_length=30, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("column mapping")
        verbose_name_plural = _("column mappings")
        constraints = [
            models.UniqueConstraint(fields=["issuer", "header"], name="unique_column_mapping")
        ]

    def __str__(self) -> str:
        return f"{self.header} → {self.field or '—'}"

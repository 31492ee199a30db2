"""Matters put to the Standing Committee for direction, and what the direction requires.

A coordinator (or a unit through it) puts a matter to the committee's
Thường trực or Ban Thường vụ (xin ý kiến chỉ đạo); the committee's conclusion
or direction comes back as a document (number, date, text); it creates
follow-up items, each assigned to a unit (optionally tied to a work item of a
plan) and tracked until closed, like an inspection's follow-ups.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from theodoi.plans.models import Plan, WorkItem
from theodoi.units.models import Unit


class Matter(models.Model):
    class Body(models.TextChoices):
        STANDING = "standing", _("Standing members (Thường trực)")
        BOARD = "board", _("Standing Board (Ban Thường vụ)")

    class State(models.TextChoices):
        AWAITING = "awaiting", _("Awaiting direction")
        DIRECTED = "directed", _("Directed, being carried out")
        DONE = "done", _("Carried out")

    committee = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("committee")
    )
    body = models.CharField(_("asked of"), max_length=10, choices=Body.choices,
                            default=Body.STANDING)  # fmt: skip
    plan = models.ForeignKey(
        Plan, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("plan"),
    )  # fmt: skip
    title = models.CharField(_("matter"), max_length=400)
    content = models.TextField(_("what is asked"), blank=True)
    raised_by = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("raised by")
    )
    raised_on = models.DateField(_("raised on"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices,
                             default=State.AWAITING)  # fmt: skip
    direction_number = models.CharField(_("direction: number and symbol"), max_length=60,
                                        blank=True)  # fmt: skip
    direction_date = models.DateField(_("direction: date"), null=True, blank=True)
    direction_text = models.TextField(_("conclusion or direction"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(pgettext_lazy("revision", "version"), default=1)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("matter for direction")
        verbose_name_plural = _("matters for direction")
        ordering = ["-raised_on", "-pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("directions:detail", args=[self.pk])


class FollowUpItem(models.Model):
    matter = models.ForeignKey(
        Matter, on_delete=models.CASCADE, related_name="follow_ups", verbose_name=_("matter")
    )
    text = models.TextField(_("what is to be done"))
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("assigned to")
    )
    work_item = models.ForeignKey(
        WorkItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("work item"),
    )  # fmt: skip
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    closing_note = models.TextField(_("how it was closed"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("follow-up of a direction")
        verbose_name_plural = _("follow-ups of directions")
        ordering = ["matter", "deadline", "pk"]

    def __str__(self) -> str:
        return self.text[:80]

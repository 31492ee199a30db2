"""Thi đua (emulation): clusters, weights per year, the emulation year and its snapshots,
and the year-end commendation proposals.

A ranking is computed from the province's data (``ranking.py``) while its year is
open (a draft, "tạm tính"); closing the year stores a :class:`Snapshot` of every
period and level with the weights and rules it used, and from then on the
snapshot is the ranking: weights set for a later year, or edited data, never
rewrite it. Only reopening the year (with a reason) lets it move again.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from theodoi.units.models import Unit


class Level(models.TextChoices):
    AGENCY = "agency", _("Provincial agencies")
    DISTRICT = "district", _("District committees")
    CLUSTER = "cluster", _("Emulation clusters")


class Cluster(models.Model):
    """A cụm/khối thi đua the province defines: agencies or district committees
    that compete together; a cluster is ranked on its members' data taken together."""

    class Members(models.TextChoices):
        AGENCY = "agency", _("Provincial agencies")
        DISTRICT = "district", _("District committees")

    province = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="thidua_clusters", verbose_name=_("province")
    )
    name = models.CharField(_("name"), max_length=200)
    members_kind = models.CharField(
        _("members are"), max_length=10, choices=Members.choices, default=Members.AGENCY
    )
    members = models.ManyToManyField(
        Unit, related_name="thidua_memberships", verbose_name=_("members")
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    year_from = models.PositiveSmallIntegerField(
        _("in force from the year"),
        null=True,
        blank=True,
        help_text=_("Left empty: from the first year."),
    )
    year_to = models.PositiveSmallIntegerField(
        _("in force until the year"),
        null=True,
        blank=True,
        help_text=_("Left empty: still in force."),
    )
    version = models.PositiveIntegerField(pgettext_lazy("revision", "version"), default=1)
    history = HistoricalRecords(m2m_fields=[members])

    class Meta:
        verbose_name = _("emulation cluster")
        verbose_name_plural = _("emulation clusters")
        ordering = ["province", "position", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["province", "name", "year_from"],
                name="unique_cluster_name",
                violation_error_message=_("The province already has a cluster of this name."),
            ),
            models.CheckConstraint(
                condition=models.Q(year_from__isnull=True)
                | models.Q(year_to__isnull=True)
                | models.Q(year_to__gte=models.F("year_from")),
                name="cluster_years_order",
                violation_error_message=_("A cluster cannot end before the year it begins."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("thidua:cluster", args=[self.pk])

    def in_force(self, year: int) -> bool:
        return (self.year_from is None or self.year_from <= year) and (
            self.year_to is None or self.year_to >= year
        )


class WeightSet(models.Model):
    """The weights of one level's ranking for one year of one province, in points out of 100."""

    province = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="thidua_weights", verbose_name=_("province")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    # {component key: weight}; weights are whole numbers adding up to 100.
    weights = models.JSONField(_("weights"), default=dict)
    note = models.TextField(_("basis and note"), blank=True)
    version = models.PositiveIntegerField(pgettext_lazy("revision", "version"), default=1)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("weight set")
        verbose_name_plural = _("weight sets")
        ordering = ["province", "-year", "level"]
        constraints = [
            models.UniqueConstraint(
                fields=["province", "year", "level"],
                name="one_weight_set_per_level_and_year",
                violation_error_message=_("This level already has weights for this year."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.year} · {self.get_level_display()}"

    def get_absolute_url(self) -> str:
        return reverse("thidua:weight-edit", args=[self.pk])


class EmulationYear(models.Model):
    """A province's emulation year: open (rankings are drafts) or closed (final)."""

    class State(models.TextChoices):
        OPEN = "open", _("Open (draft rankings)")
        CLOSED = "closed", _("Closed (final rankings)")

    province = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="thidua_years", verbose_name=_("province")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.OPEN)
    version = models.PositiveIntegerField(pgettext_lazy("revision", "version"), default=1)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("emulation year")
        verbose_name_plural = _("emulation years")
        ordering = ["province", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["province", "year"], name="one_emulation_year")
        ]

    def __str__(self) -> str:
        return f"{self.province} · {self.year}"

    @property
    def is_closed(self) -> bool:
        return self.state == self.State.CLOSED


class Snapshot(models.Model):
    """A final ranking as the year was closed: rows, weights and rule texts, frozen."""

    emulation_year = models.ForeignKey(
        EmulationYear, on_delete=models.CASCADE, related_name="snapshots"
    )
    period = models.CharField(_("period"), max_length=10)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    data = models.JSONField(default=dict)
    taken_at = models.DateTimeField(_("taken at"))
    # Set when the year is reopened: the snapshot stays as a record, no longer in force.
    superseded_at = models.DateTimeField(_("superseded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("final ranking")
        verbose_name_plural = _("final rankings")
        ordering = ["emulation_year", "period", "level", "-taken_at"]
        indexes = [models.Index(fields=["emulation_year", "period", "level"])]

    def __str__(self) -> str:
        return f"{self.emulation_year} · {self.period} · {self.level}"


class Proposal(models.Model):
    """A year-end proposal for commendation (khen thưởng) drawn from the final ranking."""

    class Award(models.TextChoices):
        BANG_KHEN = "bang_khen", _("Certificate of merit (Bằng khen)")
        GIAY_KHEN = "giay_khen", _("Letter of commendation (Giấy khen)")

    emulation_year = models.ForeignKey(
        EmulationYear,
        on_delete=models.CASCADE,
        related_name="proposals",
        verbose_name=_("emulation year"),
    )
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("unit"),
    )
    cluster = models.ForeignKey(
        Cluster, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    name = models.CharField(_("name"), max_length=200)
    award = models.CharField(_("award"), max_length=12, choices=Award.choices)
    rank = models.PositiveIntegerField(_("rank"))
    score = models.DecimalField(_("score"), max_digits=6, decimal_places=2)
    reason = models.TextField(_("reason"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("commendation proposal")
        verbose_name_plural = _("commendation proposals")
        ordering = ["emulation_year", "level", "rank", "name"]

    def __str__(self) -> str:
        return f"{self.name} · {self.get_award_display()}"

"""The programme over its years: each indicator's value for a year, recorded once."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class IndicatorValue(models.Model):
    """An indicator's value for one year of the programme, from the year's report or records.

    One row per indicator and year: the programme page, the plans of the year and
    any report read it from here, so a figure is never typed twice.
    """

    indicator = models.ForeignKey(
        "plans.Indicator",
        on_delete=models.CASCADE,
        related_name="values",
        verbose_name=_("indicator"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)
    source = models.CharField(
        _("source"),
        max_length=300,
        blank=True,
        help_text=_("The report or record the value comes from, e.g. the year-end review."),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        ordering = ["indicator", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "year"],
                name="one_indicator_value_per_year",
                violation_error_message=_("This indicator already has a value for this year."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator} · {self.year}: {self.value}"


class ProgrammeReview(models.Model):
    """A review (sơ kết, tổng kết) of the programme's years: what was achieved, what fell
    short and why; the next plans are built on it (the 2018 plan on the review of 2016–2017)."""

    programme = models.ForeignKey(
        "plans.Programme",
        on_delete=models.CASCADE,
        related_name="reviews",
        verbose_name=_("programme"),
    )
    first_year = models.PositiveSmallIntegerField(_("from year"))
    last_year = models.PositiveSmallIntegerField(_("to year"))
    number = models.CharField(_("number and symbol"), max_length=60, blank=True)
    issued_on = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=400)
    results = models.TextField(_("results"))
    shortcomings = models.TextField(_("shortcomings"), blank=True)
    causes = models.TextField(_("causes"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("review of the programme")
        verbose_name_plural = _("reviews of the programme")
        ordering = ["programme", "first_year", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(first_year__lte=models.F("last_year")),
                name="review_years_in_order",
            )
        ]

    def __str__(self) -> str:
        return self.title

"""The province's own work as records: activities, the grassroots networks, targets.

An ``Activity`` is one thing the Ban Tuyên giáo, the Ban Dân vận or a committee
did: a reporters' conference, a class, a contest, a publication, a thematic
study, a dialogue with the people, a "Dân vận khéo" model, a conference of the
plan. The fields every kind has are columns (kind, title, dates, place, work
item, owner and the units that held it, mode, level, the participants counted);
what only one kind has lives in ``details``, validated by that kind's schema
(``theodoi.activities.kinds``). Dialogues' follow-ups are rows of their own,
tracked to closure.

A ``Target`` states a measure over the records (count, share, sum, distinct
units) with its filters, a goal, a comparison and a period; its value is
computed (``theodoi.activities.targets``), never typed.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from theodoi.plans.models import Indicator, Plan, Programme, WorkItem
from theodoi.units.models import Unit


class Kind(models.TextChoices):
    REPORTERS_CONFERENCE = "reporters_conference", _("Reporters' conference")
    CLASS = "class", _("Training class")
    CONTEST = "contest", _("Contest")
    PUBLICATION = "publication", _("Publication")
    STUDY = "study", _("Thematic study")
    DIALOGUE = "dialogue", _("Dialogue with the people")
    MODEL = "model", _("“Dân vận khéo” model")
    CONFERENCE = "conference", _("Conference of the plan")


class Mode(models.TextChoices):
    ONLINE = "online", _("Online")
    IN_PERSON = "in_person", _("In person")


class Level(models.TextChoices):
    PROVINCE = "province", _("Province")
    DISTRICT = "district", _("District")
    COMMUNE = "commune", _("Commune")


# Kinds held in a room or over a video link: they have a mode.
MODE_KINDS = frozenset({Kind.REPORTERS_CONFERENCE, Kind.CONFERENCE})
# Kinds with a level (a model is recognised at a level; a class is taught at one).
LEVEL_KINDS = frozenset({Kind.MODEL, Kind.CLASS})


class Activity(models.Model):
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices, db_index=True)
    title = models.CharField(_("name of the activity"), max_length=300)
    start = models.DateField(_("date"), db_index=True)
    end = models.DateField(_("end"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    owner = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="owned_activities",
        verbose_name=_("recorded by"),
        help_text=_("The unit whose record this is; its reach decides who sees it."),
    )
    units = models.ManyToManyField(
        Unit, related_name="activities", verbose_name=_("units that held it"), blank=True
    )
    work_item = models.ForeignKey(
        WorkItem,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="activities",
        verbose_name=_("work item"),
    )
    mode = models.CharField(_("mode"), max_length=12, choices=Mode.choices, blank=True)
    level = models.CharField(_("level"), max_length=12, choices=Level.choices, blank=True)
    participants = models.PositiveIntegerField(
        _("participants"), default=0, help_text=_("Counted from the details: attendance, trainees.")
    )
    quantity = models.PositiveIntegerField(
        _("quantity"), default=0, help_text=_("Copies of a publication; sessions of a study.")
    )
    details = models.JSONField(_("details"), default=dict, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by (account)"),
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords(m2m_fields=[units])

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["-start", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
                name="activity_dates_order",
                violation_error_message=_("The end date cannot be before the start date."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.start:%d/%m/%Y} · {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("activities:detail", args=[self.pk])

    @property
    def last_day(self) -> date:
        return self.end or self.start


class ActivityFile(models.Model):
    """Evidence of an activity: minutes, photos, the decision recognising a model."""

    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="files", verbose_name=_("activity")
    )
    file = models.FileField(_("file"), upload_to="activities/%Y/%m/")
    name = models.CharField(_("name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=8)
    size = models.PositiveIntegerField(_("size"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("activity file")
        verbose_name_plural = _("activity files")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


class FollowUp(models.Model):
    """What a leader promised at a dialogue, tracked until it is done."""

    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="follow_ups", verbose_name=_("activity")
    )
    text = models.TextField(_("matter to follow up"))
    responsible = models.CharField(_("responsible"), max_length=200, blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    closed_on = models.DateField(_("settled on"), null=True, blank=True)
    closing_note = models.TextField(_("how it was settled"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("dialogue follow-up")
        verbose_name_plural = _("dialogue follow-ups")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def is_closed(self) -> bool:
        return self.closed_on is not None


# Grassroots networks -----------------------------------------------------------


class Network(models.TextChoices):
    REPORTER = "reporter", _("Reporters (báo cáo viên)")
    PROPAGANDIST = "propagandist", _("Propagandists (tuyên truyền viên)")
    OPINION = "opinion", _("Public-opinion collaborators")


class NetworkMember(models.Model):
    network = models.CharField(_("network"), max_length=16, choices=Network.choices)
    full_name = models.CharField(_("full name"), max_length=120)
    position = models.CharField(_("post held"), max_length=200, blank=True)
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="network_members", verbose_name=_("unit")
    )
    level = models.CharField(_("level"), max_length=12, choices=Level.choices)
    term_start = models.DateField(_("term from"), null=True, blank=True)
    term_end = models.DateField(_("term to"), null=True, blank=True)
    training = models.TextField(_("training received"), blank=True)
    activities = models.ManyToManyField(
        Activity, blank=True, related_name="network_members", verbose_name=_("activities attended")
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords(m2m_fields=[activities])

    class Meta:
        verbose_name = _("network member")
        verbose_name_plural = _("network members")
        ordering = ["network", "unit__position", "unit__name", "full_name"]

    def __str__(self) -> str:
        return self.full_name

    def serves_on(self, day: date) -> bool:
        return (self.term_start is None or self.term_start <= day) and (
            self.term_end is None or self.term_end >= day
        )


class NetworkStandard(models.Model):
    """How many members of a network a unit should have, as a regulation sets it."""

    network = models.CharField(_("network"), max_length=16, choices=Network.choices)
    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="network_standards", verbose_name=_("unit")
    )
    number = models.PositiveIntegerField(_("standard number"))
    basis = models.CharField(_("regulation"), max_length=200, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("network standard")
        verbose_name_plural = _("network standards")
        constraints = [
            models.UniqueConstraint(fields=["network", "unit"], name="one_standard_per_unit")
        ]

    def __str__(self) -> str:
        return f"{self.unit} · {self.get_network_display()}: {self.number}"


# Targets -----------------------------------------------------------------------


class Target(models.Model):
    class Measure(models.TextChoices):
        COUNT = "count", _("Number of records")
        SHARE = "share", _("Share of records (%)")
        SUM = "sum", _("Sum over records")
        DISTINCT_UNITS = "distinct_units", _("Number of distinct units")

    class Comparison(models.TextChoices):
        GT = "gt", ">"
        GTE = "gte", "≥"
        LT = "lt", "<"
        LTE = "lte", "≤"
        EQ = "eq", "="

    class SumOf(models.TextChoices):
        PARTICIPANTS = "participants", _("participants")
        QUANTITY = "quantity", _("quantity")

    class FollowUps(models.TextChoices):
        ANY = "", _("any")
        CLOSED = "closed", _("all follow-ups closed")
        OPEN = "open", _("some follow-up open")

    name = models.CharField(_("name"), max_length=300)
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="activity_targets",
        verbose_name=_("scope unit"),
        help_text=_("Records of this unit and the units under it count."),
    )
    plan = models.ForeignKey(
        Plan,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="activity_targets",
        verbose_name=_("plan"),
    )
    indicator = models.OneToOneField(
        Indicator,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="activity_target",
        verbose_name=_("programme indicator"),
        help_text=_("The indicator takes its actual from this target's value."),
    )
    measure = models.CharField(_("measure"), max_length=16, choices=Measure.choices)
    kind = models.CharField(_("kind of record"), max_length=24, choices=Kind.choices, blank=True)
    mode = models.CharField(_("mode"), max_length=12, choices=Mode.choices, blank=True)
    level = models.CharField(_("level"), max_length=12, choices=Level.choices, blank=True)
    follow_ups = models.CharField(
        _("dialogue follow-ups"), max_length=8, choices=FollowUps.choices, blank=True
    )
    share_mode = models.CharField(
        _("share: records held"),
        max_length=12,
        choices=Mode.choices,
        blank=True,
        help_text=_("For a share: the records counted above the line (e.g. online)."),
    )
    share_follow_ups = models.CharField(
        _("share: follow-ups"), max_length=8, choices=FollowUps.choices, blank=True
    )
    sum_of = models.CharField(_("sum of"), max_length=16, choices=SumOf.choices, blank=True)
    unit_kind = models.CharField(
        _("kind of unit counted"),
        max_length=20,
        choices=Unit.Kind.choices,
        blank=True,
        help_text=_("For distinct units: count only units of this kind (e.g. communes)."),
    )
    comparison = models.CharField(_("comparison"), max_length=4, choices=Comparison.choices)
    goal = models.DecimalField(_("goal"), max_digits=14, decimal_places=2)
    start = models.DateField(_("period from"))
    end = models.DateField(_("period to"))
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["start", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gte=models.F("start")),
                name="target_period_order",
                violation_error_message=_("The period cannot end before it begins."),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("activities:target", args=[self.pk])

    def clean(self) -> None:
        super().clean()
        errors: dict[str, str] = {}
        if self.measure == self.Measure.SHARE and not (self.share_mode or self.share_follow_ups):
            errors["share_mode"] = _("A share needs the records it counts above the line.")
        if self.measure == self.Measure.SUM and not self.sum_of:
            errors["sum_of"] = _("Choose what is summed.")
        if self.start and self.end and self.end < self.start:
            errors["end"] = _("The period cannot end before it begins.")
        if errors:
            raise ValidationError(errors)


__all__ = [
    "Activity",
    "ActivityFile",
    "FollowUp",
    "Indicator",
    "Kind",
    "Level",
    "Mode",
    "Network",
    "NetworkMember",
    "NetworkStandard",
    "Programme",
    "Target",
]

"""Tuyên vận roster: the attendance roster of officials, and the boards registry.

The roster: a coordinator sets a round (a month or a quarter) with its rules,
the system generates who attends which commune's monthly conference
(``roster.generate_roster``), and the coordinator edits and publishes it.

The registry: each district committee and each commune has a ban tuyên vận
with members and posts; each village (thôn/bản) of a commune has a tổ tuyên
vận; boards keep their working rules (quy chế) documents.
"""

from __future__ import annotations

import calendar
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Exists, Max, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from theodoi.units.models import Unit

from .files import rules_file_path, validate_rules_file


def month_start(day: date) -> date:
    return day.replace(day=1)


def add_months(day: date, n: int) -> date:
    total = day.year * 12 + (day.month - 1) + n
    return date(total // 12, total % 12 + 1, 1)


def month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


# Roster -------------------------------------------------------------------


class RosterRound(models.Model):
    """A month or a quarter of conferences, with the coordinator's rules."""

    class Period(models.TextChoices):
        MONTH = "month", _("Month")
        QUARTER = "quarter", _("Quarter")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", pgettext_lazy("roster", "Published")

    class Frequency(models.IntegerChoices):
        NONE = 0, _("Not required")
        MONTHLY = 1, _("Every month")
        QUARTERLY = 3, _("At least once a quarter")

    province = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="roster_rounds",
        verbose_name=_("province"),
        help_text=_("The committee whose communes the roster covers."),
    )
    period = models.CharField(_("period"), max_length=10, choices=Period.choices)
    start = models.DateField(_("first month"), help_text=_("The first day of the first month."))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    provincial_frequency = models.PositiveSmallIntegerField(
        _("provincial official visits"),
        choices=Frequency.choices,
        default=Frequency.QUARTERLY,
        help_text=_("How often each commune's conference has a provincial official."),
    )
    district_frequency = models.PositiveSmallIntegerField(
        _("district official visits"),
        choices=Frequency.choices,
        default=Frequency.MONTHLY,
        help_text=_("How often each commune's conference has an official of its district."),
    )
    provincial_monthly_limit = models.PositiveSmallIntegerField(
        _("monthly limit per provincial official"), default=5
    )
    district_monthly_limit = models.PositiveSmallIntegerField(
        _("monthly limit per district official"), default=12
    )
    no_repeat = models.BooleanField(
        _("no official at the same commune in consecutive months"), default=True
    )
    prefer_district = models.BooleanField(
        _("prefer officials assigned to the commune's district"), default=True
    )
    note = models.TextField(_("note"), blank=True)
    generated_at = models.DateTimeField(_("generated at"), null=True, blank=True)
    published_at = models.DateTimeField(
        pgettext_lazy("roster", "published at"), null=True, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("roster round")
        verbose_name_plural = _("roster rounds")
        ordering = ["-start", "period"]
        constraints = [
            models.UniqueConstraint(
                fields=["province", "period", "start"], name="unique_roster_round"
            )
        ]

    def __str__(self) -> str:
        return str(self.title)

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("tuyenvan_people:roster-detail", args=[self.pk])

    @property
    def title(self) -> str:
        if self.period == self.Period.QUARTER:
            quarter = (self.start.month - 1) // 3 + 1
            return _("Quarter %(q)s/%(year)s") % {"q": quarter, "year": self.start.year}
        return _("Month %(m)s/%(year)s") % {"m": self.start.month, "year": self.start.year}

    def preference_report(self) -> object:
        """How many provincial assignments kept to the official's cluster (or
        followed district), and why the others did not (``roster.PreferenceReport``)."""
        from .roster import preference_report

        return preference_report(self)

    @property
    def months(self) -> list[date]:
        count = 3 if self.period == self.Period.QUARTER else 1
        return [add_months(self.start, i) for i in range(count)]

    @property
    def end(self) -> date:
        return month_end(self.months[-1])

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    def clean(self) -> None:
        super().clean()
        if self.start and self.start.day != 1:
            raise ValidationError({"start": _("Start on the first day of a month.")})
        if self.start and self.period == self.Period.QUARTER and (self.start.month - 1) % 3 != 0:
            raise ValidationError(
                {"start": _("A quarter starts in January, April, July or October.")}
            )


class OfficialProfile(models.Model):
    """What the roster needs to know about an attending official beyond its membership."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="official_profile"
    )
    follows_district = models.ForeignKey(
        Unit,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("district followed"),
        help_text=_("A provincial official assigned to follow a district (phụ trách địa bàn)."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("official profile")
        verbose_name_plural = _("official profiles")

    def __str__(self) -> str:
        return str(self.user)


class Unavailability(models.Model):
    """Days an official cannot attend any conference."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="unavailabilities",
        verbose_name=_("official"),
    )
    start = models.DateField(_("from"))
    end = models.DateField(_("to"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("unavailability")
        verbose_name_plural = _("unavailabilities")
        ordering = ["start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gte=models.F("start")),
                name="unavailability_range",
                violation_error_message=_("The last day cannot be before the first."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.start:%d/%m/%Y}–{self.end:%d/%m/%Y}"

    def clean(self) -> None:
        super().clean()
        if self.start and self.end and self.end < self.start:
            raise ValidationError({"end": _("The last day cannot be before the first.")})


class ConferenceDate(models.Model):
    """The day a commune holds its monthly tuyên vận conference."""

    commune = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="conference_dates", verbose_name=_("commune")
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    day = models.DateField(_("date"))
    is_default = models.BooleanField(
        _("generated"), default=False, help_text=_("Proposed by the system, not by the commune.")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("conference date")
        verbose_name_plural = _("conference dates")
        constraints = [
            models.UniqueConstraint(fields=["commune", "month"], name="unique_conference_month")
        ]

    def __str__(self) -> str:
        return f"{self.commune} {self.day:%d/%m/%Y}"

    def clean(self) -> None:
        super().clean()
        if self.day and self.month and month_start(self.day) != self.month:
            raise ValidationError({"day": _("The date must fall in the month.")})


class RosterEntryQuerySet(models.QuerySet):
    def for_official(self, user: object) -> RosterEntryQuerySet:
        return self.filter(official=user)

    def published(self) -> RosterEntryQuerySet:
        return self.filter(round__status=RosterRound.Status.PUBLISHED)

    def with_places(self) -> RosterEntryQuerySet:
        return self.select_related("commune__parent", "official", "round")


class RosterEntry(models.Model):
    """One official attending one commune's conference."""

    class Kind(models.TextChoices):
        PROVINCIAL = "provincial", _("Provincial official")
        DISTRICT = "district", _("District official")

    round = models.ForeignKey(
        RosterRound, on_delete=models.CASCADE, related_name="entries", verbose_name=_("round")
    )
    official = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="roster_entries",
        verbose_name=_("official"),
    )
    commune = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="roster_entries", verbose_name=_("commune")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    day = models.DateField(_("date"))
    explanation = models.TextField(_("why"), blank=True)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("edited by"),
    )
    edit_reason = models.CharField(_("reason for the edit"), max_length=300, blank=True)
    history = HistoricalRecords()

    objects = RosterEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("roster entry")
        verbose_name_plural = _("roster entries")
        ordering = ["day", "commune__parent__position", "commune__position", "kind"]

    def __str__(self) -> str:
        return f"{self.day:%d/%m/%Y} {self.commune} – {self.official}"

    @property
    def month(self) -> date:
        return month_start(self.day)


# Boards and teams -----------------------------------------------------------


class BoardQuerySet(models.QuerySet):
    def with_gaps(self) -> BoardQuerySet:
        """Annotate what the registry flags, in one query."""
        deputies = BoardMember.objects.filter(
            board=OuterRef("pk"), post=BoardMember.Post.FULL_TIME_DEPUTY
        )
        return self.annotate(
            has_full_time_deputy=Exists(deputies),
            latest_rules=Max("rules__issued_on"),
            member_count=Count("members", distinct=True),
            team_count=Count("unit__tuyenvan_teams", distinct=True),
            empty_team_count=Count(
                "unit__tuyenvan_teams",
                filter=Q(unit__tuyenvan_teams__members__isnull=True),
                distinct=True,
            ),
        )


class Board(models.Model):
    """A ban tuyên vận of a district committee or of a commune."""

    unit = models.OneToOneField(
        Unit, on_delete=models.PROTECT, related_name="tuyenvan_board", verbose_name=_("unit")
    )
    name = models.CharField(_("name"), max_length=200)
    established_on = models.DateField(_("established on"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    history = HistoricalRecords()

    objects = BoardQuerySet.as_manager()

    class Meta:
        verbose_name = _("tuyên vận board")
        verbose_name_plural = _("tuyên vận boards")
        ordering = ["unit__parent__position", "unit__position", "unit__name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("tuyenvan_people:board-detail", args=[self.pk])

    def gap_labels(self, today: date) -> list[str]:
        """The registry's flags; needs ``BoardQuerySet.with_gaps()``."""
        gaps = []
        if not self.has_full_time_deputy:
            gaps.append(str(_("No full-time deputy head")))
        if self.latest_rules is None:
            gaps.append(str(_("No working rules")))
        elif self.latest_rules.year < today.year:
            gaps.append(str(_("Working rules from %(year)s")) % {"year": self.latest_rules.year})
        if self.empty_team_count:
            gaps.append(str(_("%(n)s empty team(s)")) % {"n": self.empty_team_count})
        return gaps


class BoardMember(models.Model):
    class Post(models.TextChoices):
        HEAD = "head", _("Head (trưởng ban)")
        FULL_TIME_DEPUTY = "full_time_deputy", _("Full-time deputy head")
        DEPUTY = "deputy", _("Deputy head")
        MEMBER = "member", _("Member")

    board = models.ForeignKey(
        Board, on_delete=models.CASCADE, related_name="members", verbose_name=_("board")
    )
    full_name = models.CharField(_("full name"), max_length=120)
    post = models.CharField(_("post"), max_length=20, choices=Post.choices, default=Post.MEMBER)
    title = models.CharField(
        _("position held"), max_length=200, blank=True, help_text=_("e.g. Bí thư Đảng ủy xã")
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("board member")
        verbose_name_plural = _("board members")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.full_name


class Team(models.Model):
    """A tổ tuyên vận of one village (thôn, bản, tổ dân phố) of a commune."""

    commune = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="tuyenvan_teams", verbose_name=_("commune")
    )
    village_name = models.CharField(_("village"), max_length=120)
    village = models.ForeignKey(
        Unit,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("village unit"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("tuyên vận team")
        verbose_name_plural = _("tuyên vận teams")
        ordering = ["village_name"]
        constraints = [
            models.UniqueConstraint(fields=["commune", "village_name"], name="unique_team_village")
        ]

    def __str__(self) -> str:
        return str(_("Team of %(village)s")) % {"village": self.village_name}


class TeamMember(models.Model):
    class Post(models.TextChoices):
        LEADER = "leader", _("Team leader (tổ trưởng)")
        DEPUTY = "deputy", _("Deputy leader (tổ phó)")
        MEMBER = "member", _("Member")

    team = models.ForeignKey(
        Team, on_delete=models.CASCADE, related_name="members", verbose_name=_("team")
    )
    full_name = models.CharField(_("full name"), max_length=120)
    post = models.CharField(_("post"), max_length=10, choices=Post.choices, default=Post.MEMBER)
    title = models.CharField(_("position held"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        ordering = ["post", "pk"]

    def __str__(self) -> str:
        return self.full_name


class RulesDocument(models.Model):
    """A board's working rules (quy chế hoạt động)."""

    board = models.ForeignKey(
        Board, on_delete=models.CASCADE, related_name="rules", verbose_name=_("board")
    )
    number = models.CharField(_("number"), max_length=60)
    issued_on = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=300, blank=True)
    file = models.FileField(
        _("file"),
        upload_to=rules_file_path,
        validators=[validate_rules_file],
        blank=True,
        help_text=_("PDF, DOCX, PNG or JPEG."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("working rules")
        verbose_name_plural = _("working rules")
        ordering = ["-issued_on"]

    def __str__(self) -> str:
        return f"{self.number} ({self.issued_on:%d/%m/%Y})"

    def get_file_url(self) -> str:
        from django.urls import reverse

        return reverse("tuyenvan_people:rules-file", args=[self.pk])

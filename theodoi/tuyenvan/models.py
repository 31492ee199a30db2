"""Tuyên vận scoring: criteria sets, the monthly cycle per commune, results.

A month is a ``DateField`` holding its first day. The result rule itself lives
in ``scoring.py``; these models only hold what people and the system record.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from theodoi.units.models import Unit

DEFAULT_BANDS: list[dict[str, Any]] = [
    {"code": "tot", "label": "Tốt", "min": 80},
    {"code": "kha", "label": "Khá", "min": 65},
    {"code": "trung_binh", "label": "Trung bình", "min": 50},
    {"code": "yeu", "label": "Yếu", "min": 0},
]
NOT_ELIGIBLE = "khong_du_dieu_kien"
# Stored on results like the bands' own labels (which are Vietnamese data).
NOT_ELIGIBLE_LABEL = "Không đủ điều kiện xếp loại"


def month_start(day: date) -> date:
    return day.replace(day=1)


def parse_month(text: str) -> date:
    """'2018-03' -> date(2018, 3, 1); ValueError on anything else."""
    year, _sep, month = text.partition("-")
    if len(year) != 4 or len(month) != 2:
        raise ValueError(text)
    return date(int(year), int(month), 1)


def month_key(month: date) -> str:
    return f"{month.year:04d}-{month.month:02d}"


def _default_bands() -> list[dict[str, Any]]:
    return [dict(b) for b in DEFAULT_BANDS]


class CriteriaSetQuerySet(models.QuerySet["CriteriaSet"]):
    def published(self) -> CriteriaSetQuerySet:
        return self.filter(status=CriteriaSet.Status.PUBLISHED)

    def in_force(self, owner: Unit | int, month: date) -> CriteriaSet | None:
        """The published set an owner's communes are scored under for ``month``."""
        owner_id = owner.pk if isinstance(owner, Unit) else owner
        return (
            self.published()
            .filter(owner_id=owner_id, effective_from__lte=month)
            .order_by("-effective_from", "-version")
            .first()
        )


class CriteriaSet(models.Model):
    """A versioned scoring table, in force from a month until the next version."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    owner = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="criteria_sets", verbose_name=_("owner")
    )
    name = models.CharField(_("name"), max_length=200)
    version = models.PositiveIntegerField(pgettext_lazy("revision", "version"), default=1)
    effective_from = models.DateField(_("effective from (month)"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    discrepancy_threshold = models.DecimalField(
        _("discrepancy threshold (points)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("2"),
        help_text=_("Sources differing by more than this on a criterion are flagged."),
    )
    explanation_days = models.PositiveSmallIntegerField(
        _("explanation window (days)"),
        default=5,
        help_text=_("Days after the district's sheet during which the commune may appeal."),
    )
    report_due_day = models.PositiveSmallIntegerField(
        _("report due day"),
        default=25,
        help_text=_("Day of the month by which the commune's report is due."),
    )
    bands = models.JSONField(_("bands"), default=_default_bands)
    ineligible_without_meeting = models.BooleanField(
        _("not eligible for classification without a conference"), default=True
    )
    history = HistoricalRecords()

    objects = CriteriaSetQuerySet.as_manager()

    class Meta:
        verbose_name = _("criteria set")
        verbose_name_plural = _("criteria sets")
        ordering = ["-effective_from", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "version"], name="unique_criteria_version")
        ]

    def __str__(self) -> str:
        return f"{self.name} (v{self.version})"

    def get_absolute_url(self) -> str:
        return reverse("tuyenvan:criteria-detail", args=[self.pk])

    def clean(self) -> None:
        super().clean()
        if self.effective_from and self.effective_from.day != 1:
            raise ValidationError(
                {"effective_from": _("A set takes effect on a month's first day.")}
            )
        validate_bands(self.bands)

    def band_for(self, total: Decimal | None, eligible: bool = True) -> tuple[str, str]:
        """(code, label) of the band ``total`` falls in: the first band whose min ≤ total."""
        if not eligible:
            return NOT_ELIGIBLE, NOT_ELIGIBLE_LABEL
        if total is None:
            return "", ""
        ordered = self._ordered_bands()
        for minimum, code, label in ordered:
            if total >= minimum:
                return code, label
        return ordered[-1][1], ordered[-1][2]

    def _ordered_bands(self) -> list[tuple[Decimal, str, str]]:
        """Bands by descending minimum, computed once per instance."""
        key = repr(self.bands)
        cached = self.__dict__.get("_bands_cache")
        if cached is None or cached[0] != key:
            ordered = sorted(
                ((Decimal(str(b["min"])), b["code"], b["label"]) for b in self.bands),
                key=lambda b: -b[0],
            )
            cached = (key, ordered)
            self.__dict__["_bands_cache"] = cached
        return cached[1]

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def max_total(self) -> Decimal:
        return sum(
            (c.max_points for c in Criterion.objects.filter(group__criteria_set=self)
             if c.kind != Criterion.Kind.BONUS),
            Decimal(0),
        )  # fmt: skip


def validate_bands(bands: Any) -> None:
    message = _("Bands are a list of {code, label, min} with distinct minimums.")
    if not isinstance(bands, list) or not bands:
        raise ValidationError({"bands": message})
    mins = []
    for band in bands:
        if not isinstance(band, dict) or not {"code", "label", "min"} <= set(band):
            raise ValidationError({"bands": message})
        try:
            mins.append(Decimal(str(band["min"])))
        except ArithmeticError:
            raise ValidationError({"bands": message}) from None
    if len(set(mins)) != len(mins):
        raise ValidationError({"bands": message})


class CriterionGroup(models.Model):
    criteria_set = models.ForeignKey(
        CriteriaSet, on_delete=models.CASCADE, related_name="groups", verbose_name=_("criteria set")
    )
    code = models.CharField(_("code"), max_length=10)
    name = models.CharField(_("name"), max_length=300)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("criterion group")
        verbose_name_plural = _("criterion groups")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return f"{self.code}. {self.name}"


class Criterion(models.Model):
    class Kind(models.TextChoices):
        NORMAL = "normal", _("Scored")
        BONUS = "bonus", _("Bonus")
        PENALTY = "penalty", _("Penalty")
        RESERVE = "reserve", _("Reserved for the upper level")

    class SystemRule(models.TextChoices):
        NONE = "", _("Scored by people")
        SUBMISSIONS = "submissions", _("Report and documents sent on time")
        MEETING = "meeting", _("Monthly conference held")

    group = models.ForeignKey(
        CriterionGroup, on_delete=models.CASCADE, related_name="criteria", verbose_name=_("group")
    )
    code = models.CharField(_("code"), max_length=10)
    text = models.CharField(_("criterion"), max_length=400)
    guidance = models.TextField(_("guidance"), blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.NORMAL)
    min_points = models.DecimalField(
        _("minimum points"), max_digits=5, decimal_places=2, default=Decimal(0)
    )
    max_points = models.DecimalField(_("maximum points"), max_digits=5, decimal_places=2)
    evidence_required = models.BooleanField(_("deductions need evidence"), default=False)
    by_self = models.BooleanField(_("scored by the commune"), default=True)
    by_district = models.BooleanField(_("scored by the district"), default=True)
    by_official = models.BooleanField(_("scored by attending officials"), default=True)
    system_rule = models.CharField(
        _("scored by the system"), max_length=20, choices=SystemRule.choices, blank=True
    )
    missing_penalty = models.DecimalField(
        _("points off per missing submission"), max_digits=4, decimal_places=2, default=Decimal(1)
    )
    late_penalty = models.DecimalField(
        _("points off per late submission"), max_digits=4, decimal_places=2, default=Decimal("0.5")
    )
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["group__position", "position", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(max_points__gte=models.F("min_points")),
                name="criterion_points_order",
                violation_error_message=_("The maximum cannot be below the minimum."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.text}"

    def clean(self) -> None:
        super().clean()
        if not self.system_rule and not self.by_district:
            # The result rule: the district's score stands on every people-scored line.
            raise ValidationError(
                {"by_district": _("The district scores every criterion the system does not.")}
            )
        if self.system_rule and (self.by_self or self.by_district or self.by_official):
            raise ValidationError(
                {"system_rule": _("A criterion scored by the system is scored by no one else.")}
            )

    def scorable_by(self, source: str) -> bool:
        if self.system_rule:
            return False
        return {
            ScoreSheet.Source.SELF: self.by_self,
            ScoreSheet.Source.DISTRICT: self.by_district,
            ScoreSheet.Source.OFFICIAL: self.by_official,
        }[source]


class MonthQuerySet(models.QuerySet[Any]):
    def of_month(self, month: date) -> Any:
        return self.filter(month=month)


class Meeting(models.Model):
    """The commune's monthly hội nghị tuyên vận."""

    commune = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="tuyenvan_meetings", verbose_name=_("commune")
    )
    month = models.DateField(_("month"))
    held_on = models.DateField(_("date held"))
    place = models.CharField(_("place"), max_length=200)
    chair = models.CharField(_("chaired by"), max_length=200)
    topics = models.TextField(_("content (topics)"))
    participants = models.PositiveIntegerField(_("participants"))
    attending_officials = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="MeetingOfficial",
        related_name="tuyenvan_meetings",
        blank=True,
        verbose_name=_("attending officials"),
    )
    issues_raised = models.TextField(_("issues raised by the people"), blank=True)
    proposals = models.TextField(_("proposals"), blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    minutes_file = models.FileField(
        _("minutes file"), upload_to="tuyenvan/minutes/%Y/%m/", blank=True
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords(excluded_fields=["minutes_file"])

    objects = MonthQuerySet.as_manager()

    class Meta:
        verbose_name = _("tuyên vận conference")
        verbose_name_plural = _("tuyên vận conferences")
        ordering = ["-month", "commune__name"]
        constraints = [
            models.UniqueConstraint(fields=["commune", "month"], name="one_meeting_per_month")
        ]

    def __str__(self) -> str:
        return f"{self.commune} · {month_key(self.month)}"

    def clean(self) -> None:
        super().clean()
        if self.held_on and self.month and month_start(self.held_on) != self.month:
            raise ValidationError({"held_on": _("The conference date must be in its month.")})


class MeetingOfficial(models.Model):
    """An official listed as attending a conference; the source of truth for their access."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="official_links")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"], name="unique_meeting_official")
        ]

    def __str__(self) -> str:
        return f"{self.meeting}: {self.user}"


class ScoreSheet(models.Model):
    """One source's scores for a commune's month."""

    class Source(models.TextChoices):
        SELF = "self", _("Commune self-assessment")
        DISTRICT = "district", pgettext_lazy("score source", "District scorer")
        OFFICIAL = "official", _("Attending official")

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")

    commune = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="tuyenvan_sheets", verbose_name=_("commune")
    )
    month = models.DateField(_("month"))
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    official = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tuyenvan_sheets",
        verbose_name=_("official"),
    )
    criteria_set = models.ForeignKey(CriteriaSet, on_delete=models.PROTECT, related_name="sheets")
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.DRAFT)
    version = models.PositiveIntegerField(pgettext_lazy("revision", "version"), default=0)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.TextField(_("note"), blank=True)
    history = HistoricalRecords()

    objects = MonthQuerySet.as_manager()

    class Meta:
        verbose_name = _("score sheet")
        verbose_name_plural = _("score sheets")
        ordering = ["month", "commune__name", "source"]
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "month", "source"],
                condition=Q(official__isnull=True),
                name="one_sheet_per_source",
            ),
            models.UniqueConstraint(
                fields=["commune", "month", "official"],
                condition=Q(official__isnull=False),
                name="one_sheet_per_official",
            ),
            models.CheckConstraint(
                condition=Q(source="official", official__isnull=False)
                | (~Q(source="official") & Q(official__isnull=True)),
                name="official_sheet_has_official",
            ),
        ]

    def __str__(self) -> str:
        who = f" · {self.official}" if self.official_id else ""
        return f"{self.commune} · {month_key(self.month)} · {self.get_source_display()}{who}"

    @property
    def is_submitted(self) -> bool:
        return self.state == self.State.SUBMITTED


class Score(models.Model):
    sheet = models.ForeignKey(ScoreSheet, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="scores")
    points = models.DecimalField(_("points"), max_digits=5, decimal_places=2)
    reason = models.TextField(_("reason for the deduction"), blank=True)
    evidence = models.CharField(_("evidence"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(fields=["sheet", "criterion"], name="one_score_per_criterion")
        ]

    def __str__(self) -> str:
        return f"{self.criterion.code}: {self.points}"


class Resolution(models.Model):
    """The district's confirmation or correction of a flagged discrepancy."""

    commune = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    month = models.DateField(_("month"))
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    points = models.DecimalField(_("points kept"), max_digits=5, decimal_places=2)
    reason = models.TextField(_("reason"))
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    resolved_at = models.DateTimeField(_("resolved at"))
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "month", "criterion"], name="one_resolution_per_flag"
            )
        ]

    def __str__(self) -> str:
        return f"{self.commune} · {month_key(self.month)} · {self.criterion.code}"


class Submission(models.Model):
    """A report or documents sent by a commune (or a district section) to a recipient."""

    class Kind(models.TextChoices):
        REPORT = "report", _("Monthly report")
        DOCUMENTS = "documents", _("Related documents")
        DISTRICT_SECTION = "district_section", _("District tuyên vận section")

    sender = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="tuyenvan_sent", verbose_name=_("sender")
    )
    recipient = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="tuyenvan_received",
        verbose_name=pgettext_lazy("recipient", "to"),
    )
    month = models.DateField(_("month"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("content"), blank=True)
    file = models.FileField(_("file"), upload_to="tuyenvan/submissions/%Y/%m/", blank=True)
    sent_at = models.DateTimeField(_("sent at"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = MonthQuerySet.as_manager()

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        ordering = ["-sent_at"]
        indexes = [models.Index(fields=["month", "kind"])]

    def __str__(self) -> str:
        return f"{self.sender} → {self.recipient}: {self.title}"


class MonthlyResult(models.Model):
    """The computed result of one commune's month, and its approval state."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        APPROVED = "approved", _("Approved by the district")
        ACCEPTED = "accepted", _("Accepted by BTG")
        CLOSED = "closed", _("Closed")

    commune = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="tuyenvan_results")
    # The unit directly above the commune (the district; the province from 7/2025).
    district = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    province = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    month = models.DateField(_("month"))
    criteria_set = models.ForeignKey(CriteriaSet, on_delete=models.PROTECT, related_name="+")
    total = models.DecimalField(_("total"), max_digits=6, decimal_places=2, null=True)
    self_total = models.DecimalField(max_digits=6, decimal_places=2, null=True)
    district_total = models.DecimalField(max_digits=6, decimal_places=2, null=True)
    official_total = models.DecimalField(max_digits=6, decimal_places=2, null=True)
    system_total = models.DecimalField(max_digits=6, decimal_places=2, default=Decimal(0))
    band = models.CharField(_("band"), max_length=30, blank=True)
    band_label = models.CharField(_("band"), max_length=60, blank=True)
    eligible = models.BooleanField(default=True)
    open_flags = models.PositiveIntegerField(_("open discrepancies"), default=0)
    deductions = models.PositiveIntegerField(_("deductions"), default=0)
    missing_sources = models.JSONField(default=list)
    meeting_held = models.BooleanField(default=False)
    reports_missing = models.PositiveSmallIntegerField(default=0)
    reports_late = models.PositiveSmallIntegerField(default=0)
    computed_at = models.DateTimeField(null=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    history = HistoricalRecords()

    objects = MonthQuerySet.as_manager()

    class Meta:
        verbose_name = _("monthly result")
        verbose_name_plural = _("monthly results")
        ordering = ["month", "commune__name"]
        constraints = [
            models.UniqueConstraint(fields=["commune", "month"], name="one_result_per_month")
        ]
        indexes = [
            models.Index(fields=["month", "district"]),
            models.Index(fields=["month", "province"]),
        ]

    def __str__(self) -> str:
        return f"{self.commune} · {month_key(self.month)}: {self.total}"

    @property
    def is_final(self) -> bool:
        return self.total is not None


class ResultEvent(models.Model):
    """Approval, acceptance, close and reopen of a commune's month, with who, when, why."""

    class Action(models.TextChoices):
        APPROVE = "approve", _("approved")
        RETURN = "return", _("returned")
        ACCEPT = "accept", _("accepted")
        CLOSE = "close", _("closed")
        REOPEN = "reopen", _("reopened")

    result = models.ForeignKey(MonthlyResult, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=10, choices=Action.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.result} · {self.action}"


def _appeal_path(instance: Any, filename: str) -> str:
    return _evidence_path(instance, filename)


class Appeal(models.Model):
    """A commune's giải trình on one score line, and the district's answer."""

    class Outcome(models.TextChoices):
        KEPT = "kept", _("Score kept")
        CHANGED = "changed", _("Score changed")

    commune = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    month = models.DateField(_("month"))
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("explanation"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    answer = models.TextField(_("answer"), blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    # begin offline
    file = models.FileField(_("attachment"), upload_to=_appeal_path, max_length=200, blank=True)
    file_name = models.CharField(_("attachment name"), max_length=200, blank=True)
    file_type = models.CharField(max_length=10, blank=True)
    # end offline
    history = HistoricalRecords(excluded_fields=["file"])

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.commune} · {month_key(self.month)} · {self.criterion.code}"

    @property
    def is_answered(self) -> bool:
        return self.answered_at is not None


class CommuneMonth:
    """A commune's month: what page permissions are asked about."""

    def __init__(self, commune: Unit, month: date) -> None:
        self.commune = commune
        self.month = month

    @property
    def commune_id(self) -> int:
        return self.commune.pk

    def __str__(self) -> str:
        return f"{self.commune} · {month_key(self.month)}"

    @property
    def key(self) -> str:
        return month_key(self.month)


def _evidence_path(instance: Any, filename: str) -> str:
    from .evidence import evidence_path

    return evidence_path(instance, filename)


class MeetingFile(models.Model):
    """A file attached to a conference record: minutes, photos, the attendance list."""

    class Kind(models.TextChoices):
        MINUTES = "minutes", _("Minutes")
        PHOTO = "photo", _("Photo")
        ATTENDANCE = "attendance", _("Attendance list")
        OTHER = "other", _("Other")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="files")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    file = models.FileField(_("file"), upload_to=_evidence_path, max_length=200)
    name = models.CharField(_("name"), max_length=200)
    content_type = models.CharField(max_length=10)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField()
    history = HistoricalRecords(excluded_fields=["file"])

    class Meta:
        verbose_name = _("conference file")
        verbose_name_plural = _("conference files")
        ordering = ["kind", "uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.name


class ScoreFile(models.Model):
    """An evidence file on one score line (a deduction's proof)."""

    score = models.ForeignKey(Score, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(_("file"), upload_to=_evidence_path, max_length=200)
    name = models.CharField(_("name"), max_length=200)
    content_type = models.CharField(max_length=10)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField()
    history = HistoricalRecords(excluded_fields=["file"])

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.name


# ---------------------------------------------------------------------------
# The scoring chain in force: who scores a province's communes, and who approves


class ChainQuerySet(models.QuerySet["ScoringChain"]):
    def in_force(self, province: Unit | int, month: date) -> ScoringChain | None:
        """The chain of a province for ``month`` (its first day within the validity)."""
        province_id = province.pk if isinstance(province, Unit) else province
        return (
            self.filter(province_id=province_id, valid_from__lte=month)
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=month))
            .order_by("-valid_from")
            .first()
        )


class ScoringChain(models.Model):
    """How a province's tuyên vận months are scored and approved in a period.

    Two levels, as the province decides them:

    - ``district``: the district (its scorers) scores its communes and approves
      their months (level 1); the consolidating body's coordinators accept each
      district's months (level 2). Lào Cai's chain in 2018.
    - ``cluster``: with no district tier (from 1/7/2025), the scoring body's
      staff score the communes of the clusters (cụm xã) they are assigned to and
      approve them (level 1); the consolidating body's coordinators accept each
      cluster's months (level 2).

    A province without a chain keeps the district chain (the default before any
    is recorded).
    """

    class Level(models.TextChoices):
        DISTRICT = "district", _("The district scores its communes")
        CLUSTER = "cluster", _("Province staff score the communes of their clusters")

    province = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("province")
    )
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    level = models.CharField(_("scoring level"), max_length=10, choices=Level.choices)
    scorer = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("scoring body"),
        help_text=_(
            "Whose staff score and approve the months (level 1) when province staff "
            "score by cluster, e.g. the Ban Tuyên giáo và Dân vận."
        ),
    )
    consolidator = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("consolidating body"),
        help_text=_("Whose coordinators accept the months (level 2), e.g. the Ban Tuyên giáo."),
    )
    basis = models.CharField(_("basis"), max_length=200, blank=True)
    history = HistoricalRecords()

    objects = ChainQuerySet.as_manager()

    class Meta:
        verbose_name = _("scoring chain")
        verbose_name_plural = _("scoring chains")
        ordering = ["province", "valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["province", "valid_from"], name="one_chain_per_province_start"
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="chain_valid_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.province} · {self.valid_from:%d/%m/%Y} · {self.get_level_display()}"

    @property
    def by_cluster(self) -> bool:
        return self.level == self.Level.CLUSTER


class ClusterQuerySet(models.QuerySet["CommuneCluster"]):
    def active_on(self, month: date) -> ClusterQuerySet:
        return self.filter(valid_from__lte=month).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=month)
        )


class CommuneCluster(models.Model):
    """A cluster (cụm) of a province's communes and the province staff assigned to score it."""

    province = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("province")
    )
    name = models.CharField(_("name"), max_length=120)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    communes = models.ManyToManyField(
        Unit, related_name="tuyenvan_clusters", verbose_name=_("communes")
    )
    scorers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="tuyenvan_clusters",
        blank=True,
        verbose_name=_("assigned scorers"),
    )
    officials = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="roster_clusters",
        blank=True,
        verbose_name=_("attending officials"),
        help_text=_(
            "Province officials preferred for the conferences of the cluster's communes "
            "in the attendance roster."
        ),
    )
    history = HistoricalRecords(m2m_fields=[communes, scorers, officials])

    objects = ClusterQuerySet.as_manager()

    class Meta:
        verbose_name = _("cluster of communes")
        verbose_name_plural = _("clusters of communes")
        ordering = ["province", "position", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["province", "name", "valid_from"], name="unique_tv_cluster_name"
            )
        ]

    def __str__(self) -> str:
        return self.name


class ClusterMonth:
    """A cluster's month: what its level-1 and level-2 steps are asked about."""

    def __init__(self, cluster: CommuneCluster, month: date) -> None:
        self.cluster = cluster
        self.month = month

    def __str__(self) -> str:
        return f"{self.cluster} · {month_key(self.month)}"

    @property
    def key(self) -> str:
        return month_key(self.month)

    def communes(self) -> models.QuerySet[Unit]:
        """The cluster's communes that exist that month."""
        return self.cluster.communes.active_on(self.month).order_by("position", "name")

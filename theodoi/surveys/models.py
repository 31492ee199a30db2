"""The tourist satisfaction survey: questionnaires, collection points, responses.

Texts a respondent reads are stored per language: a JSON object
``{"vi": "…", "en": "…", "zh": "…"}`` on each field (``Survey.languages``
lists the languages offered, the first being the default), so a language is
added without a migration.

Versioning: a ``Question`` is a stable identity (its code and place); what it
asks lives in ``QuestionVersion``. Once an answer points at a version, that
version never changes: an edit makes the next version and bumps the survey's
``revision``; each response records the revision it was given and each answer
the version it answered (see ``actions.do_edit_question``).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from theodoi.units.models import Unit

# Languages a questionnaire can be written in (the respondent picks one).
CONTENT_LANGUAGES = {
    "vi": "Tiếng Việt",
    "en": "English",
    "zh": "中文",
    "fr": "Français",
    "ko": "한국어",
    "ja": "日本語",
    "de": "Deutsch",
    "ru": "Русский",
    "th": "ภาษาไทย",
}


def tr(texts: dict[str, str] | None, language: str, fallback: str = "vi") -> str:
    """The text in ``language``, else in ``fallback``, else in any language given."""
    texts = texts or {}
    for code in (language, fallback, "en", "vi"):
        if texts.get(code):
            return texts[code]
    return next((t for t in texts.values() if t), "")


class Flag(models.TextChoices):
    """Why a response is suspect. Suspects are kept; the survey's rule excludes them."""

    DUPLICATE = "duplicate", _("same device answered before")
    REUSED_CODE = "reused_code", _("one-time code used before")
    TOO_FAST = "too_fast", _("answered faster than a person can read")
    HONEYPOT = "honeypot", _("filled the field hidden from people")
    RATE = "rate", _("over the point's rate limit from one address")


FLAG_FIELDS = {
    Flag.DUPLICATE: "flag_duplicate",
    Flag.REUSED_CODE: "flag_reused_code",
    Flag.TOO_FAST: "flag_too_fast",
    Flag.HONEYPOT: "flag_honeypot",
    Flag.RATE: "flag_rate",
}


def default_languages() -> list[str]:
    return ["vi", "en"]


def default_excluded() -> list[str]:
    return [str(f) for f in Flag]


class SurveyQuerySet(models.QuerySet["Survey"]):
    def accepting(self) -> SurveyQuerySet:
        return self.filter(state=Survey.State.OPEN)


class Survey(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")
        PUBLISHED = "published", _("Results published")

    owner = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="surveys", verbose_name=_("owner unit")
    )
    title = models.JSONField(_("title"), default=dict)
    intro = models.JSONField(_("introduction"), default=dict, blank=True)
    privacy = models.JSONField(_("privacy notice"), default=dict, blank=True)
    languages = models.JSONField(_("languages"), default=default_languages)
    state = models.CharField(_("state"), max_length=10, choices=State, default=State.DRAFT)
    opens_on = models.DateField(_("opens on"), null=True, blank=True)
    closes_on = models.DateField(_("closes on"), null=True, blank=True)
    revision = models.PositiveIntegerField(_("questionnaire revision"), default=1)
    min_n = models.PositiveIntegerField(
        _("smallest n for an index"),
        default=30,
        help_text=_("Below this many answers an index shows 'n too small'."),
    )
    min_seconds = models.PositiveIntegerField(
        _("fewest seconds for a real answer"),
        default=20,
        help_text=_("Answers sent sooner after the page opened are marked as too fast."),
    )
    excluded_flags = models.JSONField(_("flags excluded from indices"), default=default_excluded)
    public_texts = models.BooleanField(
        _("publish the free-text answers with the results"),
        default=False,
        help_text=_("Off: the public results page shows indices and counts only."),
    )
    # {"visitor": {"foreign": 300, "domestic": 300}}: targets of counted responses by the
    # answer to a single-choice question (segments such as domestic / foreign).
    quotas = models.JSONField(_("quotas"), default=dict, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    objects = SurveyQuerySet.as_manager()

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return tr(self.title, "vi")

    def title_in(self, language: str) -> str:
        return tr(self.title, language, self.languages[0] if self.languages else "vi")


class Section(models.Model):
    survey = models.ForeignKey(
        Survey, on_delete=models.CASCADE, related_name="sections", verbose_name=_("survey")
    )
    title = models.JSONField(_("title"), default=dict)
    position = models.PositiveIntegerField(_("position"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        ordering = ["survey", "position", "pk"]

    def __str__(self) -> str:
        return tr(self.title, "vi")


class Kind(models.TextChoices):
    LIKERT = "likert", _("Likert scale 1–5")
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    NUMBER = "number", _("Number")
    SHORT_TEXT = "short_text", _("Short text")
    LONG_TEXT = "long_text", _("Long text")
    GRID = "grid", _("Rating grid")


class SkipOp(models.TextChoices):
    EQUALS = "eq", _("is")
    NOT_EQUALS = "ne", _("is not")
    AT_LEAST = "gte", _("is at least")
    AT_MOST = "lte", _("is at most")


class Question(models.Model):
    """A question's identity and place; what it asks is its current version."""

    survey = models.ForeignKey(
        Survey, on_delete=models.CASCADE, related_name="questions", verbose_name=_("survey")
    )
    section = models.ForeignKey(
        Section, on_delete=models.CASCADE, related_name="questions", verbose_name=_("section")
    )
    code = models.SlugField(_("code"), max_length=40)
    position = models.PositiveIntegerField(_("position"), default=0)
    current = models.ForeignKey(
        "QuestionVersion",
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("current version"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["survey", "section__position", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "code"],
                name="survey_question_code_unique",
                violation_error_message=_("Another question of this survey has this code."),
            )
        ]

    def __str__(self) -> str:
        return self.code


class QuestionVersion(models.Model):
    """What a question asks, frozen once answered.

    ``choices`` and ``items`` are lists of ``{"code": "…", "label": {lang: text}}``.
    ``show_if`` is ``{"question": code, "op": SkipOp, "value": "…"}`` or empty.
    """

    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="versions", verbose_name=_("question")
    )
    number = models.PositiveIntegerField(_("version number"), default=1)
    kind = models.CharField(_("type"), max_length=12, choices=Kind)
    text = models.JSONField(_("text"), default=dict)
    help = models.JSONField(_("help"), default=dict, blank=True)
    required = models.BooleanField(_("required"), default=False)
    choices = models.JSONField(_("choices"), default=list, blank=True)
    items = models.JSONField(_("grid items"), default=list, blank=True)
    allow_other = models.BooleanField(_("offer 'other'"), default=False)
    minimum = models.FloatField(_("smallest number"), null=True, blank=True)
    maximum = models.FloatField(_("largest number"), null=True, blank=True)
    show_if = models.JSONField(_("show only if"), default=dict, blank=True)
    in_index = models.BooleanField(
        _("counts in the satisfaction index"),
        default=False,
        help_text=_("Likert questions and grid items that measure satisfaction."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("question version")
        verbose_name_plural = _("question versions")
        ordering = ["question", "number"]
        constraints = [
            models.UniqueConstraint(fields=["question", "number"], name="question_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.question.code} v{self.number}"

    def meaning(self) -> dict[str, Any]:
        """What must not change once answered (everything but position)."""
        return {
            "kind": self.kind,
            "text": self.text,
            "help": self.help,
            "required": self.required,
            "choices": self.choices,
            "items": self.items,
            "allow_other": self.allow_other,
            "minimum": self.minimum,
            "maximum": self.maximum,
            "show_if": self.show_if,
            "in_index": self.in_index,
        }


class CollectionPoint(models.Model):
    """A place answers come from, with its own link (and QR code)."""

    survey = models.ForeignKey(
        Survey, on_delete=models.CASCADE, related_name="points", verbose_name=_("survey")
    )
    name = models.CharField(_("name"), max_length=200)
    token = models.SlugField(_("link token"), max_length=32, unique=True)
    requires_code = models.BooleanField(
        _("requires a one-time code"),
        default=False,
        help_text=_("For controlled collection: cards with codes handed out at the point."),
    )
    hourly_limit = models.PositiveIntegerField(
        _("answers per hour from one address"),
        default=30,
        help_text=_("More answers from one network address within an hour are marked."),
    )
    active = models.BooleanField(_("in use"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("collection point")
        verbose_name_plural = _("collection points")
        ordering = ["survey", "name", "pk"]

    def __str__(self) -> str:
        return self.name


class OneTimeCode(models.Model):
    point = models.ForeignKey(
        CollectionPoint, on_delete=models.CASCADE, related_name="codes", verbose_name=_("point")
    )
    code = models.CharField(_("code"), max_length=16)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("one-time code")
        verbose_name_plural = _("one-time codes")
        constraints = [
            models.UniqueConstraint(fields=["point", "code"], name="one_time_code_unique")
        ]

    def __str__(self) -> str:
        return self.code


class ResponseQuerySet(models.QuerySet["Response"]):
    def counted(self, survey: Survey) -> ResponseQuerySet:
        """Responses the survey's stated rule keeps in indices."""
        excluded = {f: True for flag, f in FLAG_FIELDS.items() if flag in survey.excluded_flags}
        queryset = self
        for field in excluded:
            queryset = queryset.filter(**{field: False})
        return queryset

    def suspect(self) -> ResponseQuerySet:
        query = models.Q()
        for field in FLAG_FIELDS.values():
            query |= models.Q(**{field: True})
        return self.filter(query)


class Response(models.Model):
    """One respondent's answers; never deleted, suspects only marked."""

    class Channel(models.TextChoices):
        SELF = "self", _("Respondent's own device")
        INTERVIEWER = "interviewer", _("Entered by an interviewer")

    survey = models.ForeignKey(
        Survey, on_delete=models.CASCADE, related_name="responses", verbose_name=_("survey")
    )
    point = models.ForeignKey(
        CollectionPoint,
        on_delete=models.PROTECT,
        related_name="responses",
        verbose_name=_("collection point"),
    )
    language = models.CharField(_("language"), max_length=8)
    revision = models.PositiveIntegerField(_("questionnaire revision"))
    channel = models.CharField(_("channel"), max_length=12, choices=Channel, default=Channel.SELF)
    interviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("interviewer"),
    )
    submitted_at = models.DateTimeField(_("submitted at"), db_index=True)
    seconds = models.PositiveIntegerField(_("seconds to answer"), null=True, blank=True)
    device = models.CharField(max_length=64, blank=True, db_index=True)
    code = models.ForeignKey(
        OneTimeCode, on_delete=models.PROTECT, null=True, blank=True, related_name="responses"
    )
    contact = models.CharField(_("contact"), max_length=200, blank=True)
    flag_duplicate = models.BooleanField(default=False)
    flag_reused_code = models.BooleanField(default=False)
    flag_too_fast = models.BooleanField(default=False)
    flag_honeypot = models.BooleanField(default=False)
    flag_rate = models.BooleanField(default=False)
    # The form's own key (one per page served): a resend of the same form, after a
    # timeout on a weak link or from an interviewer's queue, is stored once.
    client_key = models.CharField(max_length=32, blank=True)

    objects = ResponseQuerySet.as_manager()

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        ordering = ["-submitted_at", "-pk"]
        indexes = [models.Index(fields=["survey", "submitted_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "client_key"],
                condition=~models.Q(client_key=""),
                name="surveys_response_client_key",
            )
        ]

    def __str__(self) -> str:
        return f"#{self.pk}"

    @property
    def flags(self) -> list[str]:
        return [str(flag) for flag, field in FLAG_FIELDS.items() if getattr(self, field)]

    def flag_labels(self) -> list[str]:
        return [str(Flag(flag).label) for flag in self.flags]


class Answer(models.Model):
    """One value: a scale point, a choice (one row per chosen option), a number, a text.

    Grid answers have one row per item (``item`` is the item's code).
    """

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    version = models.ForeignKey(QuestionVersion, on_delete=models.PROTECT, related_name="answers")
    item = models.CharField(max_length=40, blank=True)
    choice = models.CharField(max_length=40, blank=True)
    number = models.FloatField(null=True, blank=True)
    text = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["question", "item"])]

    def __str__(self) -> str:
        return f"{self.response_id}:{self.question_id}"


class TallyState(models.Model):
    """How far the survey's responses are folded into ``Tally`` (see ``tally.py``)."""

    survey = models.OneToOneField(
        Survey, on_delete=models.CASCADE, primary_key=True, related_name="tally_state"
    )
    upto = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.survey_id}≤{self.upto}"


class Tally(models.Model):
    """The folded responses of one profile: point, local day, language and flags.

    ``counts`` lists ``[version id, item, choice, number, count]``; ``bases`` maps a
    version id to the respondents who answered it; the overall moments are of
    each respondent's overall index (0…100).
    """

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="+")
    point = models.ForeignKey(CollectionPoint, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    language = models.CharField(max_length=8)
    flags = models.PositiveSmallIntegerField()
    responses = models.PositiveIntegerField(default=0)
    overall_n = models.PositiveIntegerField(default=0)
    overall_sum = models.FloatField(default=0.0)
    overall_squares = models.FloatField(default=0.0)
    counts = models.JSONField(default=list)
    bases = models.JSONField(default=dict)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "day", "point", "language", "flags"], name="surveys_tally_profile"
            )
        ]

    def __str__(self) -> str:
        return f"{self.survey_id}:{self.point_id}:{self.day}"

"""The portal: categories, articles with their images and revisions, readers' feedback."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from theodoi.core import clock
from theodoi.core.workflow import Workflow
from theodoi.units.models import Unit

from .sanitize import clean_body, plain_text
from .search import normalise


class Category(models.Model):
    """A section of the portal (chuyên mục), owned by the committee whose portal it is."""

    owner = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="portal_categories",
        verbose_name=_("portal of"),
    )
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("address"), max_length=80, unique=True)
    description = models.CharField(_("description"), max_length=300, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("portal:category", args=[self.slug])


def split_tags(text: str) -> list[str]:
    """The tags of "a, b, a": each once (by its address), in the order written, at most 20."""
    out: dict[str, str] = {}
    for raw in (text or "").split(","):
        name = " ".join(raw.split())[:80]
        slug = tag_slug(name)
        if slug and slug not in out:
            out[slug] = name
    return list(out.values())[:20]


def tag_slug(name: str) -> str:
    """A tag's address: "Đề án 17-ĐA/TU" → "de-an-17-da-tu" (đ and diacritics removed)."""
    return slugify(normalise(name))[:100]


class Tag(models.Model):
    """A keyword across categories (từ khóa): its own page lists the articles that carry it."""

    owner = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="portal_tags", verbose_name=_("portal of")
    )
    name = models.CharField(_("name"), max_length=80)
    slug = models.SlugField(_("address"), max_length=100, unique=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("portal:tag", args=[self.slug])

    @classmethod
    def free_slug(cls, name: str, owner_id: int) -> str:
        """The tag's address, or with the portal's number when another portal has it."""
        slug = tag_slug(name)
        taken = cls.objects.filter(slug=slug).exclude(owner_id=owner_id).exists()
        return f"{slug[:90]}-{owner_id}" if taken else slug

    @classmethod
    def for_names(cls, names: list[str], *, owner_id: int) -> list[Tag]:
        """The owner portal's tags of these names, created where missing (each portal keeps
        its own tags: its editors rename or merge them without touching another's)."""
        wanted = {tag_slug(n): n for n in names if tag_slug(n)}
        mine = cls.objects.filter(owner_id=owner_id)
        found = {t.slug: t for t in mine.filter(slug__in=wanted)}
        suffixed = {
            t.slug: t for t in mine.filter(slug__in=[f"{s[:90]}-{owner_id}" for s in wanted])
        }
        out = []
        for slug, name in wanted.items():
            tag = found.get(slug) or suffixed.get(f"{slug[:90]}-{owner_id}")
            if tag is None:
                tag = cls.objects.create(
                    owner_id=owner_id, name=name, slug=cls.free_slug(name, owner_id)
                )
            out.append(tag)
        return out


class ArticleQuerySet(models.QuerySet):
    def live(self) -> ArticleQuerySet:
        """Published and due: what the public sees (a scheduled article waits)."""
        return self.filter(state=Article.State.PUBLISHED, publish_at__lte=clock.now())

    def newest_first(self) -> ArticleQuerySet:
        return self.order_by("-publish_at", "-pk")


class Article(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        REVIEW = "review", _("In review")
        PUBLISHED = "published", _("Published")
        UNPUBLISHED = "unpublished", _("Withdrawn")

    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="articles", verbose_name=_("category")
    )
    title = models.CharField(_("title"), max_length=300)
    lead = models.TextField(_("lead"), max_length=1000, blank=True)
    body = models.TextField(_("body"), max_length=200_000)
    author = models.CharField(_("author"), max_length=200, blank=True)
    # The tags as the editor wrote them (kept in the revisions); ``tags`` follows them on save.
    tag_names = models.CharField(
        _("tags"), max_length=300, blank=True, help_text=_("Separated by commas.")
    )
    tags = models.ManyToManyField(
        "Tag", related_name="articles", blank=True, editable=False, verbose_name=_("tags")
    )
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default="draft")
    publish_at = models.DateTimeField(
        _("publish at"),
        null=True,
        blank=True,
        help_text=_("Empty: as soon as it is published. A later time keeps it hidden until then."),
    )
    featured = models.BooleanField(_("featured"), default=False)
    featured_position = models.PositiveSmallIntegerField(_("featured slot"), default=0)
    withdrawn_reason = models.CharField(_("reason for withdrawal"), max_length=100, blank=True)
    search_text = models.TextField(editable=False, default="")
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(_("created"), default=clock.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    history = HistoricalRecords(excluded_fields=["search_text", "updated_at"])

    objects = ArticleQuerySet.as_manager()

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ["-publish_at", "-pk"]
        indexes = [models.Index(fields=["state", "publish_at"], name="portal_article_live")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(state="published") | Q(publish_at__isnull=False),
                name="portal_published_has_time",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        self.body = clean_body(self.body)
        self.search_text = self.searchable()
        fields = kwargs.get("update_fields")
        if fields is not None and "body" in fields:
            kwargs["update_fields"] = {*fields, "search_text"}
        super().save(*args, **kwargs)
        if fields is None or "tag_names" in fields:
            self.tags.set(Tag.for_names(self.tag_list, owner_id=self.category.owner_id))

    def get_absolute_url(self) -> str:
        return reverse("portal:article", args=[self.pk])

    def searchable(self) -> str:
        """The normalised copy of the title, lead, tags and body text that search reads."""
        return normalise(" ".join([self.title, self.lead, self.tag_names, plain_text(self.body)]))

    @property
    def owner_id(self) -> int:
        return self.category.owner_id

    @property
    def is_live(self) -> bool:
        return (
            self.state == self.State.PUBLISHED
            and self.publish_at is not None
            and self.publish_at <= clock.now()
        )

    @property
    def is_scheduled(self) -> bool:
        return self.state == self.State.PUBLISHED and not self.is_live

    @property
    def tag_list(self) -> list[str]:
        return split_tags(self.tag_names)

    @property
    def safe_body(self) -> str:
        """The body sanitised again on the way out."""
        return clean_body(self.body)

    @property
    def description(self) -> str:
        text = self.lead or plain_text(self.body)
        return text if len(text) <= 200 else text[:197].rsplit(" ", 1)[0] + "…"


def _flow() -> Workflow:
    return (
        Workflow("state")
        .step(
            "submit",
            ("draft",),
            "review",
            _("Only a draft can be sent for review."),
        )
        .step(
            "return",
            ("review",),
            "draft",
            _("Only an article in review can be returned."),
            reason_required=True,
        )
        .step(
            "publish",
            ("review",),
            "published",
            _("Only an article in review can be published."),
        )
        .step(
            "unpublish",
            ("published",),
            "unpublished",
            _("Only a published article can be withdrawn."),
            reason_required=True,
        )
        .step(
            "redraft",
            ("unpublished",),
            "draft",
            _("Only a withdrawn article can go back to draft."),
        )
    )


# draft → review → published; returned with a reason; withdrawn with a reason.
ARTICLE_FLOW = _flow()


def media_url(path: str) -> str:
    """The public address of a stored rendition (served by ``portal:media``)."""
    return reverse("portal:media", args=[path])


class ArticleImage(models.Model):
    """An illustration of an article, stored in a few widths for ``srcset``."""

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="images", verbose_name=_("article")
    )
    caption = models.CharField(_("caption"), max_length=300, blank=True)
    alt = models.CharField(_("text for screen readers"), max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    width = models.PositiveIntegerField(default=0, editable=False)
    height = models.PositiveIntegerField(default=0, editable=False)
    # {"320": "portal/2018/01/abc-320.jpg", ...}: each width's file in the media storage.
    renditions = models.JSONField(default=dict, editable=False)

    class Meta:
        verbose_name = _("image")
        verbose_name_plural = _("images")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.caption or f"#{self.pk}"

    def _sorted(self) -> list[tuple[int, str]]:
        return sorted((int(w), p) for w, p in self.renditions.items())

    @property
    def src(self) -> str:
        """The smallest width: what a browser without ``srcset`` (or a weak link) gets."""
        items = self._sorted()
        return media_url(items[0][1]) if items else ""

    @property
    def srcset(self) -> str:
        return ", ".join(f"{media_url(p)} {w}w" for w, p in self._sorted())


class Feedback(models.Model):
    """A reader's message (góp ý), held for moderation; the answer may be published."""

    class State(models.TextChoices):
        NEW = "new", _("Waiting")
        ANSWERED = "answered", _("Answered")
        SPAM = "spam", _("Spam")

    article = models.ForeignKey(
        Article,
        on_delete=models.CASCADE,
        related_name="feedback",
        verbose_name=_("article"),
    )
    name = models.CharField(_("full name"), max_length=120)
    email = models.EmailField(_("e-mail"))
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    message = models.TextField(_("message"), max_length=5000)
    may_publish = models.BooleanField(
        _("publish my question and its answer (without my name or contact details)"),
        default=False,
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default="new")
    answer = models.TextField(_("answer"), max_length=5000, blank=True)
    published = models.BooleanField(_("published under the article"), default=False)
    received_at = models.DateTimeField(_("received"), default=clock.now, editable=False)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True, editable=False)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        ordering = ["-received_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(published=False) | Q(may_publish=True, state="answered"),
                name="portal_feedback_published_with_consent",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} · {self.received_at:%d/%m/%Y}"


class ProgressPage(models.Model):
    """A plan's progress shown to the public, only once its coordinator publishes it."""

    plan = models.OneToOneField(
        "plans.Plan",
        on_delete=models.CASCADE,
        related_name="public_progress",
        verbose_name=_("plan"),
    )
    published = models.BooleanField(_("published"), default=False)
    changed_at = models.DateTimeField(_("changed"), default=clock.now, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("public progress page")
        verbose_name_plural = _("public progress pages")

    def __str__(self) -> str:
        return str(self.plan)


class RankingPage(models.Model):
    """A month's tuyên vận ranking of a province's communes, public only once its
    coordinators publish it: a copy of the figures as published (units, scores and
    bands; never a person's name), withdrawn with a reason."""

    province = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="public_rankings",
        verbose_name=_("province"),
    )
    month = models.DateField(_("month"))
    published = models.BooleanField(_("published"), default=False)
    # {"communes": [{"rank", "name", "district", "score", "band"}], "districts": [...],
    #  "bands": [{"label", "min"}], "data_at": iso time}: what the public sees.
    figures = models.JSONField(default=dict, editable=False)
    withdrawn_reason = models.CharField(_("reason for withdrawal"), max_length=100, blank=True)
    changed_at = models.DateTimeField(_("changed"), default=clock.now, editable=False)
    history = HistoricalRecords(excluded_fields=["figures"])

    class Meta:
        verbose_name = _("public ranking")
        verbose_name_plural = _("public rankings")
        ordering = ["-month", "province__name"]
        constraints = [
            models.UniqueConstraint(fields=["province", "month"], name="portal_ranking_once")
        ]

    def __str__(self) -> str:
        return f"{self.province} · {self.month:%m/%Y}"

    def get_absolute_url(self) -> str:
        return reverse("portal:ranking", args=[self.pk])

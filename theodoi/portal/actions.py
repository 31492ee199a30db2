"""Every change to the portal, in one place: articles and their workflow, images,
categories, featured slots, feedback and its answers, "send to a friend".

Each ``do_*`` runs in a transaction and is attributed (simple-history's user
and change reason). Who may call it is the access layer's answer, asked by the
page or endpoint before.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from theodoi.core import clock
from theodoi.core.workflow import Stale, clean_reason, move

from . import images
from .models import ARTICLE_FLOW, Article, ArticleImage, Category, Feedback, Tag, tag_slug
from .sanitize import plain_text

# Sending ----------------------------------------------------------------------

SEND_MESSAGE_MAX = 500
SEND_PER_RECIPIENT_PER_DAY = 3
SEND_PER_SENDER_PER_HOUR = 5
FEEDBACK_PER_SENDER_PER_HOUR = 5
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]")


class RateLimited(Exception):
    """Too many messages from this sender, or to this address."""


def one_line(text: str, limit: int) -> str:
    """Text fit for one line of a mail: no control characters, no line breaks."""
    return " ".join(_CONTROL.sub(" ", text or "").split())[:limit]


def clean_address(value: str, field: str = "email") -> str:
    """One e-mail address and nothing else (no list, no name, no header smuggled in)."""
    address = (value or "").strip()
    if _CONTROL.search(address) or any(c in address for c in ",;<>\"'() "):
        raise ValidationError({field: _("Enter one e-mail address.")})
    try:
        validate_email(address)
    except ValidationError:
        raise ValidationError({field: _("Enter one e-mail address.")}) from None
    return address


def _mail(to: str, subject: str, template: str, context: dict[str, Any]) -> None:
    """A plain-text message from the site's own address, fixed headers, one recipient."""
    body = render_to_string(template, context)
    message = EmailMessage(
        subject=one_line(subject, 150),
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
    )
    message.send()


# Articles ---------------------------------------------------------------------


@dataclass
class ArticleData:
    category: Category
    title: str
    lead: str = ""
    body: str = ""
    author: str = ""
    tags: str = ""
    publish_at: datetime | None = None


def _check(article: Article) -> None:
    try:
        article.full_clean(exclude=["created_by", "search_text", "version"])
    except ValidationError as error:
        raise ValidationError(error.message_dict) from None
    if not plain_text(article.body) and "<img" not in article.body:
        raise ValidationError({"body": _("Write the article's text.")})


@transaction.atomic
def do_create_article(data: ArticleData, *, by: Any) -> Article:
    article = Article(
        category=data.category,
        title=one_line(data.title, 300),
        lead=data.lead.strip(),
        body=data.body,
        author=one_line(data.author, 200),
        tag_names=one_line(data.tags, 300),
        publish_at=data.publish_at,
        created_by=by,
    )
    article.body = article.safe_body
    _check(article)
    article._history_user = by  # type: ignore[attr-defined]
    article._change_reason = _("Created")  # type: ignore[attr-defined]
    article.save()
    return article


@transaction.atomic
def do_update_article(
    article: Article, data: ArticleData, *, by: Any, version: int | None, reason: str = ""
) -> Article:
    """Save the editor's changes over the version they saw (Stale otherwise)."""
    locked = Article.objects.select_for_update().get(pk=article.pk)
    if version is not None and locked.version != version:
        raise Stale(locked)
    locked.category = data.category
    locked.title = one_line(data.title, 300)
    locked.lead = data.lead.strip()
    locked.body = data.body
    locked.body = locked.safe_body
    locked.author = one_line(data.author, 200)
    locked.tag_names = one_line(data.tags, 300)
    locked.publish_at = data.publish_at
    _check(locked)
    locked.version += 1
    locked._history_user = by  # type: ignore[attr-defined]
    locked._change_reason = clean_reason(reason, required=False) or _("Edited")  # type: ignore[attr-defined]
    locked.save()
    return locked


def do_move_article(
    article: Article, step: str, *, by: Any, reason: str = "", version: int | None = None
) -> Article:
    """A workflow step (submit, return, publish, unpublish, redraft) on the shared workflow.

    Publishing keeps a publication time the editor scheduled, or stamps now;
    withdrawing keeps the reason on the article too."""
    update: dict[str, Any] = {}
    if step == "publish":
        update["publish_at"] = article.publish_at or clock.now()
    elif step == "unpublish":
        update["withdrawn_reason"] = clean_reason(reason, required=True)
        update["featured"] = False
    elif step == "redraft":
        update["withdrawn_reason"] = ""
    return move(ARTICLE_FLOW, article, step, by=by, reason=reason, version=version, update=update)


@transaction.atomic
def do_feature_article(article: Article, *, featured: bool, position: int, by: Any) -> Article:
    if featured and article.state != Article.State.PUBLISHED:
        raise ValidationError({"featured": _("Only a published article can be featured.")})
    locked = Article.objects.select_for_update().get(pk=article.pk)
    locked.featured = featured
    locked.featured_position = max(0, min(position, 99))
    locked.version += 1
    locked._history_user = by  # type: ignore[attr-defined]
    locked._change_reason = _("Featured") if featured else _("No longer featured")  # type: ignore[attr-defined]
    locked.save(update_fields=["featured", "featured_position", "version", "updated_at"])
    return locked


RESTORED_FIELDS = ("category_id", "title", "lead", "body", "author", "tag_names")


@transaction.atomic
def do_restore_article(article: Article, history_id: int, *, by: Any) -> Article:
    """Bring back the text of an earlier revision (the state and schedule stay as they are)."""
    old = article.history.filter(history_id=history_id).first()
    if old is None:
        raise ValidationError({"revision": _("This revision does not exist.")})
    locked = Article.objects.select_for_update().get(pk=article.pk)
    for name in RESTORED_FIELDS:
        setattr(locked, name, getattr(old, name))
    locked.version += 1
    locked._history_user = by  # type: ignore[attr-defined]
    locked._change_reason = _("Restored the revision of %(date)s") % {  # type: ignore[attr-defined]
        "date": f"{old.history_date:%d/%m/%Y %H:%M}"
    }
    locked.save()
    return locked


@transaction.atomic
def do_add_image(article: Article, upload: Any, *, caption: str, alt: str, by: Any) -> ArticleImage:
    width, height, paths = images.renditions(upload)
    position = article.images.count()
    return ArticleImage.objects.create(
        article=article,
        caption=one_line(caption, 300),
        alt=one_line(alt or caption, 300),
        position=position,
        width=width,
        height=height,
        renditions=paths,
    )


@transaction.atomic
def do_save_category(
    category: Category | None,
    *,
    owner: Any,
    name: str,
    slug: str,
    description: str,
    position: int,
    by: Any,
) -> Category:
    category = category or Category(owner=owner)
    category.name = one_line(name, 120)
    category.slug = slug
    category.description = one_line(description, 300)
    category.position = position
    try:
        category.full_clean()
    except ValidationError as error:
        raise ValidationError(error.message_dict) from None
    category._history_user = by  # type: ignore[attr-defined]
    category.save()
    return category


# Tags -------------------------------------------------------------------------


def _retag(article_ids: list[int]) -> None:
    """Rewrite the articles' written tags from their tag rows (after a rename or merge).

    The text changes without a revision of each article: the tag's own history
    says what was renamed or merged, by whom."""
    for article in Article.objects.filter(pk__in=article_ids).prefetch_related("tags"):
        article.tag_names = ", ".join(t.name for t in article.tags.all())[:300]
        Article.objects.filter(pk=article.pk).update(
            tag_names=article.tag_names, search_text=article.searchable()
        )


@transaction.atomic
def do_rename_tag(tag: Tag, *, name: str, by: Any) -> Tag:
    """A new name (and address) for a tag; merged into the tag already of that name if any."""
    name = one_line(name, 80)
    if not tag_slug(name):
        raise ValidationError({"name": _("Write the tag's name.")})
    locked = Tag.objects.select_for_update().get(pk=tag.pk)
    same = Tag.objects.filter(owner_id=locked.owner_id).exclude(pk=locked.pk)
    other = same.filter(slug__in=[tag_slug(name), f"{tag_slug(name)[:90]}-{locked.owner_id}"])
    if other.exists():
        return do_merge_tag(locked, into=other.first(), by=by)
    locked.name = name
    if tag_slug(name) != tag_slug(tag.name):
        locked.slug = Tag.free_slug(name, locked.owner_id)
    locked._history_user = by  # type: ignore[attr-defined]
    locked._change_reason = "renamed"  # type: ignore[attr-defined]
    locked.save()
    _retag(list(locked.articles.values_list("pk", flat=True)))
    return locked


@transaction.atomic
def do_merge_tag(tag: Tag, *, into: Tag, by: Any) -> Tag:
    """Every article of ``tag`` gets ``into`` instead; ``tag`` is deleted."""
    if tag.pk == into.pk or tag.owner_id != into.owner_id:
        raise ValidationError({"into": _("Choose another tag.")})
    ids = list(tag.articles.values_list("pk", flat=True))
    for article in Article.objects.filter(pk__in=ids):
        article.tags.add(into)
    tag._history_user = by  # type: ignore[attr-defined]
    tag._change_reason = f"merged into {into.slug}"[:100]  # type: ignore[attr-defined]
    tag.delete()
    _retag(ids)
    return into


@transaction.atomic
def do_delete_tag(tag: Tag, *, by: Any) -> None:
    """The tag is removed from its articles and deleted."""
    ids = list(tag.articles.values_list("pk", flat=True))
    tag._history_user = by  # type: ignore[attr-defined]
    tag._change_reason = "deleted"  # type: ignore[attr-defined]
    tag.delete()
    _retag(ids)


# Feedback ---------------------------------------------------------------------


@dataclass
class FeedbackData:
    name: str
    email: str
    message: str
    phone: str = ""
    address: str = ""
    may_publish: bool = False


@transaction.atomic
def do_receive_feedback(article: Article, data: FeedbackData, *, sender: str) -> Feedback:
    """Keep a reader's message for moderation (RateLimited past the sender's limit)."""
    from .guard import allow

    feedback = Feedback(
        article=article,
        name=one_line(data.name, 120),
        email=clean_address(data.email),
        phone=one_line(data.phone, 30),
        address=one_line(data.address, 300),
        message=data.message.strip(),
        may_publish=data.may_publish,
    )
    try:
        feedback.full_clean(exclude=["answered_by"])
    except ValidationError as error:
        raise ValidationError(error.message_dict) from None
    if not allow("feedback", sender, FEEDBACK_PER_SENDER_PER_HOUR, 3600):
        raise RateLimited
    feedback._change_reason = "received"  # type: ignore[attr-defined]
    feedback.save()
    return feedback


@transaction.atomic
def do_answer_feedback(feedback: Feedback, *, answer: str, publish: bool, by: Any) -> Feedback:
    """Answer a reader: the answer e-mailed to them, and shown under the article
    (without their name or contacts) when they agreed and the editor chooses to."""
    text = (answer or "").strip()
    if not text:
        raise ValidationError({"answer": _("Write the answer.")})
    if len(text) > 5000:
        raise ValidationError(
            {"answer": _("Enter at most %(count)s characters.") % {"count": 5000}}
        )
    if publish and not feedback.may_publish:
        raise ValidationError({"publish": _("The sender did not agree to publish their message.")})
    locked = Feedback.objects.select_for_update().get(pk=feedback.pk)
    first_answer = locked.state != Feedback.State.ANSWERED
    locked.answer = text
    locked.state = Feedback.State.ANSWERED
    locked.published = publish
    locked.answered_at = clock.now()
    locked.answered_by = by
    locked._history_user = by  # type: ignore[attr-defined]
    locked._change_reason = "answered" if first_answer else "answer edited"  # type: ignore[attr-defined]
    locked.save()
    article = locked.article
    transaction.on_commit(
        lambda: _mail(
            locked.email,
            _("Answer to your feedback on: %(title)s") % {"title": article.title},
            "portal/mail/answer.txt",
            {"feedback": locked, "article": article, "site": settings.SITE_URL},
        )
    )
    return locked


@transaction.atomic
def do_mark_spam(feedback: Feedback, *, by: Any) -> Feedback:
    locked = Feedback.objects.select_for_update().get(pk=feedback.pk)
    locked.state = Feedback.State.SPAM
    locked.published = False
    locked._history_user = by  # type: ignore[attr-defined]
    locked._change_reason = "spam"  # type: ignore[attr-defined]
    locked.save()
    return locked


# Send to a friend ---------------------------------------------------------------


def do_send_to_friend(
    article: Article, *, to: str, sender_name: str, message: str, sender: str
) -> None:
    """The article's link to one address, in a fixed template, rate-limited both ways.

    Never an open relay: the recipient is one validated address, the subject
    and headers are fixed, the sender's name and message are plain text in the
    body (bounded), and nothing the visitor types reaches a header."""
    from .guard import allow

    address = clean_address(to, "to")
    name = one_line(sender_name, 60)
    note = (message or "").replace("\r\n", "\n").replace("\r", "\n")
    note = _CONTROL.sub(lambda m: m.group() if m.group() == "\n" else " ", note).strip()
    if len(note) > SEND_MESSAGE_MAX:
        raise ValidationError(
            {"message": _("Enter at most %(count)s characters.") % {"count": SEND_MESSAGE_MAX}}
        )
    if not allow("send-by", sender, SEND_PER_SENDER_PER_HOUR, 3600):
        raise RateLimited
    if not allow("send-to", address, SEND_PER_RECIPIENT_PER_DAY, 24 * 3600):
        raise RateLimited
    with translation.override(settings.LANGUAGE_CODE):
        _mail(
            address,
            _("An article from the Provincial Party Committee's portal"),
            "portal/mail/send.txt",
            {
                "article": article,
                "name": name,
                "note": note,
                "link": settings.SITE_URL.rstrip("/") + article.get_absolute_url(),
            },
        )


# The programme in public ------------------------------------------------------------


@transaction.atomic
def do_publish_progress(plan: Any, *, published: bool, by: Any) -> Any:
    """Publish (or withdraw) a plan's public progress page; who and when kept in its history."""
    from .models import ProgressPage

    page, _created = ProgressPage.objects.select_for_update().get_or_create(plan=plan)
    page.published = published
    page.changed_at = clock.now()
    page._history_user = by  # type: ignore[attr-defined]
    page._change_reason = "published" if published else "withdrawn"  # type: ignore[attr-defined]
    page.save()
    return page


# A month's tuyên vận ranking in public --------------------------------------------


def ranking_figures(province: Any, month: Any) -> dict[str, Any]:
    """The month's ranking as the public sees it: units, scores, bands and the rules'
    inputs (the criteria set's maximum and bands). Nothing about a person."""
    from theodoi.tuyenvan import results
    from theodoi.tuyenvan.models import CriteriaSet, MonthlyResult

    period = results.month_period(month)
    communes = results.rank_communes(province, period)
    districts = results.rank_districts(province, period)
    criteria_set = CriteriaSet.objects.in_force(province, month)
    not_ranked = (
        results.results_within(province, period)
        .filter(eligible=False)
        .order_by("district__name", "commune__name")
        .values_list("commune__name", "district__name")
    )
    bands = criteria_set.bands if criteria_set else []
    return {
        "communes": [
            {
                "rank": r.rank,
                "name": r.name,
                "district": r.parent_name,
                "score": str(r.score),
                "band": r.band_label,
            }
            for r in communes
        ],
        "districts": [
            {"rank": r.rank, "name": r.name, "score": str(r.score), "communes": r.months}
            for r in districts
        ],
        "not_ranked": [{"name": n, "district": d} for n, d in not_ranked],
        "bands": [
            {"label": b["label"], "min": str(b["min"])}
            for b in sorted(bands, key=lambda b: -float(b["min"]))
        ],
        "max_total": str(criteria_set.max_total) if criteria_set else "",
        "criteria_set": criteria_set.name if criteria_set else "",
        "results": results.results_within(province, period).count(),
        "not_closed": results.results_within(province, period)
        .exclude(status=MonthlyResult.Status.CLOSED)
        .count(),
        "data_at": clock.now().isoformat(),
    }


@transaction.atomic
def do_publish_ranking(province: Any, month: Any, *, by: Any) -> Any:
    """Publish (or publish again, with today's figures) a closed month's ranking.

    Refused while any commune's month is not closed (the figures could still
    change) and for a month without results."""
    from .models import RankingPage

    month = month.replace(day=1)
    figures = ranking_figures(province, month)
    if not figures["results"]:
        raise ValidationError({"month": _("This month has no results to publish.")})
    if figures["not_closed"]:
        raise ValidationError(
            {
                "month": _(
                    "%(count)s communes' results of this month are not closed yet: "
                    "a ranking is published once the month is closed."
                )
                % {"count": figures["not_closed"]}
            }
        )
    found = RankingPage.objects.select_for_update().filter(province=province, month=month)
    page = found.first() or RankingPage(province=province, month=month)
    again = page.published
    page.published = True
    page.figures = figures
    page.withdrawn_reason = ""
    page.changed_at = clock.now()
    page._history_user = by  # type: ignore[attr-defined]
    page._change_reason = "republished" if again else "published"  # type: ignore[attr-defined]
    page.save()
    return page


@transaction.atomic
def do_unpublish_ranking(page: Any, *, reason: str, by: Any) -> Any:
    """Withdraw a published ranking, with the reason kept on it and in its history."""
    from .models import RankingPage

    locked = RankingPage.objects.select_for_update().get(pk=page.pk)
    if not locked.published:
        raise ValidationError({"reason": _("This ranking is not published.")})
    locked.published = False
    locked.withdrawn_reason = clean_reason(reason, required=True)
    locked.changed_at = clock.now()
    locked._history_user = by  # type: ignore[attr-defined]
    locked._change_reason = locked.withdrawn_reason  # type: ignore[attr-defined]
    locked.save()
    return locked

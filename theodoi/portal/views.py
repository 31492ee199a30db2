"""The public site: home, articles, categories, search, print, feedback, send to a friend.

Anonymous visitors see live articles only (the access layer's answer); the
committee's staff and editors may preview what is not yet live.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from theodoi import permissions

from . import actions, guard
from .cache import generation, shared
from .forms import FeedbackForm, SendForm
from .models import Article, Category, Tag
from .search import matching

PAGE_SIZE = 12
LIST_SIZE = 5


def page(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    """A public page: the categories for the header with the view's own context."""
    context.setdefault(
        "portal_categories", shared("categories", lambda: list(Category.objects.all()))
    )
    # The shared fragments' key: any change to what the public sees renews them.
    context.setdefault("portal_generation", generation())
    return render(request, template, context, status=status)


def front(request: HttpRequest) -> HttpResponse:
    """``/``: the portal for visitors, the work home for signed-in accounts."""
    if request.user.is_authenticated:
        from theodoi.core.views import home as work_home

        return work_home(request)
    return home(request)


def _live() -> Any:
    return Article.objects.live().select_related("category").defer("body", "search_text")


def _sidebar(article: Article | None = None) -> dict[str, Any]:
    """Featured, latest and (beside an article) same-category lists, shared by visitors."""
    key = f"side:{article.pk}:{article.category_id}" if article is not None else "side"
    return shared(key, lambda: _build_sidebar(article))


def _build_sidebar(article: Article | None) -> dict[str, Any]:
    live = _live()
    if article is not None:
        live = live.exclude(pk=article.pk)
    context = {
        "featured": list(
            live.filter(featured=True).order_by("featured_position", "-publish_at")[:LIST_SIZE]
        ),
        "latest": list(live.newest_first()[:LIST_SIZE]),
    }
    if article is not None:
        context["same_category"] = list(
            live.filter(category_id=article.category_id).newest_first()[:LIST_SIZE]
        )
    return context


def home(request: HttpRequest) -> HttpResponse:
    sidebar = _sidebar()
    context = {
        **sidebar,
        "sections": shared("home", _sections),
        "lead_article": next(iter(sidebar["featured"] or sidebar["latest"]), None),
    }
    return page(request, "portal/home.html", context)


def _sections() -> list[tuple[Category, list[Article]]]:
    """Each category's four newest live articles (the home page's sections)."""
    sections: OrderedDict[Category, list[Article]] = OrderedDict()
    recent = _live().newest_first()[:200]
    for category in Category.objects.all():
        sections[category] = []
    for item in recent:
        bucket = sections.get(item.category)
        if bucket is not None and len(bucket) < 4:
            bucket.append(item)
    return [(c, items) for c, items in sections.items() if items]


def article(request: HttpRequest, pk: int) -> HttpResponse:
    item = permissions.portal.access_article(request.user, pk)
    answers = (
        item.feedback.filter(published=True)
        .order_by("answered_at")
        .only("article_id", "message", "answer", "answered_at")
    )
    context = {
        **_sidebar(item),
        "article": item,
        # Sanitised again on the way out; the same answer for the same revision.
        "body": shared(f"body:{item.pk}:{item.version}", lambda: item.safe_body, 3600),
        "images": list(item.images.all()),
        "tags": list(item.tags.all()),
        "answers": list(answers),
        "feedback_form": FeedbackForm(),
        "may_comment": request.user.has_perm("portal.comment_article", item),
        "may_edit": request.user.has_perm("portal.change_article", item),
    }
    return page(request, "portal/article.html", context)


def article_print(request: HttpRequest, pk: int) -> HttpResponse:
    item = permissions.portal.access_article(request.user, pk)
    return render(
        request, "portal/print.html", {"article": item, "images": list(item.images.all())}
    )


def category(request: HttpRequest, slug: str) -> HttpResponse:
    section = permissions.portal.public_category(slug)
    items = _live().filter(category=section).newest_first()
    paged = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    return page(
        request,
        "portal/category.html",
        {**_sidebar(), "category": section, "page": paged},
    )


def tag(request: HttpRequest, slug: str) -> HttpResponse:
    """The live articles that carry a tag, newest first, by pages."""
    keyword = permissions.portal.public_tag(slug)
    items = _live().filter(tags=keyword).newest_first()
    paged = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    return page(request, "portal/tag.html", {**_sidebar(), "tag": keyword, "page": paged})


def search(request: HttpRequest) -> HttpResponse:
    query = (request.GET.get("q") or "")[:200].replace("\x00", "")
    items = matching(_live(), query).newest_first() if query.strip() else Article.objects.none()
    paged = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    return page(request, "portal/search.html", {"query": query, "page": paged})


def feedback(request: HttpRequest, pk: int) -> HttpResponse:
    """A reader's feedback on a live article: bot-checked, rate-limited, kept for moderation."""
    item = permissions.portal.access_article(request.user, pk, "comment")
    form = FeedbackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if form.is_bot():
            # Said as if received: a bot learns nothing from the answer.
            return page(request, "portal/thanks.html", {"article": item}, status=200)
        data = actions.FeedbackData(
            **{
                k: form.cleaned_data[k]
                for k in ("name", "email", "phone", "address", "message", "may_publish")
            }
        )
        try:
            actions.do_receive_feedback(item, data, sender=guard.sender(request))
        except actions.RateLimited:
            form.add_error(None, _("Too many messages from your connection; try again later."))
            return page(
                request, "portal/feedback.html", {"article": item, "form": form}, status=429
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            return page(request, "portal/thanks.html", {"article": item})
    return page(
        request,
        "portal/feedback.html",
        {"article": item, "form": form},
        status=400 if request.method == "POST" else 200,
    )


def send(request: HttpRequest, pk: int) -> HttpResponse:
    """Send the article's link to a friend: one address, a fixed template, rate-limited."""
    item = permissions.portal.access_article(request.user, pk, "comment")
    form = SendForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if form.is_bot():
            return page(request, "portal/sent.html", {"article": item})
        try:
            actions.do_send_to_friend(
                item,
                to=form.cleaned_data["to"],
                sender_name=form.cleaned_data["sender_name"],
                message=form.cleaned_data["message"],
                sender=guard.sender(request),
            )
        except actions.RateLimited:
            form.add_error(None, _("Too many messages; try again later."))
            return page(request, "portal/send.html", {"article": item, "form": form}, status=429)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            return page(request, "portal/sent.html", {"article": item})
    return page(
        request,
        "portal/send.html",
        {"article": item, "form": form},
        status=400 if request.method == "POST" else 200,
    )


def _add_errors(form: Any, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, messages in error.message_dict.items():
            form.add_error(name if name in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


@require_GET
@cache_control(public=True, max_age=30 * 24 * 3600, immutable=True)
def media(request: HttpRequest, path: str) -> FileResponse:
    """The portal's image renditions (public; their names are random and never reused)."""
    if not path.startswith("portal/") or ".." in path or not path.endswith(".jpg"):
        raise Http404
    try:
        if not default_storage.exists(path):
            raise Http404
    except (ValueError, SuspiciousFileOperation):  # a NUL byte, a path out of the folder
        raise Http404 from None
    return FileResponse(default_storage.open(path, "rb"), content_type="image/jpeg")


def sitemap(request: HttpRequest) -> HttpResponse:
    items = Article.objects.live().newest_first().only("pk", "updated_at")[:5000]
    return render(
        request,
        "portal/sitemap.xml",
        {
            "articles": items,
            "categories": Category.objects.all(),
            "tags": Tag.objects.filter(articles__in=Article.objects.live()).distinct()[:5000],
            "plans": permissions.portal.published_plans().only("pk"),
            "rankings": permissions.portal.published_rankings().only("pk", "changed_at"),
            "base": request.build_absolute_uri("/")[:-1],
        },
        content_type="application/xml",
    )


def progress_list(request: HttpRequest) -> HttpResponse:
    plans = permissions.portal.published_plans().select_related("programme").order_by("-year")
    rankings = permissions.portal.published_rankings().select_related("province")
    return page(request, "portal/progress_list.html", {"plans": plans, "rankings": rankings[:24]})


def ranking(request: HttpRequest, pk: int) -> HttpResponse:
    """A month's tuyên vận ranking as its province's coordinators published it."""
    from datetime import datetime

    item = permissions.portal.access_ranking_page(request.user, pk)
    figures = item.figures or {}
    data_at = figures.get("data_at")
    return page(
        request,
        "portal/ranking.html",
        {
            "ranking": item,
            "figures": figures,
            "data_at": datetime.fromisoformat(data_at) if data_at else None,
        },
    )


def progress(request: HttpRequest, pk: int) -> HttpResponse:
    """A plan's progress in public: published by its coordinators, rules beside every figure."""
    from . import progress as figures

    plan = permissions.portal.access_progress(request.user, pk)
    published = permissions.portal.progress_is_public(request.user, plan)
    objectives = plan.programme.objectives.prefetch_related("indicators")
    return page(
        request,
        "portal/progress.html",
        {
            "plan": plan,
            "published": published,
            "progress": figures.build(plan),
            "objectives": objectives,
            "percent_rule": figures.PERCENT_RULE,
            "count_rule": figures.COUNT_RULE,
        },
    )

"""The portal's back office: editors write, review, publish and withdraw articles,
keep categories and featured slots, and answer readers' feedback.

Every page asks the access layer first (``permissions.portal``), validates,
changes through ``actions`` and responds.
"""

from __future__ import annotations

import difflib
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from theodoi import permissions
from theodoi.core.workflow import Stale, TransitionRefused

from . import actions
from .forms import (
    AnswerForm,
    ArticleForm,
    CategoryForm,
    FeatureForm,
    ImageForm,
    RankingForm,
    StepForm,
    TagForm,
)
from .models import ARTICLE_FLOW, Article, Feedback
from .sanitize import plain_text
from .views import _add_errors

access = permissions.portal
# Steps that decide what the public sees are the publishing right; the others editing.
STEP_ACTION = {
    "submit": "change",
    "redraft": "change",
    "return": "publish",
    "publish": "publish",
    "unpublish": "publish",
}


@login_required
def articles(request: HttpRequest) -> HttpResponse:
    permissions.require(request.user, "portal.edit_portal")
    state = request.GET.get("state") or ""
    items = (
        access.editable_articles(request.user)
        .select_related("category")
        .defer("body", "search_text")
    )
    if state in Article.State.values:
        items = items.filter(state=state)
    items = items.order_by("-updated_at", "-pk")
    page = Paginator(items, 30).get_page(request.GET.get("page"))
    waiting = access.visible_feedback(request.user).filter(state=Feedback.State.NEW).count()
    return render(
        request,
        "portal/editor/articles.html",
        {"page": page, "state": state, "states": Article.State.choices, "waiting": waiting},
    )


def _data(form: ArticleForm) -> actions.ArticleData:
    d = form.cleaned_data
    return actions.ArticleData(
        category=d["category"],
        title=d["title"],
        lead=d["lead"],
        body=d["body"],
        author=d["author"],
        tags=d["tag_names"],
        publish_at=d["publish_at"],
    )


@login_required
def article_new(request: HttpRequest) -> HttpResponse:
    permissions.require(request.user, "portal.edit_portal")
    categories = access.editable_categories(request.user)
    form = ArticleForm(request.POST or None, categories=categories)
    if request.method == "POST" and form.is_valid():
        try:
            item = actions.do_create_article(_data(form), by=request.user)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The draft is saved."))
            return redirect("portal:editor-article", item.pk)
    return render(request, "portal/editor/article_form.html", {"form": form, "article": None})


@login_required
def article_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = access.access_article(request.user, pk, "change")
    categories = access.editable_categories(request.user)
    form = ArticleForm(
        request.POST or None,
        instance=item,
        categories=categories,
        initial={"version": item.version},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                item = actions.do_update_article(
                    item,
                    _data(form),
                    by=request.user,
                    version=form.cleaned_data.get("version"),
                    reason=form.cleaned_data["reason"],
                )
            except Stale:
                form.add_error(None, _("Someone else saved this in the meantime."))
                status = 409
            except ValidationError as error:
                _add_errors(form, error)
                status = 400
            else:
                messages.success(request, _("Saved."))
                return redirect("portal:editor-article", item.pk)
        else:
            status = 400
    return render(
        request,
        "portal/editor/article_form.html",
        _edit_context(request, item, form),
        status=status,
    )


def _edit_context(request: HttpRequest, item: Article, form: Any) -> dict[str, Any]:
    return {
        "form": form,
        "article": item,
        "steps": [
            s
            for s in ARTICLE_FLOW.allowed(item)
            if request.user.has_perm(f"portal.{STEP_ACTION[s]}_article", item)
        ],
        "reason_steps": {n for n, s in ARTICLE_FLOW.steps.items() if s.reason_required},
        "step_form": StepForm(initial={"version": item.version}),
        "feature_form": FeatureForm(
            initial={"featured": item.featured, "position": item.featured_position}
        ),
        "image_form": ImageForm(),
        "images": list(item.images.all()),
    }


@login_required
@require_POST
def article_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    if step not in ARTICLE_FLOW.steps:
        raise Http404
    item = access.access_article(request.user, pk, STEP_ACTION[step])
    form = StepForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The input is not valid."))
        return redirect("portal:editor-article", item.pk)
    try:
        actions.do_move_article(
            item,
            step,
            by=request.user,
            reason=form.cleaned_data["reason"],
            version=form.cleaned_data.get("version"),
        )
    except Stale:
        messages.error(request, _("Someone else saved this in the meantime."))
    except TransitionRefused as error:
        messages.error(request, " ".join(error.messages))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Done."))
    return redirect("portal:editor-article", item.pk)


@login_required
@require_POST
def article_feature(request: HttpRequest, pk: int) -> HttpResponse:
    item = access.access_article(request.user, pk, "feature")
    form = FeatureForm(request.POST)
    if form.is_valid():
        try:
            actions.do_feature_article(
                item,
                featured=form.cleaned_data["featured"],
                position=form.cleaned_data["position"],
                by=request.user,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Saved."))
    else:
        messages.error(request, _("The input is not valid."))
    return redirect("portal:editor-article", item.pk)


@login_required
@require_POST
def article_image(request: HttpRequest, pk: int) -> HttpResponse:
    item = access.access_article(request.user, pk, "change")
    form = ImageForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            actions.do_add_image(
                item,
                form.cleaned_data["image"],
                caption=form.cleaned_data["caption"],
                alt=form.cleaned_data["alt"],
                by=request.user,
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The image is added."))
            return redirect("portal:editor-article", item.pk)
    context = _edit_context(
        request,
        item,
        ArticleForm(
            instance=item,
            initial={"version": item.version},
            categories=access.editable_categories(request.user),
        ),
    )
    context["image_form"] = form
    return render(request, "portal/editor/article_form.html", context, status=400)


def _diff(old: Any, new: Any) -> list[tuple[str, str]]:
    """(kind, line) of the text that changed between two revisions: '+', '-' or ' '."""

    def lines(rev: Any) -> list[str]:
        text = [rev.title, rev.lead, *plain_text(rev.body.replace("</p>", "</p>\n")).split(". ")]
        return [t for t in text if t]

    out = []
    for line in difflib.ndiff(lines(old), lines(new)):
        if line[:1] in "+- ":
            out.append((line[:1], line[2:]))
    return [x for x in out if x[0] != " "][:200]


@login_required
def article_history(request: HttpRequest, pk: int) -> HttpResponse:
    item = access.access_article(request.user, pk, "change")
    revisions = list(
        item.history.select_related("history_user").order_by("-history_date", "-history_id")[:50]
    )
    rows = []
    for newer, older in zip(revisions, [*revisions[1:], None], strict=True):
        rows.append({"rev": newer, "diff": _diff(older, newer) if older else []})
    return render(request, "portal/editor/history.html", {"article": item, "rows": rows})


@login_required
@require_POST
def article_restore(request: HttpRequest, pk: int, history_id: int) -> HttpResponse:
    item = access.access_article(request.user, pk, "change")
    try:
        actions.do_restore_article(item, permissions.parse_id(history_id), by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("portal:editor-history", item.pk)
    messages.success(request, _("The revision is restored."))
    return redirect("portal:editor-article", item.pk)


@login_required
def categories(request: HttpRequest) -> HttpResponse:
    permissions.require(request.user, "portal.edit_portal")
    owner = access.portal_units(request.user).order_by("pk").first()
    form = CategoryForm(request.POST or None)
    if request.method == "POST":
        permissions.require(request.user, "portal.add_category", owner)
        if form.is_valid():
            try:
                actions.do_save_category(None, owner=owner, by=request.user, **form.cleaned_data)
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("Saved."))
                return redirect("portal:editor-categories")
    return render(
        request,
        "portal/editor/categories.html",
        {"form": form, "categories": access.editable_categories(request.user)},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def category_edit(request: HttpRequest, pk: int) -> HttpResponse:
    section = access.access_category(request.user, pk, "change")
    form = CategoryForm(request.POST or None, instance=section)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_save_category(
                section, owner=section.owner, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("portal:editor-categories")
    return render(request, "portal/editor/category_form.html", {"form": form, "category": section})


@login_required
def feedback_list(request: HttpRequest) -> HttpResponse:
    permissions.require(request.user, "portal.edit_portal")
    state = request.GET.get("state") or Feedback.State.NEW
    items = access.visible_feedback(request.user).select_related("article")
    if state in Feedback.State.values:
        items = items.filter(state=state)
    page = Paginator(items, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "portal/editor/feedback_list.html",
        {"page": page, "state": state, "states": Feedback.State.choices},
    )


@login_required
def feedback_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = access.access_feedback(request.user, pk)
    form = AnswerForm(
        request.POST or None, initial={"answer": item.answer, "publish": item.published}
    )
    if request.method == "POST":
        item = access.access_feedback(request.user, pk, "answer")
        if request.POST.get("spam"):
            actions.do_mark_spam(item, by=request.user)
            messages.success(request, _("Marked as spam."))
            return redirect("portal:editor-feedback")
        if form.is_valid():
            try:
                actions.do_answer_feedback(
                    item,
                    answer=form.cleaned_data["answer"],
                    publish=form.cleaned_data["publish"],
                    by=request.user,
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("The answer is sent."))
                return redirect("portal:editor-feedback-detail", item.pk)
    return render(
        request,
        "portal/editor/feedback_detail.html",
        {"feedback": item, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def progress_pages(request: HttpRequest) -> HttpResponse:
    """The coordinator's choice: which plans' progress the public sees."""
    permissions.require(request.user, "portal.edit_portal")
    plans = access.publishable_plans(request.user).select_related("programme").order_by("-year")
    if request.method == "POST":
        plan = access.access_progress(request.user, request.POST.get("plan"), "publish")
        actions.do_publish_progress(
            plan, published=request.POST.get("published") == "1", by=request.user
        )
        messages.success(request, _("Saved."))
        return redirect("portal:editor-progress")
    public = set(access.published_plans(plans).values_list("pk", flat=True))
    return render(
        request, "portal/editor/progress.html", {"plans": [(p, p.pk in public) for p in plans]}
    )


@login_required
def tags(request: HttpRequest) -> HttpResponse:
    """The portal's tags with how many articles carry each."""
    from django.db.models import Count

    permissions.require(request.user, "portal.edit_portal")
    items = access.editable_tags(request.user).annotate(n=Count("articles")).order_by("name")
    page = Paginator(items, 100).get_page(request.GET.get("page"))
    return render(request, "portal/editor/tags.html", {"page": page})


@login_required
def tag_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Rename (merging into a tag of the same name), merge into another, or delete a tag."""
    item = access.access_tag(request.user, pk, "change")
    form = TagForm(
        request.POST or None,
        initial={"name": item.name},
        others=access.editable_tags(request.user).exclude(pk=item.pk),
    )
    if request.method == "POST" and form.is_valid():
        try:
            if request.POST.get("delete"):
                actions.do_delete_tag(item, by=request.user)
                messages.success(request, _("The tag is deleted."))
                return redirect("portal:editor-tags")
            into = form.cleaned_data.get("into")
            if into is not None:
                kept = actions.do_merge_tag(item, into=into, by=request.user)
            else:
                kept = actions.do_rename_tag(item, name=form.cleaned_data["name"], by=request.user)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("portal:editor-tag", kept.pk)
    return render(
        request,
        "portal/editor/tag_form.html",
        {"form": form, "tag": item, "count": item.articles.count()},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def rankings(request: HttpRequest) -> HttpResponse:
    """The coordinator's choice: which closed months' tuyên vận rankings the public sees."""
    from theodoi.tuyenvan.models import MonthlyResult

    permissions.require(request.user, "portal.edit_portal")
    provinces = access.ranking_provinces(request.user).order_by("name")
    closed = list(
        MonthlyResult.objects.filter(province__in=provinces, status=MonthlyResult.Status.CLOSED)
        .values_list("month", flat=True)
        .distinct()
        .order_by("-month")[:36]
    )
    form = RankingForm(request.POST or None, provinces=provinces, months=closed)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            province = access.access_ranking_province(
                request.user, form.cleaned_data["province"].pk
            )
            try:
                item = actions.do_publish_ranking(
                    province, form.cleaned_data["month"], by=request.user
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("The ranking is published."))
                return redirect(item.get_absolute_url())
    pages = access.editable_rankings(request.user).select_related("province")
    return render(
        request,
        "portal/editor/rankings.html",
        {
            "form": form,
            "pages": pages,
        },
        status=status,
    )


@login_required
@require_POST
def ranking_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    item = access.access_ranking_page(request.user, pk, "publish")
    form = StepForm(request.POST)
    try:
        reason = form.data.get("reason", "")
        actions.do_unpublish_ranking(item, reason=reason, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The ranking is withdrawn."))
    return redirect("portal:editor-rankings")

"""The portal: public reading, the editorial back office, readers' feedback.

The portal belongs to a provincial Party committee (the province unit that owns
its categories). Its editors are the coordinators whose reach includes that
committee: the Ban Tuyên giáo's specialists, who act for the Tỉnh ủy under the
house's advisory rule (no new role). They write, review, publish, withdraw,
manage categories and featured slots, and answer feedback.

Anyone, signed in or not, reads live articles (published and due). The
committee's own staff (any account of a unit under it) may follow the
editorial queue read-only; outsiders and anonymous visitors see nothing
unpublished (404). Feedback carries readers' personal data: only editors
see it.
"""

from __future__ import annotations

from typing import Any

import rules
from django.db.models import Q, QuerySet

from theodoi.permissions import (
    AnyUser,
    Role,
    fetch,
    has_role,
    home_ids,
    parse_id,
    reach,
    reaches,
)
from theodoi.units.models import Unit


def _owner_id(obj: Any) -> int | None:
    from theodoi.portal.models import Article, ArticleImage, Category, Feedback, Tag

    if isinstance(obj, Feedback | ArticleImage):
        obj = obj.article
    if isinstance(obj, Article):
        obj = obj.category
    if isinstance(obj, Category | Tag):
        return obj.owner_id
    if isinstance(obj, Unit):
        return obj.pk
    return None


def portal_units(user: AnyUser) -> QuerySet[Unit]:
    """The committees whose portal the user edits (provinces in their coordinator reach)."""
    if not user.is_authenticated:
        return Unit.objects.none()
    units = Unit.objects.filter(kind=Unit.Kind.PROVINCE)
    if user.is_superuser:
        return units
    return units.filter(pk__in=reach(user, Role.COORDINATOR))


@rules.predicate
def is_portal_editor(user: AnyUser) -> bool:
    """May open the back office: a coordinator (what they may change there is asked per
    object, by the reach of their role). No query: it runs in every page's menu."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or has_role(user, Role.COORDINATOR)


@rules.predicate
def edits_portal_of(user: AnyUser, obj: Any) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or reaches(user, _owner_id(obj), Role.COORDINATOR)


@rules.predicate
def staff_of_portal(user: AnyUser, obj: Any) -> bool:
    """An account of a unit under the committee that owns the portal."""
    return user.is_authenticated and _owner_id(obj) in home_ids(user)


@rules.predicate
def is_live(user: AnyUser, article: Any) -> bool:
    return article.is_live


@rules.predicate
def is_open(user: AnyUser, article: Any) -> bool:
    """Readers may write about a live article only."""
    return article.is_live


# Reading: live for everyone; drafts for the committee's staff and editors.
rules.add_perm("portal.view_article", is_live | staff_of_portal | edits_portal_of)
rules.add_perm("portal.change_article", edits_portal_of)
rules.add_perm("portal.publish_article", edits_portal_of)
rules.add_perm("portal.feature_article", edits_portal_of)
rules.add_perm("portal.comment_article", is_open)
# The back office (its menu entry, lists, new articles and categories).
rules.add_perm("portal.edit_portal", is_portal_editor)
rules.add_perm("portal.view_category", rules.always_allow)
rules.add_perm("portal.change_category", edits_portal_of)
rules.add_perm("portal.add_category", edits_portal_of)
rules.add_perm("portal.view_tag", rules.always_allow)
rules.add_perm("portal.change_tag", edits_portal_of)
rules.add_perm("portal.view_feedback", edits_portal_of)
rules.add_perm("portal.answer_feedback", edits_portal_of)


def _live_q() -> Q:
    from theodoi.core import clock

    return Q(state="published", publish_at__lte=clock.now())


def visible_articles(user: AnyUser, queryset: QuerySet[Any] | None = None) -> QuerySet[Any]:
    """Live articles, plus the editorial queue of the committees the user belongs to or edits."""
    from theodoi.portal.models import Article

    queryset = Article.objects.all() if queryset is None else queryset
    if not user.is_authenticated:
        return queryset.filter(_live_q())
    if user.is_superuser:
        return queryset
    owners = home_ids(user) | reach(user, Role.COORDINATOR)
    return queryset.filter(_live_q() | Q(category__owner_id__in=owners))


def editable_articles(user: AnyUser, queryset: QuerySet[Any] | None = None) -> QuerySet[Any]:
    """Articles of the portals the user edits (the back office's lists)."""
    from theodoi.portal.models import Article

    queryset = Article.objects.all() if queryset is None else queryset
    return queryset.filter(category__owner__in=portal_units(user))


def editable_categories(user: AnyUser, queryset: QuerySet[Any] | None = None) -> QuerySet[Any]:
    from theodoi.portal.models import Category

    queryset = Category.objects.all() if queryset is None else queryset
    return queryset.filter(owner__in=portal_units(user))


def visible_feedback(user: AnyUser, queryset: QuerySet[Any] | None = None) -> QuerySet[Any]:
    from theodoi.portal.models import Feedback

    queryset = Feedback.objects.all() if queryset is None else queryset
    return queryset.filter(article__category__owner__in=portal_units(user))


def access_article(user: AnyUser, pk: Any, action: str = "view") -> Any:
    """The article if the user may see it and do ``action`` (view, change, publish, feature,
    comment)."""
    from theodoi.portal.models import Article

    queryset = Article.objects.select_related("category")
    return fetch(user, queryset, pk, "portal.view_article", f"portal.{action}_article")


def access_category(user: AnyUser, pk: Any, action: str = "view") -> Any:
    from theodoi.portal.models import Category

    return fetch(
        user, Category.objects.all(), pk, "portal.view_category", f"portal.{action}_category"
    )


def public_category(slug: str) -> Any:
    """A category's public page, by its slug: every category is public; Http404 for none."""
    from django.http import Http404

    from theodoi.portal.models import Category

    found = Category.objects.filter(slug=str(slug)[:100]).first()
    if found is None:
        raise Http404
    return found


def editable_tags(user: AnyUser, queryset: QuerySet[Any] | None = None) -> QuerySet[Any]:
    """Tags of the portals the user edits (rename, merge, delete)."""
    from theodoi.portal.models import Tag

    queryset = Tag.objects.all() if queryset is None else queryset
    return queryset.filter(owner__in=portal_units(user))


def access_tag(user: AnyUser, pk: Any, action: str = "view") -> Any:
    from theodoi.portal.models import Tag

    return fetch(user, Tag.objects.all(), pk, "portal.view_tag", f"portal.{action}_tag")


def public_tag(slug: str) -> Any:
    """A tag's public page, by its slug: every tag is public; Http404 for none."""
    from django.http import Http404

    from theodoi.portal.models import Tag

    found = Tag.objects.filter(slug=str(slug)[:100]).first()
    if found is None:
        raise Http404
    return found


def access_feedback(user: AnyUser, pk: Any, action: str = "view") -> Any:
    from theodoi.portal.models import Feedback

    queryset = Feedback.objects.select_related("article__category")
    return fetch(user, queryset, pk, "portal.view_feedback", f"portal.{action}_feedback")


# The programme in public ----------------------------------------------------------
#
# A plan's progress page is public once the plan's coordinators publish it
# (the same reach as plans.change_plan); until then only they preview it.


@rules.predicate
def coordinates_plan(user: AnyUser, plan: Any) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or reaches(user, plan.owner_id, Role.COORDINATOR)


@rules.predicate
def progress_is_public(user: AnyUser, plan: Any) -> bool:
    from theodoi.portal.models import ProgressPage

    return ProgressPage.objects.filter(plan_id=plan.pk, published=True).exists()


rules.add_perm("portal.view_progress", progress_is_public | coordinates_plan)
rules.add_perm("portal.publish_progress", coordinates_plan)


def publishable_plans(user: AnyUser, queryset: QuerySet[Any] | None = None) -> QuerySet[Any]:
    """Plans whose public progress page the user may publish."""
    from theodoi.plans.models import Plan

    queryset = Plan.objects.all() if queryset is None else queryset
    if user.is_authenticated and user.is_superuser:
        return queryset
    return queryset.filter(owner_id__in=reach(user, Role.COORDINATOR))


def published_plans(queryset: QuerySet[Any] | None = None) -> QuerySet[Any]:
    from theodoi.plans.models import Plan

    queryset = Plan.objects.all() if queryset is None else queryset
    return queryset.filter(public_progress__published=True)


def access_progress(user: AnyUser, pk: Any, action: str = "view") -> Any:
    """The plan of a progress page the user may see (published, or theirs to publish)."""
    from theodoi.plans.models import Plan

    queryset = Plan.objects.select_related("programme", "owner")
    return fetch(user, queryset, pk, "portal.view_progress", f"portal.{action}_progress")


# A month's tuyên vận ranking in public ---------------------------------------------
#
# Scores of communes are never public unless the province's coordinators publish
# the month's ranking (``portal.publish_ranking``: the province in their
# coordinator reach). Until then, or once withdrawn, only they see the page.


@rules.predicate
def ranking_is_public(user: AnyUser, page: Any) -> bool:
    return bool(page.published)


@rules.predicate
def coordinates_ranking(user: AnyUser, page: Any) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or reaches(user, page.province_id, Role.COORDINATOR)


rules.add_perm("portal.view_rankingpage", ranking_is_public | coordinates_ranking)
rules.add_perm("portal.publish_rankingpage", coordinates_ranking)


def ranking_provinces(user: AnyUser) -> QuerySet[Unit]:
    """The provinces whose month's ranking the user may publish or withdraw."""
    return portal_units(user)


def access_ranking_province(user: AnyUser, pk: Any) -> Unit:
    """A province whose ranking the user may publish (Http404 for any other)."""
    from django.http import Http404

    found = ranking_provinces(user).filter(pk=parse_id(pk)).first()
    if found is None:
        raise Http404
    return found


def published_rankings(queryset: QuerySet[Any] | None = None) -> QuerySet[Any]:
    from theodoi.portal.models import RankingPage

    queryset = RankingPage.objects.all() if queryset is None else queryset
    return queryset.filter(published=True)


def editable_rankings(user: AnyUser, queryset: QuerySet[Any] | None = None) -> QuerySet[Any]:
    """Ranking pages (published or withdrawn) of the provinces the user coordinates."""
    from theodoi.portal.models import RankingPage

    queryset = RankingPage.objects.all() if queryset is None else queryset
    return queryset.filter(province__in=ranking_provinces(user))


def access_ranking_page(user: AnyUser, pk: Any, action: str = "view") -> Any:
    """A month's public ranking: published, or its province's coordinators' to preview."""
    from theodoi.portal.models import RankingPage

    queryset = RankingPage.objects.select_related("province")
    return fetch(user, queryset, pk, "portal.view_rankingpage", f"portal.{action}_rankingpage")

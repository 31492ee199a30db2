"""The portal's part of a handover (registered with ``theodoi.units.handover``).

**Articles** not published yet (draft or in review) in the ceased body's
portal pass to the section of the same name in the successor's portal; where
the successor has no such section they stay (an editor moves them by hand).
Published and withdrawn articles stay: they were published under the old
body's name, at their addresses.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from theodoi.units.handover import HandoverResult, register

from .models import Article, Category


def portal_step(result: HandoverResult) -> None:
    mine = Article.objects.filter(category__owner=result.predecessor)
    sections = {c.name.casefold(): c for c in Category.objects.filter(owner=result.successor)}
    moved = []
    drafts = mine.filter(state__in=(Article.State.DRAFT, Article.State.REVIEW))
    for article in drafts.select_related("category").order_by("pk"):
        section = sections.get(article.category.name.casefold())
        if section is None:
            continue
        article.category = section
        result.save(article)
        moved.append(article.pk)
    result.move("portal_drafts", moved)
    result.keep(
        "portal_drafts",
        mine.count(),
        _(
            "Published and withdrawn articles stay under the old body's name; a draft stays where "
            "the successor's portal has no section of the same name."
        ),
    )


register(
    "portal",
    portal_step,
    kinds={"portal_drafts": gettext_lazy("portal drafts and articles in review")},
    order=90,
)

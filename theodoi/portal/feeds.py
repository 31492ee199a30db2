"""RSS 2.0 and Atom feeds: the whole portal and each category (Django's syndication)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.syndication.views import Feed
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from .models import Article, Category

FEED_SIZE = 30


class LatestFeed(Feed):
    def get_object(self, request: HttpRequest, slug: str | None = None) -> Category | None:
        return get_object_or_404(Category, slug=slug) if slug else None

    def title(self, obj: Category | None) -> str:
        return obj.name if obj else _("Provincial Party Committee's portal")

    def link(self, obj: Category | None) -> str:
        return obj.get_absolute_url() if obj else reverse("portal:home")

    def description(self, obj: Category | None) -> str:
        return (obj.description if obj else "") or _("Latest news")

    def items(self, obj: Category | None) -> Any:
        items = Article.objects.live().select_related("category").order_by("-publish_at", "-pk")
        if obj is not None:
            items = items.filter(category=obj)
        return items[:FEED_SIZE]

    def item_title(self, item: Article) -> str:
        return item.title

    def item_description(self, item: Article) -> str:
        return item.description

    def item_pubdate(self, item: Article) -> datetime | None:
        return item.publish_at

    def item_updateddate(self, item: Article) -> datetime | None:
        return item.updated_at

    def item_author_name(self, item: Article) -> str:
        return item.author

    def item_categories(self, item: Article) -> list[str]:
        return [item.category.name, *item.tag_list]


class LatestAtomFeed(LatestFeed):
    feed_type = Atom1Feed

    def subtitle(self, obj: Category | None) -> str:
        return self.description(obj)

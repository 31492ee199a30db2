"""What the public pages share between visitors, kept in Django's cache.

The lists beside every page (featured, latest, same category), the home page's
sections and an article's sanitised body are the same for every anonymous
visitor: each is kept for ``TTL`` seconds under the portal's *generation*, a
number raised whenever an article, image, category, tag or published answer
changes. A change shows at once on the server that made it (and on every
server with a shared cache, ``REDIS_URL``); a scheduled article appears, and
another server's local cache catches up, within ``TTL``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache import cache

T = TypeVar("T")
TTL = 60
_GENERATION = "portal:generation"


def generation() -> int:
    value = cache.get(_GENERATION)
    if value is None:
        cache.add(_GENERATION, time.time_ns() // 1000, timeout=None)
        value = cache.get(_GENERATION, 0)
    return int(value)


def bump(*args: Any, **kwargs: Any) -> None:
    """A signal receiver: whatever the public sees has changed."""
    try:
        cache.incr(_GENERATION)
    except ValueError:  # not there (evicted, or a fresh cache)
        cache.set(_GENERATION, time.time_ns() // 1000, timeout=None)


def shared(name: str, build: Callable[[], T], ttl: int = TTL) -> T:
    """``build()``'s answer, kept for every visitor under the current generation."""
    key = f"portal:{generation()}:{name}"
    found = cache.get(key)
    if found is None:
        found = build()
        cache.set(key, found, ttl)
    return found


def connect() -> None:
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from .models import Article, ArticleImage, Category, Feedback, RankingPage, Tag

    for model in (Article, ArticleImage, Category, Feedback, RankingPage, Tag):
        post_save.connect(bump, sender=model, dispatch_uid=f"portal-cache-{model.__name__}")
        post_delete.connect(bump, sender=model, dispatch_uid=f"portal-cache-d-{model.__name__}")
    m2m_changed.connect(bump, sender=Article.tags.through, dispatch_uid="portal-cache-tags")

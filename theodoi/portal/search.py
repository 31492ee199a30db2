"""Search that finds "tuyên vận" for "tuyen van" on SQLite and PostgreSQL alike.

Each article keeps a normalised copy of its title, lead, tags and body text
(lower case, Vietnamese diacritics and đ removed, spaces collapsed), written
on every save. A query is normalised the same way and each of its words must
appear in that copy: the same answer on both engines, no extension needed.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from theodoi.units.models import normalize_name, strip_diacritics

MAX_WORDS = 8


def normalise(text: str) -> str:
    return strip_diacritics(normalize_name(text or ""))


def words(query: str) -> list[str]:
    return [w for w in normalise(query).split() if len(w) > 0][:MAX_WORDS]


def matching(queryset: QuerySet, query: str) -> QuerySet:
    """Articles whose normalised text holds every word of ``query`` (all when empty)."""
    condition = Q()
    for word in words(query):
        condition &= Q(search_text__contains=word)
    return queryset.filter(condition)

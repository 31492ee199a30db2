"""Free-text answers: the most frequent terms, Vietnamese and English alike.

Words are Unicode letters (Vietnamese keeps its diacritics); common function
words of both languages are dropped. Vietnamese words are mostly two
syllables ("giá cả", "biển chỉ dẫn"), so pairs of neighbouring words count
as terms too; a pair is shown instead of its words when it is as frequent.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from itertools import pairwise

WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
STOP = frozenset(
    (
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "but",
        "by",
        "for",
        "from",
        "has",
        "have",
        "i",
        "in",
        "is",
        "it",
        "its",
        "more",
        "my",
        "of",
        "on",
        "or",
        "so",
        "the",
        "their",
        "there",
        "they",
        "this",
        "to",
        "too",
        "very",
        "was",
        "we",
        "were",
        "with",
        "you",
        "your",
        "will",
        "not",
        "no",
        "và",
        "là",
        "của",
        "có",
        "cho",
        "các",
        "những",
        "được",
        "với",
        "không",
        "thì",
        "mà",
        "này",
        "đã",
        "để",
        "rất",
        "cần",
        "nên",
        "ở",
        "tại",
        "một",
        "nhiều",
        "hơn",
        "còn",
        "như",
        "khi",
        "cũng",
        "về",
        "ra",
        "vào",
        "trong",
        "từ",
        "lại",
        "đi",
        "bị",
        "do",
        "nhưng",
        "thêm",
        "quá",
    )
)


def tokens(text: str) -> list[str]:
    return [w for w in (m.lower() for m in WORD.findall(text)) if len(w) > 1]


def frequent_terms(texts: Iterable[str], limit: int = 20) -> list[tuple[str, int]]:
    """The ``limit`` most frequent words and word pairs (each counted once per answer)."""
    words: Counter[str] = Counter()
    pairs: Counter[str] = Counter()
    for text in texts:
        found = tokens(text)
        words.update({w for w in found if w not in STOP})
        pairs.update({f"{a} {b}" for a, b in pairwise(found) if a not in STOP and b not in STOP})
    terms: Counter[str] = Counter({p: n for p, n in pairs.items() if n >= 2})
    covered = {w for p in terms for w in p.split()}
    for word, n in words.items():
        if word in covered and any(terms[p] >= n for p in terms if word in p.split()):
            continue
        terms[word] = n
    return sorted(terms.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]

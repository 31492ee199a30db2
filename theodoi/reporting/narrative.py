"""The consolidated report's words: what many units said, said once.

Units' narratives repeat each other: twenty district committees write the same
shortcoming with a word changed, nine report the same result with their own
figures. This module groups what is the same and merges what can be added:

- :func:`group_similar` groups near-identical Vietnamese sentences by the
  overlap of their runs of two and three syllables (shingles). Syllables are compared with
  their diacritics and in their order — "ban" is not "bản", and "chậm triển
  khai" is not "triển khai chậm" — so only what reads the same is merged. The
  text said by most units stands for its group; every unit is named.
- :func:`merge_figures` adds up the counts of sentences that differ only in
  their counts ("Đã tổ chức 5 hội nghị cho 300 lượt…" + "… 7 … 420 …" →
  "12 … 720"); percentages, years and dates are never added: they must be equal.

Word segmentation (underthesea, pyvi) was weighed and left out: bigrams of
syllables carry the word order that segmentation would be used for, and those
libraries pull scikit-learn into the server for a comparison that does not
need it.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

T = TypeVar("T")

# Near-identical: at least this share of the two sentences' runs in common (Jaccard).
SIMILAR = 0.65

_WORD = re.compile(r"\w+", re.UNICODE)


def syllables(text: str) -> list[str]:
    """Lower-case syllables, diacritics kept, punctuation dropped (NFC first)."""
    return _WORD.findall(unicodedata.normalize("NFC", text).lower())


def shingles(text: str, *, figures_alike: bool = True) -> frozenset[tuple[str, ...]]:
    """Runs of two and of three consecutive syllables. With ``figures_alike``
    figures count as one and the same syllable, so sentences that differ only in
    their figures are alike; the runs of three keep "cấp trên chỉ đạo cấp dưới"
    apart from its reverse."""
    words = syllables(text)
    if figures_alike:
        words = ["#" if w.isdigit() else w for w in words]
    if len(words) < 2:
        return frozenset((w,) for w in words)
    triples = zip(words, words[1:], words[2:], strict=False)
    return frozenset(itertools.pairwise(words)) | frozenset(triples)


def similarity(a: str, b: str) -> float:
    """Jaccard overlap of syllable runs: 1.0 for the same words in the same order."""
    sa, sb = shingles(a), shingles(b)
    if not sa and not sb:
        return 1.0
    return len(sa & sb) / len(sa | sb)


@dataclass
class Said(Generic[T]):
    """One thing said, by whom (in order of first mention) and where."""

    text: str
    who: list[T] = field(default_factory=list)
    where: list[str] = field(default_factory=list)
    variants: list[str] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)  # every text said, one per mention


def group_similar(
    items: Iterable[tuple[T, str, str]],
    threshold: float = SIMILAR,
    *,
    figures_alike: bool = True,
) -> list[Said[T]]:
    """Group ``(who, text, where)`` by near-identical text.

    A text joins the first group whose representative it resembles at least
    ``threshold``; a group is represented by its most said text (the first
    said on a tie). Groups come most-said first, then in order of first
    mention; each lists every distinct ``who`` and ``where`` once. Without
    ``figures_alike``, texts with different figures are never one group.
    """
    groups: list[tuple[frozenset[tuple[str, ...]], Said[T], dict[str, int]]] = []
    for who, text, where in items:
        text = " ".join(text.split()).rstrip(" .;")
        if not text:
            continue
        mine = shingles(text, figures_alike=figures_alike)
        for key, said, counts in groups:  # noqa: B007 (the match is used after the loop)
            union = key | mine
            if not union or len(key & mine) / len(union) >= threshold:
                break
        else:
            said = Said(text)
            counts = {}
            groups.append((mine, said, counts))
        counts[text] = counts.get(text, 0) + 1
        said.texts.append(text)
        if text not in said.variants:
            said.variants.append(text)
        if who not in said.who:
            said.who.append(who)
        if where and where not in said.where:
            said.where.append(where)
    for _key, said, counts in groups:
        said.text = max(said.variants, key=lambda t: counts[t])
    order = {id(g[1]): i for i, g in enumerate(groups)}
    return sorted((g[1] for g in groups), key=lambda s: (-len(s.who), order[id(s)]))


# Figures --------------------------------------------------------------------------------

# A count: 1-3 digits with "." thousands groups, or plain digits. "5/12" reads as a date
# (it may be one) and so is never added.
_NUMBER = re.compile(r"(?<![\w.,])(\d{1,3}(?:\.\d{3})+|\d+)(?![\w.,]?\d)(?!\s*%)")
_DATE = re.compile(r"\d{1,2}/\d{1,2}(?:/\d{2,4})?|\d{1,2}/\d{4}")
_YEAR_BEFORE = re.compile(r"(?:năm|quý|tháng|giai đoạn|khóa|số)\s*$", re.IGNORECASE)
# "6 tháng cuối năm" is a span of time, the same for every unit: never added.
_TIME_AFTER = re.compile(r"\s*(?:tháng|năm|quý|tuần|ngày|giờ)\b", re.IGNORECASE)


def _counts(text: str) -> tuple[str, list[int]] | None:
    """The sentence with its counts taken out ("{}"), and the counts; None without counts.

    Years (19xx/20xx, or after "năm", "tháng"…), dates and percentages stay in
    the template, so sentences merge only when they are equal."""
    masked = _DATE.sub(lambda m: "\0" * len(m.group()), text)
    template: list[str] = []
    values: list[int] = []
    last = 0
    for m in _NUMBER.finditer(masked):
        raw = m.group(1)
        value = int(raw.replace(".", ""))
        if (
            (len(raw) == 4 and 1900 <= value <= 2100)
            or _YEAR_BEFORE.search(text[: m.start()])
            or _TIME_AFTER.match(text, m.end())
        ):
            continue
        template.append(text[last : m.start()].replace("{", "{{").replace("}", "}}"))
        template.append("{}")
        values.append(value)
        last = m.end()
    if not values:
        return None
    template.append(text[last:].replace("{", "{{").replace("}", "}}"))
    return "".join(template), values


def vn_int(value: int) -> str:
    """12500 -> "12.500"."""
    return f"{value:,}".replace(",", ".")


def merge_figures(texts: Sequence[str]) -> str | None:
    """The sum of sentences that differ only in their counts; None if they differ otherwise.

    >>> merge_figures(["Tổ chức 5 hội nghị cho 300 người", "Tổ chức 7 hội nghị cho 420 người"])
    'Tổ chức 12 hội nghị cho 720 người'
    """
    if len(texts) < 2:
        return None
    parts = [_counts(" ".join(t.split()).rstrip(" .;")) for t in texts]
    if any(p is None for p in parts):
        return None
    templates = {p[0] for p in parts if p}
    if len(templates) != 1:
        return None
    sums = [sum(col) for col in zip(*(p[1] for p in parts if p), strict=True)]
    return templates.pop().format(*(vn_int(s) for s in sums))

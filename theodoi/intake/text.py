"""Folding text as people type it: case, spacing, Unicode form and diacritics ignored."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from theodoi.units.models import normalize_name, strip_diacritics

_PUNCT_SPACES = re.compile(r"\s*([,;:/&\-–—()])\s*")


@lru_cache(maxsize=32768)
def _fold(text: str) -> str:
    text = strip_diacritics(normalize_name(text)).replace("–", "-").replace("—", "-")
    text = _PUNCT_SPACES.sub(r"\1", text)
    return text.strip(" .:")


def fold(value: Any) -> str:
    """A key for comparing what people write: no case, no diacritics, tidy spacing.

    "Cơ quan chủ trì", "CO QUAN CHU TRI" and "co quan  chủ trì" fold alike.
    """
    return _fold("" if value is None else str(value))


def cell_text(value: Any) -> str:
    """A cell as one line of text (numbers without a trailing .0)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def cell_lines(value: Any) -> str:
    """A cell with its line breaks kept, each line tidied."""
    if value is None:
        return ""
    lines = [" ".join(line.split()) for line in str(value).replace("\r", "").split("\n")]
    return "\n".join(line for line in lines if line).strip()

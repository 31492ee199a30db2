"""A questionnaire compiled once per state: its questions and current versions, in order.

The public answer page used to query the questions (with their sections and
current versions) twice per visitor: to render the form and to read the
answers. Both now use :func:`questionnaire`, built once per survey *state* —
the survey's id, ``revision`` and ``updated_at``, which every change of the
questionnaire moves (:func:`theodoi.surveys.actions.questionnaire_changed`;
the survey row is read fresh on every request, so a new version shows at
once, in every worker). A version never changes once answered, so the
cached objects are only read, never saved.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .models import Question, Survey

_LIMIT = 256


@dataclass(frozen=True)
class Compiled:
    """The questions of one questionnaire state (each with its section and current version)."""

    key: tuple[Any, ...]
    questions: tuple[Question, ...]

    @property
    def versions(self) -> list[tuple[str, Any]]:
        """[(code, current version)], as ``questions.read_answers`` takes them."""
        return [(q.code, q.current) for q in self.questions]


_cache: dict[tuple[Any, ...], Compiled] = {}
_lock = threading.Lock()
# The public page's blank form as HTML, by questionnaire state, point and languages
# (``public._blank_page``; the per-visitor tokens are slots in it).
PAGES: dict[tuple[Any, ...], str] = {}
_PAGES_LIMIT = 2048


def keep_page(key: tuple[Any, ...], html: str) -> None:
    with _lock:
        if len(PAGES) >= _PAGES_LIMIT:
            PAGES.clear()
        PAGES[key] = html


def state_key(survey: Survey) -> tuple[int, int, datetime | None]:
    return (survey.pk, survey.revision, survey.updated_at)


def questionnaire(survey: Survey) -> Compiled:
    """The survey's questionnaire in its current state (one query the first time per state)."""
    key = state_key(survey)
    found = _cache.get(key)
    if found is not None:
        return found
    questions = tuple(
        Question.objects.filter(survey=survey, current__isnull=False).select_related(
            "section", "current"
        )
    )
    compiled = Compiled(key, questions)
    with _lock:
        if len(_cache) >= _LIMIT:
            _cache.clear()
        _cache[key] = compiled
    return compiled


def clear() -> None:
    """Forget every compiled questionnaire and page (tests: ids come back after a rollback)."""
    with _lock:
        _cache.clear()
        PAGES.clear()

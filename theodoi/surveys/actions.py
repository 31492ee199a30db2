"""Every change to a survey: one ``do_*`` function each, in a transaction, attributed.

Who may call them is the access layer's answer (``theodoi.permissions.surveys``),
asked by the page or endpoint before.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from theodoi.core import clock
from theodoi.core.workflow import Stale, Workflow, clean_reason, move

from .models import (
    CONTENT_LANGUAGES,
    FLAG_FIELDS,
    Answer,
    CollectionPoint,
    Flag,
    OneTimeCode,
    Question,
    QuestionVersion,
    Response,
    Section,
    Survey,
    TallyState,
)
from .questions import OTHER, clean_spec

# draft → open (between its dates) → closed → published; a closed survey may reopen.
WORKFLOW = (
    Workflow("state")
    .step("open", ("draft",), "open", gettext_lazy("Only a draft survey can be opened."))
    .step("close", ("open",), "closed", gettext_lazy("Only an open survey can be closed."))
    .step(
        "reopen",
        ("closed",),
        "open",
        gettext_lazy("Only a closed survey can be reopened."),
        reason_required=True,
    )
    .step(
        "publish",
        ("closed",),
        "published",
        gettext_lazy("Only a closed survey can have its results published."),
    )
)

CODE_ALPHABET = "ACDEFGHJKLMNPQRTUVWXY34679"  # no look-alikes (0/O, 1/I, 5/S, 8/B, 2/Z)
MAX_CODES = 2000


def _attribute(obj: Any, by: Any, reason: str) -> None:
    obj._history_user = by
    obj._change_reason = reason[:100]


def collecting(survey: Survey, today: date | None = None) -> bool:
    """Whether the survey takes answers today: open, and within its dates when set."""
    today = today or clock.today()
    if survey.state != Survey.State.OPEN:
        return False
    if survey.opens_on and today < survey.opens_on:
        return False
    return not (survey.closes_on and today > survey.closes_on)


def clean_languages(languages: list[str]) -> list[str]:
    cleaned = list(dict.fromkeys(str(code).strip() for code in languages if str(code).strip()))
    unknown = [code for code in cleaned if code not in CONTENT_LANGUAGES]
    if unknown:
        raise ValidationError(
            {"languages": _("Unknown language: %(codes)s.") % {"codes": ", ".join(unknown)}}
        )
    if "vi" not in cleaned or "en" not in cleaned:
        raise ValidationError({"languages": _("A survey is written in Vietnamese and English.")})
    return cleaned


def _clean_texts(survey_languages: list[str], title: dict[str, str]) -> dict[str, str]:
    texts = {k: " ".join(str(v).split()) for k, v in (title or {}).items() if v and str(v).strip()}
    missing = [code for code in ("vi", "en") if not texts.get(code)]
    if missing:
        raise ValidationError({"title": _("Give the title in Vietnamese and English.")})
    if any(len(v) > 300 for v in texts.values()):
        raise ValidationError({"title": _("Keep the title under 300 characters.")})
    return {k: v for k, v in texts.items() if k in survey_languages}


def _clean_dates(opens_on: date | None, closes_on: date | None) -> None:
    if opens_on and closes_on and closes_on < opens_on:
        raise ValidationError({"closes_on": _("The survey cannot close before it opens.")})


@transaction.atomic
def do_create_survey(
    owner: Any,
    *,
    by: Any,
    title: dict[str, str],
    languages: list[str] | None = None,
    intro: dict[str, str] | None = None,
    privacy: dict[str, str] | None = None,
    opens_on: date | None = None,
    closes_on: date | None = None,
) -> Survey:
    langs = clean_languages(languages or ["vi", "en"])
    _clean_dates(opens_on, closes_on)
    survey = Survey(
        owner=owner,
        title=_clean_texts(langs, title),
        intro={k: v.strip() for k, v in (intro or {}).items() if v and v.strip()},
        privacy={k: v.strip() for k, v in (privacy or {}).items() if v and v.strip()},
        languages=langs,
        opens_on=opens_on,
        closes_on=closes_on,
    )
    _attribute(survey, by, "created")
    survey.save()
    TallyState.objects.create(survey=survey)
    return survey


@transaction.atomic
def do_update_settings(
    survey: Survey,
    *,
    by: Any,
    version: int | None,
    excluded_flags: list[str],
    min_n: int,
    min_seconds: int,
    opens_on: date | None,
    closes_on: date | None,
    languages: list[str] | None = None,
    quotas: dict[str, dict[str, int]] | None = None,
    public_texts: bool | None = None,
) -> Survey:
    """The survey's stated exclusion rule, thresholds, dates, languages and quotas."""
    locked = Survey.objects.select_for_update().get(pk=survey.pk)
    if version is not None and locked.version != version:
        raise Stale(locked)
    unknown = set(excluded_flags) - set(Flag.values)
    if unknown:
        raise ValidationError({"excluded_flags": _("Choose among the listed flags.")})
    if not 2 <= int(min_n) <= 100_000:
        raise ValidationError({"min_n": _("Enter a number from 2 to 100000.")})
    if not 0 <= int(min_seconds) <= 3600:
        raise ValidationError({"min_seconds": _("Enter a number from 0 to 3600.")})
    _clean_dates(opens_on, closes_on)
    locked.excluded_flags = [f for f in Flag.values if f in excluded_flags]
    locked.min_n = int(min_n)
    locked.min_seconds = int(min_seconds)
    locked.opens_on, locked.closes_on = opens_on, closes_on
    if languages is not None:
        locked.languages = clean_languages(languages)
    if quotas is not None:
        locked.quotas = clean_quotas(locked, quotas)
    if public_texts is not None:
        locked.public_texts = bool(public_texts)
    locked.version += 1
    _attribute(locked, by, "settings")
    locked.save()
    return locked


def clean_quotas(survey: Survey, quotas: dict[str, dict[str, int]]) -> dict[str, dict[str, int]]:
    """Quotas checked against the survey's single-choice questions and their options."""
    singles = {
        q.code: {c["code"] for c in q.current.choices}
        for q in Question.objects.filter(survey=survey).select_related("current")
        if q.current and q.current.kind == "single"
    }
    cleaned: dict[str, dict[str, int]] = {}
    for code, targets in quotas.items():
        for choice, target in targets.items():
            if choice not in singles.get(code, set()):
                raise ValidationError(
                    {
                        "quotas": _("“%(name)s” is not an option of a single-choice question.")
                        % {"name": f"{code}.{choice}"}
                    }
                )
            if not isinstance(target, int) or not 1 <= target <= 1_000_000:
                raise ValidationError({"quotas": _("A quota is a whole number from 1.")})
            cleaned.setdefault(code, {})[choice] = target
    return cleaned


def do_open_survey(survey: Survey, *, by: Any, version: int | None = None) -> Survey:
    if not Question.objects.filter(survey=survey).exists():
        raise ValidationError({"__all__": _("Add at least one question before opening.")})
    if not CollectionPoint.objects.filter(survey=survey, active=True).exists():
        raise ValidationError({"__all__": _("Add a collection point before opening.")})
    return move(WORKFLOW, survey, "open", by=by, version=version)  # type: ignore[return-value]


def do_close_survey(survey: Survey, *, by: Any, version: int | None = None) -> Survey:
    return move(WORKFLOW, survey, "close", by=by, version=version)  # type: ignore[return-value]


def do_reopen_survey(survey: Survey, *, by: Any, reason: str, version: int | None = None) -> Survey:
    return move(  # type: ignore[return-value]
        WORKFLOW, survey, "reopen", by=by, reason=reason, version=version
    )


def do_publish_results(survey: Survey, *, by: Any, version: int | None = None) -> Survey:
    return move(WORKFLOW, survey, "publish", by=by, version=version)  # type: ignore[return-value]


# Questionnaire -----------------------------------------------------------------------


def questionnaire_changed(survey: Survey) -> None:
    """Move the survey's ``updated_at`` strictly forward: cached forms of the old state go.

    The public page's compiled questionnaire and rendered form are keyed by the
    survey's state (``compiled.state_key``); every change of a section, a
    question or a version calls this, in the change's transaction.
    """
    row = Survey.objects.select_for_update().only("updated_at").get(pk=survey.pk)
    stamp = max(timezone.now(), row.updated_at + timedelta(microseconds=1))
    Survey.objects.filter(pk=survey.pk).update(updated_at=stamp)
    survey.updated_at = stamp


def _editable(survey: Survey) -> None:
    if survey.state == Survey.State.PUBLISHED:
        raise ValidationError(
            {"__all__": _("The results are published: the questionnaire no longer changes.")}
        )


@transaction.atomic
def do_add_section(survey: Survey, *, by: Any, title: dict[str, str]) -> Section:
    _editable(survey)
    texts = {k: v.strip() for k, v in (title or {}).items() if v and v.strip()}
    if not texts.get(survey.languages[0]):
        raise ValidationError({"title": _("Give the section a title.")})
    last = survey.sections.aggregate(m=Max("position"))["m"] or 0
    section = Section(survey=survey, title=texts, position=last + 1)
    _attribute(section, by, "section added")
    section.save()
    questionnaire_changed(survey)
    return section


def _earlier(survey: Survey, before: Question | None = None) -> dict[str, QuestionVersion]:
    questions = list(Question.objects.filter(survey=survey).select_related("current", "section"))
    if before is not None:
        key = (before.section.position, before.position, before.pk)
        questions = [q for q in questions if (q.section.position, q.position, q.pk) < key]
    return {q.code: q.current for q in questions if q.current is not None}


@transaction.atomic
def do_add_question(
    survey: Survey, *, by: Any, section: Section, code: str, spec: dict[str, Any]
) -> Question:
    _editable(survey)
    from .questions import CODE_RE

    code = (code or "").strip()
    if not CODE_RE.match(code):
        raise ValidationError({"code": _("Use a-z, 0-9 and _, starting with a letter.")})
    if section.survey_id != survey.pk:
        raise ValidationError({"section": _("Choose a section of this survey.")})
    if Question.objects.filter(survey=survey, code=code).exists():
        raise ValidationError({"code": _("Another question of this survey has this code.")})
    cleaned = clean_spec(spec, survey.languages, _earlier(survey))
    last = section.questions.aggregate(m=Max("position"))["m"] or 0
    question = Question(survey=survey, section=section, code=code, position=last + 1)
    _attribute(question, by, "question added")
    question.save()
    first = QuestionVersion.objects.create(question=question, number=1, created_by=by, **cleaned)
    question.current = first
    question.save(update_fields=["current"])
    questionnaire_changed(survey)
    return question


@transaction.atomic
def do_edit_question(
    question: Question, *, by: Any, spec: dict[str, Any], expected: int | None = None
) -> QuestionVersion:
    """Change what a question asks; a new version once the current one has answers.

    ``expected`` is the version number the editor saw (Stale when it moved on).
    """
    # "self" only: PostgreSQL refuses FOR UPDATE on the nullable side of an outer join.
    locked = Question.objects.select_for_update(of=("self",)).select_related(
        "survey", "current", "section"
    )
    locked_q = locked.get(pk=question.pk)
    survey = locked_q.survey
    _editable(survey)
    current = locked_q.current
    if expected is not None and current.number != expected:
        raise Stale(locked_q)
    cleaned = clean_spec(spec, survey.languages, _earlier(survey, locked_q))
    if cleaned == current.meaning():
        return current
    if not Answer.objects.filter(version=current).exists():
        for name, value in cleaned.items():
            setattr(current, name, value)
        current.save()
        _attribute(locked_q, by, f"v{current.number} edited before any answer")
        locked_q.save()
        questionnaire_changed(survey)
        return current
    new = QuestionVersion.objects.create(
        question=locked_q, number=current.number + 1, created_by=by, **cleaned
    )
    locked_q.current = new
    _attribute(locked_q, by, f"v{new.number}: answers exist for v{current.number}")
    locked_q.save(update_fields=["current"])
    Survey.objects.filter(pk=survey.pk).update(revision=F("revision") + 1)
    questionnaire_changed(survey)
    return new


# Collection points and codes ---------------------------------------------------------


@transaction.atomic
def do_add_point(
    survey: Survey,
    *,
    by: Any,
    name: str,
    requires_code: bool = False,
    hourly_limit: int = 30,
) -> CollectionPoint:
    name = " ".join((name or "").split())
    if not name or len(name) > 200:
        raise ValidationError({"name": _("Give the point a name (at most 200 characters).")})
    if not 1 <= int(hourly_limit) <= 10_000:
        raise ValidationError({"hourly_limit": _("Enter a number from 1 to 10000.")})
    point = CollectionPoint(
        survey=survey,
        name=name,
        token=secrets.token_urlsafe(9).replace("-", "x").replace("_", "y"),
        requires_code=requires_code,
        hourly_limit=int(hourly_limit),
    )
    _attribute(point, by, "point added")
    point.save()
    return point


@transaction.atomic
def do_make_codes(point: CollectionPoint, *, by: Any, count: int) -> list[OneTimeCode]:
    """``count`` new one-time codes for cards handed out at the point."""
    if not 1 <= int(count) <= MAX_CODES:
        raise ValidationError(
            {"count": _("Enter a number from 1 to %(max)s.") % {"max": MAX_CODES}}
        )
    existing = set(point.codes.values_list("code", flat=True))
    made: list[OneTimeCode] = []
    while len(made) < int(count):
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(6))
        if code in existing:
            continue
        existing.add(code)
        made.append(OneTimeCode(point=point, code=code))
    return OneTimeCode.objects.bulk_create(made)


# Answers -----------------------------------------------------------------------------


def device_hash(token: str) -> str:
    """The device token as stored: a keyed hash, so the raw cookie is never kept."""
    if not token:
        return ""
    return hashlib.sha256(f"{settings.SECRET_KEY}:device:{token}".encode()).hexdigest()


def find_code(point: CollectionPoint, raw: str) -> OneTimeCode | None:
    code = "".join(ch for ch in (raw or "").upper() if ch.isalnum())[:16]
    if not code:
        return None
    return OneTimeCode.objects.filter(point=point, code=code).first()


@transaction.atomic
def do_submit_response(
    point: CollectionPoint,
    *,
    language: str,
    values: dict[str, Any],
    versions: dict[str, QuestionVersion],
    revision: int,
    seconds: int | None,
    device: str = "",
    flags: set[str] | None = None,
    code: OneTimeCode | None = None,
    contact: str = "",
    interviewer: Any = None,
    client_key: str = "",
) -> Response:
    """Store one response with its answers; suspects are stored and marked, never dropped.

    ``flags`` come from the request's checks (honeypot, timing, rate); the
    duplicate and reused-code flags are decided here, under the row locks.
    """
    flags = set(flags or ())
    sent, seen = _earlier_response(point.survey_id, client_key, device)
    if sent is not None:  # the same form sent again: stored once
        return Response.objects.get(pk=sent)
    if code is not None:
        code = OneTimeCode.objects.select_for_update().get(pk=code.pk)
        if code.used_at is not None:
            flags.add(Flag.REUSED_CODE)
        else:
            code.used_at = clock.now()
            code.save(update_fields=["used_at"])
    if seen:
        flags.add(Flag.DUPLICATE)
    response = _create_response(
        point, language, revision, interviewer, seconds, device, code, contact, flags, client_key
    )
    if response.pk is None:  # a resend racing this one was stored first
        return Response.objects.get(survey_id=point.survey_id, client_key=client_key)
    response_rows(response, values, versions)
    return response


def _earlier_response(survey_id: int, client_key: str, device: str) -> tuple[int | None, bool]:
    """(the id of this form's response if it was stored, whether the device answered before).

    One query for both checks (the public page's hot path).
    """
    table = connection.ops.quote_name(Response._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT id FROM {table} WHERE survey_id = %s AND client_key = %s "  # noqa: S608
            f"AND client_key <> '' LIMIT 1), "
            f"(SELECT COUNT(*) FROM (SELECT 1 FROM {table} WHERE survey_id = %s "
            f"AND device = %s AND device <> '' LIMIT 1) AS d)",
            [survey_id, client_key or "", survey_id, device or ""],
        )
        sent, seen = cursor.fetchone()
    return sent, bool(seen)


def _create_response(
    point: CollectionPoint,
    language: str,
    revision: int,
    interviewer: Any,
    seconds: int | None,
    device: str,
    code: OneTimeCode | None,
    contact: str,
    flags: set[str],
    client_key: str,
) -> Response:
    """Insert the response in one statement; its ``pk`` stays None when the form's key was taken.

    ``ON CONFLICT DO NOTHING`` (PostgreSQL and SQLite) stands for a savepoint:
    a resend racing this one makes no row here instead of an IntegrityError.
    """
    response = Response(
        survey_id=point.survey_id,
        client_key=client_key,
        point=point,
        language=language,
        revision=revision,
        channel=Response.Channel.INTERVIEWER if interviewer else Response.Channel.SELF,
        interviewer=interviewer,
        submitted_at=clock.now(),
        seconds=seconds,
        device=device,
        code=code,
        contact=contact[:200],
        **{FLAG_FIELDS[Flag(f)]: True for f in flags},
    )
    fields = [f for f in Response._meta.concrete_fields if not f.primary_key]
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(Response._meta.db_table)} "  # noqa: S608
            f"({', '.join(quote(f.column) for f in fields)}) "
            f"VALUES ({', '.join(['%s'] * len(fields))}) ON CONFLICT DO NOTHING RETURNING id",
            [f.get_db_prep_save(getattr(response, f.attname), connection) for f in fields],
        )
        row = cursor.fetchone()
    if row is not None:
        response.pk = row[0]
        response._state.adding = False
    return response


def response_rows(
    response: Response, values: dict[str, Any], versions: dict[str, QuestionVersion]
) -> None:
    """Store a response's answers (one row per value)."""
    rows: list[Answer] = []
    for qcode, value in values.items():
        version = versions[qcode]
        base = {"response": response, "question_id": version.question_id, "version": version}
        if isinstance(value, dict) and "choices" in value:
            for choice in value["choices"]:
                other = value.get("other", "") if choice == OTHER else ""
                rows.append(Answer(choice=choice, text=other, **base))
        elif isinstance(value, dict) and "choice" in value:
            rows.append(Answer(choice=value["choice"], text=value.get("other", ""), **base))
        elif isinstance(value, dict):  # grid: item → rating (None: not used)
            rows += [
                Answer(item=item, number=rating, **base)
                for item, rating in value.items()
                if rating is not None
            ]
        elif isinstance(value, str):
            rows.append(Answer(text=value, **base))
        else:
            rows.append(Answer(number=float(value), **base))
    _insert_answers(rows)


ANSWER_COLUMNS = ("response_id", "question_id", "version_id", "item", "choice", "number", "text")


def _insert_answers(rows: list[Answer]) -> None:
    """One INSERT for a response's answers (PostgreSQL: arrays UNNESTed; else executemany)."""
    if not rows:
        return
    values = [
        (
            row.response_id,
            row.question_id,
            row.version_id,
            row.item,
            row.choice,
            None if row.number is None else float(row.number),
            row.text,
        )
        for row in rows
    ]
    table = connection.ops.quote_name(Answer._meta.db_table)
    columns = ", ".join(ANSWER_COLUMNS)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            types = ("bigint", "bigint", "bigint", "text", "text", "double precision", "text")
            arrays = ", ".join(f"%s::{kind}[]" for kind in types)
            cursor.execute(
                f"INSERT INTO {table} ({columns}) SELECT * FROM UNNEST({arrays})",  # noqa: S608
                [list(column) for column in zip(*values, strict=True)],
            )
        else:
            cursor.executemany(
                f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * 7)})",  # noqa: S608
                values,
            )


__all__ = [
    "WORKFLOW",
    "clean_reason",
    "collecting",
    "device_hash",
    "do_add_point",
    "do_add_question",
    "do_add_section",
    "do_close_survey",
    "do_create_survey",
    "do_edit_question",
    "do_make_codes",
    "do_open_survey",
    "do_publish_results",
    "do_reopen_survey",
    "do_submit_response",
    "do_update_settings",
    "find_code",
]

"""Changes that span models: each ``do_<verb>_<noun>`` is all-or-nothing.

Callers check permissions first (theodoi.permissions); these functions check
the domain's own conditions and raise ``ValidationError`` with a translated
message, keyed by field or criterion code where there is one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any, cast

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, ProhibitNullCharactersValidator
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from theodoi.core import clock
from theodoi.core.workflow import Workflow, clean_reason, move
from theodoi.documents.party import format_vn_number
from theodoi.tuyenvan.roster.models import RosterEntry, month_end
from theodoi.units.models import Membership, Unit

from . import evidence as evidence_files
from . import scoring
from .models import (
    Appeal,
    ClusterMonth,
    CriteriaSet,
    Criterion,
    Meeting,
    MeetingFile,
    MeetingOfficial,
    MonthlyResult,
    Resolution,
    ResultEvent,
    Score,
    ScoreFile,
    ScoreSheet,
    Submission,
)
from .wording import wording_for

Status = MonthlyResult.Status


@dataclass
class ScoreInput:
    points: Any
    reason: str = ""
    evidence: str = ""
    # Uploaded evidence files for this line (added; existing files stay).
    files: list[Any] = field(default_factory=list)


def _now() -> Any:
    return clock.now()


# ---------------------------------------------------------------------------
# Conference record


# Attending officials come from the roster. The glue between the roster
# (theodoi.tuyenvan.roster, which knows nothing of scoring) and the conference
# record lives here and only here: tuyenvan imports roster, never the other way.
# The published roster proposes; ``MeetingOfficial`` records who attended and
# stays the source of truth for an official's access to the commune's month.


def roster_entries(commune: Unit, month: date) -> QuerySet[RosterEntry]:
    """The published roster's entries for the commune's conference in ``month``."""
    return RosterEntry.objects.published().filter(
        commune=commune, day__gte=month, day__lte=month_end(month)
    )


def roster_officials(commune: Unit, month: date) -> list[User]:
    """The officials the published roster sends to the commune in ``month``."""
    entries = roster_entries(commune, month).select_related("official").order_by("kind", "day")
    return list({e.official_id: e.official for e in entries}.values())


def roster_officials_by_month(
    communes: list[Unit], first: date, last: date
) -> dict[tuple[int, date], list[int]]:
    """``roster_officials`` in bulk, as ids: (commune id, month) -> official ids,
    for the months ``first``..``last``, in one query."""
    found: dict[tuple[int, date], list[int]] = {}
    rows = (
        RosterEntry.objects.published()
        .filter(commune__in=communes, day__gte=first, day__lte=month_end(last))
        .order_by("kind", "day", "pk")
        .values_list("commune_id", "day", "official_id")
    )
    for commune_id, day, official_id in rows:
        officials = found.setdefault((commune_id, day.replace(day=1)), [])
        if official_id not in officials:
            officials.append(official_id)
    return found


def attending_choices(commune: Unit, month: date) -> QuerySet[User]:
    """Who may be recorded as attending: the roster's officials first (annotated
    ``on_roster``), then the other officials of the commune's district or above."""
    roster = roster_entries(commune, month)
    ancestors = Unit.objects.ancestors(commune).values("pk")
    return (
        User.objects.filter(
            Q(memberships__role=Membership.Role.OFFICIAL, memberships__unit__in=ancestors)
            | Q(pk__in=roster.values("official"))
        )
        .distinct()
        .annotate(on_roster=Exists(roster.filter(official=OuterRef("pk"))))
        .order_by("-on_roster", "last_name", "first_name", "username")
    )


@transaction.atomic
def do_save_meeting(
    commune: Unit,
    month: date,
    data: dict[str, Any],
    *,
    by: User,
    officials: list[User] | None = None,
) -> Meeting:
    """Record the conference. ``officials=None`` keeps the attending officials,
    or, for a new record, takes them from the published roster."""
    meeting = Meeting.objects.filter(commune=commune, month=month).first() or Meeting(
        commune=commune, month=month
    )
    if officials is None and meeting.pk is None:
        officials = roster_officials(commune, month)
    for name, value in data.items():
        setattr(meeting, name, value)
    meeting.recorded_by = by
    meeting.full_clean(exclude=["recorded_by"])
    meeting.save()
    if officials is not None:
        MeetingOfficial.objects.filter(meeting=meeting).exclude(user__in=officials).delete()
        for user in officials:
            MeetingOfficial.objects.get_or_create(meeting=meeting, user=user)
    scoring.compute_month(commune, month)
    return meeting


# ---------------------------------------------------------------------------
# Evidence files


def _file_fields(upload: Any, by: User) -> dict[str, Any]:
    kind = evidence_files.check(upload)
    return {
        "file": upload,
        "name": evidence_files.label(getattr(upload, "name", "")),
        "content_type": kind,
        "size": upload.size,
        "uploaded_by": by,
        "uploaded_at": _now(),
    }


@transaction.atomic
def do_add_meeting_file(meeting: Meeting, upload: Any, kind: str, *, by: User) -> MeetingFile:
    """Attach a checked file to a conference record under a generated name."""
    if kind not in MeetingFile.Kind.values:
        raise ValidationError({"kind": _("Choose what the file is.")})
    try:
        fields = _file_fields(upload, by)
    except ValidationError as error:
        raise ValidationError({"file": error.messages}) from None
    attached = MeetingFile(meeting=meeting, kind=kind, **fields)
    attached._history_user = by  # type: ignore[attr-defined]
    attached.save()
    return attached


@transaction.atomic
def do_add_meeting_files(
    meeting: Meeting, uploads: list[Any], kind: str, *, by: User
) -> list[MeetingFile]:
    """Attach several files at once: all or none."""
    if not uploads:
        raise ValidationError({"file": _("Choose a file.")})
    return [do_add_meeting_file(meeting, upload, kind, by=by) for upload in uploads]


@transaction.atomic
def do_remove_meeting_file(attached: MeetingFile, *, by: User) -> None:
    """Remove the record (kept in the history with who removed it) and the stored file."""
    stored = attached.file.name
    storage = attached.file.storage
    attached._history_user = by  # type: ignore[attr-defined]
    attached.delete()
    transaction.on_commit(lambda: storage.delete(stored))


def _add_score_file(score: Score, upload: Any, *, by: User) -> ScoreFile:
    attached = ScoreFile(score=score, **_file_fields(upload, by))
    attached._history_user = by  # type: ignore[attr-defined]
    attached.save()
    return attached


# ---------------------------------------------------------------------------
# Score sheets


def sheet_for(
    commune: Unit, month: date, source: str, official: User | None = None
) -> ScoreSheet | None:
    """The existing or a new (unsaved) sheet; None when no criteria set is in force."""
    lookup = {"commune": commune, "month": month, "source": source}
    lookup["official"] = official if source == ScoreSheet.Source.OFFICIAL else None
    found = ScoreSheet.objects.filter(**lookup).select_related("criteria_set").first()
    if found:
        return found
    criteria_set = scoring.set_in_force(commune, month)
    if criteria_set is None:
        return None
    return ScoreSheet(criteria_set=criteria_set, **lookup)


def _parse_points(value: Any) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        points = Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        raise ValueError from None
    if not points.is_finite():
        raise ValueError
    return points


def validate_scores(
    sheet: ScoreSheet, entries: dict[int, ScoreInput], *, complete: bool
) -> dict[int, tuple[Decimal, str, str]]:
    """Check every line: within bounds, a reason for each deduction, evidence
    where the criterion requires it; with ``complete``, every criterion the
    source scores must be present. Errors are keyed by criterion code."""
    errors: dict[str, str] = {}
    clean: dict[int, tuple[Decimal, str, str]] = {}
    criteria = Criterion.objects.filter(group__criteria_set=sheet.criteria_set)
    with_files = (
        set(
            ScoreFile.objects.filter(score__sheet=sheet).values_list(
                "score__criterion_id", flat=True
            )
        )
        if sheet.pk
        else set()
    )
    for criterion in criteria:
        entry = entries.get(criterion.pk)
        try:
            for upload in entry.files if entry else []:
                evidence_files.check(upload)
        except ValidationError as error:
            errors[criterion.code] = " ".join(error.messages)
            continue
        if not criterion.scorable_by(sheet.source):
            if entry is not None and criterion.system_rule:
                errors[criterion.code] = _("Scored by the system; it can only be explained.")
            elif entry is not None:
                errors[criterion.code] = _("This source does not score this criterion.")
            continue
        try:
            points = _parse_points(entry.points) if entry else None
        except ValueError:
            errors[criterion.code] = _("Enter a number.")
            continue
        if points is None:
            if complete:
                errors[criterion.code] = _("Score this criterion before submitting.")
            continue
        if points < criterion.min_points or points > criterion.max_points:
            errors[criterion.code] = _("Points must be between %(min)s and %(max)s.") % {
                "min": format_vn_number(criterion.min_points),
                "max": format_vn_number(criterion.max_points),
            }
            continue
        reason = (entry.reason or "").strip()
        evidence = (entry.evidence or "").strip()
        deducted = criterion.kind != Criterion.Kind.BONUS and points < criterion.max_points
        if deducted and not reason:
            errors[criterion.code] = _("Give the reason for the deduction.")
            continue
        has_file = criterion.pk in with_files or bool(entry and entry.files)
        if deducted and criterion.evidence_required and not evidence and not has_file:
            errors[criterion.code] = _("This criterion needs evidence for a deduction.")
            continue
        clean[criterion.pk] = (points.quantize(Decimal("0.01")), reason, evidence)
    unknown = set(entries) - set(criteria.values_list("pk", flat=True))
    if unknown:
        errors["__all__"] = _("Some criteria are not in the set in force.")
    if errors:
        raise ValidationError(errors)
    return clean


@transaction.atomic
def do_save_sheet(
    sheet: ScoreSheet,
    entries: dict[int, ScoreInput],
    *,
    by: User,
    submit: bool = False,
    change_reason: str = "",
) -> ScoreSheet:
    """Save a sheet's lines; ``submit`` also checks completeness and submits it.

    Changing a submitted sheet needs a ``change_reason`` (kept in the history).
    """
    was_submitted = sheet.pk is not None and sheet.is_submitted
    clean = validate_scores(sheet, entries, complete=submit or was_submitted)
    existing = {s.criterion_id: s for s in sheet.scores.all()} if sheet.pk else {}
    changed = [
        pk
        for pk, (points, reason, evidence) in clean.items()
        if pk not in existing
        or (existing[pk].points, existing[pk].reason, existing[pk].evidence)
        != (points, reason, evidence)
    ]
    if was_submitted and changed and not change_reason.strip():
        raise ValidationError({"change_reason": _("Say why a submitted sheet is changed.")})
    check_history_reason(change_reason, "change_reason")
    if sheet.pk is None:
        sheet.save()
    for pk in changed:
        points, reason, evidence = clean[pk]
        score = existing.get(pk) or Score(sheet=sheet, criterion_id=pk)
        score.points, score.reason, score.evidence = points, reason, evidence
        score._change_reason = change_reason.strip()  # type: ignore[attr-defined]
        score._history_user = by  # type: ignore[attr-defined]
        score.save()
        existing[pk] = score
    for pk, entry in entries.items():
        if pk in existing:
            for upload in entry.files:
                _add_score_file(existing[pk], upload, by=by)
    if submit and not was_submitted:
        sheet.state = ScoreSheet.State.SUBMITTED
        sheet.submitted_at = _now()
        sheet.submitted_by = by
        sheet.version += 1
        sheet._history_user = by  # type: ignore[attr-defined]
        sheet.save(update_fields=["state", "submitted_at", "submitted_by", "version"])
    elif was_submitted and changed:
        sheet.version += 1
        sheet._change_reason = change_reason.strip()  # type: ignore[attr-defined]
        sheet._history_user = by  # type: ignore[attr-defined]
        sheet.save(update_fields=["version"])
    scoring.compute_month(sheet.commune, sheet.month)
    return sheet


# ---------------------------------------------------------------------------
# Discrepancies and appeals


@transaction.atomic
def do_resolve_flag(
    commune: Unit,
    month: date,
    criterion: Criterion,
    *,
    points: Any,
    reason: str,
    by: User,
    evidence: str = "",
) -> Resolution:
    """Confirm (same points) or correct (new points) the district's score on a flag."""
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for confirming or correcting.")})
    check_history_reason(reason)
    sheet = ScoreSheet.objects.filter(
        commune=commune, month=month, source=ScoreSheet.Source.DISTRICT
    ).first()
    if sheet is None or not sheet.is_submitted:
        raise ValidationError({"points": wording_for(commune, month).submit_first})
    score = sheet.scores.filter(criterion=criterion).first()
    if score is None:
        raise ValidationError({"criterion": _("The district does not score this criterion.")})
    try:
        new_points = _parse_points(points)
    except ValueError:
        raise ValidationError({"points": _("Enter a number.")}) from None
    if new_points is None:
        new_points = score.points
    if new_points != score.points:
        do_save_sheet(
            sheet,
            {s.criterion_id: ScoreInput(s.points, s.reason, s.evidence) for s in sheet.scores.all()}
            | {
                criterion.pk: ScoreInput(
                    new_points, score.reason or reason, evidence.strip() or score.evidence
                )
            },
            by=by,
            change_reason=reason,
        )
    resolution, _created = Resolution.objects.update_or_create(
        commune=commune,
        month=month,
        criterion=criterion,
        defaults={
            "points": new_points,
            "reason": reason.strip(),
            "resolved_by": by,
            "resolved_at": _now(),
        },
    )
    scoring.compute_month(commune, month)
    return resolution


def criterion_in_force(commune: Unit, month: date, criterion_id: int) -> Criterion:
    """A criterion of the set the commune's month is scored under; a field error otherwise."""
    criteria_set = scoring.set_in_force(commune, month)
    found = Criterion.objects.filter(pk=criterion_id, group__criteria_set=criteria_set).first()
    if found is None:
        raise ValidationError({"criterion": _("This criterion is not in the set in force.")})
    return found


def appeal_window(commune: Unit, month: date) -> tuple[date | None, date | None]:
    """(opens, closes) of the giải trình window: from the district's submission."""
    sheet = ScoreSheet.objects.filter(
        commune=commune, month=month, source=ScoreSheet.Source.DISTRICT
    ).first()
    if sheet is None or sheet.submitted_at is None:
        return None, None
    opens = timezone.localdate(sheet.submitted_at)
    return opens, opens + timedelta(days=sheet.criteria_set.explanation_days)


# The longest explanation, appeal or answer a form takes (PostgreSQL stores no NUL byte).
TEXT_MAX = 10_000


@transaction.atomic
def do_file_appeal(
    commune: Unit,
    month: date,
    criterion: Criterion,
    *,
    text: str,
    by: User,
    upload: Any = None,
) -> Appeal:
    opens, closes = appeal_window(commune, month)
    today = clock.today()
    if opens is None or closes is None or not (opens <= today <= closes):
        raise ValidationError({"text": _("The explanation window is not open.")})
    if not text.strip():
        raise ValidationError({"text": _("Write the explanation.")})
    check_history_reason(text, "text", max_length=TEXT_MAX)
    attached: dict[str, Any] = {}
    if upload is not None:
        try:
            kind = evidence_files.check(upload)
        except ValidationError as error:
            raise ValidationError({"file": error.messages}) from None
        attached = {
            "file": upload,
            "file_name": evidence_files.label(getattr(upload, "name", "")),
            "file_type": kind,
        }
    return Appeal.objects.create(
        commune=commune, month=month, criterion=criterion, text=text.strip(), created_by=by,
        created_at=_now(), **attached,
    )  # fmt: skip


@transaction.atomic
def do_answer_appeal(appeal: Appeal, *, answer: str, points: Any = None, by: User) -> Appeal:
    """The district's answer; new points change the district's score with the answer as reason."""
    if not answer.strip():
        raise ValidationError({"answer": _("Give the reason for the answer.")})
    check_history_reason(answer, "answer", max_length=TEXT_MAX)
    sheet = ScoreSheet.objects.filter(
        commune=appeal.commune, month=appeal.month, source=ScoreSheet.Source.DISTRICT
    ).first()
    if sheet is None:
        words = wording_for(appeal.commune_id, appeal.month)
        raise ValidationError({"answer": words.submit_first})
    score = sheet.scores.filter(criterion=appeal.criterion).first()
    try:
        new_points = _parse_points(points)
    except ValueError:
        raise ValidationError({"points": _("Enter a number.")}) from None
    if score is None and new_points is not None:
        raise ValidationError({"points": _("Scored by the system; it can only be explained.")})
    changed = score is not None and new_points is not None and new_points != score.points
    if changed:
        entries = {
            s.criterion_id: ScoreInput(s.points, s.reason, s.evidence) for s in sheet.scores.all()
        }
        entries[appeal.criterion_id] = ScoreInput(new_points, answer, score.evidence)
        do_save_sheet(sheet, entries, by=by, change_reason=_history_copy(answer))
    appeal.answer = answer.strip()
    appeal.outcome = Appeal.Outcome.CHANGED if changed else Appeal.Outcome.KEPT
    appeal.answered_by = by
    appeal.answered_at = _now()
    appeal.save(update_fields=["answer", "outcome", "answered_by", "answered_at"])
    return appeal


# ---------------------------------------------------------------------------
# Approval, acceptance, close and reopen


def _result(commune: Unit, month: date) -> MonthlyResult:
    result = scoring.recompute(commune, month)
    if result is None:
        raise ValidationError(_("No criteria set is in force for this month."))
    return result


def _ready(result: MonthlyResult) -> None:
    problems = []
    if result.district_total is None:
        problems.append(str(wording_for(result.commune_id, result.month).not_submitted))
    if result.open_flags:
        problems.append(_("%(n)d discrepancy(ies) are not resolved") % {"n": result.open_flags})
    if Appeal.objects.filter(
        commune_id=result.commune_id, month=result.month, answered_at__isnull=True
    ).exists():
        problems.append(_("some appeals are not answered"))
    if problems:
        raise ValidationError(
            _("%(commune)s: %(problems)s.")
            % {"commune": result.commune, "problems": "; ".join(problems)}
        )


def _history_copy(text: str) -> str:
    """The first 100 characters of a long text, for the history's change reason.

    The whole text is kept where it belongs (an appeal's answer); the score's
    history only needs to say why it changed.
    """
    text = " ".join(text.split())
    return text if len(text) <= 100 else text[:99] + "…"


def check_history_reason(reason: str, field: str = "reason", max_length: int = 100) -> None:
    """A reason kept as the history's change reason: 100 characters, no NUL byte (or
    ``max_length`` for a longer text such as an appeal or its answer)."""
    errors = []
    for validator in (MaxLengthValidator(max_length), ProhibitNullCharactersValidator()):
        try:
            validator(reason)
        except ValidationError as error:
            errors += error.messages
    if errors:
        raise ValidationError({field: errors})


# The month's approval on the shared workflow: the district approves (or takes
# back its approval with a reason), BTG accepts a district's approved months,
# either closes, BTG reopens with a reason. Each step is also a ResultEvent row,
# the month's visible log.
MONTH_FLOW = (
    Workflow("status")
    .step(
        ResultEvent.Action.APPROVE,
        (Status.OPEN,),
        Status.APPROVED,
        gettext_lazy("Only an open month can be approved."),
    )
    .step(
        ResultEvent.Action.RETURN,
        (Status.APPROVED,),
        Status.OPEN,
        gettext_lazy("Only an approved month can be returned."),
        reason_required=True,
    )
    .step(
        ResultEvent.Action.ACCEPT,
        (Status.APPROVED,),
        Status.ACCEPTED,
        gettext_lazy("Only a month approved by the district can be accepted."),
    )
    .step(
        ResultEvent.Action.CLOSE,
        (Status.APPROVED, Status.ACCEPTED),
        Status.CLOSED,
        gettext_lazy("Only an approved or accepted month can be closed."),
    )
    .step(
        ResultEvent.Action.REOPEN,
        (Status.APPROVED, Status.ACCEPTED, Status.CLOSED),
        Status.OPEN,
        gettext_lazy("The month is already open."),
        reason_required=True,
    )
)


def _move(result: MonthlyResult, step: str, by: User, reason: str = "") -> MonthlyResult:
    """Take the workflow's step on the month (locked, attributed) and log it."""
    moved = cast(MonthlyResult, move(MONTH_FLOW, result, step, by=by, reason=reason))
    ResultEvent.objects.create(
        result=moved, action=step, by=by, at=_now(), reason=clean_reason(reason, required=False)
    )
    return moved


def _require_reason(reason: str, message: str) -> str:
    if not reason.strip():
        raise ValidationError({"reason": message})
    return reason.strip()


def window_open_until(commune: Unit, month: date, today: date | None = None) -> date | None:
    """The last day of the commune's explanation window when it is open today, else None.

    Approving the month closes the window (the commune's explanations and appeals
    need an open month), so an approval inside it must say so and be confirmed.
    """
    opens, closes = appeal_window(commune, month)
    today = today or clock.today()
    if opens is None or closes is None or not (opens <= today <= closes):
        return None
    return closes


@transaction.atomic
def do_approve_month(
    commune: Unit, month: date, *, by: User, close_window: bool = False
) -> MonthlyResult:
    """The district approves the month. While the commune's explanation window is
    open, approving would close it: refused unless ``close_window`` confirms it."""
    result = _result(commune, month)
    if result.status != Status.OPEN:
        raise ValidationError(str(MONTH_FLOW.steps[ResultEvent.Action.APPROVE].refused))
    _ready(result)
    closes = window_open_until(commune, month)
    if closes is not None and not close_window:
        raise ValidationError(
            {
                "close_window": _(
                    "%(commune)s: the explanation window is open until %(day)s. Approving "
                    "now closes it and the commune can no longer explain or appeal; "
                    "confirm to approve anyway, or approve after %(day)s."
                )
                % {"commune": commune, "day": closes.strftime("%d/%m/%Y")}
            }
        )
    return _move(result, ResultEvent.Action.APPROVE, by)


@dataclass
class ApprovalRow:
    """One commune of a bulk approval: approved, or why not."""

    commune: Unit
    approved: bool
    message: str


def do_approve_months(
    communes: list[Unit], month: date, *, by: User, close_window: bool = False
) -> list[ApprovalRow]:
    """The district approves several communes' months, each as one by one (same
    checks, each in its own transaction): the result of every row, approved or
    refused with its reason. Nothing is approved for a row that fails."""
    rows = []
    for commune in communes:
        try:
            do_approve_month(commune, month, by=by, close_window=close_window)
        except ValidationError as error:
            rows.append(ApprovalRow(commune, False, " ".join(error.messages)))
        else:
            rows.append(ApprovalRow(commune, True, ""))
    return rows


@transaction.atomic
def do_return_month(commune: Unit, month: date, *, reason: str, by: User) -> MonthlyResult:
    """The district takes back its approval (before BTG accepts)."""
    result = _result(commune, month)
    if result.status != Status.APPROVED:
        raise ValidationError(str(MONTH_FLOW.steps[ResultEvent.Action.RETURN].refused))
    reason = _require_reason(reason, _("Give a reason."))
    return _move(result, ResultEvent.Action.RETURN, by, reason)


@transaction.atomic
def do_accept_district(district: Unit, month: date, *, by: User) -> list[MonthlyResult]:
    """BTG accepts a district's month: every commune must be approved by the district."""
    scoring.compute_month(district, month)
    results = list(
        MonthlyResult.objects.filter(district=district, month=month).select_related("commune")
    )
    waiting = [r.commune.name for r in results if r.status == Status.OPEN]
    if not results or waiting:
        raise ValidationError(
            _("The district has not approved: %(communes)s.")
            % {"communes": ", ".join(waiting) or "—"}
        )
    return [
        _move(result, ResultEvent.Action.ACCEPT, by) if result.status == Status.APPROVED else result
        for result in results
    ]


@transaction.atomic
def do_close_month(communes: list[Unit], month: date, *, by: User) -> list[MonthlyResult]:
    """Close the months of the communes: each must be approved (or accepted) and clean."""
    closed = []
    errors = []
    step = MONTH_FLOW.steps[ResultEvent.Action.CLOSE]
    for commune in communes:
        result = _result(commune, month)
        if result.status == Status.CLOSED:
            continue
        try:
            if result.status not in step.sources:
                raise ValidationError(
                    _("%(commune)s: the district has not approved the month.")
                    % {"commune": commune}
                )
            _ready(result)
        except ValidationError as error:
            errors.extend(error.messages)
            continue
        closed.append(result)
    if errors:
        raise ValidationError(errors)
    return [_move(result, ResultEvent.Action.CLOSE, by) for result in closed]


@transaction.atomic
def do_reopen_month(commune: Unit, month: date, *, reason: str, by: User) -> MonthlyResult:
    reason = _require_reason(reason, _("Reopening needs a reason."))
    result = MonthlyResult.objects.filter(commune=commune, month=month).first()
    if result is None or result.status == Status.OPEN:
        raise ValidationError(str(MONTH_FLOW.steps[ResultEvent.Action.REOPEN].refused))
    result = _move(result, ResultEvent.Action.REOPEN, by, reason)
    scoring.compute_month(commune, month)
    result.refresh_from_db()
    return result


def do_month_step(
    commune: Unit,
    month: date,
    step: str,
    *,
    reason: str = "",
    by: User,
    close_window: bool = False,
) -> MonthlyResult:
    """One commune's month: approve | return | close | reopen (the page's and API's verbs)."""
    if step == ResultEvent.Action.APPROVE:
        return do_approve_month(commune, month, by=by, close_window=close_window)
    if step == ResultEvent.Action.RETURN:
        return do_return_month(commune, month, reason=reason, by=by)
    if step == ResultEvent.Action.CLOSE:
        do_close_month([commune], month, by=by)
        return MonthlyResult.objects.get(commune=commune, month=month)
    if step == ResultEvent.Action.REOPEN:
        return do_reopen_month(commune, month, reason=reason, by=by)
    raise ValueError(step)


@transaction.atomic
def do_accept_cluster(cluster_month: ClusterMonth, *, by: User) -> list[MonthlyResult]:
    """The consolidating body accepts a cluster's month (cluster chain, level 2):
    every commune of the cluster must be approved by its scorers."""
    cluster, month = cluster_month.cluster, cluster_month.month
    scoring.compute_month(cluster.province, month)
    communes = list(cluster_month.communes())
    results = list(
        MonthlyResult.objects.filter(commune__in=communes, month=month).select_related("commune")
    )
    have = {r.commune_id for r in results}
    waiting = [r.commune.name for r in results if r.status == Status.OPEN]
    waiting += [c.name for c in communes if c.pk not in have]
    if not results or waiting:
        raise ValidationError(
            _("The cluster's scorers have not approved: %(communes)s.")
            % {"communes": ", ".join(sorted(waiting)) or "—"}
        )
    return [
        _move(result, ResultEvent.Action.ACCEPT, by) if result.status == Status.APPROVED else result
        for result in results
    ]


def do_cluster_step(
    cluster_month: ClusterMonth, step: str, *, by: User, close_window: bool = False
) -> list[ApprovalRow]:
    """A cluster's month: its scorers approve every commune (each row approved or
    refused with its reason), the consolidating body accepts it, or every commune
    of it is closed."""
    communes = list(cluster_month.communes())
    if step == ResultEvent.Action.APPROVE:
        return do_approve_months(communes, cluster_month.month, by=by, close_window=close_window)
    if step == ResultEvent.Action.ACCEPT:
        do_accept_cluster(cluster_month, by=by)
    elif step == ResultEvent.Action.CLOSE:
        do_close_month(communes, cluster_month.month, by=by)
    else:
        raise ValueError(step)
    return [ApprovalRow(commune, True, "") for commune in communes]


def do_district_step(district: Unit, month: date, step: str, *, by: User) -> None:
    """A district's month: BTG accepts it, or every commune of it is closed."""
    if step == ResultEvent.Action.ACCEPT:
        do_accept_district(district, month, by=by)
    elif step == ResultEvent.Action.CLOSE:
        do_close_month(list(district.children.filter(kind=Unit.Kind.COMMUNE)), month, by=by)
    else:
        raise ValueError(step)


# ---------------------------------------------------------------------------
# Documents intake


def btg_of(unit: Unit) -> Unit | None:
    """The Ban Tuyên giáo of the unit's province: its party agency named so."""
    province = (
        Unit.objects.ancestors(unit, include_self=True).filter(kind=Unit.Kind.PROVINCE).first()
    )
    if province is None:
        return None
    agencies = Unit.objects.filter(parent=province, kind=Unit.Kind.PARTY_AGENCY)
    return (
        agencies.filter(short_name__startswith="BTG").first()
        or agencies.filter(name__icontains="Tuyên giáo").first()
    )


@transaction.atomic
def do_send_submission(
    sender: Unit,
    recipient: Unit,
    month: date,
    kind: str,
    *,
    title: str,
    body: str = "",
    file: Any = None,
    by: User,
) -> Submission:
    submission = Submission(
        sender=sender,
        recipient=recipient,
        month=month,
        kind=kind,
        title=title,
        body=body,
        sent_at=_now(),
        sent_by=by,
    )
    if file is not None:
        submission.file = file
    submission.full_clean(exclude=["sent_by", "opened_by"])
    submission.save()
    if sender.kind == Unit.Kind.COMMUNE:
        scoring.compute_month(sender, month)
    return submission


def recipient_of(commune: Unit, kind: str) -> Unit | None:
    """Where a commune's submission goes: its report to the level above, the rest to BTG."""
    return commune.parent if kind == Submission.Kind.REPORT else btg_of(commune)


def do_send_commune_submission(
    commune: Unit,
    month: date,
    kind: str,
    *,
    title: str,
    body: str = "",
    file: Any = None,
    by: User,
) -> Submission:
    """A commune sends its monthly report (to the district) or documents (to BTG)."""
    if kind not in (Submission.Kind.REPORT, Submission.Kind.DOCUMENTS):
        raise ValidationError({"kind": _("Choose what is sent.")})
    recipient = recipient_of(commune, kind)
    if recipient is None:
        raise ValidationError(_("No recipient found for this kind of submission."))
    return do_send_submission(
        commune, recipient, month, kind, title=title, body=body, file=file, by=by
    )


def do_send_district_section(district: Unit, month: date, section: Any, *, by: User) -> Submission:
    """The district sends its tuyên vận section (``documents.district_section``) to BTG."""
    btg = btg_of(district)
    if btg is None:
        raise ValidationError(_("No recipient found for this kind of submission."))
    return do_send_submission(
        district,
        btg,
        month,
        Submission.Kind.DISTRICT_SECTION,
        title=section.title,
        body=section.text,
        by=by,
    )


@transaction.atomic
def do_open_submission(submission: Submission, *, by: User) -> Submission:
    """The recipient's side has it: the first opening is kept (who, when)."""
    locked = Submission.objects.select_for_update().get(pk=submission.pk)
    if locked.opened_at is None:
        locked.opened_at = _now()
        locked.opened_by = by
        locked.save(update_fields=["opened_at", "opened_by"])
        submission.opened_at, submission.opened_by = locked.opened_at, locked.opened_by
    return submission


# ---------------------------------------------------------------------------
# Criteria sets


@transaction.atomic
def do_publish_set(criteria_set: CriteriaSet, *, by: User) -> CriteriaSet:
    """Publish a draft. A month already closed keeps the set stored on its results."""
    if not criteria_set.is_draft:
        raise ValidationError(_("This set is already published."))
    if not Criterion.objects.filter(group__criteria_set=criteria_set).exists():
        raise ValidationError(_("A set needs at least one criterion."))
    criteria_set.full_clean()
    stranded = (
        ScoreSheet.objects.filter(
            criteria_set__owner=criteria_set.owner, month__gte=criteria_set.effective_from
        )
        .exclude(criteria_set=criteria_set)
        .exclude(
            month__in=MonthlyResult.objects.filter(
                province=criteria_set.owner, status=Status.CLOSED
            ).values("month")
        )
        .order_by("month")
        .values_list("month", flat=True)
        .first()
    )
    if stranded is not None:
        raise ValidationError(
            _(
                "Months from %(month)s already have score sheets under another version; "
                "make this version take effect from a later month."
            )
            % {"month": stranded.strftime("%m/%Y")}
        )
    criteria_set.status = CriteriaSet.Status.PUBLISHED
    criteria_set.published_at = _now()
    criteria_set._history_user = by  # type: ignore[attr-defined]
    criteria_set.save(update_fields=["status", "published_at"])
    return criteria_set


@transaction.atomic
def do_save_draft(form: Any, formset: Any, *, by: User) -> CriteriaSet:
    """Save a draft set's settings and criteria (a valid form and formset) together."""
    criteria_set = form.instance
    locked = CriteriaSet.objects.select_for_update().get(pk=criteria_set.pk)
    if not locked.is_draft:
        raise ValidationError(_("A published set cannot be edited; make a new version."))
    criteria_set._history_user = by  # type: ignore[attr-defined]
    form.save()
    formset.save()
    return criteria_set


@transaction.atomic
def do_copy_set(source: CriteriaSet, *, effective_from: date, by: User) -> CriteriaSet:
    """A new draft version copying ``source``'s groups and criteria."""
    last = CriteriaSet.objects.filter(owner=source.owner).order_by("-version").first()
    copy = CriteriaSet.objects.create(
        owner=source.owner,
        name=source.name,
        version=(last.version if last else 0) + 1,
        effective_from=effective_from,
        discrepancy_threshold=source.discrepancy_threshold,
        explanation_days=source.explanation_days,
        report_due_day=source.report_due_day,
        bands=source.bands,
        ineligible_without_meeting=source.ineligible_without_meeting,
    )
    for group in source.groups.prefetch_related("criteria"):
        criteria = list(group.criteria.all())
        group.pk = None
        group.criteria_set = copy
        group.save()
        for criterion in criteria:
            criterion.pk = None
            criterion.group = group
            criterion.save()
    return copy

"""Changes that span models: each ``do_<verb>_<noun>`` is all-or-nothing.

Callers check permissions first (theodoi.permissions); these functions check
the domain's own conditions and raise ``ValidationError`` with a translated
message, keyed by field or criterion code where there is one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, ProhibitNullCharactersValidator
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from theodoi.core import clock
from theodoi.documents.party import format_vn_number
from theodoi.tuyenvan.roster.models import RosterEntry, month_end
from theodoi.units.models import Membership, Unit

from . import evidence as evidence_files
from . import scoring
from .models import (
    Appeal,
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
    commune: Unit, month: date, criterion: Criterion, *, points: Any, reason: str, by: User
) -> Resolution:
    """Confirm (same points) or correct (new points) the district's score on a flag."""
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for confirming or correcting.")})
    check_history_reason(reason)
    sheet = ScoreSheet.objects.filter(
        commune=commune, month=month, source=ScoreSheet.Source.DISTRICT
    ).first()
    if sheet is None or not sheet.is_submitted:
        raise ValidationError({"points": _("Submit the district's sheet first.")})
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
            | {criterion.pk: ScoreInput(new_points, score.reason or reason, score.evidence)},
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


def appeal_window(commune: Unit, month: date) -> tuple[date | None, date | None]:
    """(opens, closes) of the giải trình window: from the district's submission."""
    sheet = ScoreSheet.objects.filter(
        commune=commune, month=month, source=ScoreSheet.Source.DISTRICT
    ).first()
    if sheet is None or sheet.submitted_at is None:
        return None, None
    opens = timezone.localdate(sheet.submitted_at)
    return opens, opens + timedelta(days=sheet.criteria_set.explanation_days)


@transaction.atomic
def do_file_appeal(
    commune: Unit, month: date, criterion: Criterion, *, text: str, by: User
) -> Appeal:
    opens, closes = appeal_window(commune, month)
    today = clock.today()
    if opens is None or closes is None or not (opens <= today <= closes):
        raise ValidationError({"text": _("The explanation window is not open.")})
    if not text.strip():
        raise ValidationError({"text": _("Write the explanation.")})
    return Appeal.objects.create(
        commune=commune, month=month, criterion=criterion, text=text.strip(), created_by=by,
        created_at=_now(),
    )  # fmt: skip


@transaction.atomic
def do_answer_appeal(appeal: Appeal, *, answer: str, points: Any = None, by: User) -> Appeal:
    """The district's answer; new points change the district's score with the answer as reason."""
    if not answer.strip():
        raise ValidationError({"answer": _("Give the reason for the answer.")})
    sheet = ScoreSheet.objects.filter(
        commune=appeal.commune, month=appeal.month, source=ScoreSheet.Source.DISTRICT
    ).first()
    if sheet is None:
        raise ValidationError({"answer": _("Submit the district's sheet first.")})
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
        problems.append(_("the district's sheet is not submitted"))
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


def check_history_reason(reason: str, field: str = "reason") -> None:
    """A reason kept as the history's change reason: 100 characters, no NUL byte."""
    errors = []
    for validator in (MaxLengthValidator(100), ProhibitNullCharactersValidator()):
        try:
            validator(reason)
        except ValidationError as error:
            errors += error.messages
    if errors:
        raise ValidationError({field: errors})


def _move(result: MonthlyResult, status: str, action: str, by: User, reason: str = "") -> None:
    check_history_reason(reason)
    result.status = status
    result._change_reason = reason  # type: ignore[attr-defined]
    result._history_user = by  # type: ignore[attr-defined]
    result.save(update_fields=["status"])
    ResultEvent.objects.create(result=result, action=action, by=by, at=_now(), reason=reason)


@transaction.atomic
def do_approve_month(commune: Unit, month: date, *, by: User) -> MonthlyResult:
    result = _result(commune, month)
    if result.status != Status.OPEN:
        raise ValidationError(_("Only an open month can be approved."))
    _ready(result)
    _move(result, Status.APPROVED, ResultEvent.Action.APPROVE, by)
    return result


@transaction.atomic
def do_return_month(commune: Unit, month: date, *, reason: str, by: User) -> MonthlyResult:
    """The district takes back its approval (before BTG accepts)."""
    result = _result(commune, month)
    if result.status != Status.APPROVED:
        raise ValidationError(_("Only an approved month can be returned."))
    if not reason.strip():
        raise ValidationError({"reason": _("Give a reason.")})
    _move(result, Status.OPEN, ResultEvent.Action.RETURN, by, reason.strip())
    return result


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
    for result in results:
        if result.status == Status.APPROVED:
            _move(result, Status.ACCEPTED, ResultEvent.Action.ACCEPT, by)
    return results


@transaction.atomic
def do_close_month(communes: list[Unit], month: date, *, by: User) -> list[MonthlyResult]:
    """Close the months of the communes: each must be approved (or accepted) and clean."""
    closed = []
    errors = []
    for commune in communes:
        result = _result(commune, month)
        if result.status == Status.CLOSED:
            continue
        try:
            if result.status == Status.OPEN:
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
    for result in closed:
        _move(result, Status.CLOSED, ResultEvent.Action.CLOSE, by)
    return closed


@transaction.atomic
def do_reopen_month(commune: Unit, month: date, *, reason: str, by: User) -> MonthlyResult:
    if not reason.strip():
        raise ValidationError({"reason": _("Reopening needs a reason.")})
    result = MonthlyResult.objects.filter(commune=commune, month=month).first()
    if result is None or result.status == Status.OPEN:
        raise ValidationError(_("The month is already open."))
    _move(result, Status.OPEN, ResultEvent.Action.REOPEN, by, reason.strip())
    scoring.compute_month(commune, month)
    result.refresh_from_db()
    return result


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


def do_open_submission(submission: Submission, *, by: User) -> Submission:
    if submission.opened_at is None:
        submission.opened_at = _now()
        submission.opened_by = by
        submission.save(update_fields=["opened_at", "opened_by"])
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

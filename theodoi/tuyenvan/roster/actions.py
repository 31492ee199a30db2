"""Changes that touch several rows, each all-or-nothing."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from simple_history.utils import update_change_reason

from theodoi.core import clock
from theodoi.core.workflow import clean_reason
from theodoi.units.models import Unit

from .models import (
    Board,
    ConferenceDate,
    OfficialProfile,
    RosterEntry,
    RosterRound,
    Team,
    Unavailability,
    month_end,
    month_start,
)
from .roster import Violation, kind_label, round_communes, round_officials, violations


def _no_nul(**texts: Any) -> None:
    """PostgreSQL refuses a NUL character in text: a field error instead of a 500."""
    bad = {
        name: _("Null characters are not allowed.")
        for name, text in texts.items()
        if isinstance(text, str) and "\x00" in text
    }
    if bad:
        raise ValidationError(bad)


def _reason(reason: str | None, message: str, *, required: bool = True) -> str:
    """The reason kept in the history: trimmed, at most 100 characters, no NUL."""
    if required and not (reason or "").strip():
        raise ValidationError({"reason": message})
    return clean_reason(reason, required=False)


def do_create_round(
    *, province: Unit, period: str, start: date, by: User, **rules: Any
) -> RosterRound:
    """Create a draft round; rounds of one province may not overlap."""
    _no_nul(note=rules.get("note"))
    rnd = RosterRound(province=province, period=period, start=start, created_by=by, **rules)
    rnd.full_clean()
    for other in RosterRound.objects.filter(province=province):
        if other.start <= rnd.end and rnd.start <= other.end:
            raise ValidationError(
                {"start": _("This period overlaps the round %(round)s.") % {"round": other.title}}
            )
    with transaction.atomic():
        rnd._history_user = by  # type: ignore[attr-defined]
        rnd.save()
    return rnd


ROUND_SETTINGS = (
    "provincial_frequency",
    "district_frequency",
    "provincial_monthly_limit",
    "district_monthly_limit",
    "no_repeat",
    "prefer_district",
    "note",
)


def do_update_round(rnd: RosterRound, *, by: User, reason: str = "", **changes: Any) -> list[str]:
    """Change a draft round's rules; returns the names of the fields changed.

    Only the rules change (not the province or the period); a published round
    must be reopened first. Generate the roster again to apply them."""
    if not rnd.is_draft:
        raise ValidationError(_("Reopen the published round before changing its rules."))
    unknown = set(changes) - set(ROUND_SETTINGS)
    if unknown:
        raise ValidationError(
            {name: _("This setting cannot be changed.") for name in sorted(unknown)}
        )
    _no_nul(note=changes.get("note"))
    reason = _reason(reason, "", required=False)
    changed = [name for name, value in changes.items() if getattr(rnd, name) != value]
    if not changed:
        return []
    for name in changed:
        setattr(rnd, name, changes[name])
    rnd.full_clean(validate_unique=False)
    with transaction.atomic():
        rnd._history_user = by  # type: ignore[attr-defined]
        rnd._change_reason = reason or _("Rules changed")
        rnd.save(update_fields=changed)
    return changed


def do_publish_round(rnd: RosterRound, *, by: User) -> None:
    if not rnd.entries.exists():
        raise ValidationError(_("Generate or enter the roster before publishing it."))
    with transaction.atomic():
        rnd.status = RosterRound.Status.PUBLISHED
        rnd.published_at = clock.now()
        rnd._history_user = by  # type: ignore[attr-defined]
        rnd._change_reason = pgettext("roster", "Published")
        rnd.save(update_fields=["status", "published_at"])


def do_unpublish_round(rnd: RosterRound, *, by: User, reason: str) -> None:
    reason = _reason(reason, _("Give a reason."))
    with transaction.atomic():
        rnd.status = RosterRound.Status.DRAFT
        rnd._history_user = by  # type: ignore[attr-defined]
        rnd._change_reason = reason
        rnd.save(update_fields=["status"])


def eligible_officials(rnd: RosterRound, commune: Unit, kind: str) -> list[User]:
    """Officials who may fill a slot of ``kind`` at ``commune`` (provincial
    officials anywhere, district officials in their own district)."""
    return [
        o.user
        for o in round_officials(rnd)
        if o.kind == kind
        and (kind != RosterEntry.Kind.DISTRICT or o.district_id == commune.parent_id)
    ]


def _violation_keys(found: list[Violation]) -> set[tuple[str, str]]:
    return {(v.rule, v.message) for v in found}


@transaction.atomic
def do_edit_entry(
    entry: RosterEntry, *, official: User, day: date, reason: str, by: User
) -> list[str]:
    """Change who attends (or the date); returns the rules the change breaks as
    warnings (the change is kept: the coordinator decides)."""
    errors = {}
    try:
        reason = _reason(reason, _("Give a reason for the change."))
    except ValidationError as exc:
        errors.update({k: " ".join(v) for k, v in exc.message_dict.items()})
    if month_start(day) != entry.month:
        errors["day"] = _("The date must stay in %(month)s.") % {
            "month": f"{entry.month.month:02d}/{entry.month.year}"
        }
    if official.pk not in {o.user.pk for o in round_officials(entry.round)}:
        errors["official"] = _("Choose an attending official of this province.")
    if errors:
        raise ValidationError(errors)
    before = _violation_keys(violations(entry.round))
    entry.official = official
    entry.day = day
    entry.edited_by = by
    entry.edit_reason = reason
    entry._change_reason = reason
    entry._history_user = by  # type: ignore[attr-defined]
    entry.save(update_fields=["official", "day", "edited_by", "edit_reason"])
    after = violations(entry.round)
    return [v.message for v in after if (v.rule, v.message) not in before]


@transaction.atomic
def do_add_entry(
    rnd: RosterRound, *, official: User, commune: Unit, kind: str, day: date, reason: str, by: User
) -> tuple[RosterEntry, list[str]]:
    errors = {}
    try:
        reason = _reason(reason, _("Give a reason for the change."))
    except ValidationError as exc:
        errors.update({k: " ".join(v) for k, v in exc.message_dict.items()})
    if day < rnd.start or day > rnd.end:
        errors["day"] = _("The date must fall within the round.")
    if commune.pk not in {c.pk for c in round_communes(rnd)}:
        errors["commune"] = _("Choose a commune of this province.")
    found = next((o for o in round_officials(rnd) if o.user.pk == official.pk), None)
    if found is None:
        errors["official"] = _("Choose an attending official of this province.")
    elif found.kind != kind:
        errors["official"] = _("This official is not %(kind)s.") % {"kind": kind_label(kind)}
    if not errors and (
        rnd.entries.filter(commune=commune, kind=kind)
        .filter(day__gte=month_start(day), day__lte=month_end(day))
        .exists()
    ):
        errors["commune"] = _(
            "This conference already has %(kind)s; change that assignment instead."
        ) % {"kind": kind_label(kind)}
    if errors:
        raise ValidationError(errors)
    before = _violation_keys(violations(rnd))
    entry = RosterEntry(
        round=rnd,
        official=official,
        commune=commune,
        kind=kind,
        day=day,
        edited_by=by,
        edit_reason=reason,
        explanation=_("Added by hand: %(reason)s") % {"reason": reason},
    )
    entry._change_reason = reason
    entry._history_user = by  # type: ignore[attr-defined]
    entry.save()
    after = violations(rnd)
    return entry, [v.message for v in after if (v.rule, v.message) not in before]


@transaction.atomic
def do_delete_entry(entry: RosterEntry, *, reason: str, by: User) -> list[str]:
    reason = _reason(reason, _("Give a reason for the change."))
    rnd = entry.round
    before = _violation_keys(violations(rnd))
    entry.edited_by = by
    entry.edit_reason = reason
    entry._history_user = by  # type: ignore[attr-defined]
    entry.save(update_fields=["edited_by", "edit_reason"])
    update_change_reason(entry, reason)
    entry._change_reason = reason
    entry.delete()
    after = violations(rnd)
    return [v.message for v in after if (v.rule, v.message) not in before]


@transaction.atomic
def do_set_followed_districts(
    changes: dict[User, Unit | None], *, by: User, reason: str = ""
) -> int:
    """Set the district each provincial official follows (phụ trách địa bàn);
    returns how many changed. History keeps who changed what and why."""
    reason = _reason(reason, "", required=False)
    changed = 0
    for user, district in changes.items():
        profile = OfficialProfile.objects.filter(user=user).first()
        current = profile.follows_district_id if profile else None
        if current == (district.pk if district else None):
            continue
        if profile is None:
            profile = OfficialProfile(user=user)
        profile.follows_district = district
        profile._change_reason = reason or _("District followed set")
        profile._history_user = by  # type: ignore[attr-defined]
        profile.save()
        changed += 1
    return changed


# Unavailability and conference dates ------------------------------------------------


@transaction.atomic
def do_declare_unavailability(
    *, official: User, start: date, end: date, reason: str = "", by: User
) -> Unavailability:
    """Days ``official`` cannot attend any conference, declared by ``by`` (itself or a
    coordinator); generate the roster again to use them."""
    _no_nul(reason=reason)
    item = Unavailability(user=official, start=start, end=end, reason=(reason or "").strip())
    item.full_clean()
    item._change_reason = _("Unavailable dates declared")
    item._history_user = by  # type: ignore[attr-defined]
    item.save()
    return item


@transaction.atomic
def do_remove_unavailability(item: Unavailability, *, by: User) -> None:
    item._change_reason = _("Unavailable dates removed")
    item._history_user = by  # type: ignore[attr-defined]
    item.delete()


@transaction.atomic
def do_set_conference_dates(
    rnd: RosterRound, days: list[tuple[int, date]], *, by: User, reason: str = ""
) -> int:
    """Set communes' conference days in the round, all or nothing; returns how many
    changed. ``days`` is (commune id, day); the month is the day's month. Errors
    are keyed ``<index>.commune`` / ``<index>.day``."""
    reason = _reason(reason, "", required=False) or _("Conference date set")
    communes = {c.pk for c in round_communes(rnd)}
    months = set(rnd.months)
    errors: dict[str, str] = {}
    for i, (commune_id, day) in enumerate(days):
        if commune_id not in communes:
            errors[f"{i}.commune"] = _("Choose a commune of this province.")
        elif month_start(day) not in months:
            errors[f"{i}.day"] = _("The date must fall within the round.")
    if errors:
        raise ValidationError(errors)
    current = {
        (c.commune_id, c.month): c
        for c in ConferenceDate.objects.filter(
            commune_id__in={c for c, _d in days}, month__in=months
        )
    }
    changed = 0
    for commune_id, day in days:
        item = current.get((commune_id, month_start(day)))
        if item is None:
            item = ConferenceDate(commune_id=commune_id, month=month_start(day))
        elif item.day == day and not item.is_default:
            continue
        item.day, item.is_default = day, False
        item._change_reason = reason
        item._history_user = by  # type: ignore[attr-defined]
        item.save()
        current[(commune_id, item.month)] = item
        changed += 1
    return changed


# Boards and teams ---------------------------------------------------------------------


@transaction.atomic
def do_create_board(unit: Unit, *, by: User) -> Board:
    """The unit's board, created empty when it has none."""
    board = Board.objects.filter(unit=unit).first()
    if board is None:
        board = Board(unit=unit, name=_("Tuyên vận board of %(unit)s") % {"unit": unit.name})
        board._change_reason = _("Board registered")
        board._history_user = by  # type: ignore[attr-defined]
        board.save()
    return board


def _save_with_reason(form: Any, reason: str, by: User) -> None:
    """Save a validated form or formset so that every history record carries
    ``reason`` and ``by``."""
    if hasattr(form, "forms"):
        for obj in form.save(commit=False):
            obj._change_reason = reason
            obj._history_user = by
            obj.save()
        for obj in form.deleted_objects:
            obj._change_reason = reason
            obj._history_user = by
            obj.delete()
        return
    obj = form.save(commit=False)
    obj._change_reason = reason
    obj._history_user = by
    obj.save()


@transaction.atomic
def do_save_board(board: Board, forms: list[Any], *, by: User, reason: str = "") -> None:
    """Save the board's form and its formsets (members, rules, teams) as one change:
    all or nothing, every record attributed to ``by`` with ``reason``."""
    reason = _reason(reason, "", required=False) or _("Registry updated")
    for form in forms:
        _save_with_reason(form, reason, by)


@transaction.atomic
def do_save_team(team: Team, formset: Any, *, by: User, reason: str = "") -> None:
    """Save a team's members as one change, attributed."""
    reason = _reason(reason, "", required=False) or _("Team updated")
    _save_with_reason(formset, reason, by)


def do_generate_roster(rnd: RosterRound, *, by: User) -> Any:
    """Generate a draft round's roster in place of its entries (``roster.generate_roster``,
    itself one transaction); a published round must be reopened first."""
    from .roster import generate_roster

    if not rnd.is_draft:
        raise ValidationError(_("Reopen the published round before generating it again."))
    return generate_roster(rnd)

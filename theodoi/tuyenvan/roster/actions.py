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
from theodoi.units.models import Unit

from .models import OfficialProfile, RosterEntry, RosterRound, month_end, month_start
from .roster import Violation, kind_label, round_communes, round_officials, violations


def do_create_round(
    *, province: Unit, period: str, start: date, by: User, **rules: Any
) -> RosterRound:
    """Create a draft round; rounds of one province may not overlap."""
    rnd = RosterRound(province=province, period=period, start=start, created_by=by, **rules)
    rnd.full_clean()
    for other in RosterRound.objects.filter(province=province):
        if other.start <= rnd.end and rnd.start <= other.end:
            raise ValidationError(
                {"start": _("This period overlaps the round %(round)s.") % {"round": other.title}}
            )
    with transaction.atomic():
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
    changed = [name for name, value in changes.items() if getattr(rnd, name) != value]
    if not changed:
        return []
    for name in changed:
        setattr(rnd, name, changes[name])
    rnd.full_clean(validate_unique=False)
    with transaction.atomic():
        rnd._change_reason = reason.strip() or _("Rules changed")
        rnd.save(update_fields=changed)
    return changed


def do_publish_round(rnd: RosterRound, *, by: User) -> None:
    if not rnd.entries.exists():
        raise ValidationError(_("Generate or enter the roster before publishing it."))
    with transaction.atomic():
        rnd.status = RosterRound.Status.PUBLISHED
        rnd.published_at = clock.now()
        rnd._change_reason = pgettext("roster", "Published")
        rnd.save(update_fields=["status", "published_at"])


def do_unpublish_round(rnd: RosterRound, *, by: User, reason: str) -> None:
    if not reason.strip():
        raise ValidationError({"reason": _("Give a reason.")})
    with transaction.atomic():
        rnd.status = RosterRound.Status.DRAFT
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
    if not reason.strip():
        errors["reason"] = _("Give a reason for the change.")
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
    entry.edit_reason = reason.strip()
    entry._change_reason = reason.strip()
    entry.save(update_fields=["official", "day", "edited_by", "edit_reason"])
    after = violations(entry.round)
    return [v.message for v in after if (v.rule, v.message) not in before]


@transaction.atomic
def do_add_entry(
    rnd: RosterRound, *, official: User, commune: Unit, kind: str, day: date, reason: str, by: User
) -> tuple[RosterEntry, list[str]]:
    errors = {}
    if not reason.strip():
        errors["reason"] = _("Give a reason for the change.")
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
        edit_reason=reason.strip(),
        explanation=_("Added by hand: %(reason)s") % {"reason": reason.strip()},
    )
    entry._change_reason = reason.strip()
    entry.save()
    after = violations(rnd)
    return entry, [v.message for v in after if (v.rule, v.message) not in before]


@transaction.atomic
def do_delete_entry(entry: RosterEntry, *, reason: str, by: User) -> list[str]:
    if not reason.strip():
        raise ValidationError({"reason": _("Give a reason for the change.")})
    rnd = entry.round
    before = _violation_keys(violations(rnd))
    entry.edited_by = by
    entry.edit_reason = reason.strip()
    entry.save(update_fields=["edited_by", "edit_reason"])
    update_change_reason(entry, reason.strip())
    entry._change_reason = reason.strip()
    entry.delete()
    after = violations(rnd)
    return [v.message for v in after if (v.rule, v.message) not in before]


@transaction.atomic
def do_set_followed_districts(
    changes: dict[User, Unit | None], *, by: User, reason: str = ""
) -> int:
    """Set the district each provincial official follows (phụ trách địa bàn);
    returns how many changed. History keeps who changed what and why."""
    changed = 0
    for user, district in changes.items():
        profile = OfficialProfile.objects.filter(user=user).first()
        current = profile.follows_district_id if profile else None
        if current == (district.pk if district else None):
            continue
        if profile is None:
            profile = OfficialProfile(user=user)
        profile.follows_district = district
        profile._change_reason = reason.strip() or _("District followed set")
        profile.save()
        changed += 1
    return changed

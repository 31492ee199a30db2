"""Every change to the register of matters put to the Standing Committee."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from theodoi.core import clock
from theodoi.core.workflow import Stale, TransitionRefused
from theodoi.plans.models import Plan, WorkItem
from theodoi.units.models import Unit

from .models import FollowUpItem, Matter

__all__ = ["FollowUpIn", "Stale", "TransitionRefused"]


@dataclass
class FollowUpIn:
    text: str
    unit: Unit
    deadline: date | None = None
    work_item: WorkItem | None = None


def _save(obj: Any, by: Any, reason: str, **kwargs: Any) -> None:
    obj._history_user = by
    obj._change_reason = reason[:100]
    obj.save(**kwargs)


@transaction.atomic
def do_raise_matter(
    committee: Unit,
    *,
    raised_by: Unit,
    title: str,
    by: Any,
    content: str = "",
    raised_on: date | None = None,
    body: str = Matter.Body.STANDING,
    plan: Plan | None = None,
) -> Matter:
    title = " ".join((title or "").split())
    if not title:
        raise ValidationError({"title": _("Say what the matter is.")})
    if body not in Matter.Body.values:
        raise ValidationError({"body": _("Choose the Standing members or the Standing Board.")})
    matter = Matter(
        committee=committee, raised_by=raised_by, title=title[:400], content=content.strip(),
        raised_on=raised_on or clock.today(), body=body, plan=plan, created_by=by,
    )  # fmt: skip
    _save(matter, by, "raised")
    return matter


def _add_follow_ups(matter: Matter, items: Iterable[FollowUpIn], by: Any) -> None:
    for n, item in enumerate(items):
        text = (item.text or "").strip()
        if not text:
            raise ValidationError({f"follow_ups.{n}.text": _("Say what is to be done.")})
        if item.deadline and matter.direction_date and item.deadline < matter.direction_date:
            raise ValidationError({f"follow_ups.{n}.deadline": _(
                "The deadline cannot come before the direction.")})  # fmt: skip
        _save(
            FollowUpItem(matter=matter, text=text, unit=item.unit, deadline=item.deadline,
                         work_item=item.work_item),
            by, "follow-up",
        )  # fmt: skip


@transaction.atomic
def do_record_direction(
    matter: Matter,
    *,
    by: Any,
    number: str,
    issued_on: date,
    text: str,
    follow_ups: Iterable[FollowUpIn] = (),
    version: int | None = None,
) -> Matter:
    """Record the committee's conclusion or direction and the follow-up it creates."""
    locked = Matter.objects.select_for_update().get(pk=matter.pk)
    if version is not None and locked.version != version:
        raise Stale(locked)
    if locked.state != Matter.State.AWAITING:
        raise TransitionRefused(_("The direction on this matter is already recorded."))
    errors = {}
    if not (number or "").strip():
        errors["number"] = _("Give the number and symbol of the direction.")
    if not (text or "").strip():
        errors["text"] = _("Give the text of the conclusion or direction.")
    if issued_on and issued_on < locked.raised_on:
        errors["issued_on"] = _("The direction cannot come before the matter was raised.")
    if errors:
        raise ValidationError(errors)
    follow_ups = list(follow_ups)
    locked.direction_number = number.strip()[:60]
    locked.direction_date = issued_on
    locked.direction_text = text.strip()
    locked.state = Matter.State.DIRECTED if follow_ups else Matter.State.DONE
    locked.version += 1
    _save(locked, by, f"direction {locked.direction_number}")
    _add_follow_ups(locked, follow_ups, by)
    return locked


@transaction.atomic
def do_close_follow_up(
    item: FollowUpItem, *, by: Any, note: str, closed_on: date | None = None
) -> FollowUpItem:
    """Close a follow-up with how it was done; the matter is carried out when all are."""
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Say how it was done.")})
    locked = FollowUpItem.objects.select_for_update().get(pk=item.pk)
    if locked.closed_on is not None:
        raise TransitionRefused(_("This follow-up is already closed."))
    locked.closed_on = closed_on or clock.today()
    locked.closing_note = note
    _save(locked, by, "closed")
    matter = Matter.objects.select_for_update().get(pk=locked.matter_id)
    if not matter.follow_ups.filter(closed_on__isnull=True).exists():
        matter.state = Matter.State.DONE
        matter.version += 1
        _save(matter, by, "carried out")
    return locked


@transaction.atomic
def do_add_follow_up(
    matter: Matter, item: FollowUpIn, *, by: Any, version: int | None = None
) -> FollowUpItem:
    """Add a follow-up to a matter already directed; a carried-out matter opens again."""
    locked = Matter.objects.select_for_update().get(pk=matter.pk)
    if version is not None and locked.version != version:
        raise Stale(locked)
    if locked.state == Matter.State.AWAITING:
        raise TransitionRefused(_("Record the direction first: follow-ups carry it out."))
    _add_follow_ups(locked, [item], by)
    locked.state = Matter.State.DIRECTED
    locked.version += 1
    _save(locked, by, "follow-up")
    return locked.follow_ups.order_by("-pk").first()  # type: ignore[return-value]


def overdue_follow_ups(matters: Any, today: date | None = None) -> Any:
    """Open follow-ups of ``matters`` past their deadline."""
    return FollowUpItem.objects.filter(
        matter__in=matters, closed_on__isnull=True, deadline__lt=today or clock.today()
    )

"""Renaming a unit without making it a new unit: the name it bore until the day
before is kept as a ``UnitName``, so documents dated before carry it."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .models import Unit, UnitName


def do_rename_unit(
    unit: Unit, *, name: str, on: date, reason: str, by: Any, expected_name: str
) -> UnitName:
    """Rename ``unit`` from ``on``; its current name is kept as valid until the day
    before. Refused (at the fields) without a reason, with the same name, on a day
    not after its last rename or before it began, or when someone renamed it since
    the form was shown (``expected_name``)."""
    name = " ".join((name or "").split())
    reason = " ".join((reason or "").split())
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = _("Enter the new name.")
    if not reason:
        errors["reason"] = _("Give the reason for the rename (e.g. the decision).")
    with transaction.atomic():
        locked = Unit.objects.select_for_update().get(pk=unit.pk)
        if locked.name != expected_name:
            raise ValidationError(
                _("Someone renamed this unit meanwhile; reload the page and try again.")
            )
        if name and name == locked.name:
            errors["name"] = _("This is already the unit's name.")
        last = locked.former_names.order_by("-valid_to").first()
        start = last.valid_to + timedelta(days=1) if last else locked.active_from
        if start is not None and on <= start:
            errors["on"] = _("The new name must take effect after %(day)s.") % {
                "day": start.strftime("%d/%m/%Y")
            }
        if locked.active_to is not None and on > locked.active_to:
            errors["on"] = _("The unit ended on %(day)s.") % {
                "day": locked.active_to.strftime("%d/%m/%Y")
            }
        if errors:
            raise ValidationError(errors)
        former = UnitName.objects.create(
            unit=locked,
            name=locked.name,
            valid_from=start,
            valid_to=on - timedelta(days=1),
            reason=reason,
            created_by=by,
        )
        locked.name = name
        locked._change_reason = reason
        locked.save(update_fields=["name"])
    unit.name = name
    return former

"""Changing activity records, follow-ups, network registers and targets.

Every change is attributed (django-simple-history's user and change reason);
an update names the version it read and is refused with ``Stale`` when
someone saved since. Who may do it is the access layer's answer
(``theodoi.permissions.activities``), asked by the caller before.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Model
from django.utils.translation import gettext as _

from theodoi.core.files import CONTENT_TYPES
from theodoi.core.workflow import Stale
from theodoi.plans.models import WorkItem
from theodoi.units.models import Unit

from .kinds import clean_details, unit_paths
from .models import (
    LEVEL_KINDS,
    MODE_KINDS,
    Activity,
    ActivityFile,
    FollowUp,
    Kind,
    Level,
    Mode,
    NetworkMember,
    NetworkStandard,
    Target,
)


def _attribute(obj: Any, by: AbstractBaseUser | None, reason: str) -> None:
    obj._history_user = by
    obj._change_reason = reason[:100]


@dataclass
class ActivityData:
    kind: str
    title: str
    start: date
    owner: Unit
    end: date | None = None
    place: str = ""
    work_item: WorkItem | None = None
    units: list[Unit] = field(default_factory=list)
    mode: str = ""
    level: str = ""
    summary: str = ""
    details: dict[str, Any] = field(default_factory=dict)


def validate_activity(data: ActivityData, *, known_units: set[int] | None = None) -> Any:
    """The cleaned details, or ValidationError naming every bad field.

    ``known_units``: ids of the units the details may name (those the caller
    sees); any other is refused at its path.
    """
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    if data.kind not in Kind.values:
        add("kind", _("Choose a kind of activity."))
    if not data.title.strip():
        add("title", _("This field is required."))
    if data.end and data.start and data.end < data.start:
        add("end", _("The end date cannot be before the start date."))
    if data.kind in MODE_KINDS:
        if data.mode not in Mode.values:
            add("mode", _("Say whether it was held online or in person."))
    elif data.mode:
        add("mode", _("Only conferences have a mode."))
    if data.level and data.level not in Level.values:
        add("level", _("Choose a level."))
    if data.kind == Kind.MODEL and not data.level:
        add("level", _("Say at which level the model was recognised."))
    if data.level and data.kind not in LEVEL_KINDS:
        add("level", _("Only models and classes have a level."))
    cleaned = None
    if data.kind in Kind.values:
        try:
            cleaned = clean_details(data.kind, data.details)
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                for message in messages:
                    add(name, message)
    if cleaned is not None and known_units is not None:
        for path, unit_id in unit_paths(data.kind, cleaned.details):
            if unit_id not in known_units:
                add(path, _("Unknown unit: %(id)s.") % {"id": unit_id})
    if errors:
        raise ValidationError(errors)
    return cleaned


def _fill(activity: Activity, data: ActivityData, cleaned: Any) -> None:
    activity.kind = data.kind
    activity.title = data.title.strip()
    activity.start = data.start
    activity.end = data.end
    activity.place = data.place.strip()
    activity.owner = data.owner
    activity.work_item = data.work_item
    activity.mode = data.mode
    activity.level = data.level
    activity.summary = data.summary
    activity.details = cleaned.details
    activity.participants = cleaned.participants
    activity.quantity = cleaned.quantity


@transaction.atomic
def do_create_activity(
    data: ActivityData,
    *,
    by: AbstractBaseUser | None,
    reason: str = "",
    known_units: set[int] | None = None,
) -> Activity:
    cleaned = validate_activity(data, known_units=known_units)
    activity = Activity(created_by=by if by and by.is_authenticated else None)
    _fill(activity, data, cleaned)
    _attribute(activity, by, reason)
    activity.save()
    activity.units.set(data.units or [data.owner])
    return activity


@transaction.atomic
def do_update_activity(
    activity: Activity,
    data: ActivityData,
    *,
    version: int,
    by: AbstractBaseUser | None,
    reason: str = "",
    known_units: set[int] | None = None,
) -> Activity:
    """Save ``data`` over the record if nobody saved it since ``version``; Stale otherwise."""
    cleaned = validate_activity(data, known_units=known_units)
    claimed = Activity.objects.filter(pk=activity.pk, version=version).update(
        version=F("version") + 1
    )
    if not claimed:
        raise Stale(Activity.objects.get(pk=activity.pk))
    activity.refresh_from_db(fields=["version"])
    _fill(activity, data, cleaned)
    _attribute(activity, by, reason)
    activity.save()
    activity.units.set(data.units or [data.owner])
    return activity


@transaction.atomic
def do_delete_activity(
    activity: Activity, *, version: int, by: AbstractBaseUser | None, reason: str
) -> None:
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the record is deleted.")})
    if not Activity.objects.filter(pk=activity.pk, version=version).exists():
        raise Stale(Activity.objects.get(pk=activity.pk))
    for child in [*activity.follow_ups.all(), *activity.files.all()]:
        _attribute(child, by, reason)
        child.delete()
    _attribute(activity, by, reason)
    activity.delete()


def do_add_activity_file(
    activity: Activity, upload: Any, *, by: AbstractBaseUser | None
) -> ActivityFile:
    """Attach evidence through the reporting evidence's checks: size limit
    (``THEODOI_EVIDENCE_MAX_BYTES``), type read from the content, a safe name."""
    from theodoi.reporting import evidence

    try:
        content_type = evidence.check(upload)
    except ValidationError as error:
        raise ValidationError({"file": error.messages}) from None
    kind = evidence.EXTENSIONS[content_type]
    item = ActivityFile(
        activity=activity,
        file=upload,
        name=evidence.display_name(str(getattr(upload, "name", "") or "file")),
        content_type=kind,
        size=upload.size,
        uploaded_by=by if by and by.is_authenticated else None,
    )
    _attribute(item, by, "")
    item.save()
    return item


def file_content_type(item: ActivityFile) -> str:
    return CONTENT_TYPES.get(item.content_type, "application/octet-stream")


def do_add_follow_up(
    activity: Activity,
    *,
    text: str,
    responsible: str = "",
    deadline: date | None = None,
    by: AbstractBaseUser | None,
) -> FollowUp:
    if activity.kind != Kind.DIALOGUE:
        raise ValidationError({"text": _("Only dialogues have follow-ups.")})
    if not text.strip():
        raise ValidationError({"text": _("This field is required.")})
    item = FollowUp(
        activity=activity, text=text.strip(), responsible=responsible, deadline=deadline
    )
    _attribute(item, by, "")
    item.save()
    return item


def do_close_follow_up(
    item: FollowUp, *, closed_on: date, note: str, by: AbstractBaseUser | None
) -> FollowUp:
    if item.closed_on is not None:
        raise ValidationError({"closed_on": _("This matter is already settled.")})
    if not note.strip():
        raise ValidationError({"closing_note": _("Say how it was closed.")})
    if closed_on < item.activity.start:
        raise ValidationError({"closed_on": _("A follow-up cannot close before the dialogue.")})
    item.closed_on = closed_on
    item.closing_note = note.strip()
    _attribute(item, by, note)
    item.save()
    return item


def save_with_version(
    obj: Model, *, version: int | None, by: AbstractBaseUser | None, reason: str = ""
) -> Model:
    """Save a network member or a target (new, or over ``version``); Stale if outdated."""
    obj.full_clean()
    _attribute(obj, by, reason)
    if obj.pk is None:
        obj.save()
        return obj
    model = type(obj)
    with transaction.atomic():
        claimed = model.objects.filter(pk=obj.pk, version=version).update(version=F("version") + 1)
        if not claimed:
            raise Stale(model.objects.get(pk=obj.pk))
        obj.version = (version or 0) + 1
        obj.save()
    return obj


def do_save_member(
    member: NetworkMember, *, version: int | None, by: AbstractBaseUser | None, reason: str = ""
) -> NetworkMember:
    return save_with_version(member, version=version, by=by, reason=reason)  # type: ignore[return-value]


def do_save_target(
    target: Target, *, version: int | None, by: AbstractBaseUser | None, reason: str = ""
) -> Target:
    return save_with_version(target, version=version, by=by, reason=reason)  # type: ignore[return-value]


@transaction.atomic
def do_delete_target(
    target: Target, *, version: int | None, by: AbstractBaseUser | None, reason: str
) -> None:
    """Delete a target with a reason (its history keeps it); Stale if outdated."""
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the target is deleted.")})
    if not Target.objects.filter(pk=target.pk, version=version).exists():
        raise Stale(Target.objects.get(pk=target.pk))
    _attribute(target, by, reason)
    target.delete()


@transaction.atomic
def do_save_standard(
    unit: Unit,
    network: str,
    *,
    number: int | None,
    basis: str = "",
    version: int | None,
    by: AbstractBaseUser | None,
    reason: str = "",
) -> NetworkStandard | None:
    """Set (or, with no number, remove) the standard number of a network for a unit.

    ``version`` is the one read (None: there was no standard when the form was
    opened); a standard saved or created since is refused with ``Stale``.
    """
    found = NetworkStandard.objects.select_for_update().filter(unit=unit, network=network).first()
    if (found.version if found else None) != version:
        raise Stale(found) if found is not None else Stale(NetworkStandard(unit=unit))
    if number is None:
        if found is not None:
            _attribute(found, by, reason or "removed")
            found.delete()
        return None
    if found is None:
        found = NetworkStandard(unit=unit, network=network)
    else:
        found.version += 1
    found.number = number
    found.basis = basis.strip()
    found.full_clean()
    _attribute(found, by, reason)
    found.save()
    return found


@transaction.atomic
def do_set_attendance(
    activity: Activity,
    members: list[NetworkMember],
    *,
    offered: list[NetworkMember],
    by: AbstractBaseUser | None,
) -> None:
    """Mark which of the ``offered`` network members attended the activity (the
    others offered are unmarked; members the caller was not offered are left as
    they are). Each member's change is kept in its history."""
    chosen = {m.pk for m in members}
    attended = set(activity.network_members.values_list("pk", flat=True))
    for member in offered:
        if (member.pk in chosen) == (member.pk in attended):
            continue
        _attribute(member, by, "attendance")
        if member.pk in chosen:
            member.activities.add(activity)
        else:
            member.activities.remove(activity)

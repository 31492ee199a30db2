"""Audit history pages of every app: who changed what, when, old → new, and why.

Built on django-simple-history: each historical record is compared with the
record before it for the same object (``diff_against``); values are shown as
people read them (field labels, unit names instead of ids, dd/mm/yyyy dates,
choice labels). An app's history view asks its access helper for the object,
gathers the records (``records``), turns them into entries (``build_entries``)
and answers with ``render_history``: no app imports another app's views.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from typing import Any

from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

EMPTY = "—"


@dataclass
class Change:
    label: str
    old: str
    new: str


@dataclass
class Entry:
    when: datetime
    who: Any
    kind: str  # "+" created, "~" changed, "-" deleted
    subject: str
    reason: str
    changes: list[Change] = field(default_factory=list)

    @property
    def who_name(self) -> str:
        if self.who is None:
            return _("system")
        return self.who.get_full_name() or self.who.get_username()

    @property
    def action(self) -> str:
        return {"+": pgettext("history action", "created"), "~": _("changed"), "-": _("deleted")}[
            self.kind
        ]


def _raw_changes(record: Any, previous: Any | None) -> list[tuple[models.Field, Any, Any]]:
    model = record.instance_type
    if previous is None:
        return []
    delta = record.diff_against(previous)
    out = []
    for change in delta.changes:
        out.append((model._meta.get_field(change.field), change.old, change.new))
    return out


def _related_ids(
    changes: Iterable[tuple[models.Field, Any, Any]], wanted: dict[type, set[Any]]
) -> None:
    for model_field, old, new in changes:
        if isinstance(model_field, models.ForeignKey):
            related = model_field.related_model
            wanted[related].update(v for v in (old, new) if v is not None)
        elif isinstance(model_field, models.ManyToManyField):
            related = model_field.related_model
            name = related._meta.model_name
            for rows in (old, new):
                wanted[related].update(row.get(name) for row in rows or [])


def _display(model_field: models.Field, value: Any, names: dict[type, dict[Any, Any]]) -> str:
    if value is None or value == "":
        return EMPTY
    if isinstance(model_field, models.ForeignKey):
        obj = names[model_field.related_model].get(value)
        return str(obj) if obj is not None else f"#{value}"
    if isinstance(model_field, models.ManyToManyField):
        related = model_field.related_model
        lookup = names[related]
        name = related._meta.model_name
        shown = [str(lookup.get(row.get(name), f"#{row.get(name)}")) for row in value]
        return "; ".join(sorted(shown)) or EMPTY
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, date):
        return date_format(value, "SHORT_DATE_FORMAT")
    return str(value)


def build_entries(records: Sequence[Any], subject: Any = None) -> list[Entry]:
    """Turn historical records (of one or several objects) into entries, newest first.

    ``subject`` is called with a historical record and returns the text naming
    what the entry is about ("Assignment: Ban Dân vận"), or is None.
    """
    by_object: dict[Any, list[Any]] = defaultdict(list)
    for record in sorted(records, key=lambda r: (r.history_date, r.history_id)):
        by_object[record.id].append(record)
    raw: list[tuple[Any, list[tuple[models.Field, Any, Any]]]] = []
    wanted: dict[type, set[Any]] = defaultdict(set)
    for chain in by_object.values():
        previous = None
        for record in chain:
            changes = _raw_changes(record, previous) if record.history_type == "~" else []
            _related_ids(changes, wanted)
            raw.append((record, changes))
            previous = record
    names = {model: model._default_manager.in_bulk(ids) for model, ids in wanted.items()}
    entries = []
    for record, changes in raw:
        entries.append(
            Entry(
                when=record.history_date,
                who=record.history_user,
                kind=record.history_type,
                subject=subject(record) if subject else "",
                reason=record.history_change_reason or "",
                changes=[
                    Change(
                        label=str(f.verbose_name),
                        old=_display(f, old, names),
                        new=_display(f, new, names),
                    )
                    for f, old, new in changes
                ],
            )
        )
    entries.sort(key=lambda e: e.when, reverse=True)
    return [e for e in entries if e.kind != "~" or e.changes or e.reason]


def records(model: Any, **filters: Any) -> list[Any]:
    """The historical records of ``model`` matching ``filters``, with their authors."""
    return list(model.history.filter(**filters).select_related("history_user"))


def render_history(
    request: HttpRequest,
    obj: Any,
    entries: list[Entry],
    crumbs: list[tuple[str, str]],
) -> HttpResponse:
    """The history page of ``obj``: ``entries`` newest first, under ``crumbs`` (url, label)."""
    context = {"obj": obj, "entries": entries, "crumbs": crumbs}
    return render(request, "core/history.html", context)


# Writing ---------------------------------------------------------------------------


@cache
def _historical_model(model: type[models.Model]) -> Any:
    # Model.history builds a manager class on every access: once per process here.
    return model.history.model  # type: ignore[attr-defined]


def create_with_history(objs: list[Any], *, by: Any, reason: str) -> list[Any]:
    """Insert new objects of one model, then their "created" history rows (who, when,
    why), in two queries whatever their number: the rows django-simple-history
    writes when each is saved (``save()``: two queries an object), without the
    per-save signals. ``by``: the account, or None; ``reason``: the change reason."""
    if not objs:
        return objs
    model = type(objs[0])
    model._default_manager.bulk_create(objs)
    historical = _historical_model(model)
    when = timezone.now()
    historical._default_manager.bulk_create(
        [
            historical(
                history_date=when,
                history_type="+",
                history_user=by,
                history_change_reason=reason,
                **{f.attname: getattr(obj, f.attname) for f in historical.tracked_fields},
            )
            for obj in objs
        ]
    )
    return objs

"""One workflow for every reviewed document: draft → submitted → accepted / returned,
reopened with a reason; and the variants other documents need (a portal article's
draft → review → published, a survey's draft → open → closed → published).

An app declares its document's ``Workflow`` once (its steps: from which states,
to which state, whether a reason is required) and its ``do_*`` actions call
:func:`move`. ``move`` locks the row, checks the version the user saw, the
state and the reason, sets the new state, records the step in the object's
history (django-simple-history's user and change reason, when the model has
one) and sends :data:`moved` so notifications and other apps can follow
without the app importing them. Who may take a step is the access layer's
answer (``theodoi.permissions``), asked before ``move``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, ProhibitNullCharactersValidator
from django.db import models, transaction
from django.dispatch import Signal
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from theodoi.core import clock

# Sent after every step, inside the step's transaction (use
# ``transaction.on_commit`` for work that must see it committed):
# sender=the model class, obj, step (a Step), by (the user), reason (text).
moved = Signal()

# django-simple-history keeps a change reason of 100 characters.
REASON_MAX = 100


class TransitionRefused(ValidationError):
    """The object's state does not allow the step; the message says why."""

    def __str__(self) -> str:
        return " ".join(self.messages)


class Stale(Exception):
    """Someone saved the object since the version the user saw."""

    def __init__(self, current: models.Model) -> None:
        super().__init__(_("Someone else saved this in the meantime."))
        self.current = current


@dataclass(frozen=True)
class Step:
    name: str
    sources: frozenset[str]
    target: str
    refused: str | Promise
    reason_required: bool = False
    # Fields stamped with the time of the step (e.g. "submitted_at").
    stamps: tuple[str, ...] = ()


@dataclass
class Workflow:
    """The states a document goes through and the steps between them.

    ``reason_max`` bounds the reason a step accepts; the object's history keeps
    its first ``REASON_MAX`` characters (a document whose reason is also its
    comment, such as a report returned with what needs fixing, takes longer).
    """

    state_field: str
    steps: dict[str, Step] = field(default_factory=dict)
    reason_max: int = REASON_MAX

    def step(
        self,
        name: str,
        sources: Iterable[str],
        target: str,
        refused: str | Promise,
        *,
        reason_required: bool = False,
        stamps: tuple[str, ...] = (),
    ) -> Workflow:
        self.steps[name] = Step(name, frozenset(sources), target, refused, reason_required, stamps)
        return self

    def adjust(self, name: str, **changes: Any) -> Workflow:
        """Change one step of a declared workflow (its message, its stamps…)."""
        if "sources" in changes:
            changes["sources"] = frozenset(changes["sources"])
        self.steps[name] = dataclasses.replace(self.steps[name], **changes)
        return self

    def check(self, obj: Any, name: str) -> None:
        """TransitionRefused unless the object's state allows the step (before ``move``,
        for an action that does other work first)."""
        step = self.steps[name]
        if getattr(obj, self.state_field) not in step.sources:
            raise TransitionRefused(str(step.refused))

    def allowed(self, obj: Any) -> list[str]:
        """Names of the steps the object's state allows (before asking who may)."""
        state = getattr(obj, self.state_field)
        return [s.name for s in self.steps.values() if state in s.sources]


def review(state_field: str = "state", *, reason_max: int = REASON_MAX) -> Workflow:
    """The reviewed document: draft → submitted → accepted / returned; reopened with a reason."""
    return (
        Workflow(state_field, reason_max=reason_max)
        .step(
            "submit",
            ("draft", "returned"),
            "submitted",
            gettext_lazy("Only a draft or returned document can be submitted."),
        )
        .step(
            "accept",
            ("submitted",),
            "accepted",
            gettext_lazy("Only a submitted document can be accepted."),
        )
        .step(
            "return",
            ("submitted",),
            "returned",
            gettext_lazy("Only a submitted document can be returned."),
            reason_required=True,
        )
        .step(
            "reopen",
            ("accepted",),
            "returned",
            gettext_lazy("Only an accepted document can be reopened."),
            reason_required=True,
        )
    )


def clean_reason(
    reason: str | None,
    *,
    required: bool,
    field_name: str = "reason",
    max_length: int = REASON_MAX,
) -> str:
    """The reason trimmed; a ValidationError at ``field_name`` when missing or unfit."""
    text = " ".join((reason or "").split())
    if required and not text:
        raise ValidationError({field_name: _("Give the reason.")})
    errors: list[str] = []
    for validator in (MaxLengthValidator(max_length), ProhibitNullCharactersValidator()):
        try:
            validator(text)
        except ValidationError as error:
            errors += error.messages
    if errors:
        raise ValidationError({field_name: errors})
    return text


@transaction.atomic
def move(
    workflow: Workflow,
    obj: models.Model,
    step_name: str,
    *,
    by: Any,
    reason: str = "",
    version: int | None = None,
    update: dict[str, Any] | None = None,
) -> models.Model:
    """Take ``step_name`` on ``obj``: locked, version-checked, attributed; the object as saved.

    ``version`` is the ``version`` field the user saw (refused as :class:`Stale`
    when it moved on); ``update`` sets other fields in the same save.
    """
    step = workflow.steps[step_name]
    reason = clean_reason(reason, required=step.reason_required, max_length=workflow.reason_max)
    model = type(obj)
    locked = model._default_manager.select_for_update().get(pk=obj.pk)
    has_version = any(f.name == "version" for f in model._meta.concrete_fields)
    if version is not None and has_version and locked.version != version:
        raise Stale(locked)
    workflow.check(locked, step_name)
    fields = [workflow.state_field, *step.stamps, *(update or {})]
    setattr(locked, workflow.state_field, step.target)
    now = clock.now()
    for stamp in step.stamps:
        setattr(locked, stamp, now)
    for name, value in (update or {}).items():
        setattr(locked, name, value)
    if has_version:
        locked.version += 1
        fields.append("version")
    if any(f.name == "updated_at" for f in model._meta.concrete_fields):
        fields.append("updated_at")
    locked._change_reason = (reason or str(step.name))[:REASON_MAX]  # type: ignore[attr-defined]
    locked._history_user = by  # type: ignore[attr-defined]
    locked.save(update_fields=fields)
    moved.send(sender=model, obj=locked, step=step, by=by, reason=reason)
    return locked

"""Handing a ceased body's open work to the body that succeeded it.

When the Ban Tuyên giáo and the Ban Dân vận became the Ban Tuyên giáo và Dân
vận Tỉnh ủy (1 July 2025), an administrator of the successor hands each old
ban's open work to the merged ban, with a reason (the unit's handover page, or
``theodoi hand-over``).

This module is the registry and the runner; it imports no other app. Each app
that holds work of a unit registers a *step* (``theodoi/<app>/handover.py``,
registered from its ``AppConfig.ready``) that moves that app's open work and
says what stays and why. The units app's own step moves the memberships (a
moved head stays head only if the successor has none yet).

The rules every step follows:

- only **open** work moves (what the app calls open: a running plan, an
  unsent report, a draft survey, a follow-up not closed…); closed work stays
  the old body's, so a 2018 report stays the Ban Tuyên giáo's and a document
  dated before the handover still names the body that issued it;
- every changed row's history records the person and the reason (the
  reason is cut to simple-history's 100 characters there; ``UnitHandover``
  keeps it whole);
- all steps run in **one transaction**: if one fails, nothing moves;
- the **preview is the same run rolled back**: what it shows is what happens.

A ``UnitHandover`` keeps what moved (ids by kind), how much stayed and why.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models, transaction
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import Membership, Unit, UnitHandover, UnitLineage

# simple-history's ``history_change_reason`` is a CharField(max_length=100).
HISTORY_REASON_MAX = 100


class HandoverError(ValueError):
    """The handover cannot be done as asked (the message says why, translated)."""


def _versioned(obj: Any) -> bool:
    """Whether ``obj`` keeps an edit version (``version``, an integer the pages check)."""
    try:
        field_ = obj._meta.get_field("version")
    except FieldDoesNotExist:
        return False
    return isinstance(field_, models.IntegerField)


@dataclass
class HandoverResult:
    """What a handover moved (ids by kind) and what stayed (counts and why, by kind)."""

    predecessor: Unit
    successor: Unit
    effective: date
    moved: dict[str, list[int]] = field(default_factory=dict)
    kept: dict[str, int] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    record: UnitHandover | None = None
    by: Any = None
    why: str = ""

    def count(self, kind: str) -> int:
        return len(self.moved.get(kind, []))

    @property
    def anything(self) -> bool:
        return any(self.moved.values())

    # What the steps call -------------------------------------------------------

    def stamp(self, obj: Any) -> Any:
        """Mark ``obj``'s next history row with the person and the (cut) reason."""
        obj._history_user = self.by
        obj._change_reason = self.why
        return obj

    def save(self, obj: Any) -> None:
        """Save ``obj`` as the handover's change: the person and the (cut) reason on
        its history row, and its next version where it keeps one, so that a form
        opened before the handover is refused on saving instead of writing over it."""
        if _versioned(obj) and not obj._state.adding:  # a new row starts at its own
            obj.version += 1
        self.stamp(obj).save()

    def reassign(self, kind: str, rows: Iterable[Any], **values: Any) -> None:
        """Give each of ``rows`` the ``values`` (``unit=successor``), save it as the
        handover's change (``save``) and count it as moved under ``kind``."""
        ids = []
        for obj in rows:
            for name, value in values.items():
                setattr(obj, name, value)
            self.save(obj)
            ids.append(obj.pk)
        self.move(kind, ids)

    def move(self, kind: str, ids: list[int]) -> None:
        self.moved.setdefault(kind, []).extend(ids)

    def keep(self, kind: str, count: int, why: str = "") -> None:
        """``count`` rows of ``kind`` stay the old body's; ``why`` says which and why."""
        self.moved.setdefault(kind, [])
        self.kept[kind] = self.kept.get(kind, 0) + count
        if why:
            self.notes[kind] = str(why)

    # What the preview and the record show --------------------------------------

    def rows(self) -> list[dict[str, Any]]:
        """One row per kind, in the registry's order: label, moved, stayed, why."""
        return describe(self.moved, self.kept, self.notes)

    def __str__(self) -> str:
        moved = ", ".join(f"{len(ids)} {kind}" for kind, ids in self.moved.items())
        kept = ", ".join(f"{n} {kind}" for kind, n in self.kept.items() if n)
        return f"moved: {moved}; kept: {kept or 'nothing'}"


Step = Callable[[HandoverResult], None]


@dataclass
class Registered:
    name: str
    run: Step
    kinds: dict[str, str | Promise]
    order: int


_STEPS: dict[str, Registered] = {}


def register(name: str, run: Step, *, kinds: dict[str, str | Promise], order: int = 100) -> None:
    """Register an app's step (idempotent by name): ``run(result)`` moves that
    app's open work with ``result.reassign``/``save``/``move``/``keep``; ``kinds`` labels the
    kinds it reports, for the preview."""
    _STEPS[name] = Registered(name, run, kinds, order)


def steps() -> list[Registered]:
    return sorted(_STEPS.values(), key=lambda s: (s.order, s.name))


def kind_labels() -> dict[str, str]:
    return {kind: str(label) for step in steps() for kind, label in step.kinds.items()}


def describe(
    moved: dict[str, list[int]], kept: dict[str, int], notes: dict[str, str]
) -> list[dict[str, Any]]:
    labels = kind_labels()
    order = list(labels) + [k for k in {**moved, **kept} if k not in labels]
    rows = []
    for kind in order:
        if kind not in moved and kind not in kept and kind not in notes:
            continue
        rows.append(
            {
                "kind": kind,
                "label": labels.get(kind, kind),
                "moved": len(moved.get(kind, [])),
                "kept": kept.get(kind, 0),
                "why": notes.get(kind, ""),
            }
        )
    return rows


def successors_of(unit: Unit) -> list[UnitLineage]:
    """The lineage links from ``unit`` to the bodies it may hand over to."""
    return list(unit.successor_links.select_related("successor").order_by("effective", "pk"))


def history_reason(successor: Unit, reason: str) -> str:
    """The reason as history rows carry it: at most 100 characters."""
    text = _("Handover to %(successor)s: %(reason)s") % {
        "successor": successor.name,
        "reason": reason,
    }
    if len(text) <= HISTORY_REASON_MAX:
        return text
    return text[: HISTORY_REASON_MAX - 1].rstrip() + "…"


def _check_actor(by: Any, successor: Unit) -> None:
    """Only an administrator of the successor hands work to it (the command
    without ``--by`` runs as the operator)."""
    if by is None or getattr(by, "is_superuser", False):
        return
    from theodoi.permissions import Role, reaches

    if not getattr(by, "is_authenticated", False) or not reaches(by, successor.pk, Role.ADMIN):
        raise HandoverError(
            _("Only an administrator of %(successor)s can hand work over to it.")
            % {"successor": successor.name}
        )


def hand_over(
    predecessor: Unit,
    successor: Unit,
    *,
    reason: str,
    by: Any = None,
    effective: date | None = None,
    dry_run: bool = False,
) -> HandoverResult:
    """Hand ``predecessor``'s open work to ``successor`` (see the module's rules).

    The successor must be recorded as the predecessor's successor (a lineage
    link); ``effective`` defaults to that link's date. ``by``, when given, must
    administer the successor. All steps or none. With ``dry_run`` the very same
    run is rolled back: the result says what would move and what would stay.
    """
    reason = (reason or "").strip()
    if not reason:
        raise HandoverError(_("Give the reason for the handover."))
    if predecessor.pk == successor.pk:
        raise HandoverError(_("A unit cannot hand over to itself."))
    link = UnitLineage.objects.filter(predecessor=predecessor, successor=successor).first()
    if link is None:
        raise HandoverError(
            _("%(successor)s is not recorded as a successor of %(predecessor)s.")
            % {"successor": successor.name, "predecessor": predecessor.name}
        )
    _check_actor(by, successor)
    result = HandoverResult(
        predecessor,
        successor,
        effective or link.effective,
        by=by if getattr(by, "pk", None) else None,
        why=history_reason(successor, reason),
    )
    with transaction.atomic():
        for step in steps():
            step.run(result)
        if dry_run:
            transaction.set_rollback(True)
        elif result.anything:
            result.record = UnitHandover.objects.create(
                predecessor=predecessor,
                successor=successor,
                effective=result.effective,
                reason=reason,
                by=result.by,
                moved=result.moved,
                kept=result.kept,
                notes=result.notes,
            )
    return result


# The units app's own step: who works where --------------------------------------


def memberships_step(result: HandoverResult) -> None:
    successor = result.successor
    held = set(Membership.objects.filter(unit=successor).values_list("user_id", "role"))
    has_head = Membership.objects.filter(unit=successor, is_head=True).exists()
    moved = []
    for m in Membership.objects.filter(unit=result.predecessor).order_by("-is_head", "pk"):
        moved.append(m.pk)
        result.stamp(m)
        if (m.user_id, m.role) in held:
            m.delete()  # the same role is held at the successor already
        else:
            m.unit = successor
            if m.is_head and has_head:
                m.is_head = False
            has_head = has_head or m.is_head
            m.save()
            held.add((m.user_id, m.role))
    result.move("memberships", moved)


register(
    "units",
    memberships_step,
    kinds={"memberships": gettext_lazy("memberships")},
    order=0,
)

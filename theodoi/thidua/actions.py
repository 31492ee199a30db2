"""Changes to thi đua data: clusters, weights, closing and reopening a year, commendation proposals.

Who may call them is the access layer's answer (``theodoi.permissions.thidua``),
asked before; every change is recorded in the objects' history with who and why.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from theodoi.core import clock
from theodoi.core.workflow import Stale, Workflow, clean_reason, move
from theodoi.units.models import Unit

from . import components
from .models import Cluster, EmulationYear, Level, Proposal, Snapshot, WeightSet
from .ranking import AGENCY_KINDS, Period, compute, periods_of

YEAR_WORKFLOW = (
    Workflow("state")
    .step(
        "close",
        (EmulationYear.State.OPEN,),
        EmulationYear.State.CLOSED,
        gettext_lazy("Only an open year can be closed."),
        stamps=("closed_at",),
    )
    .step(
        "reopen",
        (EmulationYear.State.CLOSED,),
        EmulationYear.State.OPEN,
        gettext_lazy("Only a closed year can be reopened."),
        reason_required=True,
    )
)


def emulation_year(province: Unit, year: int) -> EmulationYear:
    """The province's emulation year, created open the first time it is asked for."""
    found, _created = EmulationYear.objects.get_or_create(province=province, year=year)
    return found


def clean_weights(level: str, weights: dict[str, Any]) -> dict[str, int]:
    """Whole, non-negative weights of the level's components, adding up to 100."""
    known = {c.key for c in components.for_level(level)}
    errors: dict[str, str] = {}
    cleaned: dict[str, int] = {}
    for key, value in weights.items():
        if key not in known:
            errors[key] = _("No such component for this level.")
            continue
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
            errors[key] = _("Enter a whole number from 0 to 100.")
            continue
        cleaned[key] = value
    if not errors and sum(cleaned.values()) != 100:
        errors["__all__"] = _("The weights add up to %(sum)s; they must add up to 100.") % {
            "sum": sum(cleaned.values())
        }
    if errors:
        raise ValidationError(errors)
    return {k: v for k, v in cleaned.items() if v}


def do_save_weights(
    province: Unit,
    year: int,
    level: str,
    weights: dict[str, Any],
    *,
    by: Any,
    note: str = "",
    reason: str = "",
    version: int | None = None,
) -> WeightSet:
    """Set a level's weights for a year. Refused once the year is closed: a closed
    year's ranking is stored with its weights and only reopening it changes them."""
    cleaned = clean_weights(level, weights)
    reason = clean_reason(reason, required=False)
    with transaction.atomic():
        year_obj = emulation_year(province, year)
        if year_obj.is_closed:
            raise ValidationError(
                {
                    "__all__": _("The year %(year)s is closed: reopen it to change its weights.")
                    % {"year": year}
                }
            )
        found = (
            WeightSet.objects.select_for_update()
            .filter(province=province, year=year, level=level)
            .first()
        )
        if found is None:
            found = WeightSet(province=province, year=year, level=level)
        elif version is not None and found.version != version:
            raise Stale(found)
        else:
            found.version += 1
        found.weights = cleaned
        found.note = note
        found._history_user = by  # type: ignore[attr-defined]
        found._change_reason = reason or "weights"  # type: ignore[attr-defined]
        found.save()
    return found


def snapshot_year(year: EmulationYear) -> list[Snapshot]:
    """Store every period's and level's ranking of the year as it stands now."""
    now = clock.now()
    snapshots = []
    for period in periods_of(year.year):
        for level in Level.values:
            ranking = compute(year.province, period, level)
            ranking.final = True
            snapshots.append(
                Snapshot(
                    emulation_year=year,
                    period=period.key,
                    level=level,
                    data=ranking.as_json(),
                    taken_at=now,
                )
            )
    return Snapshot.objects.bulk_create(snapshots)


def do_close_year(year: EmulationYear, *, by: Any, version: int | None = None) -> EmulationYear:
    """Close the year: its rankings become final, stored as they stand."""
    with transaction.atomic():
        YEAR_WORKFLOW.check(year, "close")
        closed = move(YEAR_WORKFLOW, year, "close", by=by, version=version)
        snapshot_year(closed)
    return closed


def do_reopen_year(
    year: EmulationYear, *, by: Any, reason: str, version: int | None = None
) -> EmulationYear:
    """Reopen a closed year with a reason: its final rankings are kept as records,
    no longer in force, and the rankings are drafts again until it is closed again."""
    with transaction.atomic():
        opened = move(YEAR_WORKFLOW, year, "reopen", by=by, reason=reason, version=version)
        Snapshot.objects.filter(emulation_year=opened, superseded_at__isnull=True).update(
            superseded_at=clock.now()
        )
    return opened


# Commendation proposals ----------------------------------------------------------------

# How many of a level's ranking are proposed for each award, at most.
AWARD_PLACES: dict[str, tuple[int, int]] = {
    Level.AGENCY: (2, 3),
    Level.DISTRICT: (2, 2),
    Level.CLUSTER: (1, 1),
}


def _reason(row: Any, period: Period, count: int) -> str:
    """Why a unit is proposed, in Vietnamese (the proposal is a Party document)."""
    with translation.override("vi"):
        best = sorted(
            (line for line in row.lines if line.value is not None and line.weight),
            key=lambda line: -float(line.value),
        )[:2]
        strengths = "; ".join(
            f"{_component_label(x.key)} {x.value.replace('.', ',')}" for x in best
        )
        label = period.label
        return _(
            "Ranked %(rank)s of %(count)s in the final thi đua ranking of %(period)s with "
            "%(score)s points; strongest: %(strengths)s."
        ) % {
            "rank": row.rank,
            "count": count,
            "period": label[:1].lower() + label[1:],
            "score": row.score.replace(".", ","),
            "strengths": strengths,
        }


def _component_label(key: str) -> str:
    component = components.REGISTRY.get(key)
    return str(component.label) if component else key


def do_propose_commendations(year: EmulationYear, *, by: Any) -> list[Proposal]:
    """Draw the year-end proposals from the final year ranking of every level:
    the first places get a Bằng khen, the next a Giấy khen (``AWARD_PLACES``),
    ranks shared by a tie included. Replaces the year's earlier proposals."""
    from .ranking import ranking as ranking_in_force

    if not year.is_closed:
        raise ValidationError(
            {"__all__": _("Close the year first: proposals come from the final ranking.")}
        )
    period = periods_of(year.year)[-1]
    now = clock.now()
    proposals = []
    with transaction.atomic():
        for old in Proposal.objects.filter(emulation_year=year):
            old._history_user = by  # type: ignore[attr-defined]
            old._change_reason = "replaced"  # type: ignore[attr-defined]
            old.delete()
        for level in Level.values:
            found = ranking_in_force(year.province, period, level)
            bang, giay = AWARD_PLACES[level]
            for group in dict.fromkeys(r.group for r in found.ranked):
                ranked = [r for r in found.ranked if r.group == group]
                for row in ranked:
                    if row.rank > bang + giay:
                        break
                    award = (
                        Proposal.Award.BANG_KHEN if row.rank <= bang else Proposal.Award.GIAY_KHEN
                    )
                    proposal = Proposal(
                        emulation_year=year,
                        level=level,
                        unit_id=row.key if level != Level.CLUSTER else None,
                        cluster_id=row.key if level == Level.CLUSTER else None,
                        name=row.name,
                        award=award,
                        rank=row.rank,
                        score=row.score,
                        reason=_reason(row, period, len(ranked)),
                        created_by=by,
                        created_at=now,
                    )
                    proposal._history_user = by  # type: ignore[attr-defined]
                    proposal.save()
                    proposals.append(proposal)
    return proposals


# Clusters -------------------------------------------------------------------------------


def cluster_candidates(province: Unit, members_kind: str) -> Any:
    """The units a cluster of the province may hold: its agencies, or its district
    committees (the units ranked at those levels)."""
    kinds = (Unit.Kind.DISTRICT,) if members_kind == Cluster.Members.DISTRICT else AGENCY_KINDS
    return Unit.objects.filter(parent=province, kind__in=kinds)


def _overlap(a_from: int | None, a_to: int | None, b_from: int | None, b_to: int | None) -> bool:
    low, high = -1, 10_000
    return max(a_from or low, b_from or low) <= min(a_to or high, b_to or high)


def do_save_cluster(
    cluster: Cluster,
    members: list[Unit],
    *,
    by: Any,
    version: int | None = None,
    reason: str = "",
) -> Cluster:
    """Define or change a cluster and its members (new, or over ``version``).

    Members are the province's agencies or district committees, as the cluster
    says; a unit belongs to one cluster of the province in any year. A closed
    year's ranking is stored, so changing a cluster moves only open years' drafts.
    """
    reason = clean_reason(reason, required=False)
    errors: dict[str, list[str]] = {}
    allowed = set(
        cluster_candidates(cluster.province, cluster.members_kind).values_list("pk", flat=True)
    )
    strangers = [u.name for u in members if u.pk not in allowed]
    if strangers:
        errors["members"] = [
            _("Not a unit this cluster can hold: %(names)s.") % {"names": ", ".join(strangers)}
        ]
    if not members:
        errors["members"] = [_("Choose the cluster's members.")]
    others = (
        Cluster.objects.filter(province=cluster.province, members__in=[u.pk for u in members])
        .exclude(pk=cluster.pk)
        .prefetch_related("members")
        .distinct()
    )
    mine = {u.pk for u in members}
    for other in others:
        if _overlap(cluster.year_from, cluster.year_to, other.year_from, other.year_to):
            shared = sorted(m.name for m in other.members.all() if m.pk in mine)
            errors.setdefault("members", []).append(
                _("Already in the cluster “%(cluster)s” in the same years: %(names)s.")
                % {"cluster": other.name, "names": ", ".join(shared)}
            )
    try:
        cluster.full_clean(exclude=["members"])
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            errors.setdefault(name, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        if cluster.pk is not None:
            claimed = Cluster.objects.filter(pk=cluster.pk, version=version).update(
                version=F("version") + 1
            )
            if not claimed:
                raise Stale(Cluster.objects.get(pk=cluster.pk))
            cluster.version = (version or 0) + 1
        cluster._history_user = by  # type: ignore[attr-defined]
        cluster._change_reason = reason or ("created" if cluster.pk is None else "")  # type: ignore[attr-defined]
        cluster.save()
        cluster.members.set(members)
    return cluster

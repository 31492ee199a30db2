"""The thi đua part of a handover (registered with ``theodoi.units.handover``).

- **clusters** (cụm/khối thi đua) still in force in the effective day's year
  that count the ceased body among their members take the successor as a
  member too; the old body stays a member for the years it competed in.
- **proposals** for commendation of the ceased body in an emulation year
  still open (its ranking a draft) pass to the successor; those of closed
  years stay: they commend the unit that earned the final rank.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from theodoi.units.handover import HandoverResult, register

from .models import Cluster, EmulationYear, Proposal


def thidua_step(result: HandoverResult) -> None:
    old, new, year = result.predecessor, result.successor, result.effective.year

    clusters = Cluster.objects.filter(members=old)
    moved = []
    running = clusters.filter(Q(year_to__isnull=True) | Q(year_to__gte=year))
    for cluster in running.exclude(members=new).order_by("pk"):
        result.save(cluster)
        cluster.members.add(new)
        moved.append(cluster.pk)
    result.move("thidua_clusters", moved)
    result.keep(
        "thidua_clusters",
        clusters.count() - len(moved),
        _(
            "The old body stays a member of its clusters for the years it competed in; the "
            "successor joins the clusters still in force."
        ),
    )

    proposals = Proposal.objects.filter(unit=old)
    moved = []
    for proposal in proposals.filter(emulation_year__state=EmulationYear.State.OPEN).order_by("pk"):
        proposal.unit = new
        proposal.name = new.name
        result.save(proposal)
        moved.append(proposal.pk)
    result.move("proposals", moved)
    result.keep(
        "proposals",
        proposals.count(),
        _(
            "Proposals of closed emulation years stay: they commend the unit that earned the "
            "final rank."
        ),
    )


register(
    "thidua",
    thidua_step,
    kinds={
        "thidua_clusters": gettext_lazy("emulation clusters in force (the successor joins)"),
        "proposals": gettext_lazy("commendation proposals of open years"),
    },
    order=100,
)

"""The tuyên vận part of a handover (registered with ``theodoi.units.handover``).

- **scoring chains** naming the ceased body as the scoring or consolidating
  body and still in force on the effective day: the months from that day are
  scored and accepted by the successor. A chain that began before is ended
  the day before and continued from the effective day with the successor
  (the months before keep the old body); one that begins on or after that
  day names the successor.
- **clusters of communes** still in force on the effective day that hold a
  ceased commune take its successor too; the old commune stays in them for
  its own months.
- A commune's months, score sheets, results and **appeals** stay its own:
  an open appeal is answered by whoever scores that month under the chain in
  force for it. Submissions sent to the body stay addressed to it.
"""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from theodoi.units.handover import HandoverResult, register

from .models import Appeal, CommuneCluster, ScoringChain, Submission


def _with_successor(chain: ScoringChain, result: HandoverResult) -> None:
    if chain.scorer_id == result.predecessor.pk:
        chain.scorer = result.successor
    if chain.consolidator_id == result.predecessor.pk:
        chain.consolidator = result.successor


def tuyenvan_step(result: HandoverResult) -> None:
    old, day = result.predecessor, result.effective

    named = ScoringChain.objects.filter(Q(scorer=old) | Q(consolidator=old))
    running = named.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
    moved = []
    for chain in running.order_by("valid_from", "pk"):
        if chain.valid_from >= day:
            _with_successor(chain, result)
            result.save(chain)
            moved.append(chain.pk)
            continue
        following = ScoringChain(
            province=chain.province,
            valid_from=day,
            valid_to=chain.valid_to,
            level=chain.level,
            scorer=chain.scorer,
            consolidator=chain.consolidator,
            basis=chain.basis,
        )
        chain.valid_to = day - timedelta(days=1)
        result.save(chain)
        _with_successor(following, result)
        result.save(following)
        # The chain's own id (the continuation's is new: a preview could not name it).
        moved.append(chain.pk)
    result.move("scoring_chains", moved)
    result.keep(
        "scoring_chains",
        named.exclude(pk__in=moved).filter(valid_to__lt=day).count(),
        _(
            "The months before the effective day stay scored and accepted under the chain that "
            "named the old body."
        ),
    )

    clusters = CommuneCluster.objects.filter(communes=old)
    moved = []
    in_force = clusters.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
    for cluster in in_force.exclude(communes=result.successor).order_by("pk"):
        result.save(cluster)
        cluster.communes.add(result.successor)
        moved.append(cluster.pk)
    result.move("tuyenvan_clusters", moved)
    result.keep(
        "tuyenvan_clusters",
        clusters.count() - len(moved),
        _(
            "The old commune stays in its clusters for its own months; the successor joins the "
            "clusters still in force."
        ),
    )

    result.keep(
        "appeals",
        Appeal.objects.filter(commune=old, answered_at__isnull=True).count(),
        _(
            "A commune's months and open appeals stay its own: they are answered by whoever scores "
            "that month under the chain in force for it."
        ),
    )
    result.keep(
        "submissions",
        Submission.objects.filter(recipient=old, opened_at__isnull=True).count(),
        _(
            "Submissions not opened yet stay addressed to the old body; the successor's staff read "
            "them as its history."
        ),
    )


register(
    "tuyenvan",
    tuyenvan_step,
    kinds={
        "scoring_chains": gettext_lazy("scoring chains from the effective day"),
        "tuyenvan_clusters": gettext_lazy("clusters of communes in force (the successor joins)"),
        "appeals": gettext_lazy("open appeals"),
        "submissions": gettext_lazy("unopened submissions"),
    },
    order=80,
)

"""What the screens call the scorer and the approval, by the chain in force.

In 2018 a district scores its communes ("Huyện chấm", the district approves,
appeals go to the district); after 1/7/2025 Lào Cai has no district tier and
the province's ban scores communes by cluster ("Cụm chấm", "Cán bộ chấm điểm
(cụm xã)", the ban approves). Pages, homes and messages ask this module for
their phrases with the commune (or province) and the month shown, so a 2018
month keeps its wording and a 2026 month reads as the structure of its day.

Every phrase goes through gettext (Vietnamese first, English complete).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

DISTRICT = "district"
CLUSTER = "cluster"


@dataclass(frozen=True)
class Wording:
    """The phrases of one chain (``district`` or ``cluster``)."""

    chain: str

    @property
    def by_cluster(self) -> bool:
        return self.chain == CLUSTER

    def _pick(self, district: Any, cluster: Any) -> Any:
        return cluster if self.by_cluster else district

    # Who scores ---------------------------------------------------------
    @property
    def scorer(self) -> Any:
        """The score source's short name: "Huyện chấm" / "Cụm chấm"."""
        return self._pick(
            pgettext_lazy("score source", "District scorer"),
            pgettext_lazy("score source", "Cluster scorer"),
        )

    @property
    def scorer_role(self) -> Any:
        """The scorer's role: "Cán bộ chấm điểm cấp huyện" / "Cán bộ chấm điểm (cụm xã)"."""
        from theodoi.units.models import CLUSTER_SCORER_LABEL

        return self._pick(_("District scorer"), CLUSTER_SCORER_LABEL)

    @property
    def scoring(self) -> Any:
        """The button to the scorer's sheet: "Huyện chấm điểm" / "Ban chấm điểm"."""
        return self._pick(_("District's scoring"), _("The ban's scoring (cluster)"))

    @property
    def scorer_body(self) -> Any:
        """Who the commune deals with, in a sentence: "the district" / "the ban (cluster)"."""
        return self._pick(_("the district"), _("the ban's cluster scorers"))

    @property
    def awaiting_sheet(self) -> Any:
        return self._pick(
            _("Awaiting the district's sheet"), _("Awaiting the cluster scorer's sheet")
        )

    @property
    def window_opens(self) -> Any:
        return self._pick(
            _("Opens when the district submits its sheet."),
            _("Opens when the cluster's scorer submits the sheet."),
        )

    @property
    def rule(self) -> Any:
        """The explanation page's rule; ``%(t)s`` is the threshold."""
        return self._pick(
            _(
                "The district's score stands; sources more than %(t)s points apart are "
                "flagged and must be confirmed or corrected with a reason; system criteria "
                "come from the records."
            ),
            _(
                "The cluster scorer's score stands; sources more than %(t)s points apart are "
                "flagged and must be confirmed or corrected with a reason; system criteria "
                "come from the records."
            ),
        )

    @property
    def answer(self) -> Any:
        return self._pick(_("District's answer"), _("The scorer's answer"))

    # Appeals and approval ------------------------------------------------
    @property
    def explanation_sent(self) -> Any:
        return self._pick(
            _("The explanation is sent to the district."),
            _("The explanation is sent to the cluster's scorers."),
        )

    @property
    def approve(self) -> Any:
        """Level 1's button: "Huyện duyệt tháng" / "Ban duyệt tháng (cụm xã)"."""
        return self._pick(
            _("District approves the month"), _("The ban approves the month (cluster)")
        )

    @property
    def approved(self) -> Any:
        """The status of a month approved at level 1."""
        return self._pick(_("Approved by the district"), _("Approved by the cluster's scorers"))

    @property
    def take_back_confirm(self) -> Any:
        return self._pick(
            _("Take back the approval? The month returns to the district."),
            _("Take back the approval? The month returns to the cluster's scorers."),
        )

    @property
    def taken_back(self) -> Any:
        return self._pick(
            _("The approval is taken back: the month is with the district again."),
            _("The approval is taken back: the month is with the cluster's scorers again."),
        )

    @property
    def not_submitted(self) -> Any:
        return self._pick(
            _("the district's sheet is not submitted"),
            _("the cluster scorer's sheet is not submitted"),
        )

    @property
    def submit_first(self) -> Any:
        return self._pick(
            _("Submit the district's sheet first."), _("Submit the cluster scorer's sheet first.")
        )

    @property
    def read_scores(self) -> Any:
        """The commune's home; ``%(month)s``."""
        return self._pick(
            _("Read the district's scores of %(month)s; explain or appeal"),
            _("Read the cluster scorer's scores of %(month)s; explain or appeal"),
        )

    @property
    def report_to(self) -> Any:
        """The monthly report's kind as a commune sends it."""
        return self._pick(
            _("Monthly report (to the district)"), _("Monthly report (to the province)")
        )

    @property
    def documents_to(self) -> Any:
        """The related documents' kind as a commune sends them."""
        return self._pick(
            _("Related documents (to BTG)"),
            _("Related documents (to the Ban Tuyên giáo và Dân vận)"),
        )

    @property
    def accepted(self) -> Any:
        """The status of a month accepted at level 2."""
        return self._pick(_("Accepted by BTG"), _("Accepted by the Ban Tuyên giáo và Dân vận"))

    # What a commune is told (``%(month)s``, ``%(commune)s``, ``%(reason)s``, ``%(day)s``)
    @property
    def told_approved(self) -> Any:
        return self._pick(
            _("The district approved the tuyên vận month %(month)s of %(commune)s."),
            _("The cluster's scorers approved the tuyên vận month %(month)s of %(commune)s."),
        )

    @property
    def told_returned(self) -> Any:
        return self._pick(
            _("The district took back its approval of %(month)s (%(commune)s): %(reason)s"),
            _(
                "The cluster's scorers took back their approval of %(month)s "
                "(%(commune)s): %(reason)s"
            ),
        )

    @property
    def told_accepted(self) -> Any:
        return self._pick(
            _("BTG accepted the tuyên vận month %(month)s of %(commune)s."),
            _(
                "The Ban Tuyên giáo và Dân vận accepted the tuyên vận month %(month)s "
                "of %(commune)s."
            ),
        )

    @property
    def told_scored(self) -> Any:
        return self._pick(
            _("The district scored your month %(month)s: explanations are open until %(day)s."),
            _(
                "The cluster's scorer scored your month %(month)s: explanations are open "
                "until %(day)s."
            ),
        )

    def status_label(self, status: str, default: Any = "") -> Any:
        """A ``MonthlyResult`` status in this chain's words."""
        from .models import MonthlyResult

        if status == MonthlyResult.Status.APPROVED:
            return self.approved
        if status == MonthlyResult.Status.ACCEPTED:
            return self.accepted
        return MonthlyResult.Status(status).label if status else default

    def source_label(self, code: str) -> Any:
        """A score sheet's source in this chain's words."""
        return {
            "self": _("Commune self-assessment"),
            "district": self.scorer,
            "official": _("Attending official"),
            "system": _("System"),
        }.get(str(code), str(code))


BY_DISTRICT = Wording(DISTRICT)
BY_CLUSTER = Wording(CLUSTER)


def for_level(level: str | None) -> Wording:
    """The wording of a chain level (``None``: no chain recorded, the district's)."""
    return BY_CLUSTER if level == CLUSTER else BY_DISTRICT


def wording_for(unit: Any, month: date, user: Any = None) -> Wording:
    """The wording of the chain in force for ``unit``'s province on ``month``.

    ``unit`` is a unit or its id (a commune, a district, a province). With
    ``user`` the chains cached on the user object are used (no query past the
    first); without, two small queries.
    """
    unit_id = unit if isinstance(unit, int) else unit.pk
    month = month.replace(day=1)
    if user is not None:
        from theodoi.permissions.tuyenvan import chain_for

        chain = chain_for(user, unit_id, month)
        return for_level(chain.level if chain else None)
    from theodoi.units.models import ancestor_ids

    from .models import ScoringChain

    chain = (
        ScoringChain.objects.filter(province_id__in=ancestor_ids([unit_id]), valid_from__lte=month)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=month))
        .order_by("-valid_from")
        .values_list("level", flat=True)
        .first()
    )
    return for_level(chain)

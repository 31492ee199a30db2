"""Notifications for change proposals: the consulted units when asked, the coordinators
when a proposal awaits their decision. The proposer hears of the decision from the home
app's notifications on workflow moves (in the app and by e-mail, as it chose), not here."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from theodoi.plans.models import ChangeProposal
from theodoi.plans.proposals import proposal_event
from theodoi.units.models import Membership

from .models import Notification

SPEAKERS = (
    Membership.Role.COORDINATOR,
    Membership.Role.AGENCY_REPORTER,
    Membership.Role.COMMUNE_REPORTER,
    Membership.Role.DISTRICT_SCORER,
)


def _members(unit_ids: list[int], roles: tuple[str, ...] = SPEAKERS) -> list[int]:
    return list(
        Membership.objects.filter(unit_id__in=unit_ids, role__in=roles, user__is_active=True)
        .values_list("user_id", flat=True)
        .distinct()
    )


def notify_proposal(sender: Any, proposal: ChangeProposal, event: str, **kwargs: Any) -> None:
    url = proposal.get_absolute_url()
    title = str(proposal)[:300]
    if event == "asked":
        units = [c.unit_id for c in proposal.consultations.all()]
        users = _members(units)
        text = _("Your unit's opinion is asked on a change proposal: %(title)s") % {"title": title}
        if not units:
            event = "consulted"
    if event == "consulted":
        users = _members([proposal.plan.owner_id], (Membership.Role.COORDINATOR,))
        text = _("A change proposal awaits your decision: %(title)s") % {"title": title}
    if event not in ("asked", "consulted"):
        return
    Notification.objects.bulk_create(
        [Notification(user_id=pk, text=text[:500], url=url) for pk in dict.fromkeys(users)]
    )


proposal_event.connect(notify_proposal, sender=ChangeProposal, dispatch_uid="proposal_notices")

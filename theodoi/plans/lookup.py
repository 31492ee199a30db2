"""Finding a plan from what an administrator types on the command line."""

from __future__ import annotations

from django.core.management.base import CommandError

from .models import Plan


def plan_for_command(reference: str) -> Plan:
    """The plan with this id or document number, or a CommandError that says why not."""
    plans = list(Plan.objects.by_reference(reference).select_related("issuer")[:10])
    if not plans:
        raise CommandError(f"No plan {reference!r}.")
    if len(plans) > 1:
        choices = ", ".join(f"{p.pk} ({p.issuer.name})" for p in plans)
        raise CommandError(
            f"Several plans are numbered {reference!r}, one per issuing body: "
            f"give the id instead: {choices}."
        )
    return plans[0]

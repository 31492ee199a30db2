"""`theodoi hand-over`: hand a ceased body's open work to its successor."""

from __future__ import annotations

from argparse import ArgumentParser
from datetime import date
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from theodoi.units.handover import HandoverError, hand_over
from theodoi.units.models import Unit


def _unit(ref: str) -> Unit:
    found = Unit.objects.filter(key=ref).first()
    if found is None and ref.isdigit():
        found = Unit.objects.filter(pk=int(ref)).first()
    if found is None:
        raise CommandError(f"No unit with the key or id {ref!r}.")
    return found


class Command(BaseCommand):
    help = (
        "Hand a ceased body's open work to the body that succeeded it (recorded as a lineage "
        "link), e.g. the Ban Tuyên giáo to the Ban Tuyên giáo và Dân vận: its memberships, the "
        "plans it coordinates that still run, its open assignments in them and its unsent "
        "reports of periods ending on or after the effective day. Closed work stays its own. "
        "Units by key or id. --dry-run says what would move."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("predecessor", help="The ceased body (key or id).")
        parser.add_argument("successor", help="The body that succeeded it (key or id).")
        parser.add_argument("--reason", required=True, help="Why (recorded in history).")
        parser.add_argument("--by", help="Username of the administrator recorded as acting.")
        parser.add_argument(
            "--effective", type=date.fromisoformat, help="YYYY-MM-DD (default: the link's date)."
        )
        parser.add_argument("--dry-run", action="store_true", help="Save nothing.")

    def handle(self, *args: Any, **options: Any) -> None:
        by = None
        if options["by"]:
            by = get_user_model().objects.filter(username=options["by"]).first()
            if by is None:
                raise CommandError(f"No account {options['by']!r}.")
        try:
            result = hand_over(
                _unit(options["predecessor"]),
                _unit(options["successor"]),
                reason=options["reason"],
                by=by,
                effective=options["effective"],
                dry_run=options["dry_run"],
            )
        except HandoverError as error:
            raise CommandError(str(error)) from None
        verb = "Would hand over" if options["dry_run"] else "Handed over"
        self.stdout.write(
            self.style.SUCCESS(f"{verb} {result.predecessor} → {result.successor}: {result}.")
        )

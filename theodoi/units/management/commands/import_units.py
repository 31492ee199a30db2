"""`theodoi import-units`: load official administrative units, idempotently."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from theodoi.units import imports


class Command(BaseCommand):
    help = (
        "Load the provinces and communes after the July 2025 reform (34 provinces, "
        "3,321 communes) from the vietnam-provinces package, keyed vn2025:<code>. "
        "With --laocai-2018, load instead the 2018 Lào Cai tree (Tỉnh ủy, the city and "
        "8 district committees, their communes) from the data file shipped with theodoi, "
        "keyed lc2018:<code>. Running again changes only what the source changed. When "
        "both trees are present, the province-level lineage link (Lào Cai 2018 merged "
        "into Lào Cai 2025, Nghị quyết 202/2025/QH15) is recorded. With --lineage, link "
        "the 2018 Lào Cai communes to the 2025 communes they became, by name, from the "
        "mapping shipped with theodoi (vietnam-address-converter 1.0.5); rows that match "
        "no unit, or several, are listed and never guessed."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--laocai-2018",
            action="store_true",
            help="Load the 2018 Lào Cai tree instead of the national 2025 list.",
        )
        parser.add_argument(
            "--lineage",
            action="store_true",
            help="Link the 2018 Lào Cai communes to their 2025 successors (both trees loaded).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["lineage"]:
            try:
                lineage = imports.import_laocai_lineage()
            except ValueError as error:
                raise CommandError(str(error)) from None
            self.stdout.write(self.style.SUCCESS(f"Lào Cai communes: {lineage}."))
            for line in lineage.unmatched:
                self.stdout.write(f"  not matched: {line}")
            return
        if options["laocai_2018"]:
            result = imports.import_laocai_2018()
            what = "Lào Cai 2018"
        else:
            result = imports.import_vn2025()
            what = "Vietnam 2025"
        self.stdout.write(self.style.SUCCESS(f"{what}: {result}."))

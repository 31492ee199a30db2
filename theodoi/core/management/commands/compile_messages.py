"""Compile every .po catalog under theodoi/ into .mo, without GNU gettext.

Django's compilemessages needs the msgfmt program, which a fresh machine with
only Python may lack; Babel does the same job in Python.
"""

from pathlib import Path
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from django.core.management.base import BaseCommand

ROOT = Path(__file__).resolve().parents[3]


class Command(BaseCommand):
    help = "Compile the translation catalogs (.po) into .mo files."

    def handle(self, *args: Any, **options: Any) -> None:
        count = 0
        for po_path in sorted(ROOT.glob("**/locale/*/LC_MESSAGES/*.po")):
            with po_path.open("rb") as po_file:
                catalog = read_po(po_file)
            with po_path.with_suffix(".mo").open("wb") as mo_file:
                write_mo(mo_file, catalog)
            count += 1
        self.stdout.write(f"compiled {count} catalogs")

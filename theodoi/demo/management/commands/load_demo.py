"""`load_demo` (run by `theodoi demo`): load the 2018 Lào Cai demo and print its accounts."""

from __future__ import annotations

import time
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from theodoi.demo import loader


class Command(BaseCommand):
    help = (
        "Load the demo (Đề án 17-ĐA/TU, Kế hoạch 112-KH/TU of Lào Cai, 2018) and print "
        "its accounts and password. Runs only with THEODOI_DEMO=True, and only into an "
        "empty database or one the demo made itself; re-running reloads the demo cleanly "
        "(all rows deleted and built again, same password) unless --keep is given."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--keep",
            action="store_true",
            help="If the demo is already loaded, keep its data and only print the accounts.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        try:
            ctx, loaded = loader.load(self.stdout, keep=options["keep"])
        except loader.DemoRefused as refused:
            raise CommandError(str(refused)) from None
        if loaded:
            self.stdout.write(
                self.style.SUCCESS(f"Demo loaded in {time.monotonic() - started:.1f} s.")
            )
        else:
            self.stdout.write("Demo already loaded; kept as it is (--keep).")
        loader.print_accounts(ctx)

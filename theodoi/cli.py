"""The `theodoi` command: manage.py with the names a user expects.

    theodoi serve            serve on 127.0.0.1:$PORT (default 8000) with gunicorn
    theodoi migrate          create or update the database
    theodoi demo             migrate, load the demo, print its accounts, serve
                             (the demo's today is THEODOI_TODAY, default 2018-07-15)
    theodoi createsuperuser  create an administrator account
    theodoi import-units     load provinces and communes from vietnam-provinces
    theodoi import-plan      load a plan's task table from XLSX (all or nothing)
    theodoi export-plan      write a plan's task table to XLSX

Any other subcommand is passed to Django's manage.py (`theodoi check`, ...).
"""

from __future__ import annotations

import os
import sys

DEMO_TODAY = "2018-07-15"


def _django(argv: list[str]) -> None:
    from django.core.management import execute_from_command_line

    execute_from_command_line(["theodoi", *argv])


def _serve(argv: list[str]) -> None:
    import django
    from django.core.management import call_command

    django.setup()
    call_command("collectstatic", interactive=False, verbosity=0)
    port = os.getenv("PORT", "8000")
    workers = os.getenv("WEB_CONCURRENCY", "2")
    os.execvp(  # noqa: S606 - replaces this process with the WSGI server.
        sys.executable,
        [
            sys.executable,
            "-m",
            "gunicorn",
            "theodoi.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            workers,
            "--access-logfile",
            "-",
            *argv,
        ],
    )


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "theodoi.settings")
    if not argv or argv[0] in ("-h", "--help", "help"):
        print(__doc__)
        return
    command, rest = argv[0], argv[1:]
    if command == "serve":
        _serve(rest)
    elif command == "demo":
        os.environ["THEODOI_DEMO"] = "True"
        # The demo's data is the 2018 plan: set the domain clock to mid-2018 so
        # it reads as current (the served process inherits the environment).
        os.environ.setdefault("THEODOI_TODAY", DEMO_TODAY)
        _django(["migrate", "--no-input", "-v", "0"])
        _django(["load_demo", *[arg for arg in rest if arg != "--no-serve"]])
        if "--no-serve" not in rest:
            _serve([])
    else:
        _django([command.replace("-", "_"), *rest])


if __name__ == "__main__":
    main()

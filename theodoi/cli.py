"""The `theodoi` command: manage.py with the names a user expects.

    theodoi serve            serve on 127.0.0.1:$PORT (default 8000) with gunicorn and a
                             background worker (--no-worker to run workers elsewhere)
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
    """Serve with gunicorn and, unless ``--no-worker``, one background worker.

    The worker runs the database task queue (large exports, reminders); on
    several app servers run it where you like with ``theodoi db_worker``.
    """
    import subprocess

    import django
    from django.core.management import call_command

    django.setup()
    call_command("collectstatic", interactive=False, verbosity=0)
    port = os.getenv("PORT", "8000")
    workers = os.getenv("WEB_CONCURRENCY", "2")
    with_worker = "--no-worker" not in argv
    argv = [arg for arg in argv if arg != "--no-worker"]
    worker = (
        subprocess.Popen([sys.executable, "-m", "theodoi.cli", "db_worker", "--no-reload"])
        if with_worker
        else None
    )
    try:
        subprocess.run(  # noqa: S603 - our own interpreter and arguments.
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
            check=False,
        )
    except KeyboardInterrupt:
        pass
    finally:
        if worker is not None:
            worker.terminate()
            worker.wait(timeout=10)


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

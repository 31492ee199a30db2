"""The `theodoi` command: manage.py with the names a user expects.

    theodoi serve            serve on 127.0.0.1:$PORT (default 8000) with gunicorn and a
                             background worker (--no-worker to run workers elsewhere)
    theodoi migrate          create or update the database
    theodoi demo             migrate, load the demo, print its accounts, serve
                             (the demo's today is THEODOI_TODAY, default 2018-07-15;
                             --era 2026: the new Lào Cai, today 16/03/2026)
    theodoi createsuperuser  create an administrator account
    theodoi import-units     load provinces and communes from vietnam-provinces
    theodoi hand-over        hand a ceased body's open work to its successor (with a reason)
    theodoi import-plan      load a plan's task table from XLSX (all or nothing)
    theodoi export-plan      write a plan's task table to XLSX

Any other subcommand is passed to Django's manage.py (`theodoi check`, ...).
"""

from __future__ import annotations

import os
import subprocess
import sys
from typing import NoReturn

DEMO_TODAY = "2018-07-15"
# The demo's eras and their today: the 2018 plan, and the new Lào Cai in 2026.
ERA_TODAY = {"2018": DEMO_TODAY, "2026": "2026-03-16"}


def _django(argv: list[str]) -> None:
    from django.core.management import execute_from_command_line

    execute_from_command_line(["theodoi", *argv])


# How long gunicorn's workers get to finish their requests when it is stopped.
STOP_TIMEOUT = 10.0


def _serve(argv: list[str]) -> NoReturn:
    """Serve with gunicorn and, unless ``--no-worker``, the database-queue worker.

    gunicorn runs with ``theodoi.gunicorn_conf``: ``WEB_CONCURRENCY`` processes
    (default 2) of ``WEB_THREADS`` threads (default 4), the app preloaded in the
    master and shared with them. The queue worker (large exports, reminders) is
    forked from that master, sharing the loaded app; on several app servers run
    it where you like with ``theodoi db_worker`` and ``--no-worker`` here.
    collectstatic runs in a child first; then this process becomes gunicorn's
    master (it execs it): no supervisor stays beside it, holding ~6 MB, or with
    ``theodoi demo`` all of Django. SIGTERM stops the server gracefully, SIGINT
    (Ctrl-C) at once, SIGHUP like SIGTERM (``gunicorn_conf.on_starting``); the
    workers and the queue worker stop with the master. Returns only when
    collectstatic failed, with its exit code.
    """
    # begin perf
    collected = subprocess.run(
        [sys.executable, "-m", "theodoi.cli", "collectstatic", "--no-input", "-v", "0"]
    )
    if collected.returncode:
        sys.exit(collected.returncode)
    port = os.getenv("PORT", "8000")
    workers = os.getenv("WEB_CONCURRENCY", "2")
    with_worker = "--no-worker" not in argv
    argv = [arg for arg in argv if arg != "--no-worker"]
    if with_worker:
        os.environ["THEODOI_QUEUE_WORKER"] = "fork"
    else:
        os.environ.pop("THEODOI_QUEUE_WORKER", None)
    # glibc gives each of the workers' threads a malloc arena of its own, which
    # keeps what it once held: two are enough for threads that mostly wait on
    # the GIL or the database (read by glibc when gunicorn starts).
    os.environ.setdefault("MALLOC_ARENA_MAX", "2")
    # end perf
    args = [
        sys.executable,
        "-m",
        "gunicorn",
        "theodoi.wsgi",
        "--config",
        "python:theodoi.gunicorn_conf",  # perf
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        workers,
        "--graceful-timeout",
        str(int(STOP_TIMEOUT) - 2),
        "--access-logfile",
        "-",
        *argv,
    ]
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(sys.executable, args)  # noqa: S606 - our own interpreter and arguments


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
        # begin era 2026: `theodoi demo --era 2026` looks at the new Lào Cai (2026)
        if "--era" in rest:
            at = rest.index("--era")
            era = rest[at + 1] if at + 1 < len(rest) else ""
            if era not in ERA_TODAY:
                sys.exit(f"--era: one of {', '.join(ERA_TODAY)}")
            os.environ["THEODOI_TODAY"] = ERA_TODAY[era]
            rest = rest[:at] + rest[at + 2 :]
        # end era 2026
        _django(["migrate", "--no-input", "-v", "0"])
        _django(["load_demo", *[arg for arg in rest if arg != "--no-serve"]])
        if "--no-serve" not in rest:
            _serve([])
    else:
        _django([command.replace("-", "_"), *rest])


if __name__ == "__main__":
    main()

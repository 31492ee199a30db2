"""The environment every bench script runs in: a dedicated database, a fixed today.

Import and call ``configure()`` before anything touches Django. The bench never
uses the ``test`` database nor the default SQLite file: it works on
``theodoi_bench`` on the local PostgreSQL (``BENCH_DATABASE_URL`` overrides it)
or on a SQLite file under ``bench/out/``.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlparse

BENCH_DIR = Path(__file__).resolve().parent
OUT_DIR = BENCH_DIR / "out"
PG_URL = os.getenv("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/theodoi_bench")
SQLITE_PATH = OUT_DIR / "bench.sqlite3"
SQLITE_URL = f"sqlite:///{SQLITE_PATH}"
# A copy in rollback-journal mode, opened with Django's SQLite defaults (no WAL,
# deferred transactions, 5 s timeout): the control for theodoi's settings.
SQLITE_DEFAULTS_PATH = OUT_DIR / "bench-defaults.sqlite3"
SQLITE_DEFAULTS_URL = f"sqlite:///{SQLITE_DEFAULTS_PATH}"
# The generated plan is for 2018; "today" sits in the middle of it so that some
# work items are done, some in progress and some overdue.
TODAY = "2018-07-15"
PASSWORD = "bench-password-123"  # only ever set on the bench databases


def engine_url(engine: str) -> str:
    if engine == "postgres":
        return PG_URL
    if engine == "sqlite":
        return SQLITE_URL
    if engine == "sqlite-defaults":
        return SQLITE_DEFAULTS_URL
    raise ValueError(f"unknown engine {engine!r}: use postgres or sqlite")


def configure(database_url: str, *, sqlite_defaults: bool = False) -> None:
    """Point Django at ``database_url`` and set it up.

    ``sqlite_defaults`` drops theodoi's SQLite options (WAL, IMMEDIATE
    transactions, 20 s timeout) so Django's defaults apply.
    """
    name = urlparse(database_url).path.lstrip("/")
    if database_url.startswith("postgres") and name in ("test", "postgres", ""):
        raise SystemExit(f"refusing to benchmark on database {name!r}: use theodoi_bench")
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("THEODOI_DATA", str(OUT_DIR / "data"))
    os.environ["THEODOI_TODAY"] = TODAY
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "theodoi.settings")
    # Keep persistent connections like a production WSGI worker would.
    os.environ.setdefault("DB_CONN_MAX_AGE", "60")

    import django

    django.setup()
    if sqlite_defaults:
        from django.db import connections

        connections["default"].settings_dict["OPTIONS"] = {}

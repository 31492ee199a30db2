"""The unit tree's recursive walks (``theodoi.units.models``) at national scale, on both engines.

    python -m bench.walks --engine postgres --runs 300
    python -m bench.walks --engine sqlite --runs 300 [--analyze]

PostgreSQL: the bench database (``BENCH_DATABASE_URL``; it must hold the reform
bench's lineage, ``python -m bench.run --only reform`` makes it). SQLite: a file
``bench/out/walks[-analyzed].sqlite3`` made once from it: the units, their lineage
and the plans' issuers (a table ``walk_rows``), the tables created from the models
(the same indexes); ``--analyze`` runs SQLite's ANALYZE on it (statistics change
SQLite's plans: a filter on the table looked up at each step of a walk made it
build a Bloom filter over the whole table). Prints each walk's median over
``--runs`` interleaved rounds, from the largest province (Hồ Chí Minh).
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import time
from collections.abc import Callable
from typing import Any

from bench import env


def make_sqlite(path: os.PathLike[str], analyze: bool) -> None:
    """The SQLite copy of the bench database's units, lineage and plans' issuers."""
    import psycopg
    from django.db import connection

    from theodoi.units.models import Unit, UnitLineage

    with connection.schema_editor() as editor:
        editor.create_model(Unit)
        editor.create_model(UnitLineage)
    connection.close()
    columns = [f.column for f in Unit._meta.concrete_fields]
    link_columns = [f.column for f in UnitLineage._meta.concrete_fields]
    with psycopg.connect(env.PG_URL.replace("postgres://", "postgresql://", 1)) as pg:
        units = pg.execute(f"SELECT {', '.join(columns)} FROM units_unit").fetchall()  # noqa: S608
        links = pg.execute(
            f"SELECT {', '.join(link_columns)} FROM units_unitlineage"  # noqa: S608
        ).fetchall()
        plans = pg.execute("SELECT id, issuer_id FROM plans_plan").fetchall()

    def plain(rows: list[Any]) -> list[tuple[Any, ...]]:
        return [tuple(str(v) if hasattr(v, "isoformat") else v for v in row) for row in rows]

    db = sqlite3.connect(path)
    for table, names, rows in (
        ("units_unit", columns, units),
        ("units_unitlineage", link_columns, links),
    ):
        db.executemany(
            f"INSERT INTO {table} ({', '.join(names)})"  # noqa: S608 - our own names
            f" VALUES ({', '.join('?' * len(names))})",
            plain(rows),
        )
    db.execute("CREATE TABLE walk_rows (id integer PRIMARY KEY, issuer_id integer)")
    db.executemany("INSERT INTO walk_rows VALUES (?, ?)", plans)
    db.commit()
    if analyze:
        db.execute("ANALYZE")
    db.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--engine", choices=["postgres", "sqlite"], default="postgres")
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--analyze", action="store_true", help="sqlite: with ANALYZE's statistics")
    args = parser.parse_args()
    if args.engine == "sqlite":
        path = env.OUT_DIR / ("walks-analyzed.sqlite3" if args.analyze else "walks.sqlite3")
        fresh = not path.exists()
        env.configure(f"sqlite:///{path}")
        if fresh:
            make_sqlite(path, args.analyze)
        table = "walk_rows"
    else:
        env.configure(env.PG_URL)
        table = "plans_plan"
    from django.db import connection

    from bench.bench_plans import province_codes
    from theodoi.units import models
    from theodoi.units.models import Unit

    province = Unit.objects.get(key=f"vn2025:{province_codes()[0]}")
    agency = Unit.objects.filter(parent=province, kind=Unit.Kind.PARTY_AGENCY).order_by("position")[
        0
    ]
    communes = list(
        Unit.objects.filter(parent=province, kind=Unit.Kind.COMMUNE)
        .order_by("pk")
        .values_list("pk", flat=True)[:3]
    )
    former = list(
        Unit.objects.filter(key__startswith="bench:old:", kind=Unit.Kind.COMMUNE)
        .order_by("pk")
        .values_list("pk", flat=True)[:2]
    )

    def rows() -> None:
        sql, params = models.rows_in_home_or_history_sql(
            table, "issuer_id", [province.pk], [agency.pk]
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            cursor.fetchall()

    calls: dict[str, Callable[[], Any]] = {
        "subtree_ids(province)": lambda: models.subtree_ids([province.pk]),
        "ancestor_ids(agency, 3 communes)": lambda: models.ancestor_ids([agency.pk, *communes]),
        "subtree_and_history_ids(province)": lambda: models.subtree_and_history_ids([province.pk]),
        "units_and_upward_ids(agency, 3 communes, 2 former)": lambda: models.units_and_upward_ids(
            [agency.pk, *communes, *former]
        ),
        f"rows_in_home_or_history_sql({table}), run": rows,
    }
    samples: dict[str, list[float]] = {name: [] for name in calls}
    for call in calls.values():
        call()
    for _round in range(args.runs):
        for name, call in calls.items():
            began = time.perf_counter()
            call()
            samples[name].append((time.perf_counter() - began) * 1000)
    stats = " with ANALYZE" if args.analyze else ""
    print(
        f"{args.engine}{stats}, {args.runs} rounds, load average {os.getloadavg()[0]:.1f}, "
        f"{province.name}"
    )
    for name, values in samples.items():
        print(f"  {name:55} median {statistics.median(values):7.3f} ms")


if __name__ == "__main__":
    main()

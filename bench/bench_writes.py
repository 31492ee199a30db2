"""Concurrent writes: several processes saving work items at once, on both engines.

Each engine gets ``--workers`` processes (default 4) started together, each
making ``--writes`` saves (default 50) with the version it has just read. Two
patterns:

- distinct: each process edits its own ten work items (no logical conflict; only
  the database's locking is tested);
- shared: every process edits the same four work items, so stale versions are
  expected and refused (409 / StaleVersion), and the writer re-reads and retries.

A failed write is one that never got saved: a 5xx, "database is locked", any
exception. Conflicts that were retried and then saved are not failures.
"""

from __future__ import annotations

import json
import os
import sqlite3
import statistics
import subprocess
import sys
from collections import Counter

from bench import env
from bench.core import Context, Report, benchmark, markdown_table, percentile


def prepare_sqlite() -> None:
    """A fresh SQLite file with two provinces of generated data, and its copy.

    The copy is switched back to SQLite's default rollback journal, for the
    control run with Django's default SQLite options.
    """
    subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.generate",
            "--engine",
            "sqlite",
            "--reset",
            "--provinces",
            "2",
        ],
        check=True,
        cwd=env.BENCH_DIR.parent,
        env={**os.environ, "DATABASE_URL": env.SQLITE_URL},
    )
    source = sqlite3.connect(env.SQLITE_PATH)
    env.SQLITE_DEFAULTS_PATH.unlink(missing_ok=True)
    copy = sqlite3.connect(env.SQLITE_DEFAULTS_PATH)
    source.backup(copy)
    source.close()
    copy.execute("PRAGMA journal_mode=DELETE")
    copy.close()


def run_workers(engine: str, mode: str, workers: int, writes: int, through: str) -> dict:
    procs = [
        subprocess.Popen(  # noqa: S603 - our own interpreter and module, fixed arguments
            [
                sys.executable,
                "-m",
                "bench.write_worker",
                f"--engine={engine}",
                f"--worker={k}",
                f"--workers={workers}",
                f"--writes={writes}",
                f"--mode={mode}",
                f"--through={through}",
            ],
            cwd=env.BENCH_DIR.parent,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for k in range(workers)
    ]
    # Every process imports Django and prepares, then all start at once.
    for proc in procs:
        line = proc.stdout.readline()
        if line.strip() != "ready":
            _out, err = proc.communicate(timeout=60)
            raise RuntimeError(f"write worker failed ({engine}, {mode}):\n{err[-3000:]}")
    for proc in procs:
        proc.stdin.write("go\n")
        proc.stdin.flush()
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=600)
        if proc.returncode != 0:
            raise RuntimeError(f"write worker failed ({engine}, {mode}):\n{err[-3000:]}")
        results.append(json.loads(out.strip().splitlines()[-1]))
    outcome: Counter[str] = Counter()
    latencies: list[float] = []
    for r in results:
        outcome.update(r["outcome"])
        latencies += r["latencies_ms"]
    began = min(r["began"] for r in results)
    ended = max(r["ended"] for r in results)
    # The share of the run during which every process was writing.
    together = max(0.0, min(r["ended"] for r in results) - max(r["began"] for r in results))
    ok = outcome.pop("ok", 0)
    conflicts = outcome.pop("conflicts", 0)
    failed = sum(outcome.values())
    return {
        "engine": engine,
        "mode": mode,
        "via": ", ".join(sorted({r["mode"] for r in results})),
        "attempted": workers * writes,
        "ok": ok,
        "failed": failed,
        "errors": dict(outcome),
        "conflicts": conflicts,
        "seconds": ended - began,
        "overlap": together / (ended - began) if ended > began else 0.0,
        "throughput": ok / (ended - began) if ended > began else 0.0,
        "median_ms": statistics.median(latencies),
        "p95_ms": percentile(latencies, 95),
    }


@benchmark("writes", "concurrent work-item saves on PostgreSQL and SQLite")
def bench_writes(ctx: Context) -> Report:
    workers = ctx.options.get("workers", 4)
    writes = ctx.options.get("writes", 50)
    prepare_sqlite()
    rows = []
    notes = []
    names = {
        "postgres": "PostgreSQL",
        "sqlite": "SQLite (theodoi settings)",
        "sqlite-defaults": "SQLite (Django defaults)",
    }
    for engine in names:
        for mode in ("distinct", "shared"):
            r = run_workers(engine, mode, workers, writes, ctx.options.get("through", "auto"))
            failed_pct = 100 * r["failed"] / r["attempted"]
            rows.append(
                [
                    names[engine],
                    mode,
                    r["via"],
                    f"{workers} × {writes}",
                    r["ok"],
                    f"{r['failed']} ({failed_pct:.0f}%)",
                    r["conflicts"],
                    f"{r['throughput']:.0f}",
                    f"{r['median_ms']:.1f}",
                    f"{r['p95_ms']:.1f}",
                    f"{100 * r['overlap']:.0f}%",
                ]
            )
            for error, count in r["errors"].items():
                notes.append(f"{engine}/{mode}: {count} × {error}")
    via = {part for row in rows for part in row[2].split(", ")}
    table = markdown_table(
        [
            "Engine",
            "Pattern",
            "Through",
            "Workers × writes",
            "Saved",
            "Failed",
            "Conflicts retried",
            "Writes/s",
            "Median ms",
            "p95 ms",
            "All writing",
        ],
        rows,
        "lllrrrrrrrr",
    )
    notes = [
        "distinct: each process edits its own 10 work items; shared: all processes edit "
        "the same 4 work items (stale versions are refused and retried, so they count as "
        "'conflicts retried', not failures).",
        "'All writing': the share of the run's wall time during which every process "
        "was writing at once (they start together after a ready/go handshake).",
        "Each write: read the work item with its assignments, then save a new title with "
        "the version read, in one transaction, with its history record.",
        "SQLite settings (theodoi/settings.py): journal_mode=WAL, synchronous=NORMAL, "
        "transaction_mode=IMMEDIATE, timeout=20 s; the file is bench/out/bench.sqlite3 "
        "(2 provinces of generated data). 'Django defaults' is a copy of that file in "
        "rollback-journal mode opened without those options (deferred transactions, 5 s "
        "timeout): the control showing what the settings do. PostgreSQL: theodoi_bench, "
        "default server settings.",
        *(
            [
                "'action' = theodoi.plans.actions.do_update_work_item, called in each process "
                "(when the API has no PATCH endpoint, or with --through action); "
                "'api' = the PATCH endpoint through the test Client with a bearer token."
            ]
            if "action" in via
            else []
        ),
        *notes,
    ]
    return Report("writes", "Concurrent writes", table, notes)

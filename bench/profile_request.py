"""Where one request's time goes: cProfile and the query log of a request through the test Client.

    python -m bench.profile_request --engine postgres                 # the 100-row work-item list
    python -m bench.profile_request --engine sqlite --path /api/v1/work-items/1 --top 30

Uses the HTTP benchmark's subject (bench/http_fixtures.py: the largest
province's coordinator, bearer token). Prints the median wall and CPU time of
``--runs`` requests, the queries of one request with their times, and the
profile's top functions by cumulative and by own time.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench import env


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--engine", choices=["postgres", "sqlite"], default="postgres")
    parser.add_argument("--path", help="default: the 100-row list of the busiest unit")
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--session", action="store_true", help="sign in with the cookie")
    parser.add_argument(
        "--cpu", action="store_true", help="profile CPU time (not wall: no waits on the database)"
    )
    parser.add_argument(
        "--create", action="store_true", help="POST /api/v1/work-items as the bench's create"
    )
    args = parser.parse_args()
    fixtures = json.loads(
        subprocess.run(  # noqa: S603 - our own interpreter and module
            [sys.executable, "-m", "bench.http_fixtures", f"--engine={args.engine}"],
            capture_output=True,
            text=True,
            check=True,
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    env.configure(env.engine_url(args.engine))
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    path = args.path or f"/api/v1/work-items?unit={fixtures['unit']}&page_size=100"
    client = Client(HTTP_HOST="127.0.0.1")
    headers = {}
    if args.session:
        client.cookies[fixtures["cookie_name"]] = fixtures["session"]
    else:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {fixtures['token']}"
    if args.create:
        from bench.bench_http import scenarios

        create = next(s for s in scenarios(fixtures) if s.method == "POST")
        path = create.path

        def send() -> Any:
            return client.post(path, create.body, content_type="application/json", **headers)
    else:

        def send() -> Any:
            return client.get(path, **headers)

    response = send()
    print(f"{path}: {response.status_code}, {len(response.content) / 1024:.1f} KB")
    walls, cpus = [], []
    backend = _backend_pid(connection)
    database_before = _cpu_seconds(backend)
    for _ in range(args.runs):
        w, c = time.perf_counter(), time.process_time()
        send()
        walls.append((time.perf_counter() - w) * 1000)
        cpus.append((time.process_time() - c) * 1000)
    print(f"median wall {statistics.median(walls):.1f} ms, CPU {statistics.median(cpus):.1f} ms")
    if backend:
        database = (_cpu_seconds(backend) - database_before) * 1000 / args.runs
        print(f"PostgreSQL's backend: {database:.1f} ms CPU per request (mean of {args.runs})")
    with CaptureQueriesContext(connection) as queries:
        send()
    total = sum(float(q["time"]) for q in queries.captured_queries) * 1000
    print(f"{len(queries)} queries, {total:.1f} ms of SQL")
    for q in queries.captured_queries:
        print(f"  {float(q['time']) * 1000:6.1f} ms  {q['sql'][:160]}")
    profile = cProfile.Profile(time.process_time) if args.cpu else cProfile.Profile()
    profile.enable()
    for _ in range(20):
        send()
    profile.disable()
    for order in ("cumulative", "tottime"):
        out = io.StringIO()
        pstats.Stats(profile, stream=out).sort_stats(order).print_stats(args.top)
        print(out.getvalue())


def _backend_pid(connection: Any) -> int | None:
    """The PostgreSQL server process serving ``connection`` (None on SQLite)."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return int(cursor.fetchone()[0])


def _cpu_seconds(pid: int | None) -> float:
    """User + system CPU time of process ``pid`` (same machine), in seconds."""
    if pid is None:
        return 0.0
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


if __name__ == "__main__":
    main()

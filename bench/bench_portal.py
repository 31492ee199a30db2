"""The portal under load: anonymous visitors on the seed's article and the home page,
on the app server as a user runs it (``theodoi serve``: gunicorn, the
database-queue worker beside it, the cache on), beside the bare-Django floor of
``bench/floor`` over the same database (issue 12).

    python -m bench.bench_portal [--data DIR] [--duration 15] [--rounds 3]
                                 [--connections 16] [--redis]

The data is the 2018 demo in SQLite: loaded into a fresh folder, or ``--data``,
a folder where ``theodoi demo`` already loaded it. The cache is the one the
server is configured with: each worker's local memory by default, or with
``--redis`` a private ``redis-server`` shared by the workers (``REDIS_URL``).
Both servers run ``WEB_CONCURRENCY`` workers (2 by default) with the same
gunicorn settings; wrk drives them over loopback. Rounds are interleaved (the
floor, then each page, once a round) so a busy moment of this shared machine
weighs on all alike; the median round is printed with the load average before
and after, and each page's requests per second over the floor's.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.bench_http import Scenario, _drive, _free_port, _median_round, _start, _stop

ROOT = Path(__file__).resolve().parents[1]

PAGES_CODE = """
import django; django.setup()
from theodoi.portal.demo import SEED_TITLE
from theodoi.portal.models import Article
from theodoi.units.models import Unit
from theodoi.plans.models import Assignment
print(Article.objects.get(title=SEED_TITLE).get_absolute_url())
print(Assignment.objects.values_list("unit_id", flat=True).order_by("unit_id").first())
"""


def _environ(data: Path, port: int, redis: str | None) -> dict[str, str]:
    environ = {
        **os.environ,
        "THEODOI_DATA": str(data),
        "DATABASE_URL": f"sqlite:///{data / 'theodoi.sqlite3'}",
        "PORT": str(port),
        "WEB_CONCURRENCY": os.getenv("WEB_CONCURRENCY", "2"),
        "DB_CONN_MAX_AGE": "60",
        "THEODOI_TODAY": "2018-07-15",
        "DEBUG": "False",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
    }
    environ.pop("DJANGO_SETTINGS_MODULE", None)
    environ.pop("REDIS_URL", None)
    if redis:
        environ["REDIS_URL"] = redis
    return environ


def _load_demo(data: Path) -> None:
    environ = _environ(data, 0, None)
    theodoi = str(Path(sys.executable).with_name("theodoi"))
    subprocess.run(  # noqa: S603 - our own command
        [theodoi, "demo", "--no-serve"], env=environ, cwd=ROOT, check=True, capture_output=True
    )


def _loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", help="a data folder with the demo already loaded")
    parser.add_argument("--duration", type=int, default=15)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--redis", action="store_true", help="a shared Redis cache")
    args = parser.parse_args(argv)
    data = Path(args.data) if args.data else Path(tempfile.mkdtemp(prefix="theodoi-portal-"))
    if not args.data:
        _load_demo(data)
    probe = _environ(data, 0, None)
    article, unit = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", PAGES_CODE],
        env={**probe, "DJANGO_SETTINGS_MODULE": "theodoi.settings"},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()[-2:]
    redis_proc, redis_url = None, None
    if args.redis:
        try:
            import redis  # noqa: F401 - Django's RedisCache needs the client library
        except ImportError:
            raise SystemExit("--redis needs the `redis` package in the environment") from None
        redis_port = _free_port()
        redis_proc = subprocess.Popen(  # noqa: S603 - a private, loopback-only redis
            [shutil.which("redis-server") or "redis-server", "--port", str(redis_port),
             "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            start_new_session=True,
        )  # fmt: skip
        redis_url = f"redis://127.0.0.1:{redis_port}/0"
        time.sleep(1)
    app_port, floor_port = _free_port(), _free_port()
    app = floor = None
    try:
        app = _start(
            [sys.executable, "-m", "theodoi.cli", "serve"],
            _environ(data, app_port, redis_url),
            app_port,
            "/healthz",
        )
        floor = _start(
            [
                sys.executable, "-m", "gunicorn", "bench.floor.wsgi",
                "--config", "python:theodoi.gunicorn_conf",
                "--bind", f"127.0.0.1:{floor_port}",
                "--workers", os.getenv("WEB_CONCURRENCY", "2"),
            ],
            _environ(data, floor_port, None),
            floor_port,
            "/floor/work-items",
        )  # fmt: skip
        floor_scenario = Scenario(
            "floor: bare Django view, 100 rows", f"/floor/work-items?unit={unit}", "none"
        )
        targets = [
            (floor_scenario, floor_port, floor.pid),
            (Scenario("seed article, anonymous", article, "none"), app_port, app.pid),
            (Scenario("home, anonymous", "/news/", "none"), app_port, app.pid),
            (Scenario("/ (home for a visitor)", "/", "none"), app_port, app.pid),
        ]
        for _scenario, port, _pid in targets:  # warm: workers loaded, lists cached
            for _ in range(5):
                _start_probe(f"http://127.0.0.1:{port}{_scenario.path}")
        before = _loadavg()
        measured: dict[str, list] = {s.name: [] for s, _p, _pid in targets}
        for _round in range(args.rounds):
            for scenario, port, pid in targets:
                url = f"http://127.0.0.1:{port}{scenario.path}"
                measured[scenario.name].append(
                    _drive(url, scenario, {}, args.duration, args.connections, pid)
                )
        after = _loadavg()
    finally:
        for proc in (app, floor):
            if proc is not None:
                _stop(proc)
        if redis_proc is not None:
            _stop(redis_proc)
    floor_best, _pss = _median_round(measured[floor_scenario.name])
    cache = "Redis (shared)" if args.redis else "local memory (per worker)"
    print(
        f"\nSQLite (the demo), {os.getenv('WEB_CONCURRENCY', '2')} workers, cache: {cache}; "
        f"wrk {args.connections} connections, {args.rounds} rounds × {args.duration} s, "
        f"median round; load average {before} before, {after} after "
        f"({os.cpu_count()} CPUs)\n"
    )
    print("| Request | req/s | p50 ms | p99 ms | errors | server CPU ms/req | × floor |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for scenario, _port, _pid in targets:
        o, _pss = _median_round(measured[scenario.name])
        print(
            f"| {scenario.name} | {o.rps:.0f} | {o.p50_ms:.0f} | {o.p99_ms:.0f} | "
            f"{o.errors}/{o.requests} | {o.cpu_ms:.1f} | {o.rps / floor_best.rps:.2f} |"
        )


def _start_probe(url: str) -> None:
    import urllib.request

    with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - our loopback URL
        response.read()


if __name__ == "__main__":
    main()

"""Run the benchmarks and print Markdown tables ready for the README.

    python -m bench.run                      # all benchmarks (generates data if missing)
    python -m bench.run --only plans --runs 50
    python -m bench.run --only writes
    python -m bench.run --only reporting --country-runs 3
    python -m bench.run --only tuyenvan --heavy-runs 15
    python -m bench.run --list
    python -m bench.run --reset              # regenerate the national data first

Results are printed and written to bench/out/results-<name>.md.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import platform
import time

from bench import core, env, generate


def machine() -> str:
    cpus = os.cpu_count()
    memory = ""
    try:
        with open("/proc/meminfo") as meminfo:
            kib = int(meminfo.readline().split()[1])
        memory = f", {kib / 1024 / 1024:.1f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (
        f"{platform.platform()}, {cpus} CPU cores{memory}, Python {platform.python_version()}, "
        f"load average {load}"
    )


def main(argv: list[str] | None = None) -> None:
    for module in core.MODULES:
        importlib.import_module(module)
    parser = argparse.ArgumentParser(description="theodoi benchmarks")
    parser.add_argument(
        "--only", action="append", choices=sorted(core.REGISTRY), help="run only this (repeatable)"
    )
    parser.add_argument("--list", action="store_true", help="list the benchmarks and stop")
    parser.add_argument("--runs", type=int, default=30, help="timed runs per request (>= 30)")
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--province", help="province code to measure (default: the largest)")
    parser.add_argument("--reset", action="store_true", help="regenerate the national data")
    parser.add_argument("--workers", type=int, default=4, help="writes: concurrent processes")
    parser.add_argument("--writes", type=int, default=50, help="writes: PATCHes per worker")
    parser.add_argument(
        "--heavy-runs",
        type=int,
        default=9,
        help="reporting, tuyenvan: timed runs of the national and multi-second steps (>= 9)",
    )
    parser.add_argument(
        "--country-runs",
        type=int,
        default=3,
        help="reporting: timed runs of the whole country's consolidation (about a minute each)",
    )
    parser.add_argument(
        "--through",
        choices=["auto", "api", "action"],
        default="auto",
        help="writes: the API's PATCH when it exists (auto), or the shared action",
    )
    parser.add_argument("--http-duration", type=int, default=30, help="http: seconds a round")
    parser.add_argument("--http-rounds", type=int, default=3, help="http: rounds (median)")
    parser.add_argument("--http-connections", type=int, default=16, help="http: connections")
    parser.add_argument(
        "--http-engine",
        action="append",
        choices=["postgres", "sqlite"],
        help="http: only this engine (repeatable)",
    )
    parser.add_argument(
        "--http-scenario",
        action="append",
        metavar="TEXT",
        help="http: only the scenarios whose name contains TEXT (repeatable; the floor always "
        'runs), e.g. --http-scenario "page:"',
    )
    args = parser.parse_args(argv)
    if args.list:
        for b in core.REGISTRY.values():
            print(f"{b.name:10} {b.help}")
        return

    generate.ensure("postgres", reset=args.reset, verbose=True)
    # The 404s of endpoints not on this branch yet are reported in the tables.
    logging.getLogger("django.request").setLevel(logging.ERROR)
    ctx = core.Context(
        runs=args.runs,
        warmup=args.warmup,
        province=args.province,
        options={
            "workers": args.workers,
            "writes": args.writes,
            "through": args.through,
            "heavy_runs": args.heavy_runs,
            "country_runs": args.country_runs,
            "http_duration": args.http_duration,
            "http_rounds": args.http_rounds,
            "http_connections": args.http_connections,
            "http_engines": args.http_engine,
            "http_scenarios": args.http_scenario,
        },
    )
    env.OUT_DIR.mkdir(parents=True, exist_ok=True)
    print(f"\nMachine: {machine()}\n")
    for name in args.only or list(core.REGISTRY):
        began = time.perf_counter()
        report = core.REGISTRY[name].func(ctx)
        text = report.markdown() + f"\nMachine: {machine()}.\n"
        (env.OUT_DIR / f"results-{name}.md").write_text(text, encoding="utf-8")
        print(text)
        print(f"({name}: {time.perf_counter() - began:.1f} s, bench/out/results-{name}.md)\n")


if __name__ == "__main__":
    main()

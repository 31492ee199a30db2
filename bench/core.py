"""The benchmark registry and the measuring helpers shared by every benchmark.

A benchmark is a function taking a ``Context`` and returning a ``Report`` (a
title, a Markdown table, notes). Register it with ``@benchmark("name")`` in a
``bench/bench_*.py`` module and list the module in ``MODULES``; ``python -m
bench.run --only name`` then runs it alone.
"""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

MODULES = [
    "bench.bench_plans",
    "bench.bench_breakdown",
    "bench.bench_writes",
    "bench.bench_reporting",
    "bench.bench_tuyenvan",
    # begin reform
    "bench.bench_reform",
    # end reform
    # begin thidua
    "bench.bench_thidua",
    # end thidua
    "bench.bench_http",
]


@dataclass
class Context:
    runs: int = 30
    warmup: int = 3
    province: str | None = None  # a province code; None = the largest
    options: dict[str, Any] = field(default_factory=dict)


@dataclass
class Report:
    name: str
    title: str
    table: str
    notes: list[str] = field(default_factory=list)

    def markdown(self) -> str:
        parts = [f"### {self.title}", "", self.table]
        if self.notes:
            parts += ["", *[f"- {note}" for note in self.notes]]
        return "\n".join(parts) + "\n"


@dataclass
class Benchmark:
    name: str
    help: str
    func: Callable[[Context], Report]


REGISTRY: dict[str, Benchmark] = {}


def benchmark(name: str, help: str) -> Callable[[Callable[[Context], Report]], Callable]:
    def register(func: Callable[[Context], Report]) -> Callable[[Context], Report]:
        REGISTRY[name] = Benchmark(name, help, func)
        return func

    return register


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100)."""
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


@dataclass
class Timing:
    median_ms: float
    p95_ms: float
    runs: int
    # CPU time of this process only (not the database server's), which other
    # work on a shared machine disturbs much less than wall time.
    cpu_median_ms: float = 0.0


def time_calls(call: Callable[[], Any], *, runs: int, warmup: int) -> Timing:
    for _ in range(warmup):
        call()
    samples = []
    cpu = []
    for _ in range(runs):
        began, began_cpu = time.perf_counter(), time.process_time()
        call()
        samples.append((time.perf_counter() - began) * 1000)
        cpu.append((time.process_time() - began_cpu) * 1000)
    return Timing(statistics.median(samples), percentile(samples, 95), runs, statistics.median(cpu))


def count_queries(call: Callable[[], Any]) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured.captured_queries)


def measure(call: Callable[[], Any], *, runs: int, warmup: int) -> tuple[Timing, int]:
    """Timing of ``call`` and the number of queries one call makes."""
    queries = count_queries(call)
    return time_calls(call, runs=runs, warmup=warmup), queries


def load_average() -> str:
    import os

    return " / ".join(f"{x:.1f}" for x in os.getloadavg())


def markdown_table(headers: list[str], rows: list[list[Any]], align: str = "") -> str:
    """A Markdown table; ``align`` has one letter per column, l or r."""
    align = align or "l" * len(headers)
    rule = ["---:" if a == "r" else "---" for a in align]
    lines = [
        "| " + " | ".join(headers) + " |",
        "| " + " | ".join(rule) + " |",
    ]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)

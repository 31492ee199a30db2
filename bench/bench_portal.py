"""The portal under load: the seed's article page and the home page, anonymous, on the
app server (gunicorn, as `theodoi serve` runs it), against a bare-Django floor.

    python -m bench.bench_portal [--requests 600] [--concurrency 8] [--port 8112]

Self-contained: a fresh SQLite data folder in bench/out/portal-data (migrated,
the seed's article with its real text and 60 others in three categories),
gunicorn with 2 sync workers, then N requests per URL from C client threads.
The floor is `/healthz` (Django's full middleware stack, one `SELECT 1`, a
JSON answer): what any page of this deployment costs at least. Prints a
Markdown table: requests per second, median and p99 latency, bytes, and the
ratio of each page's throughput to the floor's.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"

SETUP = """
import django
django.setup()
from datetime import timedelta
from django.core.management import call_command
call_command("migrate", verbosity=0)
from theodoi.core import clock
from theodoi.units.models import Unit
from theodoi.portal.models import Article, Category
from theodoi.portal.demo import SEED_TITLE, seed_body
province = Unit.objects.create(key="bench:p", name="Tỉnh ủy Lào Cai", kind="province")
cats = [Category.objects.create(owner=province, name=n, slug=s, position=i)
        for i, (s, n) in enumerate([("a", "Hoạt động"), ("b", "Tuyên giáo"), ("c", "Dân vận")])]
body, author = seed_body()
now = clock.now()
for i in range(60):
    Article.objects.create(category=cats[i % 3], title=f"Tin số {i} về công tác tuyên vận",
        lead="Tóm tắt tin. " * 5, body=body[:2000], author=author, state="published",
        featured=i < 5, publish_at=now - timedelta(hours=i + 2))
seed = Article.objects.create(category=cats[1], title=SEED_TITLE, body=body, author=author,
    lead="Lào Cai: tham mưu đẩy mạnh triển khai thực hiện Đề án.", state="published",
    featured=True, publish_at=now - timedelta(hours=1))
print(seed.pk)
"""


def fetch(url: str) -> tuple[float, int, int]:
    started = time.perf_counter()
    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"})  # noqa: S310
    with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310 (our server)
        size = len(response.read())
        status = response.status
    return time.perf_counter() - started, status, size


def hammer(url: str, requests: int, concurrency: int) -> dict[str, float]:
    for _ in range(10):  # warm the workers
        fetch(url)
    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        results = list(pool.map(lambda _: fetch(url), range(requests)))
    wall = time.perf_counter() - started
    times = sorted(r[0] for r in results)
    assert all(r[1] == 200 for r in results), url
    return {
        "rps": requests / wall,
        "median": statistics.median(times) * 1000,
        "p99": times[int(len(times) * 0.99) - 1] * 1000,
        "bytes": results[-1][2],
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=600)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--port", type=int, default=8112)
    args = parser.parse_args(argv)
    data = OUT / "portal-data"
    shutil.rmtree(data, ignore_errors=True)
    data.mkdir(parents=True)
    env = {
        **os.environ,
        "THEODOI_DATA": str(data),
        "DJANGO_SETTINGS_MODULE": "theodoi.settings",
        "DEBUG": "False",
        "SECURE_COOKIES": "False",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "LOG_LEVEL": "ERROR",
    }
    env.pop("DATABASE_URL", None)
    seed = subprocess.run(  # noqa: S603 (our own Python)
        [sys.executable, "-c", SETUP], env=env, check=True, cwd=ROOT, capture_output=True, text=True
    ).stdout.split()[-1]
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        env=env,
        check=True,
        cwd=ROOT,
    )
    server = subprocess.Popen(  # noqa: S603 (our own gunicorn)
        [
            sys.executable,
            "-m",
            "gunicorn",
            "theodoi.wsgi",
            "--bind",
            f"127.0.0.1:{args.port}",
            "--workers",
            "2",
            "--timeout",
            "120",
            "--log-level",
            "error",
        ],
        env=env,
        cwd=ROOT,
    )
    try:
        base = f"http://127.0.0.1:{args.port}"
        for _ in range(100):
            try:
                fetch(base + "/healthz")
                break
            except OSError:
                time.sleep(0.2)
        rows = []
        floor = hammer(base + "/healthz", args.requests, args.concurrency)
        for name, path in [
            ("Floor: /healthz", "/healthz"),
            ("Seed article page", f"/news/a/{seed}/"),
            ("Home page", "/news/"),
            ("Category page", "/news/c/b/"),
        ]:
            result = (
                floor
                if path == "/healthz"
                else hammer(base + path, args.requests, args.concurrency)
            )
            rows.append((name, result))
    finally:
        server.terminate()
        try:
            server.wait(60)
        except subprocess.TimeoutExpired:
            server.kill()
    print(
        f"\n{args.requests} requests per URL, {args.concurrency} client threads, "
        f"gunicorn 2 sync workers, SQLite, gzip\n"
    )
    print("| Request | req/s | median ms | p99 ms | bytes (gzip) | × floor |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for name, r in rows:
        print(
            f"| {name} | {r['rps']:.0f} | {r['median']:.1f} | {r['p99']:.1f} | "
            f"{r['bytes']:.0f} | {r['rps'] / floor['rps']:.2f} |"
        )


if __name__ == "__main__":
    main()

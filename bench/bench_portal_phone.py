"""The public portal on a phone over a mountain link (issue 12).

    python -m bench.bench_portal_phone [--data DIR]

Loads the 2018 demo into a fresh SQLite data folder (or serves an already
loaded one, ``--data``), serves it as a user's server runs it (`theodoi
serve`: gunicorn, static files by whitenoise) and drives Debian's Chromium as
an anonymous visitor on a 360 px viewport with the link of bench_phone (400
kbps down, 200 kbps up, 400 ms RTT, 4x CPU slowdown). For the seed's article,
the home page, a category, a tag and the published ranking it prints the bytes
transferred on a first visit (empty cache; compressed, headers included) without
images and the images' bytes apart (they load lazily, below the fold), the
number of requests, and the time to usable (DOMContentLoaded: the HTML parsed,
the style applied; the public pages run no script) and to the load event.
The budget of a public article page: 60 KB without images and 2 s.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.bench_phone import CHROMIUM, LINK, free_port, wait_up

BUDGET_BYTES, BUDGET_SECONDS = 60 * 1024, 2.0

PAGES_CODE = """
import django; django.setup()
from theodoi.portal.demo import SEED_TITLE
from theodoi.portal.models import Article, Category, RankingPage, Tag
seed = Article.objects.get(title=SEED_TITLE)
print(seed.get_absolute_url())
print(Category.objects.order_by("position").first().get_absolute_url())
print(Tag.objects.get(slug="tuyen-van").get_absolute_url())
ranking = RankingPage.objects.filter(published=True).first()
print(ranking.get_absolute_url() if ranking else "/news/progress/")
"""


def portal_pages(env: dict[str, str]) -> list[tuple[str, str]]:
    out = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", PAGES_CODE],
        env={**env, "DJANGO_SETTINGS_MODULE": "theodoi.settings"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    article, category, tag, ranking = out[-4:]
    return [
        ("Article (the seed's)", article),
        ("Home", "/"),
        ("Category", category),
        ("Tag", tag),
        ("Published ranking", ranking),
    ]


def measure(base: str, pages: list[tuple[str, str]]) -> list:
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    rows = []
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"], headless=True
        )
        for label, path in pages:
            context = browser.new_context(viewport={"width": 360, "height": 740}, locale="vi-VN")
            page = context.new_page()
            page.set_default_timeout(60_000)
            cdp = context.new_cdp_session(page)
            cdp.send("Network.enable")
            cdp.send("Network.clearBrowserCache")
            cdp.send("Network.emulateNetworkConditions", LINK)
            cdp.send("Emulation.setCPUThrottlingRate", {"rate": 4})
            kinds: dict[str, str] = {}
            sizes: dict[str, int] = {}

            def sent(event: dict, kinds: dict[str, str] = kinds) -> None:
                kinds[event["requestId"]] = event.get("type", "")

            def finished(event: dict, sizes: dict[str, int] = sizes) -> None:
                sizes[event["requestId"]] = event["encodedDataLength"]

            cdp.on("Network.requestWillBeSent", sent)
            cdp.on("Network.loadingFinished", finished)
            page.goto(base + path, wait_until="load")
            page.wait_for_timeout(500)  # the last loadingFinished events
            timing = page.evaluate(
                "(() => { const n = performance.getEntriesByType('navigation')[0];"
                " const p = performance.getEntriesByName('first-contentful-paint')[0];"
                " return [Math.max(n.domContentLoadedEventEnd, p ? p.startTime : 0),"
                " n.loadEventEnd]; })()"
            )
            images = sum(v for k, v in sizes.items() if kinds.get(k) == "Image")
            rest = sum(v for k, v in sizes.items() if kinds.get(k) != "Image")
            rows.append((label, path, rest, images, len(sizes), timing[0] / 1000, timing[1] / 1000))
            context.close()
        browser.close()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", help="a data folder with the demo already loaded")
    args = parser.parse_args()
    data = Path(args.data) if args.data else Path(tempfile.mkdtemp(prefix="theodoi-portal-"))
    port = free_port()
    env = {
        **os.environ,
        "THEODOI_DATA": str(data),
        "PORT": str(port),
        "DEBUG": "False",
        "DATABASE_URL": f"sqlite:///{data / 'theodoi.sqlite3'}",
        "THEODOI_TODAY": "2018-07-15",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    theodoi = str(Path(sys.executable).with_name("theodoi"))
    log = open(data / "serve.log", "w")  # noqa: SIM115 - kept open for the server's life
    command = [theodoi, "serve"] if args.data else [theodoi, "demo"]
    server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603
    try:
        wait_up(f"http://127.0.0.1:{port}/healthz", 900)
        pages = portal_pages(env)
        # The server is warm (its workers loaded, the shared lists cached): a visitor is
        # rarely the site's first; the browser's cache is the empty one.
        for _round in range(3):
            for _label, path in pages:
                wait_up(f"http://127.0.0.1:{port}{path}", 60)
        rows = measure(f"http://127.0.0.1:{port}", pages)
    finally:
        server.terminate()
        server.wait(30)
    print("| Page (anonymous, first visit) | KB without images | Images KB | Requests "
          "| Usable s | Load s |")  # fmt: skip
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    over = []
    for label, _path, rest, images, n, usable, loaded in rows:
        print(
            f"| {label} | {rest / 1024:.1f} | {images / 1024:.1f} | {n} "
            f"| {usable:.2f} | {loaded:.2f} |"
        )
        if rest > BUDGET_BYTES or usable > BUDGET_SECONDS:
            over.append(label)
    print(
        f"\nBudget of a first load: {BUDGET_BYTES // 1024} KB without images and "
        f"{BUDGET_SECONDS:.0f} s to usable; "
        + (f"over it: {', '.join(over)}" if over else "every page within it.")
    )


if __name__ == "__main__":
    main()

"""The commune's five main pages on a phone over a mountain link (issue 8).

    python -m bench.bench_phone            # or: make bench-phone

Loads the 2018 demo into a fresh SQLite data folder, serves it as a user's
server runs it (`theodoi serve`: gunicorn, static files by whitenoise), and
drives Debian's Chromium on a 360 px viewport with Chrome's network emulation
(400 kbps down, 200 kbps up, 400 ms RTT, 4x CPU slowdown). For each page it
prints the bytes transferred (compressed, headers included, as the radio
carries them) and the time to usable (DOMContentLoaded: the HTML parsed and
the deferred scripts run), on the first visit (empty cache) and on the repeat
visit (the browser's HTTP cache), with the service worker bypassed: Chrome's
emulation does not slow the worker's own fetches, and offline it serves every
page from its cache anyway.
The budget is 30 KB and 2 s for a first load.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

CHROMIUM = os.getenv("CHROMIUM", "/usr/bin/chromium")
LINK = {
    "offline": False,
    "latency": 400,
    "downloadThroughput": 400_000 / 8,
    "uploadThroughput": 200_000 / 8,
}
BUDGET_BYTES, BUDGET_SECONDS = 30 * 1024, 2.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_up(url: str, seconds: int = 180) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - our http URL
                if response.status == 200:
                    return
        except OSError:
            time.sleep(1)
    raise SystemExit(f"the server did not answer at {url}")


def commune_pages(env: dict[str, str]) -> tuple[str, list[tuple[str, str]]]:
    """The demo commune user's username and its five main pages."""
    code = (
        "import django; django.setup()\n"
        "from theodoi import permissions\n"
        "from django.contrib.auth.models import User\n"
        "from theodoi.tuyenvan.views.common import default_month\n"
        "u = User.objects.get(username='commune')\n"
        "unit = permissions.memberships(u)[0].unit\n"
        "m = default_month()\n"
        "print(unit.pk, f'{m.year:04d}-{m.month:02d}')\n"
    )
    out = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", code],
        env={**env, "DJANGO_SETTINGS_MODULE": "theodoi.settings"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    pk, month = out[-2], out[-1]
    base = f"/tuyenvan/communes/{pk}/{month}/"
    return "commune", [
        ("Home", "/"),
        ("The month", base),
        ("Self-assessment", base + "sheet/self/"),
        ("Conference record", base + "meeting/"),
        ("Results (explanation)", base + "explain/"),
    ]


def measure(base: str, username: str, password: str, pages: list[tuple[str, str]]) -> list:
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
            page.goto(base + "/accounts/login/")
            page.fill("input[name=username]", username)
            page.fill("input[name=password]", password)
            page.click("button[type=submit].primary")
            page.wait_for_url(base + "/")
            # A fresh cache for the first visit; the sign-in's files go too.
            cdp = context.new_cdp_session(page)
            cdp.send("Network.enable")
            cdp.send("Network.clearBrowserCache")
            # Chrome's emulation does not reach the service worker's own fetches:
            # measure the pages as the network carries them (HTTP cache only).
            cdp.send("Network.setBypassServiceWorker", {"bypass": True})
            cdp.send("Network.emulateNetworkConditions", LINK)
            cdp.send("Emulation.setCPUThrottlingRate", {"rate": 4})
            counted: dict[str, int] = {}

            def finished(event: dict, counted: dict[str, int] = counted) -> None:
                counted[event["requestId"]] = event["encodedDataLength"]

            cdp.on("Network.loadingFinished", finished)
            figures = []
            for _visit in ("first", "repeat"):
                counted.clear()
                page.goto(base + path, wait_until="load")
                page.wait_for_timeout(300)  # the last loadingFinished events
                usable = page.evaluate(
                    "(() => { const n = performance.getEntriesByType('navigation')[0];"
                    " return n.domContentLoadedEventEnd; })()"
                )
                figures.append((sum(counted.values()), usable / 1000, len(counted)))
            rows.append((label, path, figures))
            context.close()
        browser.close()
    return rows


def main() -> None:
    data = Path(tempfile.mkdtemp(prefix="theodoi-phone-"))
    port = free_port()
    env = {
        **os.environ,
        "THEODOI_DATA": str(data),
        "PORT": str(port),
        "DEBUG": "False",
        "DATABASE_URL": f"sqlite:///{data / 'theodoi.sqlite3'}",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    theodoi = str(Path(sys.executable).with_name("theodoi"))
    log = open(data / "serve.log", "w")  # noqa: SIM115 - kept open for the server's life
    server = subprocess.Popen(  # noqa: S603 - our own command
        [theodoi, "demo"], env=env, stdout=log, stderr=subprocess.STDOUT
    )
    try:
        wait_up(f"http://127.0.0.1:{port}/healthz", 600)
        password = (data / "demo-password").read_text().strip()
        username, pages = commune_pages(env)
        rows = measure(f"http://127.0.0.1:{port}", username, password, pages)
    finally:
        server.terminate()
        server.wait(30)
    print("| Page | First visit KB | First visit s | Requests | Repeat KB | Repeat s | Requests |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    over = []
    for label, _path, ((b1, t1, n1), (b2, t2, n2)) in rows:
        first, repeat = f"{b1 / 1024:.1f} | {t1:.2f} | {n1}", f"{b2 / 1024:.1f} | {t2:.2f} | {n2}"
        print(f"| {label} | {first} | {repeat} |")
        if b1 > BUDGET_BYTES or t1 > BUDGET_SECONDS:
            over.append(label)
    print(
        f"\nBudget for a first load: {BUDGET_BYTES // 1024} KB and {BUDGET_SECONDS:.0f} s; "
        + (f"over it: {', '.join(over)}" if over else "every page within it.")
    )


if __name__ == "__main__":
    main()

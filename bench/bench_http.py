"""The real server under load, beside a bare Django floor, on both engines (issue 14).

For each engine (PostgreSQL's national data set, and the SQLite file of the
write benchmark) this starts ``theodoi serve`` as a user's server runs it
(gunicorn with ``WEB_CONCURRENCY`` workers and the database-queue worker beside
it, ``DB_CONN_MAX_AGE=60``) and, with the same gunicorn settings over the same
database, the floor: ``bench/floor``, one Django view without middleware that
returns 100 work items with ``.values()``. It drives both over loopback with
wrk (Debian's package ``wrk``; without it, a small Python load generator that
says so in the table) for ``--http-duration`` seconds at ``--http-connections``
connections, ``--http-rounds`` times, and prints the median round's requests per
second, p50/p99 latency, errors (non-2xx/3xx and socket errors), the memory
(PSS) of every process the server started, sampled under load, and the ratio of
each scenario's requests per second to the floor's.

    python -m bench.run --only http                          # 3 rounds × 30 s per scenario
    python -m bench.run --only http --http-duration 5 --http-rounds 1   # a quick look
    BENCH_HTTP_PORTS=8180-8199 python -m bench.run --only http          # servers on these ports
    python -m bench.run --only http --http-scenario "page:"             # the pages round only
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from bench import env
from bench.core import Context, Report, benchmark, markdown_table
from bench.http_fixtures import CREATED_TITLE

ROOT = env.BENCH_DIR.parent


@dataclass
class Scenario:
    name: str
    path: str
    auth: str  # "token", "session" or "none"
    method: str = "GET"
    body: str = ""
    # A repeat visit: sends the page's ETag (read once before the rounds) as If-None-Match.
    repeat: bool = False
    etag: str = ""


@dataclass
class Outcome:
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int
    requests: int
    cpu_ms: float = float("nan")  # the server's own CPU time per answered request


_TAKEN: set[int] = set()  # ports of BENCH_HTTP_PORTS given out in this run


def _free_port() -> int:
    """A free port on loopback: the next of ``BENCH_HTTP_PORTS`` ("8180-8199") when
    set (a machine shared with other servers), else one the system picks."""
    wanted = os.getenv("BENCH_HTTP_PORTS")
    if wanted:
        low, _dash, high = wanted.partition("-")
        for port in range(int(low), int(high or low) + 1):
            with socket.socket() as sock:
                try:
                    sock.bind(("127.0.0.1", port))
                except OSError:
                    continue
            if port not in _TAKEN:
                _TAKEN.add(port)
                return port
        raise RuntimeError(f"no free port in BENCH_HTTP_PORTS={wanted}")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _server_env(database_url: str, port: int) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "PORT": str(port),
        "WEB_CONCURRENCY": os.getenv("WEB_CONCURRENCY", "2"),
        "DB_CONN_MAX_AGE": "60",
        "THEODOI_TODAY": env.TODAY,
        # The data folder holds the secret key: the fixtures' session must be valid here.
        "THEODOI_DATA": os.getenv("THEODOI_DATA") or str(env.OUT_DIR / "data"),
        "DEBUG": "False",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
    }


def _start(command: list[str], environ: dict[str, str], port: int, probe: str) -> subprocess.Popen:
    # The server's log goes to a file: a pipe nobody reads fills up and stops the server.
    log = env.OUT_DIR / f"server-{port}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as stderr:
        proc = subprocess.Popen(  # noqa: S603 - our own interpreter and modules
            command,
            cwd=ROOT,
            env=environ,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            start_new_session=True,  # its own process group, stopped as one
        )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited: {log.read_text(errors='replace')[-3000:]}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{probe}", timeout=2):
                return proc
        except OSError:
            time.sleep(0.5)
    _stop(proc)
    raise RuntimeError(f"server on port {port} did not answer {probe}")


def _stop(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)


def _tree(root: int) -> list[int]:
    """``root`` and all its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += children.get(pid, [])
    return found


def pss_mb(root: int) -> float:
    """Proportional set size of a process tree, in MB (shared pages counted once)."""
    total_kb = 0
    for pid in _tree(root):
        try:
            text = Path(f"/proc/{pid}/smaps_rollup").read_text()
        except OSError:
            continue
        match = re.search(r"^Pss:\s+(\d+) kB", text, re.M)
        total_kb += int(match[1]) if match else 0
    return total_kb / 1024


def cpu_seconds(root: int) -> float:
    """User + system CPU time of a process tree's live processes, in seconds.

    Unlike requests per second it does not move with what else the machine
    runs, so ``CPU ms``/request compares runs on a busy machine (PostgreSQL's
    own processes are not in the tree: on PostgreSQL it is the app's share)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in _tree(root):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / tick


def _headers(scenario: Scenario, fixtures: dict) -> dict[str, str]:
    headers = {"Host": "127.0.0.1"}
    if scenario.auth == "token":
        headers["Authorization"] = f"Bearer {fixtures['token']}"
    elif scenario.auth == "session":
        headers["Cookie"] = f"{fixtures['cookie_name']}={fixtures['session']}"
        if fixtures.get("csrf"):
            # A browser keeps the CSRF cookie: the pages' tokens mask the same secret.
            headers["Cookie"] += f"; {fixtures['csrf_cookie_name']}={fixtures['csrf']}"
    if scenario.etag:
        headers["If-None-Match"] = scenario.etag
    if scenario.body:
        headers["Content-Type"] = "application/json"
    return headers


def _parse_wrk(text: str) -> Outcome:
    def latency_ms(label: str) -> float:
        match = re.search(rf"^\s+{label}%\s+([\d.]+)(us|ms|s)\s*$", text, re.M)
        if not match:
            return float("nan")
        scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[match[2]]
        return float(match[1]) * scale

    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text)[1])
    requests = int(re.search(r"(\d+) requests in", text)[1])
    errors = 0
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    if non2xx:
        errors += int(non2xx[1])
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text
    )
    if sockets:
        errors += sum(int(x) for x in sockets.groups())
    return Outcome(rps, latency_ms("50"), latency_ms("99"), errors, requests)


def _wrk(url: str, scenario: Scenario, fixtures: dict, duration: int, connections: int) -> Outcome:
    lines = [f'wrk.method = "{scenario.method}"']
    if scenario.body:
        lines.append(f"wrk.body = {json.dumps(scenario.body)}")
    for name, value in _headers(scenario, fixtures).items():
        lines.append(f"wrk.headers[{json.dumps(name)}] = {json.dumps(value)}")
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write("\n".join(lines) + "\n")
    try:
        threads = str(min(2, connections))
        result = subprocess.run(  # noqa: S603 - wrk with fixed arguments, loopback only
            [
                shutil.which("wrk") or "wrk",
                "-t",
                threads,
                "-c",
                str(connections),
                "-d",
                f"{duration}s",
                "--latency",
                "--timeout",
                "10s",
                "-s",
                script.name,
                url,
            ],
            capture_output=True,
            text=True,
            timeout=duration + 60,
            check=True,
        )
    finally:
        os.unlink(script.name)
    return _parse_wrk(result.stdout)


def _python_load(
    url: str, scenario: Scenario, fixtures: dict, duration: int, connections: int
) -> Outcome:
    """Without wrk: ``connections`` keep-alive clients in threads (measures less precisely)."""
    import http.client
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    headers = _headers(scenario, fixtures)
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop_at = time.monotonic() + duration

    def client() -> None:
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
        while time.monotonic() < stop_at:
            began = time.perf_counter()
            try:
                conn.request(scenario.method, path, body=scenario.body or None, headers=headers)
                response = conn.getresponse()
                response.read()
                ok = response.status < 400
            except OSError:
                conn.close()
                conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
                ok = False
            with lock:
                latencies.append((time.perf_counter() - began) * 1000)
                errors[0] += 0 if ok else 1

    threads = [threading.Thread(target=client) for _ in range(connections)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - began
    ordered = sorted(latencies) or [float("nan")]
    return Outcome(
        len(latencies) / elapsed,
        ordered[len(ordered) // 2],
        ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))],
        errors[0],
        len(latencies),
    )


def _drive(
    url: str, scenario: Scenario, fixtures: dict, duration: int, connections: int, server: int
) -> tuple[Outcome, float]:
    """One round: the outcome and the server tree's PSS sampled half-way through."""
    sample: list[float] = []
    timer = threading.Timer(duration / 2, lambda: sample.append(pss_mb(server)))
    timer.start()
    load = _wrk if shutil.which("wrk") else _python_load
    cpu_before = cpu_seconds(server)
    try:
        outcome = load(url, scenario, fixtures, duration, connections)
    finally:
        timer.cancel()
    if outcome.requests:
        outcome.cpu_ms = (cpu_seconds(server) - cpu_before) * 1000 / outcome.requests
    return outcome, (sample[0] if sample else pss_mb(server))


def _fixtures(engine: str) -> dict:
    """Ids, a bearer token and a session cookie, made in a process on that engine."""
    result = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "bench.http_fixtures", f"--engine={engine}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def _clean(engine: str) -> None:
    """Delete the work items the create scenario added, so that the scenarios after
    it measure the same plan and unit (a 10 s create round adds ~2,000 of them to
    the plan: its page, its list and the unit's list grew by that much)."""
    subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "bench.http_fixtures", f"--engine={engine}", "--clean"],
        cwd=ROOT,
        capture_output=True,
        check=True,
        timeout=300,
    )


def scenarios(f: dict) -> list[Scenario]:
    create = json.dumps(
        {
            "task": f["task"],
            "title": CREATED_TITLE,
            "start": "2018-08-01",
            "end": "2018-09-30",
            "leads": [f["unit"]],
            "reason": "bench",
        }
    )
    found = [
        Scenario(
            "API: 100 work items of a unit",
            f"/api/v1/work-items?unit={f['unit']}&page_size=100",
            "token",
        ),
        Scenario(
            "API: 100 work items of a unit, summary view",
            f"/api/v1/work-items?unit={f['unit']}&page_size=100&view=summary",
            "token",
        ),
        Scenario(
            "API: a plan's items by due date, 100",
            f"/api/v1/work-items?plan={f['plan']}&page_size=100",
            "token",
        ),
        Scenario("API: one work item", f"/api/v1/work-items/{f['item']}", "token"),
        Scenario("API: create a work item", "/api/v1/work-items", "token", "POST", create),
        Scenario("page: plan matrix", f"/plans/{f['plan']}/matrix/", "session"),
        Scenario("page: plan tree", f"/plans/{f['plan']}/", "session"),
        Scenario(
            "page: plan tree, repeat visit (304)", f"/plans/{f['plan']}/", "session", repeat=True
        ),
    ]
    if f.get("commune"):
        found += [
            Scenario(
                "page: tuyên vận month",
                f"/tuyenvan/communes/{f['commune']}/{f['month']}/",
                "session",
            ),
            Scenario("page: rankings", f"/tuyenvan/rankings/?period={f['month']}", "session"),
        ]
    return found


def _read_etags(base: str, found: list[Scenario], fixtures: dict) -> None:
    """The ETag a repeat visit sends: the page's own, read once from the server."""
    for scenario in found:
        if scenario.repeat:
            url, headers = base + scenario.path, _headers(scenario, fixtures)
            request = urllib.request.Request(url, headers=headers)  # noqa: S310 - loopback
            with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
                scenario.etag = response.headers.get("ETag", "")


def chosen(found: list[Scenario], ctx: Context) -> list[Scenario]:
    """The scenarios ``--http-scenario`` asks for (a name containing one of the texts)."""
    wanted = [text.casefold() for text in ctx.options.get("http_scenarios") or ()]
    if not wanted:
        return found
    return [s for s in found if any(text in s.name.casefold() for text in wanted)]


def _median_round(rounds: list[tuple[Outcome, float]]) -> tuple[Outcome, float]:
    ordered = sorted(rounds, key=lambda r: r[0].rps)
    return ordered[len(ordered) // 2]


def run_engine(engine: str, ctx: Context) -> list[list[object]]:
    duration = int(ctx.options.get("http_duration", 30))
    rounds = int(ctx.options.get("http_rounds", 3))
    connections = int(ctx.options.get("http_connections", 16))
    if engine == "sqlite":
        from bench.bench_writes import prepare_sqlite

        prepare_sqlite()
    fixtures = _fixtures(engine)
    database_url = env.engine_url(engine)
    app_port, floor_port = _free_port(), _free_port()
    app = _start(
        [sys.executable, "-m", "theodoi.cli", "serve"],
        _server_env(database_url, app_port),
        app_port,
        "/healthz",
    )
    workers = os.getenv("WEB_CONCURRENCY", "2")
    floor = _start(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "bench.floor.wsgi",
            # The same worker model, threads, keep-alive and preload as theodoi serve.
            "--config",
            "python:theodoi.gunicorn_conf",
            "--bind",
            f"127.0.0.1:{floor_port}",
            "--workers",
            workers,
            "--access-logfile",
            "-",
        ],
        _server_env(database_url, floor_port),
        floor_port,
        "/floor/work-items",
    )
    rows: list[list[object]] = []
    try:
        floor_scenario = Scenario(
            "floor: bare Django view, 100 rows",
            f"/floor/work-items?unit={fixtures['unit']}",
            "none",
        )
        # Rounds are interleaved (each round runs the floor and every scenario once),
        # so a busy moment of this shared machine weighs on the floor and the app alike.
        found = chosen(scenarios(fixtures), ctx)
        _read_etags(f"http://127.0.0.1:{app_port}", found, fixtures)
        targets = [(floor_scenario, floor_port, floor.pid)] + [
            (s, app_port, app.pid) for s in found
        ]
        measured: dict[str, list[tuple[Outcome, float]]] = {s.name: [] for s, _p, _pid in targets}
        for _round in range(rounds):
            for scenario, port, pid in targets:
                measured[scenario.name].append(
                    _drive(
                        f"http://127.0.0.1:{port}{scenario.path}",
                        scenario,
                        fixtures,
                        duration,
                        connections,
                        pid,
                    )
                )
                if scenario.method == "POST":
                    _clean(engine)
        floor_best, _pss = _median_round(measured[floor_scenario.name])
        for scenario, _port, _pid in targets:
            best, pss = _median_round(measured[scenario.name])
            rows.append(_row(engine, scenario, best, pss, floor_best.rps))
    finally:
        _stop(app)
        _stop(floor)
    return rows


def _row(engine: str, s: Scenario, o: Outcome, pss: float, floor_rps: float) -> list[object]:
    answered = o.requests > 0 and o.p50_ms == o.p50_ms  # NaN when wrk saw no answer
    return [
        engine,
        s.name,
        f"{o.rps:.0f}",
        f"{o.p50_ms:.0f}" if answered else "—",
        f"{o.p99_ms:.0f}" if answered else "—",
        f"{o.errors}/{o.requests}",
        f"{o.cpu_ms:.1f}" if o.cpu_ms == o.cpu_ms else "—",
        f"{pss:.0f}",
        f"{o.rps / floor_rps:.2f}" if floor_rps else "",
    ]


def worst_pages(rows: list[list[object]]) -> list[str]:
    """Per engine, the page (a first visit) furthest from the floor."""
    notes = []
    for engine in dict.fromkeys(str(row[0]) for row in rows):
        pages = [
            row
            for row in rows
            if row[0] == engine and str(row[1]).startswith("page:") and "repeat" not in str(row[1])
        ]
        if pages and all(row[8] for row in pages):
            worst = min(pages, key=lambda row: float(str(row[8])))
            notes.append(
                f"The worst page on {engine}: {str(worst[1]).removeprefix('page: ')} "
                f"({worst[8]}× the floor, {worst[6]} ms of CPU a request)."
            )
    return notes


@benchmark("http", "theodoi serve under load (wrk) beside a bare Django floor, both engines")
def bench_http(ctx: Context) -> Report:
    rows: list[list[object]] = []
    for engine in ctx.options.get("http_engines") or ("postgres", "sqlite"):
        rows += run_engine(engine, ctx)
    tool = "wrk" if shutil.which("wrk") else "the Python load generator (wrk not installed)"
    worst = worst_pages(rows)
    return Report(
        "http",
        "HTTP under load: theodoi serve and the bare Django floor",
        markdown_table(
            [
                "engine",
                "scenario",
                "req/s",
                "p50 ms",
                "p99 ms",
                "errors",
                "CPU ms/req",
                "PSS MB",
                "× floor",
            ],
            rows,
            "llrrrrrrr",
        ),
        [
            f"{tool}, {ctx.options.get('http_connections', 16)} connections, "
            f"{ctx.options.get('http_duration', 30)} s per round, median of "
            f"{ctx.options.get('http_rounds', 3)} rounds; gunicorn with "
            f"{os.getenv('WEB_CONCURRENCY', '2')} workers for both servers; DB_CONN_MAX_AGE=60.",
            "PSS: every process of `theodoi serve` (gunicorn's master, which the command becomes, "
            "its workers, the database-queue worker), sampled half-way through a round; for the "
            "floor, gunicorn.",
            "Rounds are interleaved: each round runs the floor and every scenario once.",
            "× floor: the scenario's requests per second over the floor's on the same engine.",
            "CPU ms/req: the server's processes' CPU time (user + system, from /proc) during the "
            "round over the requests answered; steadier than req/s on a shared machine. On "
            "PostgreSQL the database server's own CPU is not in it.",
            *worst,
        ],
    )

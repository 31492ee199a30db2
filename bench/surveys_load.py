"""A load run of the survey's public answer page on PostgreSQL, and its results page.

    python -m bench.surveys_load                       # 20 s, 8 client processes
    python -m bench.surveys_load --seconds 30 --clients 12 --workers 3
    python -m bench.surveys_load --results 100000      # + the results page at 100,000 answers

It makes its own database (``theodoi_surveys_bench``, or ``--database``),
migrates it, builds the demo's Sa Pa questionnaire with ``--points`` points
(the page's per-address ceiling is per point, and every client here comes
from 127.0.0.1), starts gunicorn with ``--workers`` workers on ``--port``,
and runs ``--clients`` processes that each, as a visitor would, GET a
point's page (form token, CSRF and device cookies) and POST a complete
answer. It reports accepted submissions per second and the latency of the
POSTs, then counts the stored responses: every accepted answer (a 302 to
the thanks page) must be in the database, nothing lost.

With ``--results N`` it then bulk-inserts answers up to N responses and
times the results page: the first view folds them into the tally, the next
ones read it (their query count must not exceed the one at the start).
``--reuse`` keeps the database of an earlier run and times the results only.
The load run also reports the CPU time per submission of the gunicorn
processes and of the PostgreSQL backends (from /proc: same machine), which
the machine's other work moves much less than the throughput.
"""

from __future__ import annotations

import argparse
import http.client
import multiprocessing
import os
import random
import re
import statistics
import subprocess
import sys
import time
from urllib.parse import urlencode, urlparse

DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/theodoi_surveys_bench"
PER_MINUTE = 20  # theodoi.surveys.public.PER_MINUTE_CEILING


def _setup(database: str) -> None:
    os.environ["DATABASE_URL"] = database
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "theodoi.settings")
    import django

    django.setup()


def _recreate(database: str) -> None:
    import psycopg

    url = urlparse(database)
    name = url.path.lstrip("/")
    if name in ("postgres", "test", "theodoi"):
        raise SystemExit(f"refusing to use the database {name!r}")
    admin = url._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def _drop(database: str) -> None:
    import psycopg

    url = urlparse(database)
    admin = url._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{url.path.lstrip("/")}" WITH (FORCE)')


def build(points: int) -> tuple[int, list[str]]:
    """The Sa Pa questionnaire, open, with ``points`` points; (survey id, tokens)."""
    from django.core.management import call_command

    from theodoi.surveys import actions, demo
    from theodoi.testing import make_world

    call_command("migrate", verbosity=0)
    world = make_world()
    by = world.coordinator
    survey = actions.do_create_survey(
        world.btg, by=by, title={"vi": "Khảo sát tải", "en": "Load survey"}
    )
    survey.min_seconds = 0
    survey.save(update_fields=["min_seconds"])
    demo.build_questionnaire(survey, by)
    tokens = [
        actions.do_add_point(survey, by=by, name=f"Điểm {n}", hourly_limit=10_000).token
        for n in range(points)
    ]
    actions.do_open_survey(survey, by=by)
    return survey.pk, tokens


ANSWER = {
    "q_visitor": "foreign",
    "q_region": "europe",
    "q_visit": "first",
    "q_purpose": "sightseeing",
    "q_nights": "2",
    "q_overall": "4",
    "q_recommend": "yes",
    "q_suggestion": "More signs in English.",
    **{
        f"q_services__{code}": str(random.Random(i).randint(2, 5))
        for i, (code, *_rest) in enumerate(
            [
                ("accommodation",),
                ("transport",),
                ("infrastructure",),
                ("prices",),
                ("hygiene",),
                ("safety",),
                ("attitude",),
                ("information",),
                ("cuisine",),
                ("sights",),
                ("culture",),
                ("shopping",),
            ]
        )
    },
}


def client(
    port: int, tokens: list[str], until: float, seed: int, out: multiprocessing.Queue
) -> None:
    """Answer as visitors until ``until``: GET the page, POST the answer; report each POST."""
    rng = random.Random(seed)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    accepted = failed = 0
    refused: dict[str, int] = {}
    latencies: list[float] = []
    while time.time() < until:
        token = rng.choice(tokens)
        path = f"/surveys/a/{token}/"
        try:
            conn.request("GET", path + "?lang=en")
            page = conn.getresponse()
            html = page.read().decode()
            cookies = "; ".join(
                value.split(";")[0]
                for name, value in page.getheaders()
                if name.lower() == "set-cookie"
            )
            form_token = re.search(r'name="form_token" value="([^"]+)"', html)[1]
            csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)[1]
            # The form's own key, as a browser sends it (a resend is stored once).
            submission = re.search(r'name="submission" value="([^"]+)"', html)[1]
            body = urlencode(
                {
                    **ANSWER,
                    "form_token": form_token,
                    "submission": submission,
                    "lang": "en",
                    "csrfmiddlewaretoken": csrf,
                }
            )
            started = time.perf_counter()
            conn.request(
                "POST",
                path,
                body=body,
                headers={
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Cookie": cookies,
                    "Referer": f"http://127.0.0.1:{port}{path}",
                },
            )
            response = conn.getresponse()
            response.read()
            latencies.append(time.perf_counter() - started)
            if response.status == 302:
                accepted += 1
            else:
                reason = REASONS.get(response.status, f"HTTP {response.status}")
                refused[reason] = refused.get(reason, 0) + 1
        except Exception:  # a failed request is counted, not fatal
            failed += 1
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    out.put((accepted, refused, failed, latencies))


REASONS = {
    429: "429: past the per-minute ceiling of a point and address",
    400: "400: form token missing, expired or of another point",
    403: "403: CSRF",
    200: "200: the form shown again with errors",
}


def _ticks(pid: int) -> int:
    """User + system CPU ticks of one process (0 when it is gone)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])
    except (OSError, IndexError, ValueError):
        return 0


def _children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    if int(stat.read().rsplit(")", 1)[1].split()[1]) == pid:
                        found.append(int(entry))
            except (OSError, IndexError, ValueError):
                continue
    return found


def _cpu_seconds(pids: list[int]) -> float:
    return sum(_ticks(pid) for pid in pids) / os.sysconf("SC_CLK_TCK")


def _backends(database: str) -> list[int]:
    """The PostgreSQL server processes serving the bench database (same machine)."""
    import psycopg

    name = urlparse(database).path.lstrip("/")
    admin = urlparse(database)._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s", (name,)
        ).fetchall()
    return [row[0] for row in rows]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p * len(ordered)))] if ordered else 0.0


def load_run(args: argparse.Namespace, survey_id: int, tokens: list[str]) -> None:
    env = {
        **os.environ,
        "DATABASE_URL": args.database,
        "DEBUG": "False",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_COOKIES": "False",
        "DB_CONN_MAX_AGE": "60",
        "SECRET_KEY": "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
    }
    server = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
        [
            sys.executable,
            "-m",
            "gunicorn",
            "theodoi.wsgi",
            "-w",
            str(args.workers),
            "-b",
            f"127.0.0.1:{args.port}",
            "--log-level",
            "warning",
            "--preload",
            "--timeout",
            "300",
        ],
        env=env,
    )
    try:
        for _ in range(600):
            try:
                probe = http.client.HTTPConnection("127.0.0.1", args.port, timeout=2)
                probe.request("GET", f"/surveys/a/{tokens[0]}/")
                probe.getresponse().read()
                break
            except OSError:
                time.sleep(0.2)
        # Warm every worker and its database connection, then read the CPU clocks.
        warm = http.client.HTTPConnection("127.0.0.1", args.port, timeout=30)
        for token in tokens[: 4 * args.workers]:
            warm.request("GET", f"/surveys/a/{token}/")
            warm.getresponse().read()
        servers = [server.pid, *_children(server.pid)]
        load_before = os.getloadavg()
        queue: multiprocessing.Queue = multiprocessing.Queue()
        until = time.time() + args.seconds
        started = time.time()
        backends = _backends(args.database)
        cpu_server = _cpu_seconds(servers)
        cpu_db = _cpu_seconds(backends)
        procs = [
            multiprocessing.Process(target=client, args=(args.port, tokens, until, n, queue))
            for n in range(args.clients)
        ]
        for proc in procs:
            proc.start()
        results = [queue.get() for _ in procs]
        elapsed = time.time() - started
        cpu_server = _cpu_seconds(servers) - cpu_server
        # Connections opened during the run count too (from zero: they are new).
        cpu_db = (
            _cpu_seconds(backends)
            - cpu_db
            + _cpu_seconds([pid for pid in _backends(args.database) if pid not in backends])
        )
        load_after = os.getloadavg()
        for proc in procs:
            proc.join()
    finally:
        server.terminate()
        server.wait()
    accepted = sum(r[0] for r in results)
    refused: dict[str, int] = {}
    for r in results:
        for reason, n in r[1].items():
            refused[reason] = refused.get(reason, 0) + n
    failed = sum(r[2] for r in results)
    latencies = [x for r in results for x in r[3]] or [0.0]
    from theodoi.surveys.models import FLAG_FIELDS, Response

    stored = Response.objects.filter(survey_id=survey_id).count()
    marked = {
        flag: Response.objects.filter(survey_id=survey_id, **{field: True}).count()
        for flag, field in FLAG_FIELDS.items()
    }
    print("| measure | value |\n| --- | ---: |")
    print(f"| clients × seconds | {args.clients} × {args.seconds} |")
    print(f"| gunicorn workers | {args.workers} |")
    print(f"| accepted submissions | {accepted} |")
    print(f"| accepted per second | {accepted / elapsed:.1f} |")
    print(f"| collection points (answers spread over them) | {args.points} |")
    print(f"| refused | {sum(refused.values())} |")
    for reason, n in sorted(refused.items()):
        print(f"| — {reason} | {n} |")
    print(f"| failed (no answer from the server) | {failed} |")
    print(
        f"| POST latency median / p95 / p99 (ms) | {statistics.median(latencies) * 1000:.0f} / "
        f"{percentile(latencies, 0.95) * 1000:.0f} / {percentile(latencies, 0.99) * 1000:.0f} |"
    )
    print(f"| stored responses (must equal accepted) | {stored} |")
    print(f"| stored and marked, by mark | {', '.join(f'{k}: {v}' for k, v in marked.items())} |")
    per = max(accepted, 1)
    print(
        f"| CPU ms per visitor (page GET + POST): gunicorn / PostgreSQL | "
        f"{1000 * cpu_server / per:.1f} / {1000 * cpu_db / per:.1f} |"
    )
    print(f"| load average (1 min) before / after | {load_before[0]:.1f} / {load_after[0]:.1f} |")
    print(
        f"\nThe page refuses more than {PER_MINUTE} answers a minute from one address at one "
        f"point (429) and every client here is 127.0.0.1: the answers are spread over "
        f"{args.points} points (--points)."
    )
    if stored != accepted:
        raise SystemExit(f"LOST ANSWERS: {accepted} accepted, {stored} stored")


def results_run(survey_id: int, target: int) -> None:
    """Bulk answers up to ``target`` responses, then time the results page."""
    from django.conf import settings
    from django.contrib.auth.models import User
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    from theodoi.surveys.models import Answer, CollectionPoint, Question, Response

    # The page links static files; the bench has not run collectstatic.
    override_settings(
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
    ).enable()
    client = Client()

    client.force_login(User.objects.get(username="coordinator"))
    url = f"/surveys/{survey_id}/results/?by=point"

    def measure() -> tuple[int, float]:
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            response = client.get(url, HTTP_HOST="127.0.0.1")
            took = time.perf_counter() - started
        assert response.status_code == 200, response.status_code
        return len(ctx.captured_queries), took

    before = measure()
    questions = {
        q.code: q for q in Question.objects.filter(survey_id=survey_id).select_related("current")
    }
    points = list(CollectionPoint.objects.filter(survey_id=survey_id))
    rng = random.Random(2018)
    have = Response.objects.filter(survey_id=survey_id).count()
    from django.utils import timezone

    now = timezone.now()
    from datetime import timedelta

    while have < target:
        batch = [
            Response(
                survey_id=survey_id,
                point=rng.choice(points),
                language="en",
                revision=1,
                submitted_at=now,
                seconds=90,
            )
            for _ in range(min(5000, target - have))
        ]
        Response.objects.bulk_create(batch)
        rows = []
        services = questions["services"]
        for response in batch:
            for item in services.current.items:
                rows.append(
                    Answer(
                        response=response,
                        question=services,
                        version=services.current,
                        item=item["code"],
                        number=float(rng.randint(1, 5)),
                    )
                )
            overall = questions["overall"]
            rows.append(
                Answer(
                    response=response,
                    question=overall,
                    version=overall.current,
                    number=float(rng.randint(1, 5)),
                )
            )
            visitor = questions["visitor"]
            rows.append(
                Answer(
                    response=response,
                    question=visitor,
                    version=visitor.current,
                    choice=rng.choice(["domestic", "foreign"]),
                )
            )
        Answer.objects.bulk_create(rows, batch_size=10_000)
        have += len(batch)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    # The answers were written "now": let them settle, as a minute of real time would.
    from theodoi.surveys import tally

    Response.objects.filter(survey_id=survey_id).update(
        submitted_at=now - tally.SETTLE - timedelta(seconds=1)
    )
    first = measure()  # folds every response not folded yet into the tally
    after = [measure() for _ in range(5)]
    print("\n| results page | queries | seconds |\n| --- | ---: | ---: |")
    print(f"| at the start | {before[0]} | {before[1]:.2f} |")
    print(f"| first view after the load: folds them | {first[0]} | {first[1]:.2f} |")
    for queries, took in after:
        print(f"| {target:,} responses | {queries} | {took:.2f} |")
    # The first view folds (a fixed few more queries when there is something to fold).
    if any(q != after[0][0] for q, _t in after) or after[0][0] > before[0]:
        raise SystemExit("the results page's query count grew with the data")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database", default=os.getenv("SURVEYS_BENCH_DATABASE_URL", DEFAULT_DATABASE)
    )
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--points", type=int, default=500)
    parser.add_argument("--port", type=int, default=8111)
    parser.add_argument("--results", type=int, default=0)
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="keep the database of an earlier run and only time the results page",
    )
    args = parser.parse_args(argv)
    if args.reuse:
        _setup(args.database)
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        from theodoi.surveys.models import Survey

        survey_id = Survey.objects.order_by("pk").values_list("pk", flat=True).first()
        if survey_id is None:
            raise SystemExit("--reuse: no survey in that database; run without it first")
        results_run(survey_id, args.results)
        return
    _recreate(args.database)
    _setup(args.database)
    survey_id, tokens = build(args.points)
    from django.db import connection

    connection.close()  # the client processes fork: no shared connection
    if args.seconds:
        load_run(args, survey_id, tokens)
    if args.results:
        results_run(survey_id, args.results)


if __name__ == "__main__":
    main()

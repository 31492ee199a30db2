"""Where a survey visitor's CPU goes: one GET of the answer page and one POST, in-process.

    python -m bench.profile_survey [--database URL] [--runs 200] [--top 30]

Makes its own PostgreSQL database (``h_profile_survey`` by default, dropped and
made again), the load run's questionnaire with 50 points, then times ``--runs``
visitors through the Django test client (CPU of this process: Django, the ORM
and the database client, not PostgreSQL's), prints the queries of one visitor
and cProfile's top functions (CPU clock) by cumulative and by own time.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import re
import time
from urllib.parse import urlencode

from bench import surveys_load


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", default="postgres://postgres@127.0.0.1:5432/h_profile_survey")
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--top", type=int, default=30)
    args = parser.parse_args()
    surveys_load._recreate(args.database)
    surveys_load._setup(args.database)
    _survey_id, tokens = surveys_load.build(50)
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    clock = {"get": 0.0, "post": 0.0}

    def visitor(n: int) -> None:
        path = f"/surveys/a/{tokens[n % len(tokens)]}/"
        started = time.process_time()
        page = client.get(path + "?lang=en").content.decode()
        middle = time.process_time()
        fields = {
            name: re.search(rf'name="{name}" value="([^"]+)"', page)[1]
            for name in ("form_token", "submission")
        }
        body = urlencode({**surveys_load.ANSWER, **fields, "lang": "en"})
        begun = time.process_time()
        answer = client.post(path, body, content_type="application/x-www-form-urlencoded")
        clock["get"] += middle - started
        clock["post"] += time.process_time() - begun
        assert answer.status_code == 302, answer.status_code
        client.cookies.pop("tdsv_device", None)  # the next visitor is another phone

    for n in range(20):  # warm: templates, the compiled questionnaire, the blank page
        visitor(n)
    clock.update(get=0.0, post=0.0)
    for n in range(args.runs):
        visitor(n)
    print(
        f"CPU ms per visitor: GET {clock['get'] * 1000 / args.runs:.1f}, "
        f"POST {clock['post'] * 1000 / args.runs:.1f}"
    )
    with CaptureQueriesContext(connection) as ctx:
        visitor(7)
    print(f"\n{len(ctx.captured_queries)} queries for one visitor:")
    for query in ctx.captured_queries:
        print(f"  {query['time']} s  {query['sql'][:150]}")
    profile = cProfile.Profile(time.process_time)
    profile.enable()
    for n in range(args.runs):
        visitor(n)
    profile.disable()
    out = io.StringIO()
    stats = pstats.Stats(profile, stream=out)
    stats.sort_stats("cumulative").print_stats(args.top)
    stats.sort_stats("tottime").print_stats(args.top)
    print(out.getvalue())
    connection.close()
    surveys_load._drop(args.database)


if __name__ == "__main__":
    main()

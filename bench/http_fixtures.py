"""What the HTTP benchmark sends: ids, a bearer token and a session cookie (one JSON line).

    python -m bench.http_fixtures --engine postgres

Runs in its own process because the bench process is configured for one
engine and the HTTP benchmark visits both. The subject is the coordinator of
the largest province on PostgreSQL (the first on the SQLite file), its plan,
the unit with the most assignments in it, and, where the tuyên vận year was
generated, one of the province's communes and a month.
"""

from __future__ import annotations

import argparse
import json

from bench import env

# The title of the work items the create scenario adds (bench/bench_http.py).
CREATED_TITLE = "Bench: a new work item"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--engine", choices=["postgres", "sqlite"], required=True)
    parser.add_argument(
        "--clean", action="store_true", help="only delete the work items the create scenario added"
    )
    args = parser.parse_args()
    env.configure(env.engine_url(args.engine))
    if args.clean:
        from theodoi.plans.models import WorkItem

        deleted, _by_model = WorkItem.objects.filter(title=CREATED_TITLE).delete()
        print(json.dumps({"deleted": deleted}))
        return

    from django.conf import settings
    from django.contrib.auth.models import User
    from django.db.models import Count
    from django.test import Client

    from theodoi.core.models import ApiToken
    from theodoi.plans.models import Assignment, Plan, Task, WorkItem
    from theodoi.units.models import Unit

    # The work items a previous run's create scenario added: the lists measured
    # would otherwise grow from run to run.
    WorkItem.objects.filter(title=CREATED_TITLE).delete()
    issuers = Plan.objects.values("issuer_id")
    province = (
        Unit.objects.filter(kind=Unit.Kind.PROVINCE, key__startswith="vn2025:", pk__in=issuers)
        .annotate(n=Count("children"))
        .order_by("-n", "code")
        .first()
    )
    plan = Plan.objects.filter(issuer=province).order_by("pk").first()
    busy = (
        Assignment.objects.filter(work_item__task__plan=plan)
        .values("unit")
        .annotate(n=Count("id"))
        .order_by("-n", "unit")
        .first()
    )
    user = User.objects.get(username=f"p{province.code}-coordinator")
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    # A browser's CSRF cookie, as after its first page (the pages' ETags depend on it).
    client.get(f"/plans/{plan.pk}/")
    csrf = client.cookies.get(settings.CSRF_COOKIE_NAME)
    issued = ApiToken.issue(user)
    key = issued[1] if isinstance(issued, tuple) else issued
    fixtures = {
        "plan": plan.pk,
        "unit": busy["unit"],
        "task": Task.objects.filter(plan=plan).order_by("pk").values_list("pk", flat=True)[0],
        "item": WorkItem.objects.filter(task__plan=plan)
        .order_by("pk")
        .values_list("pk", flat=True)[0],
        "token": key,
        "cookie_name": settings.SESSION_COOKIE_NAME,
        "session": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "csrf_cookie_name": settings.CSRF_COOKIE_NAME,
        "csrf": csrf.value if csrf else "",
    }
    try:
        from datetime import date

        from theodoi.tuyenvan import scoring
        from theodoi.tuyenvan.models import MonthlyResult, ScoreSheet

        month = date(2018, 6, 1)
        if (
            ScoreSheet.objects.filter(month=month, commune__parent=province).exists()
            and not MonthlyResult.objects.filter(month=month, commune__parent=province).exists()
        ):
            # The month's results (and so the rankings) as a coordinator's recompute leaves them.
            scoring.compute_month(province, month)
        result = (
            MonthlyResult.objects.filter(commune__parent=province)
            .order_by("-month", "commune_id")
            .values("commune_id", "month")
            .first()
        )
    except Exception:
        result = None
    if result:
        fixtures["commune"] = result["commune_id"]
        fixtures["month"] = result["month"].strftime("%Y-%m")
    print(json.dumps(fixtures))


if __name__ == "__main__":
    main()

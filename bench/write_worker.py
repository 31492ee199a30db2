"""One writer process of the concurrent-write benchmark (started by bench_writes).

    python -m bench.write_worker --engine sqlite --worker 0 --workers 4 --writes 50 \
        --mode distinct

Each write reads a work item (its version) and saves a new title with that
version, as an editor would: through ``PATCH /api/v1/work-items/{id}`` with the
coordinator's bearer token when the API has it, otherwise through the action
the pages and the API share (``theodoi.plans.actions.do_update_work_item``).
A stale version (HTTP 409 / StaleVersion) is a correct refusal, not a failure:
the worker re-reads and tries again, and counts it as a conflict. Anything
else that stops a write (a 5xx, "database is locked", any exception) is a
failed write. Prints one JSON line.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from typing import Any

from bench import env

MAX_RETRIES = 20


def _items(workers: int, worker: int, mode: str, per_worker: int) -> list[int]:
    from theodoi.plans.models import Plan, WorkItem

    plan = Plan.objects.order_by("pk").first()
    ids = list(WorkItem.objects.filter(task__plan=plan).order_by("pk").values_list("pk", flat=True))
    if mode == "shared":
        return ids[:4]  # every worker on the same four work items
    return ids[worker::workers][:per_worker]


class ApiWriter:
    mode = "api"

    def __init__(self, token: str) -> None:
        from django.test import Client

        self.client = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {token}")

    def write(self, item_id: int, title: str) -> str:
        """Return "ok", "conflict" or an error description."""
        got = self.client.get(f"/api/v1/work-items/{item_id}")
        if got.status_code != 200:
            return f"GET {got.status_code}"
        version = got.json().get("version")
        response = self.client.patch(
            f"/api/v1/work-items/{item_id}",
            data=json.dumps({"version": version, "title": title}),
            content_type="application/json",
        )
        if response.status_code in (200, 204):
            return "ok"
        if response.status_code == 409:
            return "conflict"
        return f"PATCH {response.status_code}: {response.content[:100].decode(errors='replace')}"


class ActionWriter:
    mode = "action"

    def __init__(self, user: Any) -> None:
        self.user = user

    def write(self, item_id: int, title: str) -> str:
        from django.db.models import Prefetch

        from theodoi.plans.actions import StaleVersion, WorkItemData, do_update_work_item
        from theodoi.plans.models import Assignment, WorkItem

        # As a view would load it: the task and plan are left to the action, so
        # its transaction reads (task, plan) before it writes, the pattern that
        # makes SQLite's deferred transactions fail with "database is locked".
        item = WorkItem.objects.prefetch_related(
            Prefetch("assignments", queryset=Assignment.objects.select_related("unit"))
        ).get(pk=item_id)
        assignments = list(item.assignments.all())
        data = WorkItemData(
            title=title,
            start=item.start,
            end=item.end,
            number=item.number,
            expected_output=item.expected_output,
            coordination_note=item.coordination_note,
            leads=[a.unit for a in assignments if a.role == Assignment.Role.LEAD],
            coordinating=[a.unit for a in assignments if a.role == Assignment.Role.COORDINATING],
        )
        try:
            do_update_work_item(item, data, version=item.version, by=self.user, reason="bench")
        except StaleVersion:
            return "conflict"
        return "ok"


def api_has_patch(token: str, item_id: int) -> bool:
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {token}")
    return client.get(f"/api/v1/work-items/{item_id}").status_code == 200


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--engine", required=True)
    parser.add_argument("--worker", type=int, required=True)
    parser.add_argument("--workers", type=int, required=True)
    parser.add_argument("--writes", type=int, required=True)
    parser.add_argument("--mode", choices=["distinct", "shared"], required=True)
    parser.add_argument("--through", choices=["auto", "api", "action"], default="auto")
    args = parser.parse_args(argv)
    env.configure(env.engine_url(args.engine), sqlite_defaults=args.engine == "sqlite-defaults")
    import logging

    from django.contrib.auth.models import User

    from theodoi.core.models import ApiToken
    from theodoi.plans.models import Plan

    logging.getLogger("django.request").setLevel(logging.CRITICAL)
    items = _items(args.workers, args.worker, args.mode, per_worker=10)
    plan = Plan.objects.order_by("pk").select_related("issuer").first()
    user = User.objects.get(username=f"p{plan.issuer.code}-coordinator")
    _token, key = ApiToken.issue(user)
    writer: ApiWriter | ActionWriter
    if args.through == "api" or (args.through == "auto" and api_has_patch(key, items[0])):
        writer = ApiWriter(key)
    else:
        writer = ActionWriter(user)

    outcome: Counter[str] = Counter()
    latencies: list[float] = []
    # Tell the parent we are ready, then wait for its signal to start together.
    print("ready", flush=True)
    sys.stdin.readline()
    began = time.time()
    for n in range(args.writes):
        item_id = items[n % len(items)]
        title = f"Nhóm công việc {item_id} – sửa lần {n + 1} bởi tiến trình {args.worker}"
        t0 = time.perf_counter()
        for _attempt in range(MAX_RETRIES):
            try:
                result = writer.write(item_id, title)
            except Exception as exc:  # every failure is counted and reported
                result = f"{type(exc).__name__}: {exc}"
            if result != "conflict":
                break
            outcome["conflicts"] += 1
        latencies.append((time.perf_counter() - t0) * 1000)
        outcome["ok" if result == "ok" else f"failed: {result[:120]}"] += 1
    ended = time.time()
    print(
        json.dumps(
            {
                "worker": args.worker,
                "mode": writer.mode,
                "began": began,
                "ended": ended,
                "outcome": dict(outcome),
                "latencies_ms": latencies,
            }
        )
    )


if __name__ == "__main__":
    main()

"""Background jobs (django-tasks): consolidated exports and the daily reminders."""

from __future__ import annotations

from datetime import date

from django_tasks import task


@task()
def build_export(export_id: int) -> None:
    from .consolidation import run_export

    run_export(export_id)


@task()
def send_reminders(day: str | None = None) -> int:
    from theodoi.core import clock

    from .reminders import send_reminders as send

    return send(date.fromisoformat(day) if day else clock.today())

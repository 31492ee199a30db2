"""The coordinators' digest goes to every coordinator whose reach includes the plan's
owner; `theodoi remind` (directly or through the django-tasks worker) sends once a day."""

import io
from datetime import date

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from theodoi.reporting.management.commands.remind import Command as Remind
from theodoi.reporting.models import Notification, ReminderLog
from theodoi.testing import make_user

from .test_reminders import people  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinators(setup, people):  # noqa: F811
    """Besides BTG's coordinator: one at Ban Dân vận (the province's reach too), one at a
    district (its own reach only), an inactive one at BTG, and the other province's."""
    w = setup.world
    make = {
        "bdv": (w.bdv, True),
        "district": (w.district1, True),
        "inactive": (w.btg, False),
    }
    users = {}
    for name, (unit, active) in make.items():
        users[name] = make_user(
            f"coord-{name}", "coordinator", unit, email=f"{name}@example.vn", is_active=active
        )
    w.outsider.email = "outsider@example.vn"
    w.outsider.save(update_fields=["email"])
    return users


def _digests(day):
    return sorted(m.to[0] for m in mail.outbox if "chờ xử lý" in m.subject)


@time_machine.travel("2018-07-12 07:15 +07:00", tick=False)
def test_digest_goes_to_every_coordinator_in_reach(setup, coordinators):
    w = setup.world
    call_command("remind", stdout=io.StringIO())
    assert _digests(date(2018, 7, 12)) == ["bdv@example.vn", "btg@example.vn"]
    # The same rule as the permission to decide on the plan's reports.
    for user in [w.coordinator, w.outsider, *coordinators.values()]:
        got = Notification.objects.filter(user=user, url=f"/reporting/plans/{setup.plan.pk}/")
        assert got.exists() == (
            user.is_active and user.has_perm("reporting.decide_report", setup.h1)
        )


@time_machine.travel("2018-07-12 07:15 +07:00", tick=False)
def test_a_coordinator_of_the_province_itself_gets_it(setup, coordinators):
    w = setup.world
    head_office = make_user("coord-tu", "coordinator", w.province, email="tu@example.vn")
    assert head_office.has_perm("reporting.decide_report", setup.h1)
    call_command("remind", stdout=io.StringIO())
    assert "tu@example.vn" in _digests(date(2018, 7, 12))


@time_machine.travel("2018-07-12 07:15 +07:00", tick=False)
def test_no_digest_when_turned_off(setup, coordinators):
    settings = setup.plan.reminder_settings
    settings.coordinator_digest = False
    settings.save()
    call_command("remind", stdout=io.StringIO())
    assert _digests(date(2018, 7, 12)) == []


@time_machine.travel("2018-07-11 07:15 +07:00", tick=False)
def test_remind_twice_on_the_same_day_sends_nothing_the_second_time(setup, coordinators):
    out = io.StringIO()
    call_command("remind", stdout=out)
    assert out.getvalue().startswith("3 reminder(s) sent for 11/07/2018.")
    sent = len(mail.outbox)
    notes = Notification.objects.count()
    logs = ReminderLog.objects.count()
    assert sent and notes and logs
    out = io.StringIO()
    call_command("remind", stdout=out)
    assert out.getvalue().startswith("0 reminder(s) sent for 11/07/2018.")
    assert (len(mail.outbox), Notification.objects.count(), ReminderLog.objects.count()) == (
        sent,
        notes,
        logs,
    )
    # The next day is a new day (12/07 is no reminder day, but the digest is).
    with time_machine.travel("2018-07-12 07:15 +07:00", tick=False):
        call_command("remind", stdout=io.StringIO())
    assert len(mail.outbox) > sent


@time_machine.travel("2018-07-11 07:15 +07:00", tick=False)
def test_the_worker_path_sends_once(setup, coordinators, settings, monkeypatch):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    # The worker runs inside this test's transaction, where its connection
    # housekeeping would close PostgreSQL's connection under the test.
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )
    from django_tasks_db.models import DBTaskResult

    for _ in range(2):
        out = io.StringIO()
        call_command("remind", "--enqueue", stdout=out)
        assert "queued" in out.getvalue()
    assert not mail.outbox  # nothing is sent until the worker runs
    assert DBTaskResult.objects.count() == 2
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", stdout=io.StringIO())
    statuses = list(DBTaskResult.objects.values_list("status", "return_value"))
    assert sorted(statuses) == [("SUCCESSFUL", 0), ("SUCCESSFUL", 3)]
    assert ReminderLog.objects.filter(key__startswith="report:").count() == 3
    sent = len(mail.outbox)
    # And the direct run on the same day after the worker: nothing more.
    call_command("remind", stdout=io.StringIO())
    assert len(mail.outbox) == sent


def test_help_documents_cron_and_the_worker():
    text = Remind().create_parser("theodoi", "remind").format_help()
    for expected in (
        "twice on the same day sends nothing",
        "15 7 * * *  theodoi remind",
        "theodoi remind --enqueue",
        "theodoi db_worker",
        "db_worker --batch",
        "theodoi serve",
        "theodoi.reporting.tasks.send_reminders",
        "--date DATE",
    ):
        assert expected in text, expected

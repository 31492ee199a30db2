from datetime import date

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from theodoi.reporting import actions
from theodoi.reporting.models import Notification, ReminderLog, ReminderSettings
from theodoi.reporting.reminders import send_reminders
from theodoi.testing import make_user
from theodoi.units.models import Membership

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(setup):
    """BDV has its reporter and a head; Sở TT&TT has a reporter; commune 1A has its reporter."""
    w = setup.world
    w.agency.email = "agency@example.vn"
    w.agency.save(update_fields=["email"])
    head = make_user("bdv-head", email="head@example.vn")
    Membership.objects.create(user=head, unit=w.bdv, role="viewer", is_head=True)
    so = make_user("so-reporter", email="so@example.vn")
    Membership.objects.create(user=so, unit=w.sotttt, role="agency")
    w.coordinator.email = "btg@example.vn"
    w.coordinator.save(update_fields=["email"])
    ReminderSettings.objects.create(
        plan=setup.plan, days_before="3", on_due_day=True, days_after="1,5", escalate_after=5
    )
    return {"head": head, "so": so}


def test_reminders_on_the_right_days_only(setup, people):
    # H1 is due 10/07/2018: reminders on 07/07, 10/07, 11/07 and 15/07.
    sent = {d: send_reminders(date(2018, 7, d)) for d in range(1, 20)}
    assert {d for d, n in sent.items() if n} == {7, 10, 11, 15}


def test_sent_once_per_report_and_day(setup, people):
    assert send_reminders(date(2018, 7, 10)) == 3
    outbox = len(mail.outbox)
    assert send_reminders(date(2018, 7, 10)) == 0
    call_command("remind", "--date", "2018-07-10")
    assert len(mail.outbox) == outbox
    assert ReminderLog.objects.filter(key__startswith="report:").count() == 3


def test_to_reporters_first_then_heads(setup, people):
    w = setup.world
    send_reminders(date(2018, 7, 11))
    first = {m.to[0] for m in mail.outbox}
    assert "agency@example.vn" in first and "so@example.vn" in first
    assert "head@example.vn" not in first
    mail.outbox.clear()
    send_reminders(date(2018, 7, 15))
    later = {m.to[0] for m in mail.outbox if "quá hạn 5 ngày" in m.subject}
    assert {"agency@example.vn", "head@example.vn", "so@example.vn"} <= later
    assert Notification.objects.filter(user=people["head"]).count() == 1
    assert Notification.objects.filter(user=w.commune).count() == 2


def test_submitted_reports_are_not_reminded(setup, people):
    w = setup.world
    report = actions.do_start_report(setup.h1, w.bdv)
    actions.do_submit_report(report, by=w.agency)
    send_reminders(date(2018, 7, 10))
    assert "agency@example.vn" not in {m.to[0] for m in mail.outbox}


def test_coordinator_digest_once_a_day(setup, people):
    send_reminders(date(2018, 7, 12))
    digests = [m for m in mail.outbox if m.to == ["btg@example.vn"]]
    assert len(digests) == 1
    assert "3 báo cáo quá hạn" in digests[0].subject
    send_reminders(date(2018, 7, 12))
    assert len([m for m in mail.outbox if m.to == ["btg@example.vn"]]) == 1


def test_command_uses_the_domain_date(setup, people):
    with time_machine.travel(date(2018, 7, 7)):
        call_command("remind")
    assert any("đến hạn sau 3 ngày" in m.subject for m in mail.outbox)


def test_notifications_page_and_task(client, setup, people):
    from theodoi.reporting.tasks import send_reminders as task

    task.enqueue("2018-07-10")
    client.force_login(setup.world.agency)
    page = client.get("/reporting/notifications/").content.decode()
    assert "đến hạn hôm nay" in page
    client.post("/reporting/notifications/")
    assert not Notification.objects.filter(user=setup.world.agency).unread().exists()


def test_menu_shows_the_unread_count(client, setup, people):
    send_reminders(date(2018, 7, 10))
    client.force_login(setup.world.agency)
    page = client.get("/reporting/").content.decode()
    assert "Thông báo (1)" in page

"""Notifications on events: in the app and by e-mail, as each user chose, in its language."""

from __future__ import annotations

from datetime import date

import pytest
from django.core import mail

from theodoi.home.models import NotificationPreference
from theodoi.home.notify import send_digests
from theodoi.reporting import actions as reporting
from theodoi.reporting.models import Notification
from theodoi.reporting.tests.conftest import Setup
from theodoi.testing import make_criteria_set
from theodoi.tuyenvan import actions as tv
from theodoi.tuyenvan.models import Criterion, ScoreSheet
from theodoi.tuyenvan.tests.helpers import MONTH, fill, hold_meeting

pytestmark = pytest.mark.django_db(transaction=True)
S = ScoreSheet.Source


def _texts(user):
    return [n.text for n in Notification.objects.filter(user=user)]


@pytest.fixture
def setup(world):
    for user in (world.agency, world.commune, world.district, world.coordinator):
        user.email = f"{user.username}@example.org"
        user.save()
    return Setup(world)


def _submitted(setup):
    w = setup.world
    report = reporting.do_start_report(setup.h1, w.bdv)
    return reporting.do_submit_report(report, by=w.agency)


def test_a_returned_report_tells_its_reporters_in_vietnamese_by_email(setup):
    w = setup.world
    report = _submitted(setup)
    mail.outbox.clear()
    reporting.do_return_report(report, by=w.coordinator, comment="Bổ sung số liệu")
    texts = _texts(w.agency)
    assert any("bị trả lại để sửa: Bổ sung số liệu" in t for t in texts)
    assert [m.to for m in mail.outbox] == [[w.agency.email]]
    assert "bị trả lại" in mail.outbox[0].subject
    assert f"/reporting/reports/{report.pk}/" in mail.outbox[0].body
    assert "/account/notifications/" in mail.outbox[0].body
    assert not _texts(w.coordinator)  # who did it is not told


def test_accepted_in_english_for_who_chose_english(setup):
    w = setup.world
    NotificationPreference.objects.create(user=w.agency, language="en")
    report = _submitted(setup)
    reporting.do_accept_report(report, by=w.coordinator)
    assert any("was accepted" in t for t in _texts(w.agency))


def test_digest_and_off_send_no_immediate_email(setup):
    w = setup.world
    NotificationPreference.objects.create(user=w.agency, email="digest")
    report = _submitted(setup)
    mail.outbox.clear()
    reporting.do_return_report(report, by=w.coordinator, comment="Thiếu số liệu")
    assert not mail.outbox and _texts(w.agency)
    assert send_digests() == 1
    assert len(mail.outbox) == 1 and "Thiếu số liệu" in mail.outbox[0].body
    assert send_digests() == 0  # nothing new since
    NotificationPreference.objects.filter(user=w.agency).update(email="off")
    reporting.do_reopen_report(
        reporting.do_accept_report(
            reporting.do_submit_report(report, by=w.agency), by=w.coordinator
        ),
        by=w.coordinator,
        reason="Cần bổ sung",
    )
    mail.outbox.clear()
    assert send_digests() == 0 and not mail.outbox


@pytest.fixture
def month(world, monkeypatch):
    monkeypatch.setattr("django.conf.settings.THEODOI_TODAY", "2018-04-02")
    make_criteria_set(world)
    return world


def test_the_district_scoring_opens_the_window_and_tells_the_commune(month):
    w = month
    hold_meeting(w.commune1a, w.commune)
    fill(w.commune1a, S.SELF, w.commune)
    fill(w.commune1a, S.DISTRICT, w.district, _5_1=6)
    texts = _texts(w.commune)
    assert any("thời hạn giải trình đến hết ngày 07/04/2018" in t for t in texts), texts
    assert any("chênh lệch" in t for t in texts)


def test_answered_appeal_and_approved_month_tell_the_commune(month):
    w = month
    hold_meeting(w.commune1a, w.commune)
    fill(w.commune1a, S.DISTRICT, w.district)
    c51 = Criterion.objects.get(code="5.1")
    appeal = tv.do_file_appeal(w.commune1a, MONTH, c51, text="Có biên bản", by=w.commune)
    tv.do_answer_appeal(appeal, answer="Giữ nguyên điểm", by=w.district)
    assert any("đã được trả lời" in t and "Giữ nguyên điểm" in t for t in _texts(w.commune))
    tv.do_approve_month(w.commune1a, MONTH, by=w.district, close_window=True)
    assert any("Huyện đã duyệt" in t for t in _texts(w.commune))
    tv.do_reopen_month(w.commune1a, MONTH, reason="Kiểm tra lại", by=w.coordinator)
    assert any("mở lại: Kiểm tra lại" in t for t in _texts(w.commune))
    assert any("mở lại" in t for t in _texts(w.district))


def test_a_report_received_tells_the_district(month):
    w = month
    tv.do_send_commune_submission(
        w.commune1a, date(2018, 3, 1), "report", title="Báo cáo tháng 3", by=w.commune
    )
    texts = _texts(w.district)
    assert any("Đã nhận từ Xã Một A" in t for t in texts), texts
    assert not _texts(w.commune)


def test_the_preferences_page(client, world):
    client.force_login(world.agency)
    page = client.get("/account/notifications/").content.decode()
    assert 'value="digest"' in page
    response = client.post("/account/notifications/", {"email": "off", "language": "en"})
    assert response.status_code == 302
    pref = NotificationPreference.objects.get(user=world.agency)
    assert (pref.email, pref.language) == ("off", "en")
    assert client.post("/account/notifications/", {"email": "x"}).status_code == 200


def test_reminders_are_in_the_recipients_language_whatever_the_workers(setup):
    """A worker or cron job runs in English (no request): each recipient still
    reads its reminder in its language, Vietnamese unless it chose English."""
    from django.utils import translation

    from theodoi.reporting.reminders import send_reminders
    from theodoi.testing import make_user
    from theodoi.units.models import Membership

    w = setup.world
    english = make_user("so-reporter", email="so@example.org")
    Membership.objects.create(user=english, unit=w.sotttt, role="agency")
    NotificationPreference.objects.create(user=english, language="en")
    mail.outbox.clear()
    with translation.override("en"):
        send_reminders(date(2018, 7, 11))
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert "quá hạn 1 ngày" in subjects[w.agency.email]
    assert "1 days overdue" in subjects["so@example.org"]
    assert any("quá hạn" in t for t in _texts(w.agency))

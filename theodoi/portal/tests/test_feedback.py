"""Feedback and "send to a friend": bot checks, rate limits, never an open relay,
the answer e-mailed and published without personal data."""

import pytest
from django.core import mail

from theodoi.portal import actions

from .conftest import make_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def article(news):
    return make_article(news, title="Ban Tuyên giáo Tỉnh ủy Lào Cai")


def _feedback(stamp, **extra):
    return {
        "name": "Nguyễn Văn A",
        "email": "a@example.org",
        "phone": "0912345678",
        "address": "Sa Pa, Lào Cai",
        "message": "Xin hỏi về Đề án 17.",
        "may_publish": "on",
        "started": stamp,
        "website": "",
        **extra,
    }


def test_feedback_is_kept_for_moderation(client, article, stamp):
    response = client.post(f"/news/a/{article.pk}/feedback/", _feedback(stamp))
    assert response.status_code == 200
    saved = article.feedback.get()
    assert saved.state == "new" and saved.phone == "0912345678" and not saved.published
    html = client.get(article.get_absolute_url()).content.decode()
    assert "Xin hỏi về Đề án 17." not in html  # not before an editor publishes it


@pytest.mark.parametrize(
    "trap", [{"website": "http://spam.example"}, {"started": ""}, {"started": "forged:stamp"}]
)
def test_bots_are_thanked_and_ignored(client, article, stamp, trap):
    response = client.post(f"/news/a/{article.pk}/feedback/", _feedback(stamp, **trap))
    assert response.status_code == 200
    assert not article.feedback.exists()


def test_a_form_sent_too_fast_is_ignored(client, article):
    from theodoi.portal import guard

    client.post(f"/news/a/{article.pk}/feedback/", _feedback(guard.stamp()))
    assert not article.feedback.exists()


def test_feedback_is_rate_limited_per_sender(client, article, stamp):
    for _ in range(actions.FEEDBACK_PER_SENDER_PER_HOUR):
        assert client.post(f"/news/a/{article.pk}/feedback/", _feedback(stamp)).status_code == 200
    response = client.post(f"/news/a/{article.pk}/feedback/", _feedback(stamp))
    assert response.status_code == 429
    assert article.feedback.count() == actions.FEEDBACK_PER_SENDER_PER_HOUR
    other = client.post(f"/news/a/{article.pk}/feedback/", _feedback(stamp), REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 200


def test_bad_feedback_is_shown_at_the_field(client, article, stamp):
    response = client.post(
        f"/news/a/{article.pk}/feedback/", _feedback(stamp, email="not an address", message="")
    )
    assert response.status_code == 400
    assert not article.feedback.exists()


def test_no_feedback_on_a_draft(client, news, stamp):
    draft = make_article(news, state="draft")
    assert client.post(f"/news/a/{draft.pk}/feedback/", _feedback(stamp)).status_code == 404


def test_answer_is_mailed_and_published_without_personal_data(
    client, world, article, stamp, django_capture_on_commit_callbacks
):
    client.post(f"/news/a/{article.pk}/feedback/", _feedback(stamp))
    feedback = article.feedback.get()
    client.force_login(world.coordinator)
    assert client.get("/news/editor/feedback/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/news/editor/feedback/{feedback.pk}/",
            {"answer": "Đề án có 4 chương trình.", "publish": "on"},
        )
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["a@example.org"]
    assert "Đề án có 4 chương trình." in mail.outbox[0].body
    client.logout()
    html = client.get(article.get_absolute_url()).content.decode()
    assert "Xin hỏi về Đề án 17." in html and "Đề án có 4 chương trình." in html
    for personal in ("Nguyễn Văn A", "a@example.org", "0912345678", "Sa Pa, Lào Cai"):
        assert personal not in html


def test_answer_is_not_published_without_consent(client, world, article, stamp):
    data = _feedback(stamp)
    del data["may_publish"]
    client.post(f"/news/a/{article.pk}/feedback/", data)
    feedback = article.feedback.get()
    client.force_login(world.coordinator)
    response = client.post(
        f"/news/editor/feedback/{feedback.pk}/", {"answer": "Trả lời", "publish": "on"}
    )
    assert response.status_code == 400
    feedback.refresh_from_db()
    assert not feedback.published and feedback.state == "new"
    assert not mail.outbox


def test_feedback_is_for_editors_only(client, world, article, stamp):
    client.post(f"/news/a/{article.pk}/feedback/", _feedback(stamp))
    feedback = article.feedback.get()
    client.force_login(world.viewer)
    assert client.get(f"/news/editor/feedback/{feedback.pk}/").status_code == 404
    client.force_login(world.outsider)
    assert client.get(f"/news/editor/feedback/{feedback.pk}/").status_code == 404


# Send to a friend ---------------------------------------------------------------


def _send(stamp, **extra):
    return {
        "to": "ban@example.org",
        "sender_name": "Lan",
        "message": "Bài hay.",
        "started": stamp,
        "website": "",
        **extra,
    }


def test_send_to_a_friend(client, article, stamp):
    response = client.post(f"/news/a/{article.pk}/send/", _send(stamp))
    assert response.status_code == 200
    message = mail.outbox[0]
    assert message.to == ["ban@example.org"] and not message.cc and not message.bcc
    assert f"/news/a/{article.pk}/" in message.body and "Bài hay." in message.body
    assert "Lan" in message.body and "Lan" not in message.subject
    assert set(message.extra_headers) == set()


@pytest.mark.parametrize(
    "field, value",
    [
        ("to", "ban@example.org\r\nBcc: victim@example.org"),
        ("to", "ban@example.org\nCc: victim@example.org"),
        ("to", "ban@example.org, victim@example.org"),
        ("to", "ban@example.org;victim@example.org"),
        ("to", "Ban <ban@example.org>"),
        ("to", "ban@example.org%0ABcc:victim@example.org"),
        ("sender_name", "Lan\r\nBcc: victim@example.org"),
        ("sender_name", "Lan\nSubject: Trúng thưởng"),
        ("message", "Xin chào\r\nBcc: victim@example.org\r\n\r\n<script>x</script>"),
    ],
)
def test_header_injection_goes_nowhere(client, article, stamp, field, value):
    client.post(f"/news/a/{article.pk}/send/", _send(stamp, **{field: value}))
    for message in mail.outbox:
        assert message.to == ["ban@example.org"]
        assert not message.cc and not message.bcc and not message.extra_headers
        headers = message.message().as_string().split("\n\n", 1)[0]
        assert "victim@example.org" not in headers
        assert "Bcc:" not in headers and "Trúng" not in headers


def test_send_is_rate_limited_per_recipient_and_per_sender(client, article, stamp):
    for _ in range(actions.SEND_PER_RECIPIENT_PER_DAY):
        assert client.post(f"/news/a/{article.pk}/send/", _send(stamp)).status_code == 200
    # The same address from another sender: its own limit holds.
    refused = client.post(f"/news/a/{article.pk}/send/", _send(stamp), REMOTE_ADDR="10.0.0.7")
    assert refused.status_code == 429
    assert len(mail.outbox) == actions.SEND_PER_RECIPIENT_PER_DAY
    # One sender to many addresses: the sender's limit holds.
    for n in range(actions.SEND_PER_SENDER_PER_HOUR + 2):
        client.post(
            f"/news/a/{article.pk}/send/",
            _send(stamp, to=f"x{n}@example.org"),
            REMOTE_ADDR="10.0.0.8",
        )
    from_8 = [m for m in mail.outbox if m.to[0].startswith("x")]
    assert len(from_8) == actions.SEND_PER_SENDER_PER_HOUR


def test_send_refuses_a_long_message(client, article, stamp):
    response = client.post(f"/news/a/{article.pk}/send/", _send(stamp, message="x" * 501))
    assert response.status_code == 400
    assert not mail.outbox

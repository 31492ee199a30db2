"""The portal in Chromium on a phone: a visitor reads the seed's article and sends
feedback, the editor answers and publishes it, the visitor sees the answer."""

from datetime import timedelta

import pytest

from theodoi.core import clock
from theodoi.testing import PASSWORD, make_world

from .conftest import login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Ban Tuyên giáo Tỉnh ủy Lào Cai: Tổ chức triển khai thực hiện Đề án 17-ĐA/TU"


def test_feedback_from_a_phone_answered_in_public(live_server, page):
    from theodoi.portal.demo import seed_body
    from theodoi.portal.models import Article, Category, Feedback

    world = make_world()
    category = Category.objects.create(
        owner=world.province, name="Công tác tuyên giáo", slug="cong-tac-tuyen-giao"
    )
    body, author = seed_body()
    article = Article.objects.create(
        category=category,
        title=TITLE,
        body=body,
        author=author,
        state="published",
        publish_at=clock.now() - timedelta(days=1),
    )
    base = live_server.url
    page.set_default_timeout(30_000)  # the live server's first pages are slow on a busy machine

    page.goto(f"{base}/")
    page.click(f"text={TITLE}")
    assert page.locator("h1").inner_text() == TITLE
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.fill("input[name=name]", "Lý Thị Mai")
    page.fill("input[name=email]", "mai@example.org")
    page.fill("input[name=phone]", "0912000111")
    page.fill("textarea[name=message]", "Xã vùng cao gửi tài liệu tuyên vận thế nào?")
    page.check("input[name=may_publish]")
    page.wait_for_timeout(3200)  # a person takes a few seconds; a bot does not
    page.click("section#feedback button[type=submit]")
    page.wait_for_selector("text=Phản hồi của bạn đã được tiếp nhận")
    screenshot(page, "portal-feedback-sent")
    feedback = Feedback.objects.get()

    login(page, base, "coordinator", PASSWORD)
    page.goto(f"{base}/news/editor/feedback/")
    page.click(f"a[href='/news/editor/feedback/{feedback.pk}/']")
    page.fill("textarea[name=answer]", "Gửi qua Cổng thông tin điện tử Tỉnh ủy.")
    page.check("input[name=publish]")
    page.click("button[type=submit].primary")
    page.wait_for_selector("text=Đã gửi câu trả lời")
    feedback.refresh_from_db()
    assert feedback.published

    page.context.clear_cookies()
    page.goto(f"{base}{article.get_absolute_url()}")
    answers = page.locator("section.answers").inner_text()
    assert "Gửi qua Cổng thông tin điện tử Tỉnh ủy." in answers
    assert "Lý Thị Mai" not in page.content() and "mai@example.org" not in page.content()
    screenshot(page, "portal-answer-published")

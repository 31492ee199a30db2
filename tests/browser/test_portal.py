"""The portal in Chromium on a phone: a visitor reads the seed's article and sends
feedback, the editor answers and publishes it, the visitor sees the answer; and
axe-core (vendored, tests/browser/vendor) on every kind of public page."""

import json
from datetime import timedelta
from pathlib import Path

import pytest

from theodoi.core import clock
from theodoi.testing import PASSWORD, make_world

from .conftest import ARTIFACTS, login, screenshot

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


AXE = Path(__file__).parent / "vendor" / "axe-4.14.1.min.js"


def _public_site() -> dict[str, str]:
    """A portal with every kind of public page: an article with an image, tags and a
    published answer; a published progress page; a published month's ranking."""
    from datetime import date
    from decimal import Decimal
    from io import BytesIO

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from theodoi.portal import actions
    from theodoi.portal.demo import seed_body
    from theodoi.portal.models import Article, Category, Feedback
    from theodoi.testing import make_criteria_set, make_plan, make_work_item
    from theodoi.tuyenvan.models import MonthlyResult

    world = make_world()
    category = Category.objects.create(
        owner=world.province, name="Công tác tuyên giáo", slug="cong-tac-tuyen-giao"
    )
    body, author = seed_body()
    article = Article.objects.create(
        category=category, title=TITLE, body=body, author=author, state="published",
        lead="Tham mưu đẩy mạnh triển khai thực hiện Đề án.", featured=True,
        tag_names="Đề án 17-ĐA/TU, tuyên vận", publish_at=clock.now() - timedelta(days=1),
    )  # fmt: skip
    for i in range(3):
        Article.objects.create(
            category=category, title=f"Tin tuyên vận số {i}", body="<p>Nội dung.</p>",
            state="published", tag_names="tuyên vận",
            publish_at=clock.now() - timedelta(days=2 + i),
        )  # fmt: skip
    picture = BytesIO()
    Image.new("RGB", (1200, 800), (120, 30, 30)).save(picture, "JPEG")
    upload = SimpleUploadedFile("anh.jpg", picture.getvalue(), content_type="image/jpeg")
    actions.do_add_image(article, upload, caption="Hội nghị", alt="Hội nghị", by=world.coordinator)
    Feedback.objects.create(
        article=article, name="Lý Thị Mai", email="mai@example.org", message="Hỏi?",
        may_publish=True, state="answered", answer="Trả lời.", published=True,
        answered_at=clock.now(),
    )  # fmt: skip
    plan = make_plan(world)
    make_work_item(plan, lead=world.btg, coordinating=world.bdv)
    actions.do_publish_progress(plan, published=True, by=world.coordinator)
    criteria_set = make_criteria_set(world)
    for commune, district, total in (
        (world.commune1a, world.district1, "88.50"),
        (world.commune1b, world.district1, "91.00"),
        (world.commune2a, world.district2, "72.25"),
    ):
        MonthlyResult.objects.create(
            commune=commune, district=district, province=world.province,
            month=date(2018, 5, 1), criteria_set=criteria_set, total=Decimal(total),
            band_label="Tốt", status=MonthlyResult.Status.CLOSED,
        )  # fmt: skip
    ranking = actions.do_publish_ranking(world.province, date(2018, 5, 1), by=world.coordinator)
    return {
        "home": "/",
        "article": article.get_absolute_url(),
        "category": category.get_absolute_url(),
        "tag": "/news/t/tuyen-van/",
        "search": "/news/search/?q=tuyen+van",
        "feedback": f"{article.get_absolute_url()}feedback/",
        "send": f"{article.get_absolute_url()}send/",
        "progress list": "/news/progress/",
        "progress": f"/news/progress/{plan.pk}/",
        "ranking": ranking.get_absolute_url(),
    }


def test_axe_finds_nothing_serious_on_the_public_pages(live_server, browser):
    """axe-core on every kind of public page at 360 and 1280 px, in Vietnamese and in
    English (the language switch on the page): no serious or critical finding."""
    pages = _public_site()
    source = AXE.read_text(encoding="utf-8")
    found = {}
    for width, height in ((360, 740), (1280, 900)):
        context = browser.new_context(viewport={"width": width, "height": height})
        context.set_default_timeout(30_000)
        page = context.new_page()
        for language in ("vi", "en"):
            if language == "en":  # the switch itself, as a visitor uses it
                page.goto(live_server.url + pages["home"])
                page.click("form.lang button[value=en]")
                page.wait_for_selector("html[lang=en]")
            for name, path in pages.items():
                response = page.goto(live_server.url + path)
                assert response.status == 200, path
                assert page.evaluate("document.documentElement.lang") == language
                page.add_script_tag(content=source)
                result = page.evaluate(
                    "async () => (await axe.run(document, {resultTypes: ['violations']}))"
                    ".violations.filter(v => v.impact === 'serious' || v.impact === 'critical')"
                    ".map(v => ({id: v.id, impact: v.impact, n: v.nodes.length,"
                    " where: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))"
                )
                if result:
                    found[f"{width}px {language} {name} {path}"] = result
                if language == "vi":
                    assert page.evaluate("document.documentElement.scrollWidth") <= max(
                        width, 1280
                    ), f"{name} scrolls sideways at {width}px"
                    screenshot(page, f"portal-{name.replace(' ', '-')}-{width}")
        context.close()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "axe-portal.json").write_text(
        json.dumps(found, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    assert not found, json.dumps(found, ensure_ascii=False, indent=1)

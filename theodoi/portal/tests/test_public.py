"""The public site: what an anonymous visitor sees, and what the page weighs."""

import gzip
import re
from datetime import timedelta
from pathlib import Path

import pytest

from theodoi.core import clock
from theodoi.portal import actions

from .conftest import make_article

pytestmark = pytest.mark.django_db


def test_root_is_the_portal_for_visitors_and_the_work_home_when_signed_in(client, world, news):
    make_article(news, title="Tin công khai")
    html = client.get("/").content.decode()
    assert "Tin công khai" in html and 'property="og:title"' in html
    client.force_login(world.coordinator)
    assert "Tin công khai" not in client.get("/").content.decode()
    assert "Đăng xuất" in client.get("/").content.decode()


def test_anonymous_sees_only_live_articles(client, news):
    live = make_article(news, title="Đã đăng")
    draft = make_article(news, title="Bản nháp", state="draft")
    review = make_article(news, title="Chờ duyệt", state="review")
    scheduled = make_article(news, title="Hẹn giờ", publish_at=clock.now() + timedelta(days=1))
    withdrawn = make_article(news, title="Đã gỡ", state="unpublished")
    assert client.get(live.get_absolute_url()).status_code == 200
    for hidden in (draft, review, scheduled, withdrawn):
        assert client.get(hidden.get_absolute_url()).status_code == 404
        assert client.get(f"/api/v1/portal/articles/{hidden.pk}").status_code == 404
    for url in (
        "/news/",
        "/news/c/tin-tuc/",
        "/news/rss/",
        "/news/c/tin-tuc/atom/",
        "/news/sitemap.xml",
        "/api/v1/portal/articles",
    ):
        body = client.get(url).content.decode()
        assert "Đã đăng" in body or f"/news/a/{live.pk}/" in body, url
        for hidden in ("Bản nháp", "Chờ duyệt", "Hẹn giờ", "Đã gỡ"):
            assert hidden not in body, (url, hidden)


def test_a_scheduled_article_appears_when_its_time_comes(client, news, time_machine):
    time_machine.move_to(clock.now(), tick=False)
    article = make_article(news, title="Hẹn giờ", publish_at=clock.now() + timedelta(hours=2))
    assert client.get(article.get_absolute_url()).status_code == 404
    time_machine.shift(timedelta(hours=3))
    assert client.get(article.get_absolute_url()).status_code == 200


def test_article_page_has_its_parts_and_lists(client, news):
    other = make_article(news, title="Cùng chuyên mục", featured=True, ago=2)
    article = make_article(
        news,
        title="Ban Tuyên giáo Tỉnh ủy Lào Cai",
        lead="Tham mưu đẩy mạnh triển khai Đề án.",
        author="Phùng Nam Trung",
        tag_names="Đề án 17, tuyên vận",
    )
    html = client.get(article.get_absolute_url()).content.decode()
    assert "<title>Ban Tuyên giáo Tỉnh ủy Lào Cai ·" in html
    assert '<meta name="description" content="Tham mưu đẩy mạnh triển khai Đề án.">' in html
    assert '<meta property="og:type" content="article">' in html
    assert "Phùng Nam Trung" in html and "tuyên vận" in html
    assert html.count(other.title) >= 3  # same category, featured, latest
    assert len(re.findall(r"<h1[ >]", html)) == 1
    assert "<script" not in html  # the public page needs no JavaScript


def test_article_page_is_light(client, news):
    body = "".join(
        f"<p>Đoạn {i}: công tác tuyên vận ở cơ sở được triển khai.</p>" for i in range(60)
    )
    for i in range(6):
        make_article(
            news, title=f"Bài khác số {i} về công tác tuyên giáo", ago=i + 2, featured=True
        )
    article = make_article(news, title="Bài nặng", body=body, lead="Tóm tắt " * 30)
    response = client.get(article.get_absolute_url(), headers={"accept-encoding": "gzip"})
    html = gzip.decompress(response.content)
    css_size = (Path(__file__).parents[1] / "static/portal/portal.css").stat().st_size
    assert len(response.content) + css_size < 60 * 1024
    assert len(html) + css_size < 60 * 1024


def test_category_pages(client, news):
    for i in range(14):
        make_article(news, title=f"Tin số {i:02d}", ago=i + 1)
    first = client.get("/news/c/tin-tuc/").content.decode()
    second = client.get("/news/c/tin-tuc/?page=2").content.decode()
    assert "Tin số 00" in first and "Tin số 13" not in first
    assert "Tin số 13" in second
    assert client.get("/news/c/khong-co/").status_code == 404
    assert client.get("/news/c/tin-tuc/?page=abc").status_code == 200


def test_print_view_and_feeds(client, news):
    article = make_article(news, title="Bài để in", body="<p>Nội dung</p>")
    html = client.get(f"/news/a/{article.pk}/print/").content.decode()
    assert "Bài để in" in html and "Nội dung" in html and "portal.css" not in html
    rss = client.get("/news/c/tin-tuc/rss/")
    assert rss["Content-Type"].startswith("application/rss+xml")
    assert "Bài để in" in rss.content.decode()
    atom = client.get("/news/atom/")
    assert atom["Content-Type"].startswith("application/atom+xml")


def test_home_and_category_query_counts_do_not_grow(client, news, django_assert_max_num_queries):
    for i in range(3):
        make_article(news, title=f"Tin {i}", featured=True)
    with django_assert_max_num_queries(8):
        client.get("/news/")
    for i in range(20):
        make_article(news, title=f"Tin thêm {i}", featured=True)
    with django_assert_max_num_queries(8):
        client.get("/news/")
    with django_assert_max_num_queries(10):
        client.get("/news/c/tin-tuc/")


def test_public_lists_are_shared_and_follow_changes(
    client, world, news, django_assert_max_num_queries
):
    article = make_article(news, title="Tin đầu")
    client.get("/news/")  # fills the shared lists
    with django_assert_max_num_queries(2):  # the session-less page: nothing but the cache
        html = client.get("/news/").content.decode()
    assert "Tin đầu" in html
    # A change is seen at once: publishing, withdrawing, editing raise the generation.
    make_article(news, title="Tin mới đăng")
    assert "Tin mới đăng" in client.get("/news/").content.decode()
    actions.do_move_article(article, "unpublish", by=world.coordinator, reason="Sai")
    assert "Tin đầu" not in client.get("/news/").content.decode()


def test_language_switch_keeps_the_address(client, news):
    article = make_article(news, title="Bài song ngữ")
    url = article.get_absolute_url()
    html = client.get(url).content.decode()
    assert '<html lang="vi">' in html and "Gửi phản hồi" in html
    assert 'name="language" value="en"' in html
    response = client.post("/i18n/setlang/", {"language": "en", "next": url})
    assert response.status_code == 302 and response["Location"] == url
    html = client.get(url).content.decode()
    assert '<html lang="en">' in html and "Send feedback" in html and "Bài song ngữ" in html
    assert 'value="en" lang="en" aria-pressed="true"' in html

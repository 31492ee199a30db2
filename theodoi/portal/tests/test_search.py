"""Search finds "tuyên vận" for "tuyen van", on SQLite and PostgreSQL alike."""

import pytest

from theodoi.portal.models import Article
from theodoi.portal.search import matching

from .conftest import make_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def articles(news):
    return {
        "tv": make_article(news, title="Hội nghị tuyên vận tháng 7"),
        "dv": make_article(news, title="Mô hình Dân vận khéo", body="<p>Đắk Lắk, Đề án 17</p>"),
        "other": make_article(news, title="Du lịch Sa Pa", body="<p>Khách du lịch hài lòng</p>"),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("tuyen van", {"tv"}),
        ("tuyên vận", {"tv"}),
        ("TUYÊN VẬN", {"tv"}),
        ("tuyên van", {"tv"}),
        ("dan van kheo", {"dv"}),
        ("dak lak", {"dv"}),  # đ → d
        ("đề án 17", {"dv"}),
        ("sa pa hai long", {"other"}),
        ("van", {"tv", "dv"}),
        ("khong co", set()),
    ],
)
def test_search_ignores_diacritics_and_case(articles, query, expected):
    found = {k for k, a in articles.items() if a in matching(Article.objects.all(), query)}
    assert found == expected


def test_search_reads_the_body_text_not_its_markup(news):
    article = make_article(news, body='<p><a href="https://tuyengiao.vn">nguồn</a> hội nghị</p>')
    assert matching(Article.objects.all(), "tuyengiao").count() == 0
    assert list(matching(Article.objects.all(), "hoi nghi")) == [article]


def test_search_page_and_api_show_live_articles_only(client, news):
    make_article(news, title="Tuyên vận công khai")
    make_article(news, title="Tuyên vận nháp", state="draft")
    html = client.get("/news/search/", {"q": "tuyen van"}).content.decode()
    assert "Tuyên vận công khai" in html and "Tuyên vận nháp" not in html
    items = client.get("/api/v1/portal/articles", {"q": "tuyen van"}).json()["items"]
    assert [i["title"] for i in items] == ["Tuyên vận công khai"]

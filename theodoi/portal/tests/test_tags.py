"""Tags as rows: written on the article, one page each with paging, the API's filter,
and the editors' rename, merge and delete."""

import pytest
from django.core.exceptions import ValidationError

from theodoi.portal import actions
from theodoi.portal.models import Article, Tag, split_tags, tag_slug
from theodoi.portal.views import PAGE_SIZE

from .conftest import make_article

pytestmark = pytest.mark.django_db


def test_names_become_tags_once_each():
    assert split_tags(" Đề án 17 , tuyên vận,Tuyên  Vận,, ") == ["Đề án 17", "tuyên vận"]
    assert tag_slug("Đề án 17-ĐA/TU") == "de-an-17-datu"


def test_an_article_carries_its_written_tags(news):
    article = make_article(news, tag_names="Đề án 17, tuyên vận")
    assert sorted(article.tags.values_list("slug", flat=True)) == ["de-an-17", "tuyen-van"]
    other = make_article(news, title="Khác", tag_names="Tuyên vận, dân vận")
    assert Tag.objects.count() == 3  # "Tuyên vận" is the same tag as "tuyên vận"
    other.tag_names = "dân vận"
    other.save()
    assert list(other.tags.values_list("slug", flat=True)) == ["dan-van"]
    # Saving another field keeps the tags without touching them.
    other.featured = True
    other.save(update_fields=["featured"])
    assert other.tags.count() == 1


def test_tag_page_lists_live_articles_by_pages(client, news):
    for i in range(PAGE_SIZE + 2):
        make_article(news, title=f"Bài {i}", tag_names="tuyên vận", ago=i + 1)
    make_article(news, title="Bản nháp ẩn", state="draft", tag_names="tuyên vận")
    first = client.get("/news/t/tuyen-van/")
    html = first.content.decode()
    assert first.status_code == 200
    assert "<title>" in html and "tuyên vận" in html
    assert "Bài 0</a></h2>" in html and f"Bài {PAGE_SIZE + 1}</a></h2>" not in html
    assert "Bản nháp ẩn" not in html and 'rel="next"' in html
    second = client.get("/news/t/tuyen-van/?page=2").content.decode()
    assert f"Bài {PAGE_SIZE + 1}</a></h2>" in second and "Bài 0</a></h2>" not in second
    assert client.get("/news/t/khong-co/").status_code == 404


def test_article_page_links_its_tags(client, news):
    article = make_article(news, tag_names="Đề án 17")
    html = client.get(article.get_absolute_url()).content.decode()
    assert 'href="/news/t/de-an-17/" rel="tag">Đề án 17</a>' in html


def test_api_filters_by_tag(client, news):
    make_article(news, title="Có thẻ", tag_names="dân vận")
    make_article(news, title="Không thẻ")
    make_article(news, title="Nháp có thẻ", state="draft", tag_names="dân vận")
    data = client.get("/api/v1/portal/articles?tag=dan-van").json()
    titles = [a["title"] for a in data["items"]] if isinstance(data, dict) else []
    assert titles == ["Có thẻ"]
    assert data["items"][0]["tags"] == ["dân vận"]


def test_restore_brings_back_the_tags(world, news):
    article = make_article(news, tag_names="cũ")
    first = article.history.order_by("history_id").first()
    data = actions.ArticleData(
        category=news,
        title=article.title,
        body=article.body,
        tags="mới",
        publish_at=article.publish_at,
    )
    article = actions.do_update_article(article, data, by=world.coordinator, version=None)
    assert list(article.tags.values_list("name", flat=True)) == ["mới"]
    article = actions.do_restore_article(article, first.history_id, by=world.coordinator)
    assert list(article.tags.values_list("name", flat=True)) == ["cũ"]


def test_editor_renames_merges_and_deletes(client, world, news):
    a = make_article(news, title="A", tag_names="tuyen van, Đề án")
    b = make_article(news, title="B", tag_names="tuyên vận")
    client.force_login(world.coordinator)
    assert client.get("/news/editor/tags/").status_code == 200
    old = Tag.objects.get(slug="de-an")
    response = client.post(f"/news/editor/tags/{old.pk}/", {"name": "Đề án 17-ĐA/TU"})
    assert response.status_code == 302
    a.refresh_from_db()
    assert "Đề án 17-ĐA/TU" in a.tag_names and "de an 17-da/tu" in a.search_text
    assert old.history.first().history_user == world.coordinator
    # Merge: A's and B's "tuyên vận" are one tag already; merge "Đề án…" into it.
    tv = Tag.objects.get(slug="tuyen-van")
    renamed = Tag.objects.get(slug="de-an-17-datu")
    client.post(f"/news/editor/tags/{renamed.pk}/", {"name": renamed.name, "into": tv.pk})
    assert not Tag.objects.filter(pk=renamed.pk).exists()
    a.refresh_from_db()
    assert list(a.tags.all()) == [tv]
    # Delete: off every article, the written tags follow.
    client.post(f"/news/editor/tags/{tv.pk}/", {"name": tv.name, "delete": "1"})
    assert not Tag.objects.exists()
    assert Article.objects.get(pk=b.pk).tag_names == ""


def test_tags_of_another_portal_are_not_theirs(client, world, other_news):
    make_article(other_news, tag_names="tỉnh khác")
    foreign = Tag.objects.get()
    client.force_login(world.coordinator)
    assert client.post(f"/news/editor/tags/{foreign.pk}/", {"name": "x"}).status_code == 403
    assert "tỉnh khác" not in client.get("/news/editor/tags/").content.decode()
    client.force_login(world.district)
    assert client.get("/news/editor/tags/").status_code == 403


def test_sitemap_lists_tags_of_live_articles_only(client, news):
    make_article(news, tag_names="công khai")
    make_article(news, title="Nháp", state="draft", tag_names="chỉ nháp")
    body = client.get("/news/sitemap.xml").content.decode()
    assert "/news/t/cong-khai/" in body and "/news/t/chi-nhap/" not in body


def test_each_portal_keeps_its_own_tags(client, world, news, other_news):
    ours = make_article(news, tag_names="tuyên vận")
    theirs = make_article(other_news, title="Tỉnh khác", tag_names="Tuyên vận")
    mine, other = ours.tags.get(), theirs.tags.get()
    assert mine != other and other.slug == f"tuyen-van-{world.other_province.pk}"
    assert other.get_absolute_url() != mine.get_absolute_url()
    # Renaming ours leaves theirs alone; theirs cannot be merged into ours.
    actions.do_rename_tag(mine, name="Tuyên vận cơ sở", by=world.coordinator)
    theirs.refresh_from_db()
    assert theirs.tag_names == "Tuyên vận" and theirs.tags.get() == other
    with pytest.raises(ValidationError):
        actions.do_merge_tag(other, into=Tag.objects.get(pk=mine.pk), by=world.coordinator)
    # Saving the other article again finds its own tag, not a new one.
    theirs.save()
    assert Tag.objects.filter(owner=world.other_province).count() == 1

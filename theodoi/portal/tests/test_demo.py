"""The portal's demo: the seed's own article with its real text, its lists, the inbox."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from theodoi.demo import loader
from theodoi.plans.models import Plan
from theodoi.portal import demo as portal_demo
from theodoi.portal.models import Article, Feedback

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(settings, tmp_path, monkeypatch):
    settings.DATA_DIR = tmp_path / "data"
    settings.THEODOI_DEMO = True
    monkeypatch.setenv("DEMO_PASSWORD", "demo-test-password")
    settings.THEODOI_TODAY = date(2018, 7, 15)
    # Only this app's hook: the others have their own tests.
    monkeypatch.setattr(loader, "run_app_hooks", lambda ctx: [portal_demo.load(ctx)])
    call_command("load_demo", stdout=StringIO())


def test_the_seed_article_is_there_with_its_real_text(client, loaded):
    seed = Article.objects.get(title=portal_demo.SEED_TITLE)
    assert seed.is_live and seed.publish_at.year == 2018
    html = client.get("/").content.decode()
    assert portal_demo.SEED_TITLE in html
    page = client.get(seed.get_absolute_url()).content.decode()
    for real in (
        "Kế hoạch số 112-KH/TU ngày 05/01/2018",
        "7 nhiệm vụ với 20 nhóm đầu công việc",
        "Quy định số 11-QĐ/TU ngày 26/10/2016",
        "Phùng Nam Trung",
        "Tin cùng chuyên mục",
        "Tin nổi bật",
        "Tin mới nhất",
        "Báo chí đồng hành và góp phần thúc đẩy",
    ):
        assert real in page, real
    # The answered feedback is shown, its sender is not.
    assert "đường truyền chập chờn" in page and "Lý Thị Mai" not in page
    assert client.get("/news/", {"q": "tuyen van"}).status_code == 200
    found = client.get("/news/search/", {"q": "de an 17 tuyen giao"}).content.decode()
    assert portal_demo.SEED_TITLE in found


def test_the_seed_article_page_is_under_60_kb(client, loaded):
    import gzip
    from pathlib import Path

    seed = Article.objects.get(title=portal_demo.SEED_TITLE)
    response = client.get(seed.get_absolute_url(), headers={"accept-encoding": "gzip"})
    html = gzip.decompress(response.content)
    css = (Path(__file__).parents[1] / "static/portal/portal.css").stat().st_size
    print(f"seed article: {len(html)} B html, {len(response.content)} B gzipped, {css} B css")
    assert len(html) + css < 60 * 1024  # even uncompressed, with its stylesheet
    assert b"<script" not in html


def test_the_demo_inbox_and_the_editor(client, loaded):
    from django.contrib.auth.models import User

    assert Feedback.objects.count() == 3
    assert Feedback.objects.filter(published=True).count() == 1
    assert not Article.objects.live().filter(title__startswith="Sơ kết 6 tháng").exists()
    client.force_login(User.objects.get(username="coordinator"))
    html = client.get("/news/editor/feedback/").content.decode()
    assert "Trần Văn Hùng" in html and "Nguyễn Thị Hoa" in html
    assert client.get("/news/editor/?state=review").status_code == 200
    client.logout()
    plan = Plan.objects.get(number="112-KH/TU")
    html = client.get(f"/news/progress/{plan.pk}/").content.decode()
    assert "112-KH/TU" in html and "BTG" in html

"""Every public page in Vietnamese and in English: no string of the other language left
(each catalog message of the page is translated), the same addresses in both."""

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from theodoi.portal import actions
from theodoi.testing import make_criteria_set, make_plan, make_work_item
from theodoi.tuyenvan.models import MonthlyResult

from .conftest import make_article

pytestmark = pytest.mark.django_db
CATALOG = Path(__file__).parents[1] / "locale" / "vi" / "LC_MESSAGES" / "django.po"


def _messages() -> list[tuple[str, str]]:
    """(English, Vietnamese) of the portal's longer messages without placeholders."""
    with CATALOG.open("rb") as handle:
        catalog = read_po(handle)
    found = []
    for m in catalog:
        if not m.id or isinstance(m.id, tuple) or "%" in m.id or len(m.id) < 14:
            continue
        if m.string and m.string != m.id:
            found.append((m.id, m.string))
    return found


@pytest.fixture
def public_pages(world, news):
    article = make_article(news, title="Bài song ngữ", tag_names="tuyên vận", lead="Tóm tắt.")
    plan = make_plan(world)
    make_work_item(plan, lead=world.btg)
    actions.do_publish_progress(plan, published=True, by=world.coordinator)
    criteria_set = make_criteria_set(world)
    MonthlyResult.objects.create(
        commune=world.commune1a, district=world.district1, province=world.province,
        month=date(2018, 5, 1), criteria_set=criteria_set, total=Decimal("80"),
        status=MonthlyResult.Status.CLOSED,
    )  # fmt: skip
    ranking = actions.do_publish_ranking(world.province, date(2018, 5, 1), by=world.coordinator)
    url = article.get_absolute_url()
    return [
        "/news/",
        url,
        f"{url}feedback/",
        f"{url}send/",
        f"{url}print/",
        news.get_absolute_url(),
        "/news/t/tuyen-van/",
        "/news/search/?q=tuyen+van",
        "/news/progress/",
        f"/news/progress/{plan.pk}/",
        ranking.get_absolute_url(),
    ]


def test_public_pages_speak_one_language_at_a_time(client, public_pages):
    messages = _messages()
    assert len(messages) > 50
    for language in ("vi", "en"):
        client.post("/i18n/setlang/", {"language": language, "next": "/news/"})
        for url in public_pages:
            response = client.get(url)
            assert response.status_code == 200, url
            html = response.content.decode()
            assert f'lang="{language}"' in html, url
            for english, vietnamese in messages:
                other = english if language == "vi" else vietnamese
                assert other not in html, (language, url, other)

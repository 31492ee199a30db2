from datetime import timedelta

import pytest
from django.core import signing
from django.core.cache import cache

from theodoi.core import clock
from theodoi.portal import guard
from theodoi.portal.models import Article, Category


@pytest.fixture(autouse=True)
def _clear_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def news(world):
    return Category.objects.create(owner=world.province, name="Tin tức", slug="tin-tuc", position=1)


@pytest.fixture
def other_news(world):
    return Category.objects.create(
        owner=world.other_province, name="Tin tỉnh khác", slug="tin-khac", position=2
    )


def make_article(category, *, title="Bài thử nghiệm", state="published", ago=1, **kwargs):
    kwargs.setdefault("body", "<p>Nội dung tuyên vận.</p>")
    publish_at = clock.now() - timedelta(hours=ago) if state == "published" else None
    kwargs.setdefault("publish_at", publish_at)
    return Article.objects.create(category=category, title=title, state=state, **kwargs)


@pytest.fixture
def stamp():
    """A form stamp of a minute ago: a person who took their time."""
    return signing.dumps(int(clock.now().timestamp()) - 60, salt=guard._SALT)

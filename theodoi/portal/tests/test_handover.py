"""A ceased body's unpublished articles pass to the same section of its successor's
portal; published ones stay under its name."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from theodoi.portal.models import Article, Category
from theodoi.testing import (
    HANDOVER_REASON,
    handover_failing_at_the_end,
    handover_preview_and_run,
    handover_refusals,
    make_handover_admin,
)
from theodoi.units.handover import hand_over


@pytest.fixture
def work(world, reform):
    news = Category.objects.create(owner=world.btg, name="Tin tức", slug="tin-tuc-btg")
    notes = Category.objects.create(owner=world.btg, name="Thông báo", slug="thong-bao-btg")
    theirs = Category.objects.create(owner=reform.ban, name="Tin tức", slug="tin-tuc-btgdv")

    def article(category, state):
        return Article.objects.create(
            category=category, title=f"Bài {state}", body="<p>Nội dung</p>", state=state,
            tag_names="hội nghị",
            publish_at=datetime(2025, 6, 1, tzinfo=UTC) if state == "published" else None,
        )  # fmt: skip

    S = Article.State
    return {
        "theirs": theirs,
        "draft": article(news, S.DRAFT),
        "review": article(news, S.REVIEW),
        "published": article(news, S.PUBLISHED),
        "no_section": article(notes, S.DRAFT),
    }


def _section(obj):
    obj.refresh_from_db()
    return obj.category


def test_unpublished_articles_move_to_the_same_section(world, reform, work):
    _preview, done = handover_preview_and_run(world.btg, reform.ban, make_handover_admin(reform))
    assert _section(work["draft"]) == _section(work["review"]) == work["theirs"]
    assert _section(work["published"]).owner == world.btg
    assert _section(work["no_section"]).owner == world.btg  # the successor has no such section
    assert {t.owner for t in work["draft"].tags.all()} == {reform.ban}
    assert done.kept["portal_drafts"] == 2 and done.notes["portal_drafts"]
    assert HANDOVER_REASON[:40] in work["draft"].history.first().history_change_reason


def test_refused_and_all_or_nothing(world, reform, work, monkeypatch):
    handover_refusals(world, reform)
    handover_failing_at_the_end(monkeypatch)
    with pytest.raises(RuntimeError):
        hand_over(world.btg, reform.ban, reason=HANDOVER_REASON, by=make_handover_admin(reform))
    assert _section(work["draft"]).owner == world.btg

"""The editorial life on the shared workflow: draft → review → published; returned and
withdrawn with a reason; scheduled publication; revisions with diff and restore."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from theodoi.core import clock
from theodoi.core.workflow import Stale, TransitionRefused
from theodoi.portal import actions
from theodoi.portal.models import Article

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(world, news):
    return actions.do_create_article(
        actions.ArticleData(category=news, title="Bài mới", body="<p>Lần một.</p>"),
        by=world.coordinator,
    )


def test_the_whole_life(world, draft):
    editor = world.coordinator
    article = actions.do_move_article(draft, "submit", by=editor)
    assert article.state == "review"
    article = actions.do_move_article(article, "publish", by=editor)
    assert article.state == "published" and article.is_live
    article = actions.do_move_article(article, "unpublish", by=editor, reason="Sai số liệu")
    assert article.state == "unpublished" and article.withdrawn_reason == "Sai số liệu"
    article = actions.do_move_article(article, "redraft", by=editor)
    assert article.state == "draft" and article.withdrawn_reason == ""
    steps = list(
        article.history.order_by("history_id").values_list("history_change_reason", "history_user")
    )
    assert [s[0] for s in steps][1:] == ["submit", "publish", "Sai số liệu", "redraft"]
    assert {s[1] for s in steps} == {editor.pk}


@pytest.mark.parametrize(
    ("state", "step"),
    [
        ("draft", "publish"),
        ("draft", "unpublish"),
        ("published", "submit"),
        ("review", "unpublish"),
        ("published", "publish"),
        ("draft", "redraft"),
    ],
)
def test_refused_steps(world, draft, state, step):
    Article.objects.filter(pk=draft.pk).update(state=state, publish_at=clock.now())
    draft.refresh_from_db()
    with pytest.raises(TransitionRefused):
        actions.do_move_article(draft, step, by=world.coordinator, reason="lý do")
    draft.refresh_from_db()
    assert draft.state == state


def test_return_and_withdrawal_need_a_reason(world, draft):
    article = actions.do_move_article(draft, "submit", by=world.coordinator)
    with pytest.raises(ValidationError):
        actions.do_move_article(article, "return", by=world.coordinator, reason="  ")
    article = actions.do_move_article(article, "publish", by=world.coordinator)
    with pytest.raises(ValidationError):
        actions.do_move_article(article, "unpublish", by=world.coordinator)
    article.refresh_from_db()
    assert article.state == "published"


def test_a_stale_version_is_refused(world, draft):
    with pytest.raises(Stale):
        actions.do_move_article(draft, "submit", by=world.coordinator, version=draft.version + 1)
    data = actions.ArticleData(category=draft.category, title="x", body="<p>y</p>")
    actions.do_update_article(draft, data, by=world.coordinator, version=draft.version)
    with pytest.raises(Stale):
        actions.do_update_article(draft, data, by=world.coordinator, version=draft.version)


def test_scheduled_publication_keeps_its_time(world, draft):
    later = clock.now() + timedelta(days=2)
    data = actions.ArticleData(
        category=draft.category, title="Hẹn", body="<p>x</p>", publish_at=later
    )
    article = actions.do_update_article(draft, data, by=world.coordinator, version=None)
    article = actions.do_move_article(article, "submit", by=world.coordinator)
    article = actions.do_move_article(article, "publish", by=world.coordinator)
    assert article.state == "published" and article.publish_at == later
    assert not article.is_live and article.is_scheduled
    assert not Article.objects.live().filter(pk=article.pk).exists()


def test_pages_run_the_workflow_with_messages(client, world, draft):
    client.force_login(world.coordinator)
    url = f"/news/editor/{draft.pk}/step/"
    assert client.post(url + "publish/").status_code == 302  # refused, said on the page
    draft.refresh_from_db()
    assert draft.state == "draft"
    client.post(url + "submit/", {"version": draft.version})
    client.post(url + "publish/")
    draft.refresh_from_db()
    assert draft.state == "published"
    client.post(url + "unpublish/", {"reason": ""})
    draft.refresh_from_db()
    assert draft.state == "published"
    assert client.post(url + "explode/").status_code == 404


def test_api_workflow_refusal_names_the_problem(client, world, draft):
    client.force_login(world.coordinator)
    response = client.post(
        f"/api/v1/portal/articles/{draft.pk}/publish", {}, content_type="application/json"
    )
    assert response.status_code == 422
    assert "message" in response.json()
    response = client.post(
        f"/api/v1/portal/articles/{draft.pk}/submit", {}, content_type="application/json"
    )
    assert response.json()["state"] == "review"


def test_revisions_diff_and_restore(client, world, draft):
    data = actions.ArticleData(category=draft.category, title="Bài mới", body="<p>Lần hai.</p>")
    actions.do_update_article(draft, data, by=world.coordinator, version=None, reason="Sửa câu")
    client.force_login(world.coordinator)
    html = client.get(f"/news/editor/{draft.pk}/history/").content.decode()
    assert "Lần hai" in html and "Lần một" in html and "Sửa câu" in html
    first = draft.history.order_by("history_id").first()
    response = client.post(f"/news/editor/{draft.pk}/history/{first.history_id}/restore/")
    assert response.status_code == 302
    draft.refresh_from_db()
    assert "Lần một" in draft.body
    assert draft.history.count() == 3
    assert client.post(f"/news/editor/{draft.pk}/history/999999/restore/").status_code == 302


def test_only_a_published_article_is_featured(world, draft):
    with pytest.raises(ValidationError):
        actions.do_feature_article(draft, featured=True, position=1, by=world.coordinator)
    draft.refresh_from_db()
    assert not draft.featured

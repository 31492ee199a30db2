"""A signed-in page that did not change costs a 304 on a repeat visit (issue 14).

Every page carries CSRF tokens masked anew on each request, so the ETag is a
hash of the page without them (``PrivateRevalidateMiddleware``).
"""

import re

import pytest
from django.conf import settings
from django.contrib import messages
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpRequest
from django.test import Client

from theodoi.plans.actions import WorkItemData, do_update_work_item
from theodoi.testing import make_plan, make_work_item

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]{64})"')


@pytest.fixture
def item(world):
    plan = make_plan(world, number="112-KH/TU")
    return make_work_item(plan, lead=world.bdv, coordinating=world.sotttt, title="Hội nghị")


def signed_in(user, language: str = "vi") -> Client:
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def page(item) -> str:
    return f"/plans/{item.task.plan_id}/"


def test_a_repeat_visit_of_an_unchanged_page_is_a_304(world, item):
    client = signed_in(world.coordinator)
    first = client.get(page(item))
    assert first.status_code == 200
    assert first["Cache-Control"] == "private, no-cache"
    etag = first["ETag"]
    again = client.get(page(item), HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag
    # HEAD too, and a page compressed on the way out (a weak ETag) revalidates the same.
    assert client.head(page(item), HTTP_IF_NONE_MATCH=etag).status_code == 304
    gzipped = client.get(page(item), HTTP_ACCEPT_ENCODING="gzip")
    assert gzipped["Content-Encoding"] == "gzip"
    assert gzipped["ETag"].startswith("W/")
    weak = client.get(page(item), HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=gzipped["ETag"])
    assert weak.status_code == 304


def test_the_csrf_tokens_mask_does_not_change_the_etag_but_a_new_secret_does(world, item):
    client = signed_in(world.coordinator)
    first, second = client.get(page(item)), client.get(page(item))
    tokens = TOKEN.findall(first.content.decode()), TOKEN.findall(second.content.decode())
    assert tokens[0] and tokens[1] and tokens[0] != tokens[1]  # masked anew each time
    assert first["ETag"] == second["ETag"]
    # A new CSRF secret (as after signing in again) makes the old copy's forms stale.
    del client.cookies[settings.CSRF_COOKIE_NAME]
    fresh = client.get(page(item), HTTP_IF_NONE_MATCH=first["ETag"])
    assert fresh.status_code == 200
    assert fresh["ETag"] != first["ETag"]


def test_a_change_gives_a_new_etag(world, item):
    client = signed_in(world.coordinator)
    etag = client.get(page(item))["ETag"]
    data = WorkItemData(
        title="Hội nghị báo cáo viên",
        start=item.start,
        end=item.end,
        leads=[world.bdv],
        coordinating=[world.sotttt],
    )
    do_update_work_item(item, data, version=item.version, by=world.coordinator, reason="Đổi tên")
    changed = client.get(page(item), HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert "Hội nghị báo cáo viên" in changed.content.decode()
    assert changed["ETag"] != etag


def test_users_and_languages_have_their_own_etags(world, item):
    coordinator = signed_in(world.coordinator)
    viewer = signed_in(world.viewer)
    english = signed_in(world.coordinator, "en")
    etags = {c.get(page(item))["ETag"] for c in (coordinator, viewer, english)}
    assert len(etags) == 3
    theirs = coordinator.get(page(item))["ETag"]
    assert viewer.get(page(item), HTTP_IF_NONE_MATCH=theirs).status_code == 200
    assert english.get(page(item), HTTP_IF_NONE_MATCH=theirs).status_code == 200


def test_a_page_showing_a_message_is_never_answered_304(world, item):
    client = signed_in(world.coordinator)
    etag = client.get(page(item))["ETag"]
    flash = CookieStorage(HttpRequest())._encode([Message(messages.SUCCESS, "Đã lưu xong.")])
    client.cookies["messages"] = flash
    shown = client.get(page(item), HTTP_IF_NONE_MATCH=etag)
    assert shown.status_code == 200
    assert "Đã lưu xong." in shown.content.decode()
    assert not shown.has_header("ETag")
    assert shown["Cache-Control"] == "private, no-store"
    # Once seen, the message is gone and the page is the one the browser kept.
    assert client.get(page(item), HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_a_page_with_its_own_caching_keeps_it(client, world):
    # The sign-in page is never_cache: no ETag of ours, no 304.
    first = client.get("/accounts/login/")
    assert first.status_code == 200
    assert "no-store" in first["Cache-Control"]
    assert not first.has_header("ETag")

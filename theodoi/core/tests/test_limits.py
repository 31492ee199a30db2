"""Bodies too large are refused unread; errors are pages of the app (or the
API's error body); plan imports are capped in size, rows and listed errors."""

from __future__ import annotations

import io
import time

import pytest
from django.test import RequestFactory
from django.urls import reverse
from openpyxl import Workbook

from theodoi.core import views
from theodoi.core.middleware import BodySizeLimitMiddleware
from theodoi.testing import make_plan

pytestmark = pytest.mark.django_db
HEADER = ["Lĩnh vực", "Nhiệm vụ", "Nhóm đầu công việc", "Chủ trì", "Phối hợp", "Bắt đầu",
          "Kết thúc", "Sản phẩm"]  # fmt: skip


def oversize(client, path, size, **extra):
    """Announce ``size`` bytes and send a few: a server that waits for the body
    (or reads what it can) would not answer 413 at once."""
    return client.generic(
        "POST", path, b"x" * 10, content_type="application/octet-stream",
        CONTENT_LENGTH=str(size), **extra,
    )  # fmt: skip


def test_an_oversize_upload_is_refused_before_it_is_read(client, world, settings):
    plan = make_plan(world)
    client.force_login(world.coordinator)
    path = reverse("plans:import", args=[plan.pk])
    response = oversize(client, path, settings.THEODOI_IMPORT_MAX_BYTES + 300 * 1024)
    assert response.status_code == 413
    assert "<main" in response.text and "Quá lớn" in response.text
    assert "Connection" not in response  # hop-by-hop: not the application's (PEP 3333)
    # Refused before CSRF or the view looked at anything: no CSRF token was sent.
    response = oversize(client, "/plans/999999/import/", 200 * 1024 * 1024)
    assert response.status_code == 413


def test_under_api_the_refusal_is_the_error_body(client, world):
    response = oversize(client, "/api/v1/auth/token", 10 * 1024 * 1024)
    assert response.status_code == 413
    assert set(response.json()) == {"message", "fields"}
    response = oversize(client, "/api/v1/plans", 200 * 1024 * 1024)
    assert response.status_code == 413 and response.json()["message"]


def test_limits_are_per_path(settings):
    middleware = BodySizeLimitMiddleware(lambda request: None)
    assert (
        middleware.limit_for("/plans/12/import/") == settings.THEODOI_IMPORT_MAX_BYTES + 256 * 1024
    )
    assert middleware.limit_for("/accounts/login/") == 64 * 1024
    assert middleware.limit_for("/reporting/report/1/") == settings.THEODOI_MAX_BODY_BYTES
    assert settings.THEODOI_MAX_BODY_BYTES > settings.THEODOI_EVIDENCE_MAX_BYTES


def test_a_bad_or_missing_length_is_refused(client, world):
    response = client.generic("POST", "/api/v1/auth/token", b"{}", CONTENT_LENGTH="1e9")
    assert response.status_code == 400
    response = client.generic(
        "POST", "/reporting/", b"{}", HTTP_TRANSFER_ENCODING="chunked", CONTENT_LENGTH=""
    )
    assert response.status_code == 411


def test_error_pages_are_pages_of_the_app(client, world):
    client.force_login(world.agency)
    response = client.get("/khong-co/")
    assert response.status_code == 404
    assert "<main" in response.text and "Không tìm thấy" in response.text
    client.cookies["django_language"] = "en"
    assert "Not found" in client.get("/nope/").text
    response = client.get("/api/v1/khong-co")
    assert response.status_code == 404 and set(response.json()) == {"message", "fields"}
    request = RequestFactory().get("/")
    for handler, status in (
        (views.bad_request, 400),
        (views.permission_denied, 403),
        (views.page_not_found, 404),
    ):
        request.user = world.agency
        response = handler(request, Exception())
        assert response.status_code == status and b"<main" in response.content
    response = views.server_error(request)
    assert response.status_code == 500 and b"<main" in response.content


def _table(rows: int, bad: bool = False) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(HEADER)
    for n in range(rows):
        lead = "Không có đơn vị này" if bad else "Ban Tuyên giáo Tỉnh ủy"
        ws.append(["Lĩnh vực", "Nhiệm vụ", f"Việc {n}", lead, "", "01/02/2018", "01/03/2018", ""])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_an_import_above_the_row_cap_is_refused_at_once(world, settings):
    from theodoi.plans.importer import import_table

    settings.THEODOI_IMPORT_MAX_ROWS = 40
    plan = make_plan(world)
    started = time.monotonic()
    result = import_table(plan, _table(41), by=world.coordinator)
    assert time.monotonic() - started < 5
    assert len(result.errors) == 1 and "40" in result.errors[0].message
    assert not plan.tasks.exists()
    assert import_table(plan, _table(40), by=world.coordinator).ok


def test_the_error_list_is_bounded(world, settings):
    from theodoi.plans.importer import MAX_ERRORS, import_table

    plan = make_plan(world)
    result = import_table(plan, _table(130, bad=True), by=world.coordinator)
    assert len(result.errors) == MAX_ERRORS + 1
    assert "30" in result.errors[-1].message
    assert not plan.tasks.exists()


def test_the_import_page_answers_a_big_table_briefly(client, world, settings):
    settings.THEODOI_IMPORT_MAX_ROWS = 300
    plan = make_plan(world)
    client.force_login(world.coordinator)
    upload = io.BytesIO(_table(300, bad=True))
    upload.name = "bang.xlsx"
    response = client.post(reverse("plans:import", args=[plan.pk]), {"file": upload})
    assert response.status_code == 422
    assert response.text.count('class="msg"') == MAX_ERRORS_SHOWN
    assert len(response.content) < 200_000


MAX_ERRORS_SHOWN = 101


def test_a_json_body_over_the_memory_limit_is_413_json(client, world, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    client.force_login(world.coordinator)
    body = '{"name": "' + "x" * 2000 + '"}'
    response = client.post("/api/v1/auth/token", body, content_type="application/json")
    assert response.status_code == 413
    assert set(response.json()) == {"message", "fields"}


def test_a_real_server_answers_the_refusal_with_the_page(live_server, world, settings):
    """Through a WSGI server (Django's, as in development and the browser tests):
    the translated 413 page, not the server's "A server error occurred"."""
    import http.client
    import json
    from urllib.parse import urlsplit

    host = urlsplit(live_server.url)
    size = settings.THEODOI_MAX_BODY_BYTES + 1024
    for path, kind in (("/tuyenvan/", "text/html"), ("/api/v1/tuyenvan/appeals", "json")):
        connection = http.client.HTTPConnection(host.hostname, host.port, timeout=30)
        connection.putrequest("POST", path)
        connection.putheader("Content-Type", "application/octet-stream")
        connection.putheader("Content-Length", str(size))
        connection.endheaders(b"x" * size)  # as a browser does: it sends it all
        response = connection.getresponse()
        body = response.read().decode()
        connection.close()
        assert response.status == 413, body[:200]
        assert kind in response.getheader("Content-Type")
        text = json.loads(body)["message"] if kind == "json" else body
        assert "quá lớn" in text.lower()

"""The offline machinery's server side: the service worker at the root, the
manifest, the offline page, a send answered without a redirect, the shared
Vietnamese number fields and oversize bodies refused before reading."""

from decimal import Decimal

import pytest

from theodoi.core.forms import DecimalVNField, MoneyField, date_field, group_thousands

pytestmark = pytest.mark.django_db


def test_the_service_worker_is_served_from_the_root(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Cache-Control"] == "no-cache"
    body = response.content.decode()
    assert '"/offline/"' in body and '"/static/"' in body


def test_the_manifest_and_the_offline_page(client):
    manifest = client.get("/manifest.webmanifest").json()
    assert manifest["start_url"] == "/" and manifest["display"] == "standalone"
    assert "theo dõi" in manifest["name"]  # Vietnamese first
    page = client.get("/offline/")
    assert page.status_code == 200
    assert 'id="kept-pages"' in page.content.decode()


def test_a_send_gets_the_place_to_go_instead_of_a_redirect(client, world):
    client.force_login(world.agency)
    plain = client.post("/account/tokens/revoke-all/")
    assert plain.status_code == 302
    sent = client.post("/account/tokens/revoke-all/", headers={"X-Theodoi-Send": "1"})
    assert sent.status_code == 204
    assert sent["X-Theodoi-Location"] == "/account/tokens/"


def test_signed_in_pages_carry_the_offline_panel(client, world):
    client.force_login(world.commune)
    page = client.get("/").content.decode()
    assert 'rel="manifest"' in page and "core/offline.js" in page
    assert f'data-user="{world.commune.pk}"' in page
    assert 'data-max-bytes="10485760"' in page
    assert "Đang chờ gửi từ máy này" in page
    assert "{#" not in page and "{% " not in page


def test_numbers_as_vietnamese_write_them():
    money = MoneyField(required=False, min_value=0)
    assert money.clean("12.500.000") == 12_500_000
    assert money.clean("12 500 000") == 12_500_000
    assert money.clean("12500000") == 12_500_000
    assert 'value="12.500.000"' in money.widget.render("m", 12_500_000)
    points = DecimalVNField(required=False, max_digits=6, decimal_places=2)
    assert points.clean("7,5") == Decimal("7.5")
    assert points.clean("7.5") == Decimal("7.5")
    assert points.clean("1.234,5") == Decimal("1234.5")
    assert 'value="7,5"' in points.widget.render("p", Decimal("7.50"))
    assert group_thousands(-1234567) == "-1.234.567"
    with pytest.raises(Exception, match="số"):
        money.clean("12,5 triệu")


def test_one_date_input_taking_both_formats():
    field = date_field("Ngày")
    assert 'type="date"' in field.widget.render("d", None)
    assert str(field.clean("2018-01-05")) == str(field.clean("05/01/2018")) == "2018-01-05"


def test_an_oversize_body_is_refused_unread_with_a_translated_page(client, world, settings):
    client.force_login(world.commune)
    response = client.generic(
        "POST",
        "/tuyenvan/communes/1/2018-03/meeting/files/",
        b"",
        CONTENT_TYPE="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(12 * 1024 * 1024),
    )
    assert response.status_code == 413
    assert "quá lớn" in response.content.decode()
    api = client.generic("POST", "/api/v1/tuyenvan/x", b"", CONTENT_LENGTH=str(12 * 1024 * 1024))
    assert api.status_code == 413 and "message" in api.json()

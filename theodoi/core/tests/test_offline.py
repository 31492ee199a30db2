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


def test_the_same_send_arriving_again_is_not_done_twice(client, world):
    """A retry after a drop that cut only the answer: the first send is not
    done again, the retry is told where it led."""
    from theodoi.core.models import ApiToken, SentForm

    client.force_login(world.agency)
    send = {"X-Theodoi-Send": "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"}
    first = client.post("/account/tokens/revoke-all/", headers=send)
    assert first.status_code == 204
    ApiToken.issue(world.agency, "after the first send")
    again = client.post("/account/tokens/revoke-all/", headers=send)
    assert again.status_code == 204
    assert again["X-Theodoi-Location"] == "/account/tokens/"
    assert ApiToken.objects.filter(user=world.agency).count() == 1  # not revoked again
    assert SentForm.objects.get().location == "/account/tokens/"
    # Another press of the button is another send: done.
    other = client.post("/account/tokens/revoke-all/", headers={"X-Theodoi-Send": "a" * 32})
    assert other.status_code == 204
    assert not ApiToken.objects.filter(user=world.agency).exists()
    # Another user's send under the same id is theirs.
    client.force_login(world.commune)
    ApiToken.issue(world.commune)
    assert client.post("/account/tokens/revoke-all/", headers=send).status_code == 204
    assert not ApiToken.objects.filter(user=world.commune).exists()


def test_a_send_refused_or_failed_is_done_when_sent_again(client, world):
    """Errors on the page (not a redirect): nothing is kept, the same send
    fixed and sent again is done; an id that is not one is ignored."""
    from theodoi.core.models import SentForm

    client.force_login(world.agency)
    send = {"X-Theodoi-Send": "b" * 32}
    refused = client.post("/accounts/password/change/", {"old_password": "wrong"}, headers=send)
    assert refused.status_code in (200, 400)
    assert not SentForm.objects.exists()
    odd = client.post("/account/tokens/revoke-all/", headers={"X-Theodoi-Send": "x y"})
    assert odd.status_code == 204 and not SentForm.objects.exists()


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

"""Vietnamese first, English complete: every catalog entry has a Vietnamese text."""

from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1] / "theodoi"
CATALOGS = sorted(ROOT.glob("**/locale/vi/LC_MESSAGES/django.po"))


def test_there_are_catalogs():
    assert CATALOGS, "no Vietnamese catalog found"


@pytest.mark.parametrize("path", CATALOGS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_message_is_translated_to_vietnamese(path):
    with path.open("rb") as handle:
        catalog = read_po(handle)
    missing = []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(strings) or message.fuzzy:
            missing.append(message.id)
    assert not missing, f"{len(missing)} untranslated in {path}: {missing[:10]}"


def test_pages_are_vietnamese_by_default_and_english_on_request(client, world):
    client.force_login(world.coordinator)
    assert "Đăng xuất" in client.get("/").content.decode()
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert "Sign out" in client.get("/").content.decode()


def test_the_browser_language_does_not_override_vietnamese(client, world):
    client.force_login(world.coordinator)
    html = client.get("/", headers={"accept-language": "en-US,en;q=0.9"}).content.decode()
    assert 'lang="vi"' in html

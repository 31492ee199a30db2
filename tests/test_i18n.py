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


def _translations(path: Path) -> dict:
    with path.open("rb") as handle:
        catalog = read_po(handle)
    return {(m.context, m.id): m.string for m in catalog if m.id and m.string and not m.fuzzy}


def test_no_two_catalogs_translate_the_same_message_differently():
    # Django merges every catalog of a language into one, so one of two different
    # translations of the same (msgctxt, msgid) would silently win everywhere:
    # give the special meaning a context (pgettext / `context "…"`) instead.
    seen: dict = {}
    clashes = []
    for path in CATALOGS:
        for key, text in _translations(path).items():
            where = path.relative_to(ROOT)
            if key in seen and seen[key][1] != text:
                clashes.append(f"{key}: {seen[key][0]}={seen[key][1]!r} {where}={text!r}")
            seen.setdefault(key, (where, text))
    assert not clashes, "\n".join(clashes)


def test_django_admin_and_auth_do_not_override_our_translations():
    # Installed apps listed before ours (admin, auth, …) win over the apps' catalogs.
    import django

    contrib = Path(django.__file__).parent / "contrib"
    ours = {}
    for path in CATALOGS:
        if path.parents[3] != ROOT:  # the project catalog (LOCALE_PATHS) wins anyway
            ours.update(_translations(path))
    clashes = []
    for app in ("admin", "auth", "contenttypes", "sessions", "humanize"):
        theirs = _translations(contrib / app / "locale" / "vi" / "LC_MESSAGES" / "django.po")
        for key, text in theirs.items():
            if key in ours and ours[key].casefold() != text.casefold():
                clashes.append(f"{key}: django.contrib.{app}={text!r} ours={ours[key]!r}")
    assert not clashes, "\n".join(clashes)

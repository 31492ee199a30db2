"""Bad input to the web pages never gives a 500: the demo, crawled as four roles.

Every ``<form method="post">`` reachable from the home page gets empty fields,
NUL bytes, very long strings, huge numbers, wrong types, unknown ids and
duplicated fields; list pages get junk query strings. No response may be a
server error, and an HTML page keeps exactly one <h1>.
"""

from __future__ import annotations

import re
import traceback
from html.parser import HTMLParser
from io import StringIO
from urllib.parse import urlencode, urlsplit

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings

pytestmark = [pytest.mark.crawl, pytest.mark.django_db]

PASSWORD = "demo-test-password"
LINK = re.compile(r'href="(/[^"#?]*)(?:\?[^"#]*)?"')
NOT_PAGES = ("/admin/", "/api/", "/accounts/", "/i18n/", "/jsi18n/", "/static/", "/media/")
NOT_HTML = (
    ".xlsx",
    ".docx",
    ".pdf",
    "/download/",
    "/file/",
    "/evidence/",
    "/export",
    "/xlsx/",
    "/docx/",
    "/print/",
)
SKIP_ACTIONS = ("/accounts/logout", "/i18n/", "/accounts/login")
LONG = "x" * 20_000
JUNK_QUERIES = (
    "month=abc",
    "period=2018-Q9",
    "page=-1",
    "page=abc",
    "unit=abc",
    "plan=abc",
    "due_before=x",
    "q=%00",
    "year=99999999999",
    "status=%00nope",
)


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo loaded once for this module, rolled back at its end."""
    data = tmp_path_factory.mktemp("demo-data")
    with (
        django_db_blocker.unblock(),
        override_settings(
            DATA_DIR=data,
            THEODOI_DEMO=True,
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        ),
        pytest.MonkeyPatch.context() as patch,
        transaction.atomic(),
    ):
        patch.setenv("DEMO_PASSWORD", PASSWORD)
        patch.setattr("django.conf.settings.THEODOI_TODAY", "2018-07-15")
        call_command("load_demo", stdout=StringIO())
        yield
        transaction.set_rollback(True)


class _Forms(HTMLParser):
    """The POST forms of a page: action, and per field its kind and options."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = dict(attrs)
        if tag == "form":
            if (a.get("method") or "get").lower() == "post":
                self._form = {"action": a.get("action") or "", "fields": {}}
                self.forms.append(self._form)
            else:
                self._form = None
            return
        if self._form is None or not a.get("name"):
            if tag == "option" and self._form is not None and self._select:
                self._form["fields"][self._select]["options"].append(a.get("value", ""))
            return
        name = a["name"]
        if name == "csrfmiddlewaretoken":
            return
        if tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "reset"):
                return
            field = self._form["fields"].setdefault(
                name, {"kind": kind, "value": a.get("value", ""), "options": []}
            )
            if kind in ("checkbox", "radio"):
                field["options"].append(a.get("value", "on"))
        elif tag == "select":
            self._form["fields"][name] = {"kind": "select", "value": "", "options": []}
            self._select = name
        elif tag == "textarea":
            self._form["fields"][name] = {"kind": "textarea", "value": "", "options": []}
        elif tag == "option" and self._select:
            self._form["fields"][self._select]["options"].append(a.get("value", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


TEXTY = ("text", "textarea", "search", "email", "url", "tel", "password", "hidden")
NUMBERY = ("number", "date", "month", "datetime-local", "range", "week", "time")


def _payloads(fields: dict) -> list[tuple[str, dict | list]]:
    """Bad payloads for one form, each (label, data)."""

    def base() -> dict:
        data = {}
        for name, f in fields.items():
            if f["kind"] == "select":
                data[name] = next((o for o in f["options"] if o), "")
            elif f["kind"] in ("checkbox", "radio"):
                data[name] = f["options"][0] if f["options"] else "on"
            elif f["kind"] == "file":
                continue
            else:
                data[name] = f["value"] or "1"
        return data

    def with_kinds(kinds: tuple, value: str) -> dict:
        data = base()
        for name, f in fields.items():
            if f["kind"] in kinds:
                data[name] = value
        return data

    out: list[tuple[str, dict | list]] = [
        ("empty", {name: "" for name, f in fields.items() if f["kind"] != "file"}),
        ("nul", with_kinds(TEXTY, "a\x00b")),
        ("long", with_kinds(TEXTY, LONG)),
        ("wrong type", with_kinds((*NUMBERY, "text"), "abc")),
        ("bad date", with_kinds((*NUMBERY, "text"), "32/13/2018")),
    ]
    for number in ("1e30", "NaN"):
        out.append((f"number {number}", with_kinds(NUMBERY + TEXTY, number)))
    for unknown in ("999999999", "a\x00"):
        out.append(
            (f"id {unknown!r}", with_kinds(("select", "checkbox", "radio", "hidden"), unknown))
        )
    duplicated = []
    for name, value in base().items():
        duplicated += [(name, value), (name, "999999999")]
    out.append(("duplicated", duplicated))
    return out


def _post(client: Client, action: str, data: dict | list):
    if isinstance(data, list):
        return client.post(
            action, urlencode(data), content_type="application/x-www-form-urlencoded"
        )
    return client.post(action, data)


def _check(response, what: str, failures: list[str]) -> None:
    if response.status_code >= 500:
        failures.append(f"{what}: {response.status_code}")
        return
    if response.status_code == 200 and response.get("Content-Type", "").startswith("text/html"):
        h1 = len(re.findall(r"<h1[ >]", response.content.decode()))
        if h1 != 1:
            failures.append(f"{what}: {h1} <h1>")


def _request(client: Client, method: str, url: str, data, failures: list[str]):
    what = f"{method} {url} {_short(data)}"
    try:
        with transaction.atomic():
            response = client.get(url) if method == "GET" else _post(client, url, data)
            transaction.set_rollback(True)
    except Exception as error:  # collect every failure, report them all
        frame = traceback.extract_tb(error.__traceback__)[-1]
        failures.append(
            f"{what}: {type(error).__name__}: {str(error)[:120]} at {frame.filename}:{frame.lineno}"
        )
        return None
    _check(response, what, failures)
    return response


def _short(data) -> str:
    return repr(data)[:160] if data else ""


QUERIED: set[str] = set()


@pytest.mark.parametrize(
    ("persona", "budget"),
    [("coordinator", 30), ("commune", 25), ("district", 25), ("official", 20)],
)
def test_bad_input_never_fails_the_server(loaded, persona, budget):
    client = Client()
    client.force_login(User.objects.get(username=persona))
    seen: set[str] = set()
    patterns: dict[str, int] = {}
    queue = ["/"]
    forms: dict[str, dict] = {}
    lists: dict[str, str] = {}
    failures: list[str] = []
    while queue and len(seen) < budget:
        url = queue.pop(0)
        pattern = re.sub(r"/\d+/", "/N/", url)
        if url in seen or patterns.get(pattern, 0) >= 1:
            continue
        seen.add(url)
        patterns[pattern] = patterns.get(pattern, 0) + 1
        response = client.get(url)
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        html = response.content.decode()
        wants_queries = re.search(r'<form(?![^>]*method="post")', html) or "page=" in html
        if wants_queries and pattern not in QUERIED:  # junk queries once a page pattern
            QUERIED.add(pattern)
            lists.setdefault(pattern, url)
        parser = _Forms()
        parser.feed(html)
        for form in parser.forms:
            action = form["action"] or url
            if action.startswith(SKIP_ACTIONS) or not action.startswith("/"):
                continue
            key = urlsplit(action).path
            # One form per action path pattern (ids replaced) keeps it quick.
            pattern = re.sub(r"/\d+/", "/N/", key)
            forms.setdefault(pattern, {**form, "action": action})
        for link in LINK.findall(html):
            if link.startswith(NOT_PAGES) or any(part in link for part in NOT_HTML):
                continue
            if link not in seen:
                queue.append(link)
    for url in lists.values():
        for query in JUNK_QUERIES:
            _request(client, "GET", f"{url}?{query}", None, failures)
    for form in forms.values():
        for _label, data in _payloads(form["fields"]):
            _request(client, "POST", form["action"], data, failures)
    assert len(seen) >= 10
    assert not failures, "\n".join(failures)

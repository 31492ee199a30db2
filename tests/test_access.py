"""Every page and API operation that takes an object answers by the access layer.

The cases are derived from the URLconf and the OpenAPI document, so a new page
or endpoint is in the test as soon as it exists; its parameters must be named in
``tests/access_tables.py`` (the test fails with "add … to the access test"
otherwise). The world is two provinces, ``a`` and ``b``, each with every role
and one object of every kind (``theodoi.testing.make_twin_world``), built once
per module; every request runs in a savepoint that is rolled back.

For each page and operation, each account of province A, and the object of
province A and then of province B:

- the answer is 404 iff the access layer says the account may not see the
  object (``user.has_perm(read rule, object)``), never 5xx, and never 2xx/3xx for
  an object it may not see (a list filtered by such an object may answer an empty
  list that names nothing of it);
- a request for an object the account may not see writes nothing (no INSERT,
  UPDATE or DELETE reaches the database);
- no object of province B is visible to any account of province A, except by
  design (published criteria sets; what the tables call ``PUBLIC``);
- the access layer itself agrees with who may read what (``READERS``): this
  is where a wrong-role member of a unit or an official on a month it did not
  attend is caught;
- page and API answer the same for the same object.
"""

from __future__ import annotations

import contextlib
import json
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from theodoi.api import api
from theodoi.testing import TWIN_PDF, Side, TwinWorld, make_twin_world, release

from .access_tables import (
    API,
    API_PLAIN,
    API_WITHOUT_OBJECT,
    PAGE_QUERIES,
    PAGES,
    PARAMS,
    PUBLIC,
    READERS,
    SAME_ANSWER,
)

# Objects of another province that its accounts may see by design.
VISIBLE_BY_DESIGN = {"criteria_set"} | PUBLIC
# Tables a request may write whatever it is: the session, sign-in throttling,
# the token's last use.
FREE_TABLES = ("django_session", "axes_", "core_apitoken")
UNSAFE = ("POST", "PUT", "PATCH", "DELETE")

pytestmark = pytest.mark.django_db


# The cases, from the URLconf and the OpenAPI document ------------------------------


def _walk(patterns: list[Any], prefix: str = "", ns: str = "") -> Iterator[tuple[str, str]]:
    for p in patterns:
        if isinstance(p, URLResolver):
            inner = f"{ns}{p.namespace}:" if p.namespace else ns
            yield from _walk(p.url_patterns, prefix + str(p.pattern), inner)
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), ns + (p.name or "")


def page_routes() -> dict[str, list[str]]:
    """Every page route (not the admin, not the API) that takes a parameter."""
    found = {}
    for route, name in _walk(get_resolver().url_patterns):
        if route.startswith(("admin/", "api/")):
            continue
        params = re.findall(r"<(?:\w+:)?(\w+)>", route)
        if params:
            found[name] = params
    return found


def api_operations() -> dict[str, dict[str, Any]]:
    """Every operation of the OpenAPI document: "METHOD /path" → operation."""
    schema = api.get_openapi_schema()
    return {
        f"{method.upper()} {path}": op
        for path, ops in schema["paths"].items()
        for method, op in ops.items()
    }


def api_params(op: dict[str, Any]) -> dict[str, str]:
    return {p["name"]: p["in"] for p in op.get("parameters", [])}


PAGE_ROUTES = page_routes()
OPERATIONS = api_operations()
OBJECT_OPERATIONS = sorted(k for k in OPERATIONS if k not in API_WITHOUT_OBJECT)


def unmapped() -> list[str]:
    """Parameters, routes and operations the tables do not name."""
    missing = []
    for name, params in PAGE_ROUTES.items():
        if name not in PAGES:
            missing.append(f"add page {name} (parameters {params}) to the access test")
            continue
        for param in params:
            if param not in PAGES[name][0] and param not in PARAMS:
                missing.append(f"add {param} of page {name} to the access test")
    for key in OBJECT_OPERATIONS:
        if key not in API:
            missing.append(f"add operation {key} to the access test")
            continue
        for param in api_params(OPERATIONS[key]):
            if param not in API[key][0] and param not in API_PLAIN:
                missing.append(f"add {param} of {key} to the access test")
        if key.split()[0] in UNSAFE and OPERATIONS[key].get("requestBody") and not API[key][2]:
            missing.append(f"add a body for {key} to the access test")
    for key in API_WITHOUT_OBJECT:
        op = OPERATIONS.get(key)
        if op is None:
            continue
        for param in api_params(op):
            if param not in API_PLAIN:
                missing.append(f"add {param} of {key} to the access test")
    return missing


def test_every_page_and_operation_with_an_object_is_in_the_access_test() -> None:
    assert not unmapped(), "\n".join(unmapped())


def test_the_tables_name_only_what_exists() -> None:
    gone = [n for n in PAGES if n not in PAGE_ROUTES] + [k for k in API if k not in OPERATIONS]
    gone += [n for n in PAGE_QUERIES if not _reversible(n)]
    assert not gone, f"routes or operations no longer served: {gone}"


def _reversible(name: str) -> bool:
    return any(n == name for _route, n in _walk(get_resolver().url_patterns))


# The world, once per module ---------------------------------------------------------


@dataclass
class Town:
    world: TwinWorld
    clients: dict[str, Client]
    media: Any
    backup: Any


@pytest.fixture(scope="module")
def town(django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: Any) -> Iterator[Town]:
    media = tmp_path_factory.mktemp("media")
    backup = tmp_path_factory.mktemp("media-backup")
    mp = pytest.MonkeyPatch()
    mp.setenv("THEODOI_TODAY", "2018-04-02")
    fast = override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"], MEDIA_ROOT=media
    )
    fast.enable()
    try:
        with django_db_blocker.unblock(), transaction.atomic():
            world = make_twin_world()
            clients = {}
            for role, user in world.a.users.items():
                client = Client()
                client.force_login(user)
                clients[role] = client
            shutil.copytree(media, backup, dirs_exist_ok=True)
            yield Town(world, clients, media, backup)
            transaction.set_rollback(True)
    finally:
        fast.disable()
        mp.undo()


@pytest.fixture
def town_now(town: Town, settings: Any) -> Iterator[Town]:
    """The module's world for one test: its media folder, restored afterwards."""
    settings.MEDIA_ROOT = town.media
    yield town
    shutil.copytree(town.backup, town.media, dirs_exist_ok=True)


# Asking, and judging the answer -----------------------------------------------------


@dataclass
class Answer:
    status: int
    writes: list[str]
    body: str


def ask(client: Client, method: str, url: str, data: Any = None, multipart: bool = False) -> Answer:
    """One request inside a savepoint rolled back afterwards, with the writes it made."""
    writes: list[str] = []

    def spy(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        head = sql.lstrip()[:6].upper()
        if head in ("INSERT", "UPDATE", "DELETE") and not any(t in sql for t in FREE_TABLES):
            writes.append(sql[:120])
        return execute(sql, params, many, context)

    with transaction.atomic(), connection.execute_wrapper(spy):
        if method == "GET":
            response = client.get(url, data or {})
        elif multipart:
            response = client.post(url, data or {})
        elif data is None:
            response = client.generic(method, url)
        else:
            response = client.generic(
                method, url, json.dumps(data), content_type="application/json"
            )
        if getattr(response, "streaming", False):
            body = "(file)"
            release(response)
        else:
            body = response.content.decode("utf-8", "replace")
            if response.get("Content-Type", "").startswith("application/json"):
                with contextlib.suppress(ValueError):
                    body = json.dumps(json.loads(body), ensure_ascii=False)
        transaction.set_rollback(True)
    return Answer(response.status_code, writes, body)


def value(side: Side, kind: str) -> Any:
    if kind.startswith("="):
        return kind[1:]
    if "." in kind:  # an attribute of the object (a slug)
        kind, attribute = kind.split(".", 1)
        return getattr(thing(side, kind), attribute)
    return side.objects[kind].pk if kind in side.objects else side.units[kind].pk


def thing(side: Side, kind: str) -> Any:
    return side.objects[kind] if kind in side.objects else side.units[kind]


def markers(side: Side) -> list[str]:
    """Names only province ``side`` has: none may appear in an answer to a stranger."""
    return [side.units[k].name for k in ("commune1a", "district1")] + [
        side.objects["plan"].title,
        side.objects["meeting"].topics,
    ]


def judge(
    answer: Answer, visible: bool, *, is_list: bool, stranger: Side | None, in_body: bool = False
) -> str | None:
    """What is wrong with the answer, or None.

    An object the caller may not see answers 404. A list filtered by one may also
    answer an empty list or 422 naming the filter, and an object named in a
    request body (a new thing's commune, plan, province…) 422 naming the field,
    or 403 where the caller's role may not create such things anywhere: none of
    these tells the object exists, provided nothing of it is in the answer.
    """
    status = answer.status
    if status >= 500:
        return f"{status} (a server error)"
    if visible:
        return "404 for an object it may see" if status == 404 else None
    if answer.writes:
        return f"{status} and wrote {answer.writes[:2]}"
    if stranger is not None:
        leaked = [m for m in markers(stranger) if m in answer.body]
        if leaked:
            return f"{status} naming {leaked}"
    if status in (404, 405):
        return None
    if is_list and status in (200, 422):
        return None
    if in_body and status in (403, 422):
        return None
    return f"{status} for an object it may not see (expected 404)"


def page_url(name: str, side: Side) -> str:
    params = PAGE_ROUTES[name]
    kinds = {**PARAMS, **PAGES[name][0]}
    return reverse(name, kwargs={p: value(side, kinds[p]) for p in params})


def op_request(key: str, side: Side) -> tuple[str, str, Any, bool]:
    """Method, URL, data and whether it is multipart, for an operation on ``side``'s objects."""
    method, path = key.split(" ", 1)
    kinds, _rule, body = API[key]
    params = api_params(OPERATIONS[key])
    url = path
    query = {}
    for name, where in params.items():
        if name not in kinds:
            continue
        if where == "path":
            url = url.replace("{" + name + "}", str(value(side, kinds[name])))
        else:
            query[name] = value(side, kinds[name])

    def fill(item: Any) -> Any:
        if isinstance(item, dict):
            return {k: fill(v) for k, v in item.items()}
        if isinstance(item, list):
            return [fill(v) for v in item]
        if item == "@pdf":
            return SimpleUploadedFile("bien-ban.pdf", TWIN_PDF, content_type="application/pdf")
        if isinstance(item, str) and item.startswith("@"):
            kind = item[1:]
            if kind == "official":
                return side.users["official"].pk
            return value(side, kind)
        return item

    data: Any = fill(body) if body is not None else None
    multipart = "multipart/form-data" in OPERATIONS[key].get("requestBody", {}).get("content", {})
    if method == "GET":
        data = query
    elif query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return method, url, data, multipart


def visible(town: Town, role: str, side: Side, rule: tuple[str, str]) -> bool:
    user = town.world.a.users[role]
    if rule[0] == "=owner":
        return thing(side, rule[1]).user_id == user.pk
    return user.has_perm(rule[0], thing(side, rule[1]))


def _xfail(cases: dict[str, str], key: str) -> Any:
    reason = cases.get(key)
    return pytest.param(key, marks=pytest.mark.xfail(strict=True, reason=reason)) if reason else key


# Known failures on main, fixed by the issue-7 branches (the lead removes these marks).
# Each page below answers 403, not 404, to accounts that may not see its object
# (another province's, or outside the account's reach): the view checks the rule
# itself and raises PermissionDenied instead of asking ``permissions.fetch``.
ROSTER_403 = "issue 7: roster pages answer 403, not 404, for another province's round"
CRITERIA_403 = "issue 7: criteria set pages answer 403, not 404, for a draft set not visible"
BOARDS_403 = "issue 7: board and team pages answer 403, not 404, for a board out of reach"
SAME_403 = "issue 7: the page answers 403 where the API answers 404"
PAGE_XFAIL: dict[str, str] = {}
API_XFAIL: dict[str, str] = {}
SAME_XFAIL: dict[str, str] = {}
READERS_XFAIL = {}


def _marked(cases: dict[str, str], case_id: str, *values: Any) -> Any:
    reason = cases.get(case_id)
    marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
    return pytest.param(*values, id=case_id, marks=marks)


# The tests --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", [_xfail(PAGE_XFAIL, n) for n in sorted(PAGES) if PAGES[n][1] is not None]
)
def test_page_answers_by_the_access_layer(town_now: Town, name: str) -> None:
    if name not in PAGE_ROUTES:
        pytest.fail(f"page {name} is no longer served: remove it from the access tables")
    rule = PAGES[name][1]
    if rule is None:
        pytest.skip("takes no object in its path")
    problems = []
    for side in town_now.world.sides:
        stranger = side if side is town_now.world.b else None
        url = page_url(name, side)
        for role, client in town_now.clients.items():
            sees = visible(town_now, role, side, rule)
            # An account that may see the object posts nothing here: the forms'
            # own tests and the crawl of bad input cover what it may change.
            for method in ("GET",) if sees else ("GET", "POST"):
                answer = ask(client, method, url, {} if method == "POST" else None, True)
                wrong = judge(answer, sees, is_list=False, stranger=stranger)
                if wrong:
                    problems.append(f"{method} {url} as {side.tag}-side {role}: {wrong}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("name", sorted(PAGE_QUERIES))
def test_page_filtered_by_an_object_answers_by_the_access_layer(town_now: Town, name: str) -> None:
    kinds, rule = PAGE_QUERIES[name]
    url = reverse(name, kwargs={"month": PARAMS["month"][1:]} if name.endswith("bulletin") else {})
    problems = []
    for side in town_now.world.sides:
        stranger = side if side is town_now.world.b else None
        query = {p: value(side, k) for p, k in kinds.items()}
        for role, client in town_now.clients.items():
            answer = ask(client, "GET", url, query)
            wrong = judge(
                answer, visible(town_now, role, side, rule), is_list=True, stranger=stranger
            )
            if wrong:
                problems.append(f"GET {url}?{query} as {side.tag}-side {role}: {wrong}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("key", [_xfail(API_XFAIL, k) for k in OBJECT_OPERATIONS])
def test_api_answers_by_the_access_layer(town_now: Town, key: str) -> None:
    if key not in API:
        pytest.fail(f"add operation {key} to the access test")
    rule = API[key][1]
    method = key.split()[0]
    path_ids = [p for p, w in api_params(OPERATIONS[key]).items() if w == "path"]
    is_list = method == "GET" and not path_ids
    in_body = method != "GET" and not path_ids
    problems = []
    for side in town_now.world.sides:
        stranger = side if side is town_now.world.b else None
        for role, client in town_now.clients.items():
            method, url, data, multipart = op_request(key, side)
            answer = ask(client, method, url, data, multipart)
            sees = visible(town_now, role, side, rule)
            wrong = judge(answer, sees, is_list=is_list, stranger=stranger, in_body=in_body)
            if wrong:
                problems.append(f"{method} {url} as {side.tag}-side {role}: {wrong}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(
    ("page", "key"), [_marked(SAME_XFAIL, f"{p}-{k}", p, k) for p, k in SAME_ANSWER]
)
def test_page_and_api_answer_the_same(town_now: Town, page: str, key: str) -> None:
    def kind_of(status: int) -> str:
        # Pages answer bad input or a refused step with a redirect and a message,
        # the API with 409/422: only whether access was refused must agree.
        return str(status) if status in (403, 404) or status >= 500 else "answered"

    problems = []
    for side in town_now.world.sides:
        url = page_url(page, side)
        for role, client in town_now.clients.items():
            method, api_url, data, multipart = op_request(key, side)
            by_page = ask(client, method, url, {} if method == "POST" else None, True)
            by_api = ask(client, method, api_url, data, multipart)
            if kind_of(by_page.status) != kind_of(by_api.status):
                problems.append(
                    f"{side.tag}-side {role}: {method} {url} {by_page.status}, "
                    f"{api_url} {by_api.status}"
                )
    assert not problems, "\n".join(problems)


def test_no_object_of_another_province_is_visible(town_now: Town) -> None:
    """Except by design, no account of province A may see any object of province B."""
    b = town_now.world.b
    rules = {rule for _params, rule in PAGES.values() if rule} | {e[1] for e in API.values()}
    rules = {rule for rule in rules if not rule[0].startswith("=")}
    seen = [
        f"{role} sees b's {kind} by {perm}"
        for perm, kind in sorted(rules)
        if kind not in VISIBLE_BY_DESIGN
        for role, user in town_now.world.a.users.items()
        if user.has_perm(perm, thing(b, kind))
    ]
    assert not seen, "\n".join(seen)


@pytest.mark.parametrize("rule", [_marked(READERS_XFAIL, f"{r[0]}-{r[1]}", r) for r in READERS])
def test_the_access_layer_lets_only_the_right_accounts_read(
    town_now: Town, rule: tuple[str, str]
) -> None:
    perm, kind = rule
    obj = thing(town_now.world.a, kind)
    readers = {role for role, user in town_now.world.a.users.items() if user.has_perm(perm, obj)}
    assert readers == READERS[rule], (
        f"{perm} on a's {kind}: extra {sorted(readers - READERS[rule])}, "
        f"missing {sorted(READERS[rule] - readers)}"
    )


def test_an_official_sees_only_the_months_it_attended(town_now: Town) -> None:
    """Hole 3 on the trend page: the official attended February, not March."""
    a = town_now.world.a
    march = a.objects["result"]
    url = reverse("tuyenvan:trend", kwargs={"commune_id": a.units["commune1a"].pk})
    response = town_now.clients["official"].get(url, {"year": 2018})
    if response.status_code == 404:
        return
    rows = response.context["rows"]
    months = sorted({row.month for row in rows})
    assert march.month not in months, f"the official's trend shows {months}"


def test_opening_a_submission_marks_it_for_its_reader_only(town_now: Town) -> None:
    """Hole 2: only the recipient's scorer marks a submission opened."""
    a = town_now.world.a
    url = reverse("tuyenvan:submission", kwargs={"pk": a.objects["submission"].pk})
    marked = []
    for role, client in town_now.clients.items():
        answer = ask(client, "GET", url)
        if any("opened" in sql for sql in answer.writes) and role != "district":
            marked.append(f"{role} ({answer.status})")
    assert not marked, f"opening by {marked} marks the submission opened"


# surveys ----------------------------------------------------------------------------


def test_a_survey_link_reaches_its_survey_only(town_now: Town) -> None:
    """The public answer page (``surveys:answer``) takes a point's link token, not an
    object id: anyone with the link reaches that point's open survey and nothing of
    another; a point's id or an unknown token reaches nothing."""
    from theodoi.surveys.models import Response

    problems = []
    for side in town_now.world.sides:
        other = town_now.world.b if side is town_now.world.a else town_now.world.a
        point = side.objects["survey_point"]
        own = [side.objects["survey"].title[lang] for lang in ("vi", "en")]
        foreign = [other.objects["survey"].title[lang] for lang in ("vi", "en")]
        foreign += [other.objects["survey_point"].name, *markers(other)]
        url = reverse("surveys:answer", kwargs={"token": point.token})
        for role, client in [("anonymous", Client()), *town_now.clients.items()]:
            answer = ask(client, "GET", url)
            if answer.status != 200 or not any(t in answer.body for t in own):
                problems.append(f"GET {url} as {role}: {answer.status} without its survey")
            if answer.writes:
                problems.append(f"GET {url} as {role}: wrote {answer.writes[:2]}")
            leaked = [m for m in foreign if m in answer.body]
            if leaked:
                problems.append(f"GET {url} as {role}: names {leaked}")
        for token in (str(point.pk), "unknown-link", point.token + "x"):
            wrong = reverse("surveys:answer", kwargs={"token": token})
            answer = ask(Client(), "POST", wrong, {"q_overall": "4"}, True)
            if answer.status != 404 or answer.writes:
                problems.append(f"POST {wrong}: {answer.status}, wrote {answer.writes[:2]}")
        # An answer through the link is stored for that point's survey only.
        with transaction.atomic():
            before = set(Response.objects.values_list("pk", flat=True))
            respondent = Client()
            page = respondent.get(url).content.decode()
            token = re.search(r'name="form_token" value="([^"]+)"', page)
            form_token = token[1] if token else ""
            respondent.post(url, {"q_overall": "4", "form_token": form_token})
            new = Response.objects.exclude(pk__in=before)
            stray = [r.pk for r in new if r.survey_id != point.survey_id or r.point_id != point.pk]
            if not new.exists() or stray:
                problems.append(f"POST {url}: stored {new.count()}, for another survey {stray}")
            transaction.set_rollback(True)
    assert not problems, "\n".join(problems)

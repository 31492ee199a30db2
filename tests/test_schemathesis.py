"""A bounded schemathesis run against the API: no 5xx, no answer that breaks its schema.

In the slow suite (marker ``crawl``). Schemathesis generates requests for every
operation of the OpenAPI document from its schemas and sends them through the
WSGI application, signed in as a coordinator with a bearer token, over the twin
world (``theodoi.testing.make_twin_world``). Each request runs in a savepoint
rolled back afterwards. Checks: ``not_a_server_error`` and
``response_schema_conformance`` (the answer, errors included, matches what the
document says of that status).

The figures (cases, 5xx, schema violations) are printed at the end of the
module (``-s``) and kept in ``FIGURES``.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from django.test import override_settings
from hypothesis import HealthCheck, Phase, settings
from ninja.responses import NinjaJSONEncoder
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from theodoi.api import api

from .access_tables import API, MONTH
from .test_access import OPERATIONS, value

pytestmark = [pytest.mark.crawl, pytest.mark.django_db]

# Examples per operation: ~75 operations, the run stays within a few minutes on 2 cores.
MAX_EXAMPLES = int(os.getenv("SCHEMATHESIS_MAX_EXAMPLES", "8"))
FIGURES: Counter[str] = Counter()

DOCUMENT = json.loads(json.dumps(api.get_openapi_schema(), cls=NinjaJSONEncoder))
schema = schemathesis.openapi.from_dict(DOCUMENT)
# Known failures on main, fixed by the issue-7 branches: "METHOD /path" → reason.
XFAIL: dict[str, str] = {}


@pytest.fixture(scope="module")
def signed_in(
    django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: Any
) -> Iterator[tuple[str, Any]]:
    """A coordinator's token over the twin world, built once and rolled back."""
    from theodoi.core.models import ApiToken
    from theodoi.testing import make_twin_world

    media = tmp_path_factory.mktemp("media")
    with (
        django_db_blocker.unblock(),
        override_settings(
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
            MEDIA_ROOT=media,
            AXES_ENABLED=False,
        ),
        pytest.MonkeyPatch.context() as patch,
        transaction.atomic(),
    ):
        patch.setenv("THEODOI_TODAY", "2018-04-02")
        # The WSGI handler closes the connection at the end of each request, as a
        # server does; the test transaction must outlive them (as Django's test
        # client arranges).
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        try:
            world = make_twin_world()
            _token, key = ApiToken.issue(world.a.users["coordinator"])
            yield key, world
        finally:
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)
            transaction.set_rollback(True)
            print(
                f"\nschemathesis: {FIGURES['cases']} cases, {FIGURES['5xx']} 5xx, "
                f"{FIGURES['schema']} schema violations"
            )


schema.app = get_wsgi_application()


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_api_answers_its_own_schema(case: Any, signed_in: tuple[str, Any]) -> None:
    bearer = signed_in[0]
    key = f"{case.method.upper()} {case.operation.path}"
    FIGURES["cases"] += 1
    with transaction.atomic():
        response = case.call(
            headers={"Authorization": f"Bearer {bearer}", "Accept-Encoding": "identity"}
        )
        transaction.set_rollback(True)
    if response.status_code >= 500:
        FIGURES["5xx"] += 1
    try:
        case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])
    except (Exception, BaseExceptionGroup):
        if response.status_code < 500:
            FIGURES["schema"] += 1
        if key in XFAIL:
            pytest.xfail(XFAIL[key])
        raise


# Generated ids rarely name an object that exists, so most generated cases answer
# 404. These cases read every object of the twin world's province A (the
# coordinator's) through each GET operation that takes one, and check the
# answer against its schema.
# (A download, such as an appeal's attachment, has no JSON schema to answer.)
READS = sorted(
    k
    for k in API
    if k.startswith("GET ")
    and k in OPERATIONS
    and "content" in OPERATIONS[k].get("responses", {}).get(200, {})
)
READ_XFAIL: dict[str, str] = {}


@pytest.mark.parametrize("key", READS)
def test_every_object_read_answers_its_schema(key: str, signed_in: tuple[str, Any]) -> None:
    bearer, world = signed_in
    _method, path = key.split(" ", 1)
    kinds = API[key][0]
    params = {p["name"]: p["in"] for p in OPERATIONS[key].get("parameters", [])}
    found = {name: value(world.a, kinds[name]) for name in params if name in kinds}
    query = {n: v for n, v in found.items() if params[n] == "query"}
    if "month" in params:
        query["month"] = MONTH
    case = schema[path]["GET"].Case(
        path_parameters={n: v for n, v in found.items() if params[n] == "path"}, query=query
    )
    FIGURES["cases"] += 1
    response = case.call(
        headers={"Authorization": f"Bearer {bearer}", "Accept-Encoding": "identity"}
    )
    assert response.status_code == 200, (key, response.status_code, response.text[:300])
    try:
        case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])
    except (Exception, BaseExceptionGroup):
        FIGURES["schema"] += 1
        if key in READ_XFAIL:
            pytest.xfail(READ_XFAIL[key])
        raise

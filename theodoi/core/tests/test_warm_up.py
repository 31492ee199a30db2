"""gunicorn's master loads what a worker's first page would load (issue 14).

Whatever a worker loads on its first request it holds alone, once per worker:
the template engine with every tag library, loader and context processor, the
locale's formats, the session serializer, the URL names per language. Loaded by
``gunicorn_conf._warm_up`` in the master before the fork, the workers share it.
"""

from __future__ import annotations

import json

from theodoi.testing import run_fresh

PROBE = """
import json
import sys

import theodoi.wsgi
from django.conf import settings
from django.test import Client
from django.urls import get_resolver

from theodoi import gunicorn_conf

gunicorn_conf._warm_up()
loaded = set(sys.modules)
resolver = get_resolver()
populated = sorted(resolver._reverse_dict)
statuses = [
    Client().get("/accounts/login/", HTTP_ACCEPT_LANGUAGE=language).status_code
    for language, _name in settings.LANGUAGES
]
print(json.dumps({
    "statuses": statuses,
    "languages": sorted(language for language, _name in settings.LANGUAGES),
    "populated": populated,
    "imported": sorted(set(sys.modules) - loaded),
    "rebuilt": sorted(set(resolver._reverse_dict) - set(populated)),
}))
"""


def test_a_first_page_after_the_warm_up_loads_nothing(tmp_path):
    # The sign-in page needs no database; DEBUG serves static files without a manifest.
    output = run_fresh(PROBE, tmp_path, DEBUG="True", ALLOWED_HOSTS="testserver")
    found = json.loads(output.strip().splitlines()[-1])
    assert set(found["statuses"]) == {200}
    assert found["populated"] == found["languages"]
    assert found["imported"] == [], "a worker's first page imported these: load them in _warm_up"
    assert found["rebuilt"] == []

"""gunicorn's master loads what a worker's first page would load (issue 14).

Whatever a worker loads on its first request it holds alone, once per worker:
the template engine with every tag library, loader and context processor, the
locale's formats, the session serializer, the URL names per language. Loaded by
``gunicorn_conf._warm_up`` in the master before the fork, the workers share it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

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
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SECRET_KEY")}
    # The sign-in page needs no database; DEBUG serves static files without a manifest.
    env |= {
        "THEODOI_DATA": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "theodoi.settings",
        "DEBUG": "True",
        "ALLOWED_HOSTS": "testserver",
    }
    result = subprocess.run(  # noqa: S603 - our own interpreter and app
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert set(found["statuses"]) == {200}
    assert found["populated"] == found["languages"]
    assert found["imported"] == [], "a worker's first page imported these: load them in _warm_up"
    assert found["rebuilt"] == []

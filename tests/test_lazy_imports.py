"""The server does not load the libraries only exports and imports use (issue 14).

gunicorn's master loads the app (``theodoi.wsgi``: settings, every URL, view and
API schema) before it forks the web workers and the queue worker; whatever it
imports sits in each of them. openpyxl (which brings numpy and Pillow),
python-docx (which brings lxml) and segno are ~45 MB of that, for files the
pages and the API never build: the functions that write or read a document
import them when they run. A module-level import anywhere in the app would
bring them back silently; this fails instead.
"""

from __future__ import annotations

from theodoi.testing import run_fresh

# What only a document export, a spreadsheet import or an image upload needs.
LAZY = ("openpyxl", "docx", "lxml", "numpy", "PIL", "segno")

PROBE = f"""
import sys
import theodoi.wsgi
print(" ".join(name for name in {LAZY!r} if name in sys.modules))
"""


def test_the_served_app_does_not_import_export_libraries(tmp_path):
    loaded = run_fresh(PROBE, tmp_path).split()
    assert loaded == [], f"imported when the app loads: {loaded} (import them where they are used)"

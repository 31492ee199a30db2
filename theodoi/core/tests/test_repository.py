"""Nothing secret or generated is tracked, and generated files stay in the data folder."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[3]
# Names of files that hold secrets or that theodoi generates at run time.
SECRET_LIKE = re.compile(
    r"(^|/)(secret_key|secret|secrets?\.(txt|json|ya?ml)|\.env(\..+)?|demo-password|demo-database"
    r"|id_(rsa|dsa|ecdsa|ed25519)|[^/]*\.(pem|key|p12|pfx|sqlite3|sqlite3-wal|sqlite3-shm))$",
    re.IGNORECASE,
)


def _git(*args: str) -> list[str]:
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    result = subprocess.run(  # noqa: S603 - fixed git arguments.
        ["git", "-C", str(ROOT), *args],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
    )
    return result.stdout.splitlines()


def test_no_file_named_like_a_secret_is_tracked():
    tracked = _git("ls-files")
    assert tracked, "git ls-files listed nothing"
    assert [name for name in tracked if SECRET_LIKE.search(name)] == []


@pytest.mark.parametrize(
    "path",
    [
        "data/secret_key",
        "theodoi/units/data/secret_key",
        "theodoi/plans/data/theodoi.sqlite3",
        "somewhere/demo-password",
        "data/media/evidence/report.pdf",
    ],
)
def test_generated_files_are_ignored_wherever_they_land(path):
    assert _git("check-ignore", path) == [path]


def test_the_secret_key_is_generated_in_the_data_folder(tmp_path):
    data = tmp_path / "data"
    script = (
        "from django.conf import settings; import django; django.setup(); "
        "print(settings.DATA_DIR); print(len(settings.SECRET_KEY))"
    )
    env = {"THEODOI_DATA": str(data), "DJANGO_SETTINGS_MODULE": "theodoi.settings"}
    import os
    import sys

    out = subprocess.run(  # noqa: S603 - our own interpreter.
        [sys.executable, "-c", script],
        env={k: v for k, v in os.environ.items() if k != "SECRET_KEY"} | env,
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT / "theodoi" / "units",
    ).stdout.split()
    assert out[0] == str(data.resolve())
    assert int(out[1]) >= 50
    assert (data / "secret_key").exists()
    assert not (ROOT / "theodoi" / "units" / "data" / "secret_key").exists()


def test_the_default_data_folder_is_never_inside_the_sources(monkeypatch):
    from theodoi import settings as project

    monkeypatch.chdir(ROOT / "theodoi" / "units")
    assert project._default_data_dir() == ROOT / "data"
    monkeypatch.chdir(ROOT)
    assert project._default_data_dir() == ROOT / "data"
    assert Path(settings.DATA_DIR).resolve() != ROOT / "theodoi" / "units" / "data"

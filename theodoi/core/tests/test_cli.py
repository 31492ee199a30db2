"""`theodoi serve` (and so `theodoi demo`) stops what it started when it is stopped."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _children() -> dict[int, int]:
    """Every process's parent, read from /proc."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            # pid (comm) state ppid ...: comm may hold spaces and parentheses.
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    return parents


def _descendants(pid: int) -> set[int]:
    parents = _children()
    found, todo = set(), [pid]
    while todo:
        current = todo.pop()
        for child, parent in parents.items():
            if parent == current and child not in found:
                found.add(child)
                todo.append(child)
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _wait_for(url: str, process: subprocess.Popen, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, "theodoi serve ended before answering"
        try:
            with urllib.request.urlopen(url, timeout=1) as response:  # noqa: S310 - our server.
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    pytest.fail(f"{url} did not answer in {timeout} s")


def _serve(tmp_path: Path, port: int) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SECRET_KEY")}
    # DEBUG only so that collectstatic copies instead of compressing (seconds).
    env |= {
        "THEODOI_DATA": str(tmp_path),
        "PORT": str(port),
        "WEB_CONCURRENCY": "1",
        "DEBUG": "True",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "theodoi.cli", "serve"],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _gone(pids: set[int], timeout: float) -> list[int]:
    deadline = time.monotonic() + timeout
    while (alive := [pid for pid in pids if _alive(pid)]) and time.monotonic() < deadline:
        time.sleep(0.2)
    return alive


@contextlib.contextmanager
def _serving(tmp_path: Path) -> Iterator[tuple[subprocess.Popen, set[int]]]:
    """`theodoi serve` answering, with the processes it started (its web worker
    and the queue worker); whatever is left of them is killed afterwards."""
    port = _free_port()
    started: set[int] = set()
    process = _serve(tmp_path, port)
    try:
        _wait_for(f"http://127.0.0.1:{port}/healthz", process, timeout=60)
        started |= _descendants(process.pid)
        assert len(started) >= 2, started
        yield process, started
    finally:
        if process.poll() is None:
            process.kill()
        for pid in started:
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_serve_stops_gunicorn_and_the_worker(tmp_path, signum):
    with _serving(tmp_path) as (process, started):
        # The command became gunicorn's master: no supervisor beside it.
        assert b"gunicorn" in Path(f"/proc/{process.pid}/cmdline").read_bytes()
        process.send_signal(signum)
        assert process.wait(timeout=30) == 0
        assert _gone(started, timeout=2) == []


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_the_workers_stop_when_the_master_is_killed(tmp_path):
    with _serving(tmp_path) as (process, started):
        process.kill()  # no on_exit: the queue worker learns it from the kernel
        process.wait(timeout=10)
        assert _gone(started, timeout=20) == []

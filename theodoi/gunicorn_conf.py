"""gunicorn's settings for `theodoi serve` (``gunicorn -c python:theodoi.gunicorn_conf``).

Worker model: ``gthread`` — each of ``WEB_CONCURRENCY`` processes (default 2)
serves ``WEB_THREADS`` requests at once (default 4) and keeps idle keep-alive
connections in its event loop, not in a thread. A slow client (a phone
uploading a photo over a weak mountain link) holds one thread, not a whole
process, and is not killed by the worker timeout: the timeout watches the
process's main loop, which keeps beating while threads serve requests.

Memory: the app is loaded once in the master (``preload_app``) with its URLs
(their names per language), API schemas, translations, formats and template
engine (every tag library and context processor), then its objects are frozen
out of the garbage collector (``gc.freeze()``) before the workers are forked,
so the workers share those pages instead of copying them when the collector
walks them, and full
collections only walk what a request made (they were 90–200 ms pauses every
7–13 requests). The forked processes then collect the older generations
more often (their garbage is freed sooner, so it does not raise what they
keep). The database-queue worker (``THEODOI_QUEUE_WORKER=fork``, what
`theodoi serve` sets) is forked from the same master: it shares the loaded app
too, instead of being a third Python process loading Django on its own.

A worker grows while it serves (the pages' caches, and the allocator's
high-water mark after several big pages at once, which it keeps).
``WEB_MAX_REQUESTS`` (default 0: never) replaces a worker after that many
requests, plus a random ``WEB_MAX_REQUESTS_JITTER`` (default a tenth of it, so
the workers do not all restart together), by a fresh fork of the loaded app:
a fork, not a start. It is off by default because a worker that stops closes
its idle keep-alive connections, and a request a client has just sent on one
is reset (browsers retry it; a load tool counts an error: 5 in ~2,300 requests
at 500). `theodoi serve` runs gunicorn with ``MALLOC_ARENA_MAX=2`` unless set
(glibc gives each thread a malloc arena of its own otherwise).
"""

from __future__ import annotations

import contextlib
import gc
import logging
import os
import signal
import sys
import time
from typing import Any

worker_class = "gthread"
threads = int(os.getenv("WEB_THREADS", "4"))
preload_app = True
# Phones reuse a connection between a page and its next request.
keepalive = int(os.getenv("WEB_KEEPALIVE", "5"))
timeout = int(os.getenv("WEB_TIMEOUT", "30"))
max_requests = int(os.getenv("WEB_MAX_REQUESTS", "0"))
max_requests_jitter = int(os.getenv("WEB_MAX_REQUESTS_JITTER", str(max_requests // 10)))

# Python's default is (700, 10, 10).
GC_THRESHOLD_0 = 700
GC_THRESHOLD_OLD = 2

PR_SET_PDEATHSIG = 1  # prctl(2)

logger = logging.getLogger("theodoi.serve")
_queue: dict[str, int] = {}


def _warm_up() -> None:
    """Load in the master what every worker would otherwise load on its first request."""
    from django.conf import settings
    from django.db import Error, connections
    from django.template import engines
    from django.urls import get_resolver
    from django.utils import formats, translation
    from django.utils.module_loading import import_string

    resolver = get_resolver()
    resolver.url_patterns  # noqa: B018 - imports every app's views and the API
    # The template engine and what it imports: every tag library, the loaders,
    # the context processors (~40 modules). Not the templates: a worker copies
    # the nodes it renders, so compiling them here would only add the master's.
    for engine in engines.all():
        django_engine = getattr(engine, "engine", None)
        if django_engine is not None:
            django_engine.template_context_processors  # noqa: B018
            django_engine.template_loaders  # noqa: B018
    import_string(settings.MESSAGE_STORAGE)
    import_string(settings.SESSION_SERIALIZER)
    # Connect once, so that the database driver's one-time set-up (libpq, its
    # TLS library, psycopg's adapters) is in the master, shared by the forked
    # processes instead of made again in each (~2.5 MB apiece).
    with contextlib.suppress(Error):
        connections["default"].ensure_connection()
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            translation.gettext("Home")
            # The URL names and their patterns, per language (the first
            # reverse() of each worker built them).
            resolver.reverse_dict  # noqa: B018
            for name in formats.FORMAT_SETTINGS:
                formats.get_format(name, language)
    connections.close_all()  # never share a connection with the forked processes


def _stop_with_parent(parent: int) -> None:
    """Have the kernel send SIGTERM to this process when ``parent`` ends (Linux),
    even killed outright (SIGKILL, the OOM killer), as gunicorn's workers notice it."""
    import ctypes

    with contextlib.suppress(AttributeError, OSError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    if os.getppid() != parent:  # it ended before the request was made
        os.kill(os.getpid(), signal.SIGTERM)


def _run_queue(server: Any, master: int) -> None:
    """The forked queue worker: django-tasks-db's loop, restarted after an error."""
    from django.db import connections
    from django_tasks_db.compat import DEFAULT_TASK_BACKEND_ALIAS, DEFAULT_TASK_QUEUE_NAME
    from django_tasks_db.management.commands.db_worker import Worker

    for sock in getattr(server, "LISTENERS", []):
        with contextlib.suppress(OSError):
            sock.close()
    for signum in (signal.SIGHUP, signal.SIGCHLD, signal.SIGUSR1, signal.SIGUSR2, signal.SIGWINCH):
        signal.signal(signum, signal.SIG_DFL)
    with contextlib.suppress(ImportError):
        import setproctitle

        setproctitle.setproctitle("theodoi: database queue worker")
    worker = Worker(
        queue_names=[DEFAULT_TASK_QUEUE_NAME],
        interval=1,
        batch=False,
        backend_name=DEFAULT_TASK_BACKEND_ALIAS,
        startup_delay=False,
        max_tasks=None,
        worker_id=f"serve-{os.getpid()}",
        excluded_queue_names=[],
    )
    worker.configure_signals()
    _stop_with_parent(master)
    while worker.running:
        try:
            worker.run()
        except Exception:
            logger.exception("The queue worker stopped on an error; starting again in 5 s.")
            connections.close_all()
            time.sleep(5)


def on_starting(server: Any) -> None:
    """SIGHUP stops the server like SIGTERM (a closed terminal, as before `theodoi
    serve` became gunicorn's master), where gunicorn would reload its workers:
    with the app preloaded, a reload would not load new code anyway."""
    server.handle_hup = server.handle_term


def when_ready(server: Any) -> None:
    """After the app is loaded in the master, before the first worker is forked."""
    _warm_up()
    gc.collect()
    gc.freeze()
    # The forked processes collect the older generations five times as often:
    # with the app frozen those hold only what requests made, so a collection
    # is short, and a page's cyclic garbage is freed before the next pages pile
    # theirs on top, which had left each worker ~10 MB larger for good (memory
    # the allocator cannot give back while a few live objects sit in it). No
    # measurable CPU cost per request (issue 14).
    gc.set_threshold(GC_THRESHOLD_0, GC_THRESHOLD_OLD, GC_THRESHOLD_OLD)
    if os.getenv("THEODOI_QUEUE_WORKER") == "fork":
        master = os.getpid()
        pid = os.fork()
        if pid == 0:
            code = 0
            try:
                _run_queue(server, master)
            except SystemExit as stop:
                code = stop.code if isinstance(stop.code, int) else 0
            except BaseException:
                logger.exception("The queue worker failed.")
                code = 1
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
            os._exit(code)
        _queue["pid"] = pid
        server.log.info("Database queue worker (pid: %s) forked from the master", pid)


def on_exit(server: Any) -> None:
    """Stop the queue worker with the master (it finishes the task it runs)."""
    pid = _queue.pop("pid", None)
    if pid is None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + 8
    while time.monotonic() < deadline:
        try:
            done, _status = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:  # already reaped by the master's SIGCHLD handler
            return
        if done:
            return
        time.sleep(0.1)
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)

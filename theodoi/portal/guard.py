"""Captcha-free bot checks and rate limits for the public forms.

- a honeypot field people never see (a bot that fills every field gives itself away);
- a signed time stamp put in the form when it is shown: a form sent back sooner
  than a person could type, or older than a day, is refused;
- rate limits kept in Django's cache (shared by the app servers when
  ``REDIS_URL`` is set): per sender address, and per recipient for "send to a
  friend", so the portal cannot be used to flood anybody's mailbox.
"""

from __future__ import annotations

import hashlib

from django.core import signing
from django.core.cache import cache
from django.http import HttpRequest

from theodoi.core import clock

HONEYPOT = "website"
STAMP = "started"
MIN_SECONDS = 3
MAX_SECONDS = 24 * 3600
_SALT = "theodoi.portal.form-stamp"


def stamp() -> str:
    return signing.dumps(int(clock.now().timestamp()), salt=_SALT)


def looks_human(data: dict) -> bool:
    """False for a filled honeypot, a missing or forged stamp, or a form sent too fast or late."""
    if (data.get(HONEYPOT) or "").strip():
        return False
    try:
        started = int(signing.loads(data.get(STAMP) or "", salt=_SALT))
    except (signing.BadSignature, TypeError, ValueError):
        return False
    elapsed = clock.now().timestamp() - started
    return MIN_SECONDS <= elapsed <= MAX_SECONDS


def sender(request: HttpRequest) -> str:
    """Who is sending, for rate limits: the client address (the proxy in front sets it)."""
    return request.META.get("REMOTE_ADDR") or "unknown"


def allow(kind: str, who: str, limit: int, seconds: int) -> bool:
    """Count one use of ``kind`` by ``who``; False once ``limit`` uses fall in the window."""
    key = "portal:rate:" + hashlib.sha256(f"{kind}\0{who.casefold()}".encode()).hexdigest()
    if cache.add(key, 1, timeout=seconds):
        return True
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=seconds)
        return True
    return count <= limit

"""The version check of forms filled on a device that may send them much later.

A form carries the fingerprint of what it was opened on (a hidden ``version``
field); a send whose fingerprint is no longer the saved one is refused with both
versions shown, so a queued send never overwrites a newer edit silently. The
fingerprint needs no column: it is the hash of the saved values themselves.
"""

from __future__ import annotations

import hashlib
from typing import Any


def fingerprint(*parts: Any) -> str:
    """A short stable hash of ``parts`` (their ``repr``)."""
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:16]


def is_stale(posted: str | None, current: str) -> bool:
    """True when a version was sent and it is not the current one (a form sent
    without one, e.g. by a script, is not checked)."""
    posted = (posted or "").strip()
    return bool(posted) and posted != current

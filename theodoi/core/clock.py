"""Today's date for the domain, which the demo may set.

The demo's data is the 2018 plan, so `theodoi demo` sets THEODOI_TODAY (for
example 2018-07-15) and every due date, overdue list and reminder reads the
date from here instead of from the wall clock. Outside the demo it is simply
the local date.

The environment is read once, by the settings (``settings.THEODOI_TODAY``: a
date or None); tests fix the day with the ``settings`` fixture or
:func:`fixed_today`, or move the wall clock with time-machine.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.test.utils import override_settings
from django.utils import timezone


def fixed_day() -> dt.date | None:
    """The day the domain is fixed to, or None when it follows the wall clock."""
    fixed = getattr(settings, "THEODOI_TODAY", None)
    if isinstance(fixed, str):  # an override given as text: "2018-07-15"
        return dt.date.fromisoformat(fixed) if fixed else None
    if isinstance(fixed, dt.datetime):
        return fixed.date()
    return fixed


def today() -> dt.date:
    return fixed_day() or timezone.localdate()


def now() -> dt.datetime:
    fixed = fixed_day()
    if fixed is not None:
        current = timezone.localtime()
        return current.replace(year=fixed.year, month=fixed.month, day=fixed.day)
    return timezone.now()


@contextmanager
def fixed_today(day: dt.date) -> Iterator[None]:
    """Run the block with the domain's today set to ``day`` (the demo's loader)."""
    with override_settings(THEODOI_TODAY=day):
        yield

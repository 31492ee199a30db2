"""Today's date for the domain, which the demo may set.

The demo's data is the 2018 plan, so `theodoi demo` sets THEODOI_TODAY (for
example 2018-07-15) and every due date, overdue list and reminder reads the
date from here instead of from the wall clock. Outside the demo it is simply
the local date.
"""

from __future__ import annotations

import datetime as dt
import os

from django.utils import timezone


def today() -> dt.date:
    fixed = os.getenv("THEODOI_TODAY")
    if fixed:
        return dt.date.fromisoformat(fixed)
    return timezone.localdate()


def now() -> dt.datetime:
    fixed = os.getenv("THEODOI_TODAY")
    if fixed:
        current = timezone.localtime()
        return current.replace(year=int(fixed[:4]), month=int(fixed[5:7]), day=int(fixed[8:10]))
    return timezone.now()

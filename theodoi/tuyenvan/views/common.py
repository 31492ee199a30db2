"""What the tuyên vận pages share: the default month, links, query values, messages."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.urls import reverse
from pydantic import TypeAdapter
from pydantic import ValidationError as InputError

from theodoi.core import clock

from ..models import CommuneMonth


def default_month() -> date:
    """The month before this one: the month being scored."""
    today = clock.today()
    return date(today.year - (today.month == 1), (today.month - 2) % 12 + 1, 1)


def month_url(cm: CommuneMonth) -> str:
    return reverse("tuyenvan:month", args=[cm.commune.pk, cm.key])


def query_value(kind: Any, value: Any) -> Any:
    """A query value parsed by one of the API kit's types (``Year``, ``Month``, ``Id``…).

    A value that is not one is Http404, as a bad id in a path is.
    """
    try:
        return TypeAdapter(kind).validate_python(value)
    except InputError:
        raise Http404 from None


def show_errors(request: HttpRequest, error: ValidationError, prefix: str = "") -> None:
    """A refused change's messages, shown on the next page."""
    for message in error.messages:
        messages.error(request, f"{prefix}{message}")

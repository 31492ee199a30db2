"""Reserving the next number of an issuing body's register."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max

from theodoi.core import clock
from theodoi.units.models import Unit

from .models import RegisteredDocument

ATTEMPTS = 8


def format_code(number: int, kind: str, symbol: str) -> str:
    """'07-BC/BTGTU': two digits at least, as Party documents are numbered."""
    return f"{number:02d}-{kind}/{symbol}"


def _next_number(issuer_id: int, kind: str, year: int) -> int:
    top = RegisteredDocument.objects.filter(issuer_id=issuer_id, kind=kind, year=year).aggregate(
        top=Max("number")
    )["top"]
    return (top or 0) + 1


def reserve(
    issuer: Unit,
    kind: str,
    *,
    symbol: str,
    year: int | None = None,
    key: str = "",
    title: str = "",
    issued_on: date | None = None,
    by: Any = None,
) -> RegisteredDocument:
    """The register's entry for a document: its number if ``key`` was numbered
    before, otherwise the next number of the issuer's series (kind, year).

    Reservations of one issuer are serialised by locking the issuer's row; the
    unique constraint on (issuer, kind, year, number) is the backstop, and a
    reservation that loses a race takes the next number.
    """
    issued_on = issued_on or clock.today()
    year = year or issued_on.year
    for _attempt in range(ATTEMPTS):
        try:
            with transaction.atomic():
                if key:
                    found = RegisteredDocument.objects.filter(issuer=issuer, key=key).first()
                    if found is not None:
                        return found
                # Lock the issuer: concurrent reservations of one issuer queue here.
                Unit.objects.select_for_update().filter(pk=issuer.pk).values_list("pk").first()
                number = _next_number(issuer.pk, kind, year)
                return RegisteredDocument.objects.create(
                    issuer=issuer,
                    kind=kind,
                    year=year,
                    number=number,
                    code=format_code(number, kind, symbol),
                    key=key,
                    title=title[:400],
                    issued_on=issued_on,
                    created_by=by if getattr(by, "is_authenticated", False) else None,
                )
        except IntegrityError:
            continue
    raise IntegrityError(f"no free number for {issuer.pk} {kind} {year} after {ATTEMPTS} tries")


def reserved(issuer: Unit, key: str) -> RegisteredDocument | None:
    """The entry reserved for ``key`` by ``issuer``, if any (without reserving)."""
    return RegisteredDocument.objects.filter(issuer=issuer, key=key).first()

"""The API kit's input types refuse what the outside probe sent, and paging is capped."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from pydantic import TypeAdapter
from pydantic import ValidationError as PydanticError

from theodoi.core.apikit import (
    MAX_ID,
    MAX_PAGE_SIZE,
    Id,
    IsoDate,
    Money,
    Month,
    Pagination,
    Points,
    Reason,
    ShortText,
    Text,
    Year,
)


def parse(kind, value):
    return TypeAdapter(kind).validate_python(value)


def refused(kind, value) -> str:
    with pytest.raises(PydanticError) as caught:
        parse(kind, value)
    return caught.value.errors()[0]["type"]


@pytest.mark.parametrize("value", ["1", "42", 42, MAX_ID, str(MAX_ID)])
def test_id_accepts_ascii_digits_in_a_64_bit_key(value):
    assert parse(Id, value) == int(value)


@pytest.mark.parametrize(
    "value",
    [
        "³",
        "1_0",
        "١٢",
        "0x10",
        "1e3",
        "",
        " ",
        "1.0",
        2**64,
        str(2**64),
        MAX_ID + 1,
        0,
        "0",
        -1,
        "-1",
        True,
        False,
        1.5,
        1.0,
        None,
        [1],
    ],
)
def test_id_refuses(value):
    refused(Id, value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2018-07", date(2018, 7, 1)),
        ("1900-01", date(1900, 1, 1)),
        ("2200-12", date(2200, 12, 1)),
        (date(2018, 7, 15), date(2018, 7, 1)),
    ],
)
def test_month_accepts(value, expected):
    assert parse(Month, value) == expected


@pytest.mark.parametrize(
    "value",
    [
        "0000-01",
        "1899-12",
        "2201-01",
        "99999-01",
        "2018-00",
        "2018-13",
        "2018-7",
        "07/2018",
        "",
        201807,
    ],
)
def test_month_refuses(value):
    assert refused(Month, value) == "month_parsing"


@pytest.mark.parametrize("value", [1900, "2018", 2200])
def test_year_accepts(value):
    assert parse(Year, value) == int(value)


@pytest.mark.parametrize("value", [0, 1899, 2201, 99999, "99999", "²⁰¹⁸", True, 2018.5, -2018])
def test_year_refuses(value):
    refused(Year, value)


def test_iso_date_is_a_date_and_nothing_else():
    assert parse(IsoDate, "2018-07-15") == date(2018, 7, 15)
    for value in ["0", 0, "15/07/2018", "2018-02-30", 1531612800]:
        refused(IsoDate, value)


@pytest.mark.parametrize("kind", [Text, ShortText, Reason])
def test_texts_refuse_nul(kind):
    assert parse(kind, "Lý do chính đáng") == "Lý do chính đáng"
    assert refused(kind, "a\x00b") == "null_character"


def test_text_lengths():
    assert refused(ShortText, "x" * 256) == "string_too_long"
    assert refused(Reason, "x" * 101) == "string_too_long"
    assert refused(Text, "x" * 10_001) == "string_too_long"
    assert parse(Reason, "x" * 100)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("12.500.000", 12_500_000), (" 1.000 ", 1000), ("12500000", 12_500_000), (0, 0)],
)
def test_money_accepts(value, expected):
    assert parse(Money, value) == expected


@pytest.mark.parametrize(
    "value", ["12,500,000", "12.5", "1.00", "1_000", "-1", -1, 10**16, "abc", True]
)
def test_money_refuses(value):
    refused(Money, value)


def test_points_bounds():
    assert parse(Points, "2.5") == Decimal("2.5")
    refused(Points, "1000.01")
    refused(Points, "0.125")


def test_pagination_caps_page_size():
    assert Pagination.Input(page_size=MAX_PAGE_SIZE).page_size == MAX_PAGE_SIZE
    for size in (MAX_PAGE_SIZE + 1, 10_000, 0, -1):
        with pytest.raises(PydanticError):
            Pagination.Input(page_size=size)
    with pytest.raises(PydanticError):
        Pagination.Input(page=0)
    assert Pagination().max_page_size == MAX_PAGE_SIZE
    assert Pagination.Input().page_size is None  # the default size, 50
    assert Pagination().page_size == 50

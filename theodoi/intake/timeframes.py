"""Time frames as people write them in a plan, turned into start and end dates.

The rule (also shown on the review page, ``RULES``):

- a quarter ("Quý I/2018", "Quý 2", "Quý I, II", "Quý I-II"): the first day of the
  first quarter named to the last day of the last;
- a half ("6 tháng đầu năm", "6 tháng cuối năm", "Sáu tháng đầu năm 2018"):
  01/01–30/06 or 01/07–31/12;
- months ("Tháng 3/2018", "Tháng 3-4/2018", "Từ tháng 3 đến tháng 5"): the first
  day of the first month to the last day of the last;
- the whole year ("Cả năm", "Năm 2018", "Trong năm", "Thường xuyên", "Hằng
  tháng", "Hằng quý", "Liên tục"): 01/01–31/12 of the plan's year;
- "Trước 30/6/2018" (also "Trước ngày …", "Chậm nhất …", "Hoàn thành trước …"):
  01/01 of the plan's year to that date;
- a range of dates ("15/01 - 31/3/2018", "Từ 15/01 đến 31/3"): those dates;
- one date ("30/6/2018"): that day;
- a year left out is the plan's year; a year given is kept (and a year other than
  the plan's is then refused at the cell, as on the pages).

The text as written is kept beside the dates (the work item's "time frame").
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.utils.translation import gettext_lazy as _

from .text import fold

RULES = [
    _(
        "A quarter (“Quý I/2018”, “Quý I-II”): from the first day of the first quarter "
        "to the last day of the last."
    ),
    _("A half (“6 tháng đầu năm”, “6 tháng cuối năm”): 01/01–30/06 or 01/07–31/12."),
    _(
        "Months (“Tháng 3/2018”, “Tháng 3-4/2018”, “Từ tháng 3 đến tháng 5”): from the "
        "first day of the first month to the last day of the last."
    ),
    _(
        "The whole year (“Cả năm”, “Năm 2018”, “Trong năm”, “Thường xuyên”, “Hằng tháng”, "
        "“Hằng quý”): 01/01–31/12 of the plan's year."
    ),
    _(
        "“Trước 30/6/2018” (also “Trước ngày …”, “Chậm nhất …”): from 01/01 of the plan's "
        "year to that date."
    ),
    _("A range of dates (“15/01 - 31/3/2018”): those dates; one date: that day."),
    _("A year left out is the plan's year. The text as written is kept beside the dates."),
]

ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_Q = r"(?:i{1,3}|iv|[1-4])"
_YEAR = r"(?:\s*(?:/|nam|-)\s*(\d{4}))?"
_DATE = r"(\d{1,2})\s*[/.-]\s*(\d{1,2})(?:\s*[/.-]\s*(\d{2,4}))?"

WHOLE_YEAR = (
    "ca nam",
    "trong nam",
    "thuong xuyen",
    "hang thang",
    "hang quy",
    "hang nam",
    "hang tuan",
    "lien tuc",
    "ca nam thuong xuyen",
    "thuong xuyen trong nam",
    "theo dinh ky",
    "dinh ky hang thang",
)


@dataclass(frozen=True)
class TimeFrame:
    start: date
    end: date
    text: str


def _last_day(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _quarter(token: str) -> int:
    return ROMAN.get(token) or int(token)


def _year(value: str | None, default: int) -> int:
    if not value:
        return default
    number = int(value)
    return 2000 + number if number < 100 else number


def _day(d: str, m: str, y: str | None, default: int) -> date | None:
    try:
        return date(_year(y, default), int(m), int(d))
    except ValueError:
        return None


def parse_time_frame(value: Any, year: int) -> TimeFrame | None:
    """The dates a time frame stands for in a plan of ``year``, or None."""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return TimeFrame(value, value, value.strftime("%d/%m/%Y"))
    raw = " ".join(str(value or "").split())
    text = fold(raw).replace("–", "-")
    text = re.sub(r"^(thoi gian|thuc hien|trien khai|hoan thanh)\s*:?\s*", "", text)
    if not text:
        return None

    def frame(start: date, end: date) -> TimeFrame:
        return TimeFrame(start, end, raw)

    if text in WHOLE_YEAR or text.startswith(("thuong xuyen", "hang thang", "ca nam")):
        return frame(date(year, 1, 1), date(year, 12, 31))
    m = re.fullmatch(r"(?:ca\s+)?nam\s+(\d{4})", text)
    if m:
        y = int(m.group(1))
        return frame(date(y, 1, 1), date(y, 12, 31))
    m = re.fullmatch(r"(?:6|sau|06)\s+thang\s+(dau|cuoi)(?:\s+nam)?" + _YEAR, text)
    if m:
        y = _year(m.group(2), year)
        if m.group(1) == "dau":
            return frame(date(y, 1, 1), date(y, 6, 30))
        return frame(date(y, 7, 1), date(y, 12, 31))
    m = re.fullmatch(
        rf"(?:trong\s+)?quy\s+({_Q})(?:\s*(?:,|-|den|va)\s*(?:quy\s+)?({_Q}))?" + _YEAR, text
    )
    if m:
        first = _quarter(m.group(1))
        last = _quarter(m.group(2)) if m.group(2) else first
        y = _year(m.group(3), year)
        if first <= last:
            return frame(date(y, 3 * first - 2, 1), _last_day(y, 3 * last))
        return None
    m = re.fullmatch(
        r"(?:tu\s+)?(?:trong\s+)?thang\s+(\d{1,2})(?:\s*(?:-|den|,|va)\s*(?:thang\s+)?(\d{1,2}))?"
        + _YEAR,
        text,
    )
    if m:
        first = int(m.group(1))
        last = int(m.group(2)) if m.group(2) else first
        y = _year(m.group(3), year)
        if 1 <= first <= last <= 12:
            return frame(date(y, first, 1), _last_day(y, last))
        return None
    m = re.fullmatch(
        r"(?:truoc|cham nhat|han cuoi|xong truoc|hoan thanh truoc|den)\s+(?:ngay\s+)?" + _DATE,
        text,
    )
    if m:
        end = _day(m.group(1), m.group(2), m.group(3), year)
        if end is None:
            return None
        return frame(date(end.year, 1, 1), end)
    m = re.fullmatch(
        r"(?:tu\s+)?(?:ngay\s+)?" + _DATE + r"\s*(?:-|den)\s*(?:ngay\s+)?" + _DATE, text
    )
    if m:
        end = _day(m.group(4), m.group(5), m.group(6), year)
        if end is None:
            return None
        start = _day(m.group(1), m.group(2), m.group(3), end.year)
        if start is None:
            return None
        return frame(start, end)
    m = re.fullmatch(r"(?:ngay\s+)?" + _DATE, text)
    if m:
        day = _day(m.group(1), m.group(2), m.group(3), year)
        return frame(day, day) if day else None
    return None


def parse_date(value: Any, year: int) -> date | None:
    """One date cell: an Excel date, or "dd/mm/yyyy" (year optional), or a time frame's end."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    found = parse_time_frame(value, year)
    return found.start if found and found.start == found.end else None

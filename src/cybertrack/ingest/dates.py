"""Publication dates from metadata, read at the precision they were written with.

"2022" stays a year and "September 2022" a month: filling in a day would invent a precision
the source never claimed (DESIGN.md: partial dates). ISO forms and PDF dates are read directly;
anything else goes to dateparser, restricted to absolute dates that name a year, so "yesterday"
or a bare "5" never becomes a date relative to the moment of reading.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import time
from typing import Any

from cybertrack.model import PartialDate

_YEAR = re.compile(r"(\d{4})")
_MONTH = re.compile(r"(\d{4})-(\d{1,2})")
_DAY = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T ].*)?")
_COMPACT = re.compile(r"(?:D:)?(\d{4})(\d{2})?(\d{2})?(?:\d{2,6})?(?:[Z+\-'].*)?")
_INTERVAL = re.compile(r"\d{4}(?:-\d{2}(?:-\d{2})?)?/\d{4}(?:-\d{2}(?:-\d{2})?)?")
_MAX_LEN = 100  # longer strings are prose, not a date field


def _partial(year: int, month: int | None, day: int | None, text: str) -> PartialDate | None:
    """A PartialDate at the precision given, or None if the parts are not a real date."""
    if not 1000 <= year <= 2999:
        return None
    try:
        if month is None:
            return PartialDate.year(year, text)
        if day is None:
            return PartialDate.month(year, month, text)
        return PartialDate.day(dt.date(year, month, day), text)
    except ValueError:
        return None


@functools.cache
def _dateparser() -> Any:
    """One dateparser instance, built on first use (its language data takes seconds to load)."""
    from dateparser.date import DateDataParser

    return DateDataParser(
        settings={
            "PREFER_DATES_FROM": "past",
            "REQUIRE_PARTS": ["year"],
            "PARSERS": ["custom-formats", "absolute-time"],
        }
    )


def parse_date(value: object) -> PartialDate | None:
    """Read a metadata date (string, ``date``, ``datetime`` or ``time.struct_time``).

    Returns None when the value is not a date; callers decide whether that is an error.
    """
    if isinstance(value, dt.datetime):
        return PartialDate.day(value.date(), value.isoformat())
    if isinstance(value, dt.date):
        return PartialDate.day(value, value.isoformat())
    if isinstance(value, time.struct_time):
        text = time.strftime("%Y-%m-%d", value)
        return _partial(value.tm_year, value.tm_mon, value.tm_mday, text)
    if not isinstance(value, str):
        return None
    text = " ".join(value.split())
    if not text or len(text) > _MAX_LEN:
        return None
    if _INTERVAL.fullmatch(text):
        try:
            return PartialDate.parse(text, text)
        except ValueError:
            return None
    if m := _YEAR.fullmatch(text):
        return _partial(int(m[1]), None, None, text)
    if m := _MONTH.fullmatch(text):
        return _partial(int(m[1]), int(m[2]), None, text)
    if m := _DAY.fullmatch(text):
        return _partial(int(m[1]), int(m[2]), int(m[3]), text)
    if m := _COMPACT.fullmatch(text):
        month = int(m[2]) if m[2] else None
        return _partial(int(m[1]), month, int(m[3]) if m[3] and month else None, text)
    return _parse_words(text)


def _parse_words(text: str) -> PartialDate | None:
    """Dates in words ("7 September 2022", "Wed, 07 Sep 2022 10:00 GMT", "septembre 2022")."""
    if not any(c.isdigit() for c in text):
        return None
    try:
        data = _dateparser().get_date_data(text)
    except Exception:  # dateparser raises assorted internal errors on odd input; not a date
        return None
    when = data.date_obj
    if when is None:
        return None
    if data.period == "year":
        return _partial(when.year, None, None, text)
    if data.period == "month":
        return _partial(when.year, when.month, None, text)
    return _partial(when.year, when.month, when.day, text)

"""Date normalizer: find date expressions in text and read them as partial dates.

Runs on every sentence of every document, so it is a set of precompiled regexes whose groups
are turned into dates directly. dateparser is not called: parsing one candidate costs ~2 ms
(ten times this module's cost for a whole article) and it fills missing parts from "now"
silently, where we need to know the precision the text gave.

What is read, and how:
- explicit dates (``15 July 2022``, ``July 15, 2022``, ``2022-07-15``, ``January 2022``,
  ``in 2014``, ``the 1980s``) become day / month / year / range partial dates;
- a month or day without a year takes the most recent occurrence not after publication (with
  ``YEAR_SLACK_DAYS`` of slack, as articles run a little ahead of their date line); without a
  publication date such mentions are dropped;
- ``mid-July`` is 10-20 July, ``early``/``late`` 1-10 / 21-end, ``earlier in September`` the month;
- deictic phrases (``yesterday``, ``last week``, ``on Monday``, ``three days ago``) resolve against
  the publication date;
- phrases relative to another event (``just days after``, ``two days later``, ``the following
  week``) have no date, only a relation and ``offset_days``; :func:`resolve_relative` places them
  once the caller knows the anchor event's date;
- vague spans (``decades ago``, ``years ago``) are ignored.
A leading ``since``/``until``/``before``/``after`` is part of the match and sets ``relation``.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable
from typing import NamedTuple

from cybertrack.model import PartialDate

YEAR_SLACK_DAYS = 7


class DateMatch(NamedTuple):
    """A date expression found in text."""

    start: int
    end: int
    text: str
    date: PartialDate | None  # None when only relative to another event
    relation: str | None  # None | "after" | "before" | "since" | "until"
    offset_days: tuple[int, int] | None  # relative phrases: (min, max) days from the anchor


# ---- vocabulary -------------------------------------------------------------------------------

MONTHS: dict[str, int] = {
    name: i for i, name in enumerate(calendar.month_name) if name
} | {"Jan": 1, "Feb": 2, "Mar": 3, "Apr": 4, "Jun": 6, "Jul": 7, "Aug": 8, "Sep": 9,
     "Sept": 9, "Oct": 10, "Nov": 11, "Dec": 12}
WEEKDAYS: dict[str, int] = {name: i for i, name in enumerate(calendar.day_name)}
NUMBERS: dict[str, int] = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15,
    "twenty": 20, "thirty": 30, "couple": 2, "a couple of": 2,
}
RELATIONS: dict[str, str] = {
    "since": "since", "from": "since", "until": "until", "till": "until", "through": "until",
    "before": "before", "after": "after",
}
#: Nouns that make "in 2000 cases" a count, not a year.
_COUNT_NOUNS = (
    "people|persons|members|troops|soldiers|cases|users|devices|accounts|computers|machines|"
    "servers|victims|deaths|employees|organi[sz]ations|companies|times|attacks|documents|"
    "emails|files|records|websites|sites|systems|hosts|customers|individuals|targets"
)

# ---- patterns ---------------------------------------------------------------------------------

_MONTH_FULL = "|".join(calendar.month_name[1:])
_MONTH_ANY = rf"(?P<mon>{_MONTH_FULL}|Sept|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\.?"
_MONTH_NAMED = rf"(?P<mon>{_MONTH_FULL})"
_REL = r"(?:(?P<rel>(?i:since|until|till|through|from|before|after))\s+)?"
_WEEKDAY = r"(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day"
_WD_PREFIX = rf"(?:{_WEEKDAY},?\s+)?"
_YEAR = r"(?:19|20)\d{2}"
_NUM = r"\d{1,3}|a\s+couple\s+of|couple|an?|one|two|three|four|five|six|seven|eight|nine|ten|" \
       r"eleven|twelve|fifteen|twenty|thirty"
_END = r"(?![\w-]|[,.]\d)"


def _rx(body: str) -> re.Pattern[str]:
    """Every pattern starts at a word boundary and may carry a leading relation word."""
    return re.compile(rf"(?<!\w){_REL}(?P<body>{body})")


ISO = _rx(rf"(?<![\w./-])(?P<y>{_YEAR})-(?P<m>[01]\d)-(?P<d>[0-3]\d)(?![\w/-]|\.\d)")
DMY = _rx(rf"{_WD_PREFIX}(?:the\s+)?(?<![\w.,-])(?P<d>[0-3]?\d)(?:st|nd|rd|th)?(?:\s+of)?\s+"
          rf"{_MONTH_ANY}(?:,?\s+(?P<y>{_YEAR}))?{_END}")
MDY = _rx(rf"{_WD_PREFIX}{_MONTH_ANY}\s+(?P<d>[0-3]?\d)(?:st|nd|rd|th)?(?:,?\s+(?P<y>{_YEAR}))?"
          rf"{_END}")
MOD_MONTH = _rx(
    r"(?P<mod>(?i:early|mid|late|(?:earlier|later)\s+in|(?:at\s+)?the\s+(?:beginning|start|"
    rf"middle|end)\s+of))[\s-]+{_MONTH_NAMED}(?:,?\s+(?P<y>{_YEAR}))?{_END}")
MOD_YEAR = _rx(rf"(?P<mod>(?i:early|mid|late))[\s-]+(?P<y>{_YEAR}){_END}")
SEASON = _rx(rf"(?:(?i:the)\s+)?(?P<season>(?i:spring|summer|autumn|fall))(?:\s+of)?\s+"
             rf"(?P<y>{_YEAR}){_END}")
MONTH_YEAR = _rx(rf"{_MONTH_ANY},?\s+(?P<y>{_YEAR}){_END}")
MONTH_ALONE = re.compile(
    rf"(?<!\w)(?:(?P<rel>(?i:since|until|till|through|from|before|after))\s+|"
    rf"(?P<trig>(?i:in|during|by|last|that))\s+)?(?P<body>{_MONTH_NAMED})(?!\w)")
YEAR_RANGE = re.compile(
    rf"(?<!\w)(?P<body>(?:(?i:between)\s+(?P<a>{_YEAR})\s+(?i:and)|(?i:from)\s+(?P<b>{_YEAR})"
    rf"\s+(?i:to|until|through)|(?<![\w./-])(?P<c>{_YEAR})\s*[-\u2013])\s*(?P<y2>{_YEAR}))"
    rf"(?![\w/-]|[,.]\d)")
YEAR = re.compile(
    rf"(?<!\w)(?:(?P<rel>(?i:since|until|till|through|from|before|after))|"
    rf"(?P<trig>(?i:in|during|by|the|early|late)))\s+(?P<body>{_YEAR})"
    rf"(?![\w-]|[,.]\d|\s*%|\s+(?i:{_COUNT_NOUNS})\b)|\((?P<paren>{_YEAR})\)")
DECADE = _rx(r"(?:(?i:the)\s+)?(?:(?P<mod>(?i:early|mid|late))[\s-]+)?"
             r"(?P<dec>(?:1[89]|20)\d0)'?s(?!\w)")
DEICTIC = _rx(r"(?i:yesterday|(?:earlier\s+|later\s+)?this\s+(?:week|month|year)|"
              r"last\s+(?:week|month|year))(?!\w)")
WEEKDAY = re.compile(
    rf"(?<!\w)(?:(?P<trig>(?i:on|last|this\s+past))\s+)?(?P<body>{_WEEKDAY})(?!\w)")
AGO = _rx(rf"(?:(?P<n>{_NUM}|(?i:a\s+few|few|several))\s+)?(?P<unit>(?i:days?|weeks?|months?))"
          r"\s+(?i:ago)(?!\w)")
EVENT_REL = _rx(
    rf"(?:(?i:just|only|a\s+mere|mere)\s+)?(?:(?P<n>(?i:{_NUM}|a\s+few|few|several|some))\s+)?"
    r"(?P<unit>(?i:hours?|days?|weeks?|months?|years?))\s+"
    r"(?P<dir>(?i:after|later|afterwards?|before|earlier|prior\s+to))(?!\w)")
EVENT_PHRASE = _rx(
    r"(?i:the\s+(?:following|next)\s+(?P<next>day|week|month|year)|"
    r"the\s+(?P<prev>day|week)\s+before|the\s+previous\s+(?P<prev2>day|week)|"
    r"(?:on\s+)?(?:the|that)\s+same\s+day|(?P<soon>shortly|soon)\s+after(?:wards?)?|"
    r"within\s+(?:(?P<wn>\d{1,2}|a|an|one|two|three|few)\s+)?(?P<wunit>hours?|days?|weeks?))"
    r"(?!\w)")

# ---- helpers ----------------------------------------------------------------------------------


def _num(word: str | None) -> int | None:
    """A count written as digits or a word; None for vague counts ("a few", "several")."""
    if word is None:
        return None
    word = re.sub(r"\s+", " ", word.lower())
    return int(word) if word.isdigit() else NUMBERS.get(word)


def _infer_year(month: int, day: int, published: dt.date | None) -> int | None:
    """The year of the most recent (month, day) not after publication plus slack."""
    if published is None:
        return None
    limit = published + dt.timedelta(days=YEAR_SLACK_DAYS)
    year = published.year
    try:
        return year if dt.date(year, month, day) <= limit else year - 1
    except ValueError:  # 29 February
        return year - 1 if dt.date(year, month, 28) > limit else year


def _month_end(y: int, m: int) -> int:
    return calendar.monthrange(y, m)[1]


def _days(y: int, m: int, first: int, last: int | None, text: str) -> PartialDate:
    """Days ``first``..``last`` (None: month end) of a month, as a range."""
    end = _month_end(y, m) if last is None else last
    return PartialDate(dt.date(y, m, first), dt.date(y, m, end), "range", text)


def _year_or_infer(y: str | None, month: int, day: int, pub: dt.date | None) -> int | None:
    return int(y) if y else _infer_year(month, day, pub)


Reading = tuple[PartialDate | None, tuple[int, int] | None, str | None]
Reader = Callable[[re.Match[str], str, dt.date | None], Reading | None]

# ---- readers: match -> (date, offset_days, relation override) or None to drop ------------------


def _read_iso(m: re.Match[str], text: str, pub: dt.date | None) -> Reading | None:
    return PartialDate.day(dt.date(int(m["y"]), int(m["m"]), int(m["d"])), text), None, None


def _read_day_month(m: re.Match[str], text: str, pub: dt.date | None) -> Reading | None:
    month, day = MONTHS[m["mon"]], int(m["d"])
    year = _year_or_infer(m["y"], month, day, pub)
    if year is None or day == 0:
        return None
    return PartialDate.day(dt.date(year, month, day), text), None, None


def _read_mod_month(m: re.Match[str], text: str, pub: dt.date | None) -> Reading | None:
    mod, month = m["mod"].lower(), MONTHS[m["mon"]]
    year = _year_or_infer(m["y"], month, 1, pub)
    if year is None:
        return None
    if mod.startswith(("earlier", "later")):
        return PartialDate.month(year, month, text), None, None
    if mod in ("early",) or mod.endswith(("beginning of", "start of")):
        return _days(year, month, 1, 10, text), None, None
    if mod in ("mid",) or mod.endswith("middle of"):
        return _days(year, month, 10, 20, text), None, None
    return _days(year, month, 21, None, text), None, None


def _read_mod_year(m: re.Match[str], text: str, pub: dt.date | None) -> Reading | None:
    y = int(m["y"])
    first, last = {"early": (1, 4), "mid": (5, 8), "late": (9, 12)}[m["mod"].lower()]
    return PartialDate(dt.date(y, first, 1), dt.date(y, last, _month_end(y, last)), "range",
                       text), None, None


def _read_season(m: re.Match[str], text: str, pub: dt.date | None) -> Reading | None:
    y = int(m["y"])
    first = {"spring": 3, "summer": 6, "autumn": 9, "fall": 9}[m["season"].lower()]
    return PartialDate(dt.date(y, first, 1), dt.date(y, first + 2, _month_end(y, first + 2)),
                       "range", text), None, None


def _read_month_year(m: re.Match[str], text: str, pub: dt.date | None) -> Reading | None:
    return PartialDate.month(int(m["y"]), MONTHS[m["mon"]], text), None, None


def _read_month(m: re.Match[str], text: str, pub: dt.date | None) -> Reading | None:
    # "May" alone is usually the verb; accept it only after a preposition.
    if m["mon"] == "May" and not (m["rel"] or m["trig"]):
        return None
    month = MONTHS[m["mon"]]
    year = _infer_year(month, 1, pub)
    return None if year is None else (PartialDate.month(year, month, text), None, None)


def _read_year_range(m: re.Match[str], text: str, pub: dt.date | None) -> Reading | None:
    y1, y2 = int(m["a"] or m["b"] or m["c"]), int(m["y2"])
    if not 0 < y2 - y1 <= 50:
        return None
    return PartialDate(dt.date(y1, 1, 1), dt.date(y2, 12, 31), "range", text), None, None


def _read_year(m: re.Match[str], text: str, pub: dt.date | None) -> Reading | None:
    y = m["body"] or m["paren"]
    # "the 2000 members": with "the", only a year that is not a round count.
    if (m["trig"] or "").lower() == "the" and int(y) % 100 == 0:
        return None
    return PartialDate.year(int(y), text), None, None


def _read_decade(m: re.Match[str], text: str, pub: dt.date | None) -> Reading | None:
    d = int(m["dec"])
    first, last = {"early": (0, 3), "mid": (4, 6), "late": (7, 9)}.get(
        (m["mod"] or "").lower(), (0, 9))
    return PartialDate(dt.date(d + first, 1, 1), dt.date(d + last, 12, 31), "range",
                       text), None, None


def _read_deictic(m: re.Match[str], text: str, pub: dt.date | None) -> Reading | None:
    if pub is None:
        return None
    phrase = " ".join(text.lower().split())
    if phrase == "yesterday":
        return PartialDate.day(pub - dt.timedelta(days=1), text), None, None
    unit = phrase.rsplit(" ", 1)[1]
    if phrase.startswith("last"):
        if unit == "week":
            monday = pub - dt.timedelta(days=pub.weekday() + 7)
            return PartialDate(monday, monday + dt.timedelta(days=6), "range", text), None, None
        if unit == "month":
            prev = pub.replace(day=1) - dt.timedelta(days=1)
            return PartialDate.month(prev.year, prev.month, text), None, None
        return PartialDate.year(pub.year - 1, text), None, None
    if unit == "year":
        start = dt.date(pub.year, 1, 1)
    elif unit == "month":
        start = pub.replace(day=1)
    else:
        start = pub - dt.timedelta(days=pub.weekday())
    if phrase.startswith("this") and unit != "week":
        whole = PartialDate.year(pub.year) if unit == "year" else PartialDate.month(
            pub.year, pub.month)
        return PartialDate(whole.start, whole.end, whole.precision, text), None, None
    return PartialDate(start, pub, "range", text), None, None


def _read_weekday(m: re.Match[str], text: str, pub: dt.date | None) -> Reading | None:
    if pub is None:
        return None
    back = (pub.weekday() - WEEKDAYS[m["body"]]) % 7
    if back == 0 and (m["trig"] or "").lower().startswith(("last", "this")):
        back = 7
    return PartialDate.day(pub - dt.timedelta(days=back), text), None, None


_UNIT_DAYS = {"hour": 0, "day": 1, "week": 7, "month": 30, "year": 365}
_VAGUE = {"hour": (0, 1), "day": (1, 10), "week": (7, 35), "month": (30, 330),
          "year": (365, 3650)}


def _offsets(n: int | None, unit: str) -> tuple[int, int]:
    """(min, max) days for "N units" (None: a vague count such as "days" or "a few weeks")."""
    unit = unit.lower().rstrip("s")
    if n is None:
        return _VAGUE[unit]
    if unit == "hour":
        return (0, -(-n // 24))
    if unit == "month":
        return (28 * n, 31 * n)
    if unit == "year":
        return (365 * n, 366 * n)
    return (_UNIT_DAYS[unit] * n, _UNIT_DAYS[unit] * n)


def _read_ago(m: re.Match[str], text: str, pub: dt.date | None) -> Reading | None:
    if pub is None:
        return None
    lo, hi = _offsets(_num(m["n"]), m["unit"])
    first, last = pub - dt.timedelta(days=hi), pub - dt.timedelta(days=lo)
    return PartialDate(first, last, "day" if first == last else "range", text), None, None


def _read_event_rel(m: re.Match[str], text: str, pub: dt.date | None) -> Reading | None:
    direction = m["dir"].lower()
    relation = "before" if direction in ("before", "earlier") or direction.startswith(
        "prior") else "after"
    return None, _offsets(_num(m["n"]), m["unit"]), relation


def _read_event_phrase(m: re.Match[str], text: str, pub: dt.date | None) -> Reading | None:
    if m["next"]:
        span = {"day": (1, 1), "week": (1, 13), "month": (1, 61), "year": (1, 730)}
        return None, span[m["next"].lower()], "after"
    if m["prev"] or m["prev2"]:
        return None, (1, 1) if (m["prev"] or m["prev2"]).lower() == "day" else (1, 13), "before"
    if m["soon"]:
        return None, (0, 14), "after"
    if m["wunit"]:
        return None, (0, _offsets(_num(m["wn"]), m["wunit"])[1]), "after"
    return None, (0, 0), "after"  # the same day


#: Patterns in order of preference when two matches start at the same place and are as long.
PATTERNS: tuple[tuple[re.Pattern[str], Reader], ...] = (
    (ISO, _read_iso), (DMY, _read_day_month), (MDY, _read_day_month),
    (MOD_MONTH, _read_mod_month), (MOD_YEAR, _read_mod_year), (SEASON, _read_season),
    (MONTH_YEAR, _read_month_year), (YEAR_RANGE, _read_year_range), (DECADE, _read_decade),
    (YEAR, _read_year), (MONTH_ALONE, _read_month), (DEICTIC, _read_deictic),
    (WEEKDAY, _read_weekday), (AGO, _read_ago), (EVENT_REL, _read_event_rel),
    (EVENT_PHRASE, _read_event_phrase),
)
_HAS_DIGIT = re.compile(r"\d")
_DIGIT_PATTERNS = frozenset({ISO, DMY, MDY, MOD_YEAR, SEASON, MONTH_YEAR, YEAR_RANGE, YEAR,
                             DECADE})


def _span_start(m: re.Match[str]) -> int:
    """Where the match starts: the relation word if any, else the date itself (a trigger word
    such as "in" or "on" is matched but not part of the span)."""
    groups = m.re.groupindex
    if "rel" in groups and m["rel"]:
        return m.start("rel")
    if "body" in groups and m["body"] is not None:
        return m.start("body")
    return m.start()


def find_dates(text: str, published: dt.date | None) -> list[DateMatch]:
    """Every date expression in ``text``, in order, without overlaps (the longest wins)."""
    has_digit = _HAS_DIGIT.search(text) is not None
    found: list[tuple[int, int, int, DateMatch]] = []
    for rank, (pattern, reader) in enumerate(PATTERNS):
        if not has_digit and pattern in _DIGIT_PATTERNS:
            continue
        for m in pattern.finditer(text):
            start, end = _span_start(m), m.end()
            span_text = text[start:end]
            try:
                reading = reader(m, span_text, published)
            except ValueError:  # 31 February and the like
                continue
            if reading is None:
                continue
            date, offsets, relation = reading
            rel = m.groupdict().get("rel")
            relation = relation or (RELATIONS[rel.lower()] if rel else None)
            found.append((start, -(end - start), rank,
                          DateMatch(start, end, span_text, date, relation, offsets)))
    found.sort(key=lambda f: f[:3])
    out: list[DateMatch] = []
    for _, _, _, dm in found:
        if not out or dm.start >= out[-1].end:
            out.append(dm)
    return out


def resolve_relative(m: DateMatch, anchor: PartialDate) -> PartialDate:
    """Place a relative phrase ("two days later") against the date of the event it follows.

    A match that already has a date is returned as is; one with neither a date nor offsets
    cannot be placed (ValueError).
    """
    if m.date is not None:
        return m.date
    if m.offset_days is None:
        raise ValueError(f"{m.text!r} is neither a date nor relative to an event")
    lo, hi = m.offset_days
    if m.relation == "before":
        start, end = anchor.start - dt.timedelta(days=hi), anchor.end - dt.timedelta(days=lo)
    else:
        start, end = anchor.start + dt.timedelta(days=lo), anchor.end + dt.timedelta(days=hi)
    return PartialDate(start, end, "day" if start == end else "range", m.text)

"""Date normalizer: find date expressions in text and read them as partial dates.

It runs on every sentence of every document, so it is built for speed: a few scans for
*anchor* tokens (a month name, a year, a weekday, "ago", "after"...), each a regex that starts
with a literal so the engine skips ahead fast, and then short look-behinds from each anchor for
what modifies it ("mid-", "13", "since"). Dates are built from the regex groups; dateparser is
not called, since it costs ~2 ms per candidate (more than this whole module per article) and
fills missing parts from "now" silently where we need the precision the text gave.

What is read:
- explicit dates: ``15 July 2022``, ``July 15, 2022``, ``2022-07-15``, ``January 2022``,
  ``in 2014``, ``the 1980s`` (a range), ``2014-2016``, ``early 2022``, ``summer 2021``;
- a month or day without a year takes the most recent occurrence not after publication plus
  ``YEAR_SLACK_DAYS`` (articles run slightly ahead of their date line); without a publication
  date such mentions are dropped, as are the deictic ones below;
- ``mid-July`` is 10-20 July, ``early``/``late July`` 1-10 / 21-end, ``earlier in September``
  the month; a bare ``May`` only after a preposition (otherwise it is the verb);
- deictic phrases against publication: ``today``, ``yesterday``, ``last week``,
  ``on Monday``, ``3 days ago``;
- phrases relative to another event (``just days after``, ``two days later``, ``the following
  week``) get no date but a relation and ``offset_days``; :func:`resolve_relative` places them
  once the caller knows the anchor event's date;
- vague spans (``decades ago``, ``years ago``) are ignored.
A ``since``/``until``/``before``/``after`` right before a date is part of the match and sets
``relation`` ("since 2013": relation ``since``, year 2013).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterator
from typing import NamedTuple

from cybertrack.model import PartialDate, Precision

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

MONTHS: dict[str, int] = {name: i for i, name in enumerate(calendar.month_name) if name} | {
    "Jan": 1, "Feb": 2, "Mar": 3, "Apr": 4, "Jun": 6, "Jul": 7, "Aug": 8, "Sep": 9, "Sept": 9,
    "Oct": 10, "Nov": 11, "Dec": 12,
}
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
_NUM = (r"\d{1,3}|a\s+couple\s+of|couple|an?|one|two|three|four|five|six|seven|eight|nine|ten|"
        r"eleven|twelve|fifteen|twenty|thirty")
_VAGUE_NUM = r"a\s+few|few|several|some"
#: Nouns that make "in 2000 cases" a count, not a year.
_COUNT_NOUNS = (
    r"people|persons|members|troops|soldiers|cases|users|devices|accounts|computers|machines|"
    r"servers|victims|deaths|employees|organi[sz]ations|companies|times|attacks|documents|"
    r"emails|files|records|websites|sites|systems|hosts|customers|individuals|targets"
)
_MONTH_ALT = "|".join(calendar.month_name[1:])
_ABBR_ALT = "|".join(rf"{a}\.?" for a in ("Sept", "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug",
                                          "Sep", "Oct", "Nov", "Dec"))
_END = r"(?![\w/-]|[,.]\d)"

# ---- anchor scans (each starts with a literal, so the regex engine skips ahead fast) ----------

MONTH_RX = re.compile(
    rf"(?P<mon>{_MONTH_ALT}|{_ABBR_ALT})(?!\w)"
    rf"(?:\s+(?P<d>[0-3]?\d)(?:st|nd|rd|th)?(?![\w-]|[,.:]\d))?"
    rf"(?:,?\s+(?P<y>(?:19|20)\d{{2}}){_END})?")
YEAR_RX = re.compile(
    r"(?P<y>(?:1[89]|20)\d{2})(?:(?P<iso>-(?P<m>[01]\d)-(?P<d>[0-3]\d))|(?P<dec>'?s)"
    r"|\s*[-\u2013]\s*(?:(?P<y2>(?:19|20)\d{2})|(?P<yy>\d{2})))?")
DEICTIC_RX = re.compile(r"(?P<unit>yesterday|Yesterday|today|Today|week|month|year)(?!\w)")
#: "until today", "still today", "today's threats": the present, not the day of a report.
_NOT_THE_DAY_BEFORE = re.compile(
    r"(?:until|till|to|up to|still(?:\s+\w+)?|even|of|as of|from)\s+$", re.I)
_NOT_THE_DAY_AFTER = re.compile(r"['’]s\b")
WEEKDAY_RX = re.compile(
    rf"(?P<wd>Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day(?!\w)(?!,?\s+(?:\d|{_MONTH_ALT}))")
AGO_RX = re.compile(r"ago(?!\w)")
DIRECTION_RX = re.compile(r"(?P<dir>after(?:wards?)?|later|before|earlier|prior\s+to)(?!\w)")
PHRASE_RX = re.compile(  # every alternative starts with a literal; "the" is checked after
    r"following\s+(?P<fol>day|week|month|year)|next\s+(?P<next>day|week|month|year)"
    r"|previous\s+(?P<prev>day|week)|day\s+(?P<dpdir>before|after)"
    r"|week\s+(?P<wpdir>before|after)|same\s+(?P<same>day)"
    + "".join(rf"|{w}\s+after(?:wards?)?" for w in ("Shortly", "shortly", "Soon", "soon"))
    + "".join(rf"|{w}\s+(?:(?P<wn{i}>{_NUM}|{_VAGUE_NUM})\s+)?(?P<wunit{i}>hours?|days?|weeks?)"
              for i, w in enumerate(("Within", "within")))
    + r"(?!\w)")

# ---- look-behinds from an anchor (searched in a short window ending at the anchor) ------------

_PREP_BEFORE = re.compile(
    r"(?<!\w)(?P<w>(?i:since|until|till|through|from|before|after|in|during|by|last|that|on|"
    r"the|between|early|late|at\s+least|as\s+early\s+as))\s+$")
_DAY_BEFORE = re.compile(r"(?<![\w.,:-])(?P<d>[0-3]?\d)(?:st|nd|rd|th)?(?:\s+of)?\s+$")
_MOD_BEFORE = re.compile(
    r"(?<!\w)(?P<mod>(?i:early|mid|late|(?:earlier|later)\s+in|(?:at\s+)?the\s+"
    r"(?:beginning|start|middle|end)\s+of))[\s-]+$")
_SEASON_BEFORE = re.compile(
    r"(?<!\w)(?:(?i:the)\s+)?(?P<season>(?i:spring|summer|autumn|fall))(?:\s+of)?\s+$")
_MONTH_PAIR_AFTER = re.compile(
    r"\s*(?:[-\u2013]|\s(?i:and|or|to|until|through|till))\s*(?:(?i:at\s+least)\s+)?"
    rf"(?P<mon2>{_MONTH_ALT}),?\s+(?P<y>(?:19|20)\d{{2}}){_END}")
_YEAR_LIST_BEFORE = re.compile(r"(?<![\w.])(?:19|20)\d{2},?\s+(?i:and|or)\s+$")
_THE_BEFORE = re.compile(r"(?<!\w)(?i:the)\s+$")
_RANGE_START_BEFORE = re.compile(r"(?<!\w)(?i:between|from)\s+$")
_RANGE_END = re.compile(rf"\s+(?i:and|to|until|through)\s+(?P<y2>(?:19|20)\d{{2}}){_END}")
_COUNT_AFTER = re.compile(rf"\s*%|\s+(?i:{_COUNT_NOUNS})\b")
_UNIT_BEFORE = re.compile(
    rf"(?<!\w)(?:(?i:just|only|a\s+mere|mere)\s+)?(?:(?P<n>(?i:{_NUM}|{_VAGUE_NUM}))\s+)?"
    r"(?P<unit>(?i:hours?|days?|weeks?|months?|years?))\s+$")
_REL_BEFORE = re.compile(
    r"(?<!\w)(?P<w>(?i:since|until|till|through|from|before|after))"
    r"(?:\s+(?i:at\s+least|as\s+early\s+as))?\s+$")
_LAST_BEFORE = re.compile(r"(?<!\w)(?i:last|this\s+past)\s+$")
_THIS_LAST_BEFORE = re.compile(
    r"(?<!\w)(?:(?P<mod>(?i:earlier|later))\s+)?(?P<w>(?i:this|last))\s+$")
_THE_THAT_BEFORE = re.compile(r"(?<!\w)(?:(?i:on)\s+)?(?i:the|that)\s+$")
_WORD_CHAR = re.compile(r"[\w./-]")
_BAD_END = re.compile(r"[\w/-]|[,.]\d")
_FULL_MONTHS = frozenset(calendar.month_name[1:])
_DECADE_PARTS = {"early": (0, 3), "mid": (4, 6), "late": (7, 9)}
_YEAR_PARTS = {"early": (1, 4), "mid": (5, 8), "late": (9, 12)}
_SEASONS = {"spring": 3, "summer": 6, "autumn": 9, "fall": 9}
_UNIT_DAYS = {"hour": 0, "day": 1, "week": 7, "month": 30, "year": 365}
_VAGUE = {"hour": (0, 1), "day": (1, 10), "week": (7, 35), "month": (30, 330),
          "year": (365, 3650)}
_NEXT = {"day": (1, 1), "week": (1, 13), "month": (1, 61), "year": (1, 730)}


def _before(rx: re.Pattern[str], text: str, pos: int, width: int = 40) -> re.Match[str] | None:
    """``rx`` (ending in ``$``) matched in the window of ``text`` that ends at ``pos``."""
    return rx.search(text, max(0, pos - width), pos)


def _num(word: str | None) -> int | None:
    """A count written as digits or a word; None for vague counts ("a few", "several")."""
    if word is None:
        return None
    word = " ".join(word.lower().split())
    return int(word) if word.isdigit() else NUMBERS.get(word)


def _infer_year(month: int, day: int, published: dt.date | None) -> int | None:
    """The year of the most recent (month, day) not after publication plus slack."""
    if published is None:
        return None
    limit = published + dt.timedelta(days=YEAR_SLACK_DAYS)
    day = min(day, calendar.monthrange(published.year, month)[1])  # 29 February, 31 June
    return published.year if dt.date(published.year, month, day) <= limit else published.year - 1


def _range(first: dt.date, last: dt.date, text: str) -> PartialDate:
    return PartialDate(first, last, "range", text)


def _month_part(y: int, m: int, mod: str | None, text: str) -> PartialDate:
    """A month, or its early (1-10) / mid (10-20) / late (21-end) part."""
    end = calendar.monthrange(y, m)[1]
    mod = " ".join((mod or "").lower().split())
    if mod in ("early",) or mod.endswith(("beginning of", "start of")):
        return _range(dt.date(y, m, 1), dt.date(y, m, 10), text)
    if mod in ("mid",) or mod.endswith("middle of"):
        return _range(dt.date(y, m, 10), dt.date(y, m, 20), text)
    if mod in ("late",) or mod.endswith("end of"):
        return _range(dt.date(y, m, 21), dt.date(y, m, end), text)
    return PartialDate.month(y, m, text)  # no modifier, "earlier in", "later in"


class _Hit(NamedTuple):
    start: int
    end: int
    date: PartialDate | None
    offsets: tuple[int, int] | None = None
    relation: str | None = None


# ---- readers: one per anchor scan --------------------------------------------------------------


def _months(text: str, pub: dt.date | None) -> Iterator[_Hit]:
    """"September 6th", "13 September", "July 15, 2022", "mid-July", "January 2022", "July"."""
    for m in MONTH_RX.finditer(text):
        start = m.start()
        if start and text[start - 1].isalnum():
            continue
        name, day, year, mod = m["mon"].rstrip("."), m["d"], m["y"], None
        if day is None and (db := _before(_DAY_BEFORE, text, start, 12)):
            start, day = db.start(), db["d"]
        elif day is None and (mb := _before(_MOD_BEFORE, text, start, 24)):
            start, mod = mb.start(), mb["mod"]
        if day is None and not year and mod is None:
            if name not in _FULL_MONTHS:
                continue  # a bare abbreviation ("Mar") is too ambiguous
            if name == "May" and not _before(_PREP_BEFORE, text, start, 12):
                continue  # "may", the verb
        month, end = MONTHS[name], m.end()
        if day is None and not year and mod is None and (
                pair := _MONTH_PAIR_AFTER.match(text, end)):
            yield _month_pair(text, start, pair, month)
            continue
        y = int(year) if year else _infer_year(month, int(day or 1), pub)
        if y is None:
            continue
        span = text[start:end]
        try:
            date = (PartialDate.day(dt.date(y, month, int(day)), span) if day
                    else _month_part(y, month, mod, span))
        except ValueError:  # 31 February, day 0
            continue
        yield _Hit(start, end, date)


def _month_pair(text: str, start: int, pair: re.Match[str], month: int) -> _Hit:
    """"(from) September to November 2022", "July and August 2020": one range, the year
    taken from the second month."""
    y2, month2 = int(pair["y"]), MONTHS[pair["mon2"]]
    y1 = y2 if month <= month2 else y2 - 1
    if rs := _before(_RANGE_START_BEFORE, text, start, 10):
        start = rs.start()
    first = dt.date(y1, month, 1)
    last = dt.date(y2, month2, calendar.monthrange(y2, month2)[1])
    return _Hit(start, pair.end(), _range(first, last, text[start:pair.end()]))


def _read_year(text: str, m: re.Match[str]) -> _Hit | None:
    """"2022-07-15", "the 1980s", "2014-2016", "between 2014 and 2016", "early 2022",
    "summer 2021", "in 2014", "(2016)"; None for numbers that are not years."""
    start, end, y = m.start(), m.end(), int(m["y"])
    prev = text[start - 1] if start else " "
    mod = _before(_MOD_BEFORE, text, start, 8)
    if (_WORD_CHAR.match(prev) and not (prev == "-" and mod)) or _BAD_END.match(text, end):
        return None  # CVE-2021-26855, v2019, 2019/20, 12019
    first, last = dt.date(y, 1, 1), dt.date(y, 12, 31)
    precision: Precision = "range"
    rng = _RANGE_END.match(text, end)
    rng_start = _before(_RANGE_START_BEFORE, text, start, 10)
    if m["iso"]:
        first = last = dt.date(y, int(m["m"]), int(m["d"]))
        precision = "day"
    elif m["dec"]:
        if y % 10:
            return None
        lo, hi = _DECADE_PARTS.get(mod["mod"].lower() if mod else "", (0, 9))
        start = mod.start() if mod else start
        if the := _before(_THE_BEFORE, text, start, 6):
            start = the.start()
        first, last = dt.date(y + lo, 1, 1), dt.date(y + hi, 12, 31)
    elif m["y2"] or m["yy"] or (rng and rng_start):
        if m["y2"] or m["yy"]:
            y2 = int(m["y2"]) if m["y2"] else y // 100 * 100 + int(m["yy"])
        else:
            y2 = int(rng["y2"]) if rng else 0
        if not 0 < y2 - y <= 50:
            return None
        if rng and rng_start and not (m["y2"] or m["yy"]):
            start, end = rng_start.start(), rng.end()
        last = dt.date(y2, 12, 31)
    elif mod and mod["mod"].lower() in _YEAR_PARTS:
        lo, hi = _YEAR_PARTS[mod["mod"].lower()]
        start, first = mod.start(), dt.date(y, lo, 1)
        last = dt.date(y, hi, calendar.monthrange(y, hi)[1])
    elif season := _before(_SEASON_BEFORE, text, start, 20):
        lo = _SEASONS[season["season"].lower()]
        start, first = season.start(), dt.date(y, lo, 1)
        last = dt.date(y, lo + 2, calendar.monthrange(y, lo + 2)[1])
    else:
        prep = _before(_PREP_BEFORE, text, start, 16)
        paren = prev == "(" and text.startswith(")", end)
        prep = prep or _before(_YEAR_LIST_BEFORE, text, start, 12)
        if not (prep or paren) or _COUNT_AFTER.match(text, end):
            return None
        if prep and prep.group().split()[0].lower() == "the" and y % 100 == 0:
            return None  # "the 2000 members"
        precision = "year"
    return _Hit(start, end, PartialDate(first, last, precision, text[start:end]))


def _years(text: str, pub: dt.date | None) -> Iterator[_Hit]:
    for m in YEAR_RX.finditer(text):
        try:
            hit = _read_year(text, m)
        except ValueError:  # 2022-13-45
            continue
        if hit is not None:
            yield hit


def _deictic(text: str, pub: dt.date | None) -> Iterator[_Hit]:
    """"yesterday", "last week/month/year", "(earlier|later) this week/month/year"."""
    if pub is None:
        return
    for m in DEICTIC_RX.finditer(text):
        start, unit = m.start(), m["unit"].lower()
        if start and text[start - 1].isalnum():
            continue
        if unit == "yesterday":
            yield _Hit(start, m.end(), PartialDate.day(pub - dt.timedelta(days=1), m["unit"]))
            continue
        if unit == "today":  # news dates its own day so: "banks were targeted today"
            if not (_NOT_THE_DAY_BEFORE.search(text, max(0, start - 24), start)
                    or _NOT_THE_DAY_AFTER.match(text, m.end())):
                yield _Hit(start, m.end(), PartialDate.day(pub, m["unit"]))
            continue
        tl = _before(_THIS_LAST_BEFORE, text, start, 20)
        if tl is None:
            continue
        span = text[tl.start():m.end()]
        if tl["w"].lower() == "last":
            date = _last(unit, pub, span)
        else:
            whole = _this(unit, pub)
            mod = (tl["mod"] or "").lower()
            first = pub if mod == "later" else whole.start
            last = pub if mod == "earlier" else whole.end
            date = PartialDate(first, last, whole.precision if not mod else "range", span)
        yield _Hit(tl.start(), m.end(), date)


def _last(unit: str, pub: dt.date, span: str) -> PartialDate:
    if unit == "week":  # the Monday-Sunday week before publication's
        monday = pub - dt.timedelta(days=pub.weekday() + 7)
        return _range(monday, monday + dt.timedelta(days=6), span)
    if unit == "month":
        prev = pub.replace(day=1) - dt.timedelta(days=1)
        return PartialDate.month(prev.year, prev.month, span)
    return PartialDate.year(pub.year - 1, span)


def _this(unit: str, pub: dt.date) -> PartialDate:
    if unit == "week":
        monday = pub - dt.timedelta(days=pub.weekday())
        return _range(monday, monday + dt.timedelta(days=6), "")
    return PartialDate.month(pub.year, pub.month) if unit == "month" else PartialDate.year(
        pub.year)


def _weekdays(text: str, pub: dt.date | None) -> Iterator[_Hit]:
    """"on Monday" is the latest Monday not after publication; "last Monday" strictly before."""
    if pub is None:
        return
    for m in WEEKDAY_RX.finditer(text):
        start = m.start()
        if start and text[start - 1].isalnum():
            continue
        back = (pub.weekday() - WEEKDAYS[m["wd"] + "day"]) % 7
        if last := _before(_LAST_BEFORE, text, start, 16):
            start, back = last.start(), back or 7
        yield _Hit(start, m.end(),
                   PartialDate.day(pub - dt.timedelta(days=back), text[start:m.end()]))


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


def _ago(text: str, pub: dt.date | None) -> Iterator[_Hit]:
    """"three days ago", "a week ago", "two months ago"; not "years ago" or "decades ago"."""
    if pub is None:
        return
    for m in AGO_RX.finditer(text):
        ub = _before(_UNIT_BEFORE, text, m.start(), 40)
        if ub is None or (m.start() and text[m.start() - 1].isalnum()):
            continue
        n, unit = _num(ub["n"]), ub["unit"].lower().rstrip("s")
        span = text[ub.start():m.end()]
        if unit == "year":
            if n is None:
                continue
            date = PartialDate.year(pub.year - n, span)
        elif unit == "month" and n is not None:
            y, mo = divmod(pub.year * 12 + pub.month - 1 - n, 12)
            date = PartialDate.month(y, mo + 1, span)
        else:
            lo, hi = _offsets(n, unit)
            first, last = pub - dt.timedelta(days=hi), pub - dt.timedelta(days=lo)
            date = PartialDate(first, last, "day" if first == last else "range", span)
        yield _Hit(ub.start(), m.end(), date)


def _events(text: str, pub: dt.date | None) -> Iterator[_Hit]:
    """"just days after", "two days later", "weeks before": relative to another event."""
    for m in DIRECTION_RX.finditer(text):
        if m.start() and text[m.start() - 1].isalnum():
            continue
        ub = _before(_UNIT_BEFORE, text, m.start(), 40)
        if ub is None:
            continue
        direction = m["dir"].lower()
        relation = "before" if direction.startswith(("before", "earlier", "prior")) else "after"
        yield _Hit(ub.start(), m.end(), None, _offsets(_num(ub["n"]), ub["unit"]), relation)


def _phrases(text: str, pub: dt.date | None) -> Iterator[_Hit]:
    """"the following week", "the day before", "the same day", "shortly after", "within days"."""
    for m in PHRASE_RX.finditer(text):
        start = m.start()
        if start and text[start - 1].isalnum():
            continue
        relation, first = "after", m.group().split()[0].lower()
        if first in ("shortly", "soon"):
            offsets = (0, 14)
        elif first == "within":
            wunit = m["wunit0"] or m["wunit1"]
            offsets = (0, _offsets(_num(m["wn0"] or m["wn1"]), wunit)[1])
        else:  # "the following week", "the day before", "the same day"...: need "the"
            the = _before(_THE_THAT_BEFORE, text, start, 12)
            if the is None:
                continue
            start = the.start()
            unit = m["fol"] or m["next"] or m["prev"] or m["same"] or first
            offsets = (0, 0) if m["same"] else _NEXT[unit.lower()]
            if m["prev"] or "before" in (m["dpdir"], m["wpdir"]):
                relation = "before"
        yield _Hit(start, m.end(), None, offsets, relation)


_READERS = (_months, _years, _deictic, _weekdays, _ago, _events, _phrases)


def find_dates(text: str, published: dt.date | None) -> list[DateMatch]:
    """Every date expression in ``text``, in order, without overlaps (the longest wins)."""
    hits = [(h.start, h.start - h.end, rank, h)
            for rank, reader in enumerate(_READERS) for h in reader(text, published)]
    hits.sort(key=lambda x: x[:3])
    out: list[DateMatch] = []
    for *_, h in hits:
        prev_end = out[-1].end if out else 0
        if h.start < prev_end:
            continue
        start, relation = h.start, h.relation
        rel = _before(_REL_BEFORE, text, start, 28) if h.date is not None else None
        if rel is not None and rel.start() >= prev_end:
            start, relation = rel.start(), RELATIONS[rel["w"].lower()]
        span = text[start:h.end]
        date = h.date
        if date is not None and date.text != span:
            date = PartialDate(date.start, date.end, date.precision, span)
        out.append(DateMatch(start, h.end, span, date, relation, h.offsets))
    out = [_back_from_main(text, out, i) if m.date is None else m for i, m in enumerate(out)]
    captions = caption_lines(text)
    if captions:
        out = [m for m in out if not any(s <= m.start < e for s, e in captions)]
    return [m for m in out if m.date is None or not is_stamp(text, m.start, m.end)]


def is_stamp(text: str, start: int, end: int) -> bool:
    """A date that stamps the page rather than telling when something happened: one with a
    clock time ("Thursday, May 14, 2020 12:00:00 PM") or a dateline opening a line ("New York,
    January 30, 2019 - At least four journalists ...")."""
    if _CLOCK_AFTER_RE.match(text, end):
        return True
    line_start = text.rfind("\n", 0, start) + 1
    return _DATELINE_BEFORE_RE.fullmatch(text, line_start, start) is not None and \
        _DATELINE_AFTER_RE.match(text, end) is not None


#: A clock time right after a date.
_CLOCK_AFTER_RE = re.compile(r",?\s+\d{1,2}:\d{2}(?::\d{2})?\b")
#: What may open a line before a dateline's date: a place, a weekday, nothing.
_DATELINE_BEFORE_RE = re.compile(
    r"\s*(?:[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,3}\s*,\s*)?"
    r"(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day\s*,?\s*)?")
#: What follows a dateline's date: a dash before the story, or an agency's name in brackets.
_DATELINE_AFTER_RE = re.compile(r"\s*(?:[–—]|-\s|\((?:AP|AFP|Reuters|dpa|Xinhua|TASS)\)|/)")


def caption_lines(text: str) -> list[tuple[int, int]]:
    """The spans of photo captions and credits ("Protesters in the capital on 3 May. (Photo:
    Agency)", "File photo", "REUTERS/Name"): a short line with a caption cue. Their dates are
    when a picture was taken, never when an event happened."""
    out: list[tuple[int, int]] = []
    for m in _CAPTION_CUE_RE.finditer(text):
        start = text.rfind("\n", 0, m.start()) + 1
        end = text.find("\n", m.end())
        end = len(text) if end < 0 else end
        if end - start <= _CAPTION_MAX and not (out and out[-1][0] == start):
            out.append((start, end))
    return out


#: Words that mark a line as a photo caption or credit.
_CAPTION_CUE_RE = re.compile(
    r"\((?:[Pp]hoto|[Ii]mage|[Pp]icture)s?\s*[:/]|\b(?:[Pp]hoto|[Pp]icture)s?\s+(?:by|credit)\b|"
    r"\b(?:Image|Photo|Picture)\s*(?:credit)?\s*:|\b[Ff]ile\s+(?:photo|picture|image)\b|"
    r"\b(?:REUTERS|Reuters|AFP|AP|EPA|ANADOLU)/|\bGetty\s+Images\b|\bAP\s+Photo\b")
#: A caption is a short line; a longer one is text that mentions a photo.
_CAPTION_MAX = 240


def _back_from_main(text: str, found: list[DateMatch], i: int) -> DateMatch:
    """"left on Thursday, a day after Albania expelled them": a relative phrase set after a
    dated main clause, by a comma, dates the event of its own clause against that date, the
    other way round ("a day after X" on Thursday: X was on Wednesday; "two days before X":
    X is two days later). Other relative phrases are left to ``resolve_relative``."""
    m = found[i]
    prev = found[i - 1] if i else None
    if prev is None or prev.date is None or prev.date.precision != "day" or \
            m.offset_days is None or m.relation not in ("after", "before") or \
            not _APPOSITION_GAP.fullmatch(text, prev.end, m.start) or \
            not _CLAUSE_AFTER.match(text, m.end):
        return m
    lo, hi = m.offset_days
    anchor = prev.date
    if m.relation == "after":
        start, end = anchor.start - dt.timedelta(days=hi), anchor.end - dt.timedelta(days=lo)
    else:
        start, end = anchor.start + dt.timedelta(days=lo), anchor.end + dt.timedelta(days=hi)
    date = PartialDate(start, end, "day" if start == end else "range", m.text)
    return DateMatch(m.start, m.end, m.text, date, None, None)


#: Between a main clause's date and the relative phrase after it: a comma, nothing more.
_APPOSITION_GAP = re.compile(r"\s*,\s*")
#: After "a day after": a clause or noun phrase of its own (a word), not a sentence end.
_CLAUSE_AFTER = re.compile(r"\s+[A-Za-z]")


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

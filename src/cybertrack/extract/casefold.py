"""Case-insensitive patterns that search a lower-cased copy of the text.

Python's ``re`` cannot skip ahead in a case-insensitive search: at every position it tries each
alternative of a word list with a case-folding comparison. The same pattern compiled
case-sensitively, with its literals lower-cased, over the lower-cased text rejects most
alternatives with one character comparison, and scans three to four times faster (the rule
word lists of this package). :class:`FoldedPattern` does that search, then matches the original
case-insensitive pattern at the position found, so callers get ordinary ``re.Match`` objects on
the original text (groups keep their case).

Lower-casing must keep every character in place: text where it would not (characters such as
"İ" that lower-case to two, or "ı" and "ſ" that match ASCII letters only case-insensitively) is
searched with the original pattern, as is a pattern whose source cannot be lower-cased safely.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from typing import Protocol

#: Characters that match an ASCII letter case-insensitively but do not lower-case to it.
UNSAFE_CASE = ("İ", "ı", "ſ")


class Pattern(Protocol):
    """What the rules need of a compiled pattern: ``re.Pattern`` or :class:`FoldedPattern`."""

    @property
    def pattern(self) -> str: ...

    @property
    def flags(self) -> int: ...

    def search(self, string: str, pos: int = 0, endpos: int = sys.maxsize
               ) -> re.Match[str] | None: ...

    def match(self, string: str, pos: int = 0, endpos: int = sys.maxsize
              ) -> re.Match[str] | None: ...

    def fullmatch(self, string: str, pos: int = 0, endpos: int = sys.maxsize
                  ) -> re.Match[str] | None: ...

    def finditer(self, string: str, pos: int = 0, endpos: int = sys.maxsize
                 ) -> Iterator[re.Match[str]]: ...


def has_unsafe_case(text: str) -> bool:
    """Whether ``text`` holds a character that lower-casing would not fold to its ASCII match."""
    return not text.isascii() and any(c in text for c in UNSAFE_CASE)


def lower_in_place(text: str) -> str | None:
    """``text`` lower-cased with every character where it was, or None where that cannot be."""
    if text.isascii():
        return text.lower()
    if has_unsafe_case(text):
        return None
    low = text.lower()
    return low if len(low) == len(text) else None


#: Escapes whose meaning would change if the text they stand for were lower-cased.
_CODE_ESCAPES = frozenset("xuUN01234567")


def lower_pattern(source: str) -> str | None:
    """A pattern's source with its literals lower-cased (escapes and group names kept), or None
    where it holds what lower-casing could change the meaning of (inline flags, character
    codes)."""
    out: list[str] = []
    i = 0
    while i < len(source):
        c = source[i]
        if c == "\\":
            if source[i + 1 : i + 2] in _CODE_ESCAPES:
                return None
            out.append(source[i : i + 2])
            i += 2
            continue
        if source.startswith(("(?P<", "(?P="), i):
            close = source.find(">" if source[i + 3] == "<" else ")", i)
            out.append(source[i : close + 1])
            i = close + 1
            continue
        if source.startswith("(?", i) and source[i + 2 : i + 3] not in (":", "=", "!", "<", "P"):
            return None  # inline flags: "(?i)", "(?-i:...)"
        out.append(c.lower())
        i += 1
    return "".join(out)


def ascii_pattern(source: str) -> str | None:
    """A pattern that, compiled with ``re.ASCII``, matches an ASCII text exactly where
    ``source`` compiled without it does, or None where that cannot be made so.

    On ASCII text the two modes agree on ``\\w``, ``\\d`` and ``\\b``; only ``\\s`` differs
    (Unicode also counts the separators U+001C-U+001F as space), so it is widened to them. In
    ASCII mode ``re`` tests word characters with a table instead of Unicode lookups, which the
    rules' ``\\b``-led word lists do at nearly every position.
    """
    out: list[str] = []
    in_class = False
    first = 0  # where the open class's first member is: a "]" there stands for itself
    i = 0
    while i < len(source):
        c = source[i]
        if c == "\\":
            esc = source[i : i + 2]
            if esc == "\\s":
                out.append(f"\\s{_SEPARATORS}" if in_class else f"[\\s{_SEPARATORS}]")
            elif esc == "\\S":
                if in_class:
                    return None  # a negated space inside a class: not worth rewriting
                out.append(f"[^\\s{_SEPARATORS}]")
            else:
                out.append(esc)
            i += 2
            continue
        if in_class:
            in_class = not (c == "]" and i != first)
        elif c == "[":
            in_class = True
            first = i + 2 if source.startswith("^", i + 1) else i + 1
        out.append(c)
        i += 1
    return "".join(out)


#: What Unicode ``\\s`` adds to ASCII ``\\s`` among ASCII characters.
_SEPARATORS = "\\x1c-\\x1f"


#: What makes the character before it optional or repeated.
_QUANTIFIERS = frozenset("?*+{")


def factor_alternations(source: str) -> str:
    """``source`` with the alternatives of each alternation grouped by their first letter:
    "said|says|claims" -> "s(?:aid|ays)|claims".

    ``re`` tries the alternatives of an alternation one by one at each position; grouped, it
    tries one letter per group and only the group that starts with the letter in the text. The
    matches are the same: alternatives with different first letters never match at the same
    place, each group keeps its alternatives' order, and only runs of alternatives that start
    with a letter (not optional, not an escape, a class or a group) are grouped. Group numbers
    may change (the pattern is used to find where matches are, not for its groups), and
    look-around assertions are left as they are.
    """
    out, end = _alternation(source, 0, factor=True)
    return out if end == len(source) else source  # an unbalanced ")": left alone


def _alternation(src: str, i: int, factor: bool) -> tuple[str, int]:
    """The alternation starting at ``i`` (up to its closing ")" or the end), rewritten, and
    where it ends."""
    alts: list[str] = []
    cur: list[str] = []
    while i < len(src):
        c = src[i]
        if c == "\\":
            cur.append(src[i : i + 2])
            i += 2
        elif c == "[":
            end = _class_end(src, i)
            cur.append(src[i:end])
            i = end
        elif c == "(":
            head = _group_head(src, i)
            inner, end = _alternation(src, i + len(head),
                                      factor=not head.startswith(("(?=", "(?!", "(?<")))
            cur.append(f"{head}{inner})")
            i = end + 1
        elif c == "|":
            alts.append("".join(cur))
            cur = []
            i += 1
        elif c == ")":
            break
        else:
            cur.append(c)
            i += 1
    alts.append("".join(cur))
    return "|".join(_grouped(alts) if factor else alts), i


def _group_head(src: str, i: int) -> str:
    """The opening of the group at ``i``: "(", "(?:", "(?P<name>", "(?=", "(?<!"..."""
    if src.startswith("(?P<", i):
        return src[i : src.index(">", i) + 1]
    for head in ("(?<=", "(?<!", "(?:", "(?=", "(?!"):
        if src.startswith(head, i):
            return head
    return "("


def _class_end(src: str, i: int) -> int:
    """Where the character class opening at ``i`` ends (a "]" first in it is a member)."""
    j = i + 1
    if src.startswith("^", j):
        j += 1
    if src.startswith("]", j):
        j += 1
    while j < len(src) and src[j] != "]":
        j += 2 if src[j] == "\\" else 1
    return j + 1


def _grouped(alts: list[str]) -> list[str]:
    """The alternatives, each run of letter-initial ones grouped by letter."""
    out: list[str] = []
    run: dict[str, list[str]] = {}

    def flush() -> None:
        for first, rests in run.items():
            out.append(first + rests[0] if len(rests) == 1 else f"{first}(?:{'|'.join(rests)})")
        run.clear()

    for alt in alts:
        if alt[:1].isascii() and alt[:1].isalnum() and alt[1:2] not in _QUANTIFIERS:
            run.setdefault(alt[0], []).append(alt[1:])
        else:
            flush()
            out.append(alt)
    flush()
    return out


class FoldedPattern:
    """A case-insensitive pattern searched on lower-cased text (see the module docstring).

    The lower-cased pattern has its alternations grouped by first letter
    (``factor_alternations``). Text whose characters are ASCII, or else non-ASCII punctuation only
    (most news), is searched with an ``re.ASCII`` form of it (``ascii_pattern``). Both find the
    same matches, faster.
    """

    __slots__ = ("_rx", "_low", "_ascii")

    def __init__(self, source: str, flags: int = 0) -> None:
        self._rx = re.compile(source, flags | re.IGNORECASE)
        lowered = lower_pattern(source)
        if lowered is not None:
            lowered = factor_alternations(lowered)
        self._low = re.compile(lowered, flags & ~re.IGNORECASE) if lowered is not None else None
        ascii_source = ascii_pattern(lowered) if lowered is not None else None
        self._ascii = self._low if ascii_source is None else re.compile(
            ascii_source, (flags & ~(re.IGNORECASE | re.UNICODE)) | re.ASCII)

    def _fast(self, plain: bool) -> re.Pattern[str] | None:
        """The lower-cased pattern: its ASCII form where ``_fold`` found the text ``plain``."""
        return self._ascii if plain else self._low

    def __repr__(self) -> str:
        return f"FoldedPattern({self._rx.pattern!r})"

    @property
    def pattern(self) -> str:
        return self._rx.pattern

    @property
    def flags(self) -> int:
        return self._rx.flags

    def search(self, string: str, pos: int = 0, endpos: int = sys.maxsize
               ) -> re.Match[str] | None:
        low, plain = _fold(string)
        if low is None or (fast := self._fast(plain)) is None:
            return self._rx.search(string, pos, endpos)
        found = fast.search(low, pos, endpos)
        if found is None:
            return None
        return self._rx.match(string, found.start(), endpos) or \
            self._rx.search(string, pos, endpos)

    def match(self, string: str, pos: int = 0, endpos: int = sys.maxsize
              ) -> re.Match[str] | None:
        low, plain = _fold(string)
        if low is not None and (fast := self._fast(plain)) is not None and \
                fast.match(low, pos, endpos) is None:
            return None  # the quick test fails: so does the original
        return self._rx.match(string, pos, endpos)

    def fullmatch(self, string: str, pos: int = 0, endpos: int = sys.maxsize
                  ) -> re.Match[str] | None:
        low, plain = _fold(string)
        if low is not None and (fast := self._fast(plain)) is not None and \
                fast.fullmatch(low, pos, endpos) is None:
            return None
        return self._rx.fullmatch(string, pos, endpos)

    def finditer(self, string: str, pos: int = 0, endpos: int = sys.maxsize
                 ) -> Iterator[re.Match[str]]:
        low, plain = _fold(string)
        if low is None or (fast := self._fast(plain)) is None:
            return self._rx.finditer(string, pos, endpos)
        out: list[re.Match[str]] = []
        for found in fast.finditer(low, pos, endpos):
            m = self._rx.match(string, found.start(), endpos)
            if m is None or m.end() != found.end():  # never expected: trust the original
                return self._rx.finditer(string, pos, endpos)
            out.append(m)
        return iter(out)

    def sub(self, repl: str, string: str, count: int = 0) -> str:
        return self._rx.sub(repl, string, count)


#: The text lowered last, its lower-cased form and whether ``re.ASCII`` reads that form as
#: Unicode does (identity, not equality, is checked).
_last: list[tuple[str | None, str | None, bool]] = [(None, None, False)]
#: A non-ASCII word or space character: where a text holds none (its only non-ASCII characters
#: are punctuation such as curly quotes and dashes), ASCII mode matches it as Unicode mode does.
_NON_ASCII_WORD = re.compile(r"[^\W\x00-\x7f]")
_NON_ASCII_SPACE = re.compile(r"[^\S\x00-\x7f]")


def ascii_safe(text: str) -> bool:
    """Whether a pattern compiled with ``re.ASCII`` (``ascii_pattern``) matches in ``text``
    as the Unicode pattern does: ``text`` holds no non-ASCII word or space character."""
    return text.isascii() or (
        _NON_ASCII_WORD.search(text) is None and _NON_ASCII_SPACE.search(text) is None)


def _fold(string: str) -> tuple[str | None, bool]:
    """``lower_in_place`` and whether the lowered text may be searched in ASCII mode,
    remembering the last text: the rules search one sentence with many patterns in a row."""
    last = _last[0]
    if string is last[0]:
        return last[1], last[2]
    low = string.lower() if string.isascii() else lower_in_place(string)
    plain = low is not None and ascii_safe(low)
    _last[0] = (string, low, plain)  # one assignment: threads never see a mixed triple
    return low, plain


def compile_ci(source: str, flags: int = 0) -> FoldedPattern:
    """``re.compile(source, flags | re.IGNORECASE)``, searched on lower-cased text."""
    return FoldedPattern(source, flags)

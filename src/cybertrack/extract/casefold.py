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


class FoldedPattern:
    """A case-insensitive pattern searched on lower-cased text (see the module docstring)."""

    __slots__ = ("_rx", "_low")

    def __init__(self, source: str, flags: int = 0) -> None:
        self._rx = re.compile(source, flags | re.IGNORECASE)
        lowered = lower_pattern(source)
        self._low = re.compile(lowered, flags & ~re.IGNORECASE) if lowered is not None else None

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
        fast, low = self._low, _fold(string)
        if fast is None or low is None:
            return self._rx.search(string, pos, endpos)
        found = fast.search(low, pos, endpos)
        if found is None:
            return None
        return self._rx.match(string, found.start(), endpos) or \
            self._rx.search(string, pos, endpos)

    def match(self, string: str, pos: int = 0, endpos: int = sys.maxsize
              ) -> re.Match[str] | None:
        fast, low = self._low, _fold(string)
        if fast is not None and low is not None and fast.match(low, pos, endpos) is None:
            return None  # the quick test fails: so does the original
        return self._rx.match(string, pos, endpos)

    def fullmatch(self, string: str, pos: int = 0, endpos: int = sys.maxsize
                  ) -> re.Match[str] | None:
        fast, low = self._low, _fold(string)
        if fast is not None and low is not None and fast.fullmatch(low, pos, endpos) is None:
            return None
        return self._rx.fullmatch(string, pos, endpos)

    def finditer(self, string: str, pos: int = 0, endpos: int = sys.maxsize
                 ) -> Iterator[re.Match[str]]:
        fast, low = self._low, _fold(string)
        if fast is None or low is None:
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


#: The text lowered last and its lower-cased form (identity, not equality, is checked).
_last: list[tuple[str | None, str | None]] = [(None, None)]


def _fold(string: str) -> str | None:
    """``lower_in_place``, remembering the last text: the rules search one sentence with many
    patterns in a row."""
    last = _last[0]
    if string is last[0]:
        return last[1]
    low = string.lower() if string.isascii() else lower_in_place(string)
    _last[0] = (string, low)  # one assignment: threads never see a mixed pair
    return low


def compile_ci(source: str, flags: int = 0) -> FoldedPattern:
    """``re.compile(source, flags | re.IGNORECASE)``, searched on lower-cased text."""
    return FoldedPattern(source, flags)

"""Fast scanning of text for every reference name with two Aho-Corasick automata.

One automaton holds the case-insensitive surfaces (matched on a lower-cased copy of the text),
the other the case-sensitive ones (acronyms such as "US" or "NSC", and names that are also
ordinary words such as "Turkey" or "Equation"). Matches must sit at word boundaries; among
overlapping matches the leftmost-longest wins, so "North Korea" beats "Korea" and
"U.S. Treasury" beats "U.S.".
"""

from __future__ import annotations

from dataclasses import dataclass

import ahocorasick


@dataclass(frozen=True, slots=True)
class Surface:
    """One surface form: its text, form, flags and the entries (by index) it names."""

    text: str
    form: str
    case_sensitive: bool
    ambiguous: bool
    entries: tuple[int, ...]


def fold(text: str) -> str:
    """Lower-case ``text`` without changing its length, so offsets stay valid; a curly
    apostrophe reads as a straight one ("People’s Liberation Army" is the reference name
    "People's Liberation Army")."""
    low = text.lower()
    if len(low) != len(text):
        low = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    return low.replace("\u2019", "'") if "\u2019" in low else low


def _value(s: Surface) -> tuple[Surface, int, bool, bool]:
    """What the automaton keeps for a surface: it, its length and whether it starts and ends
    with a word character (then a match needs a word boundary there)."""
    return s, len(s.text), s.text[:1].isalnum(), s.text[-1:].isalnum()


def _leftmost_longest(m: tuple[int, int, Surface]) -> tuple[int, int]:
    return m[0], m[0] - m[1]


class Scanner:
    """Find surfaces in text; build once (a few tens of milliseconds), scan many times."""

    def __init__(self, surfaces: list[Surface]) -> None:
        self._ci = ahocorasick.Automaton()
        self._cs = ahocorasick.Automaton()
        ci_rows: dict[str, Surface] = {}
        for s in surfaces:
            if s.case_sensitive:
                self._cs.add_word(s.text, _value(s))
                continue
            key = fold(s.text)
            prev = ci_rows.get(key)
            if prev is not None:  # "Lazarus" and "LAZARUS": one key, entries merged
                merged = prev.entries + tuple(i for i in s.entries if i not in prev.entries)
                s = Surface(prev.text, prev.form, False, prev.ambiguous or s.ambiguous, merged)
            ci_rows[key] = s
        for key, s in ci_rows.items():
            self._ci.add_word(key, _value(s))
        self._has_ci = len(ci_rows) > 0
        self._has_cs = len(self._cs) > 0
        if self._has_ci:
            self._ci.make_automaton()
        if self._has_cs:
            self._cs.make_automaton()

    def find(self, text: str) -> list[tuple[int, int, Surface]]:
        """Leftmost-longest, non-overlapping matches at word boundaries: (start, end, surface)."""
        found: list[tuple[int, int, Surface]] = []
        n = len(text)
        for automaton, haystack, active in (
            (self._ci, fold(text), self._has_ci),
            (self._cs, text, self._has_cs),
        ):
            if not active:
                continue
            for last, (surface, size, word_start, word_end) in automaton.iter(haystack):
                start = last - size + 1
                end = last + 1
                if word_start and start > 0 and text[start - 1].isalnum():
                    continue
                if word_end and end < n and text[end].isalnum():
                    continue
                found.append((start, end, surface))
        found.sort(key=_leftmost_longest)
        out: list[tuple[int, int, Surface]] = []
        last_end = -1
        for start, end, surface in found:
            if start >= last_end:
                out.append((start, end, surface))
                last_end = end
        return out

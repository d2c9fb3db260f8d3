"""Case-insensitive patterns searched on lower-cased text find exactly what ``re`` finds."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cybertrack.extract.casefold import FoldedPattern, compile_ci, lower_in_place, lower_pattern
from cybertrack.extract.prefilter import rule_patterns

WORDS = ["Said", "said", "SAID", "Iran", "İran", "ıran", "ſaid", "by", "By", "the", "hack",
         "Hackers", "U.S.", "ministry", "Straße", "ÉTAT", "cyber-attack", "\n", "  ", ",", ".",
         # the ASCII-mode search: non-ASCII punctuation keeps it, a non-ASCII letter or space
         # and the separators Unicode counts as space do not
         "“Iran’s", "—", "café", "\u00a0", "\x1c", "?"]


def _spans(matches: object) -> list[tuple[tuple[int, int], str]]:
    return [(m.span(), m.group(0)) for m in matches]  # type: ignore[attr-defined]


def test_lower_pattern_keeps_escapes_and_group_names() -> None:
    assert lower_pattern(r"\bSaid\S+(?P<Verb>X)(?P=Verb)") == r"\bsaid\S+(?P<Verb>x)(?P=Verb)"
    assert lower_pattern(r"(?<!United )States") == r"(?<!united )states"


def test_lower_pattern_refuses_what_lowering_would_change() -> None:
    assert lower_pattern(r"\x41pt") is None  # a character code stands for "A", not "a"
    assert lower_pattern(r"(?-i:[A-Z])\w+") is None  # a scoped case change
    with pytest.raises(re.error):
        FoldedPattern(r"(unclosed")


def test_lower_in_place_keeps_offsets() -> None:
    assert lower_in_place("Iran SAID") == "iran said"
    assert lower_in_place("ÉTAT") == "état"
    assert lower_in_place("İran") is None  # lower-cases to two characters
    assert lower_in_place("ſaid") is None  # matches "s" only case-insensitively


def test_groups_keep_the_text_as_written() -> None:
    rx = compile_ci(r"\b(?P<verb>said|stated)\b")
    m = rx.search("The Ministry STATED on Monday")
    assert m is not None and m.group("verb") == "STATED" and m.span() == (13, 19)
    assert rx.match("Said he", 0) is not None and rx.match("he said", 0) is None
    assert rx.fullmatch("SAID") is not None and rx.fullmatch("SAID.") is None


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(WORDS), max_size=12), st.integers(0, 5))
def test_same_matches_as_re_on_every_rule_pattern(words: list[str], pos: int) -> None:
    text = " ".join(words)
    for rx in rule_patterns():
        if not isinstance(rx, FoldedPattern):
            continue
        plain = re.compile(rx.pattern, rx.flags)
        assert _spans(rx.finditer(text, pos)) == _spans(plain.finditer(text, pos)), rx
        a, b = rx.search(text, pos), plain.search(text, pos)
        assert (a and a.span()) == (b and b.span()), rx
        a, b = rx.match(text, pos), plain.match(text, pos)
        assert (a and a.span()) == (b and b.span()), rx


def test_rule_patterns_are_searched_folded() -> None:
    folded = [rx for rx in rule_patterns() if isinstance(rx, FoldedPattern)]
    assert len(folded) > 50
    assert all(rx._low is not None for rx in folded)  # every rule pattern could be lowered

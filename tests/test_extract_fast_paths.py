"""The rewrites that make extraction faster find exactly what the patterns they stand for find."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from cybertrack.extract.casefold import (
    FoldedPattern,
    ascii_pattern,
    ascii_safe,
    factor_alternations,
    lower_pattern,
)
from cybertrack.extract.entities import _APT_RE
from cybertrack.extract.kinds import speculative
from cybertrack.extract.pipeline import _SENTENCE_END_RE
from cybertrack.extract.prefilter import rule_patterns
from cybertrack.extract.types import EntityMention, Sentence

TEXT_WORDS = ["said", "says", "claims", "claimed", "the", "attack", "attacks", "on", "cut",
              "ties", "denial-of-service", "was", "reported", "by", "hackers", "linked", "to",
              "Iran", "APT28", "2022", "could", "ransomware", ",", ".", "\n", "of", "against"]


def _spans(rx: re.Pattern[str], text: str) -> list[tuple[int, int]]:
    return [m.span() for m in rx.finditer(text)]


def test_factor_alternations_groups_by_first_letter_in_order() -> None:
    assert factor_alternations(r"\b(?:said|says|claims)\b") == r"\b(?:s(?:aid|ays)|claims)\b"
    # order inside a group is kept ("c" before "ce"); optional and escaped starts are not grouped
    assert factor_alternations(r"(c|d|ce)") == r"(c(?:|e)|d)"
    assert factor_alternations(r"a?b|ac|ad") == r"a?b|a(?:c|d)"
    assert factor_alternations(r"\w+|xa|xb") == r"\w+|x(?:a|b)"
    # look-behinds keep their alternatives (each must stay one width) and classes are opaque
    assert factor_alternations(r"(?<!\ban |\bis )[a|b]") == r"(?<!\ban |\bis )[a|b]"


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(TEXT_WORDS), max_size=14), st.integers(0, 6))
def test_factored_rule_patterns_find_the_same_matches(words: list[str], pos: int) -> None:
    text = " ".join(words).lower()
    for rx in rule_patterns():
        low = lower_pattern(rx.pattern)
        if low is None:
            continue
        plain = re.compile(low, rx.flags & ~re.IGNORECASE)
        grouped = re.compile(factor_alternations(low), rx.flags & ~re.IGNORECASE)
        assert _spans(grouped, text[pos:]) == _spans(plain, text[pos:]), rx.pattern
        a, b = grouped.match(text, pos), plain.match(text, pos)
        assert (a and a.span()) == (b and b.span()), rx.pattern


def test_ascii_pattern_widens_space_to_what_unicode_counts() -> None:
    for source in (r"a\sb", r"a[\s,]b", r"a[^\s,]b", r"a\Sb", r"\w+\b"):
        unicode_rx = re.compile(source)
        ascii_rx = re.compile(ascii_pattern(source) or "", re.ASCII)
        for code in range(128):
            text = f"a{chr(code)}b"
            assert bool(ascii_rx.fullmatch(text)) == bool(unicode_rx.fullmatch(text)), (source,
                                                                                        code)
    assert ascii_pattern(r"[^\S]") is None  # a negated space inside a class is left alone
    assert ascii_pattern(r"[]\s]x") == r"[]\s\x1c-\x1f]x"  # a leading "]" is a member


def test_ascii_safe_allows_punctuation_only() -> None:
    assert ascii_safe("plain text")
    assert ascii_safe("“Iran’s hackers” — again…")
    assert not ascii_safe("café")  # a word character: \w differs between the modes
    assert not ascii_safe("a\u00a0b")  # a space: \s differs


def test_folded_pattern_on_non_ascii_text() -> None:
    rx = FoldedPattern(r"\b(?:hack\w*|said)\s+it\b")
    for text in ("“Hackers” said it", "HACKÉS it", "said\x1cit", "said\u00a0it", "said it’s"):
        plain = re.compile(rx.pattern, re.IGNORECASE)
        assert [m.span() for m in rx.finditer(text)] == _spans(plain, text), text


def test_sentence_hash_ignores_mentions_and_agrees_with_equality() -> None:
    m = EntityMention(0, 4, "Iran", "country", "name", "country:IR", "Iran", "IR")
    a = Sentence(0, 0, 10, "Iran said.", (m,))
    b = Sentence(0, 0, 10, "Iran said.", (m,))
    assert a == b and hash(a) == hash(b)
    assert hash(a) == hash(a._replace(mentions=()))  # no walk through the mentions
    assert {a: 1}[b] == 1


def test_speculative_reads_words_and_questions() -> None:
    assert speculative("Iran could be behind the attack.")
    assert speculative("Was Iran behind it?")
    assert not speculative("Iran was behind the attack.")
    assert not speculative("Korea?? Ministry said it was hacked.")  # a lost character


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=".!?…\"”’)] \n\t\x1cab\u2028", max_size=30))
def test_sentence_end_pattern_matches_the_plain_form(text: str) -> None:
    plain = re.compile(r"[.!?…][\"”’)\]]*\s+|\s*\n\s*")
    assert _spans(_SENTENCE_END_RE, text) == _spans(plain, text)


def test_apt_pattern_matches_the_plain_form() -> None:
    plain = re.compile(r"\bAPT[\s-]?(\d{1,3})\b")
    for text in ("APT10 and APT 28, APT-29", "xAPT10 _APT3 APT3_ (APT41) APT1234", "APT"):
        assert [(m.span(), m.groups()) for m in _APT_RE.finditer(text)] == \
            [(m.span(), m.groups()) for m in plain.finditer(text)], text

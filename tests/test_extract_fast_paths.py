"""The rewrites that make extraction faster find exactly what the patterns they stand for find."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from cybertrack.extract import extract_document
from cybertrack.extract import lexicon as lx
from cybertrack.extract.casefold import (
    FoldedPattern,
    ascii_pattern,
    ascii_safe,
    factor_alternations,
    lower_pattern,
)
from cybertrack.extract.claims import _QUALIFIER_SUBJECT_RE, _carry_confidence, confidence_of
from cybertrack.extract.entities import _APT_RE
from cybertrack.extract.incidents import (
    Anchor,
    _at_least_two,
    _denied_here,
    _Irrealis,
    event_nouns,
)
from cybertrack.extract.kinds import speculative
from cybertrack.extract.pipeline import _SENTENCE_END_RE, _CuesBySentence, _other_cues
from cybertrack.extract.prefilter import gate, reset_memos, rule_patterns
from cybertrack.extract.types import ClaimDraft, EntityMention, Sentence
from cybertrack.model import Claimant, Document, PartialDate, stable_id, stable_ids

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


# --- work skipped where its result decides nothing ------------------------------------------

SENTENCE_WORDS = ["The", "company", "said", "it", "assessed", "with", "moderate", "high",
                  "confidence", "that", "Iran", "was", "behind", "the", "attack", "could",
                  "denied", "any", "involvement", "likely", "DDoS", "in", "July", "2022", ","]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.booleans(), max_size=12))
def test_at_least_two_is_sum_at_least_two(flags: list[bool]) -> None:
    assert _at_least_two(iter(flags)) == (sum(flags) >= 2)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(SENTENCE_WORDS), max_size=16))
def test_event_nouns_are_the_gated_matches(words: list[str]) -> None:
    text = " ".join(words) + " a cyberattack and the breaches"
    reset_memos()
    assert [m.span() for m in event_nouns(text)] == _spans(lx.EVENT_NOUN_RE._rx, text)


def _claim_draft(kind: str, sentence: int, confidence: str | None, with_claimant: bool
                 ) -> ClaimDraft:
    claimant = Claimant("government", "Albania", "AL") if with_claimant else None
    return ClaimDraft(kind=kind, sentence=sentence, incident=None, claimant=claimant,
                      confidence=confidence)


def _carry_confidence_plain(sent: Sentence, claims: list[ClaimDraft]) -> None:
    """``_carry_confidence`` as it was written before it skipped sentences early."""
    level = confidence_of(sent.text)[0]
    if level is None or not _QUALIFIER_SUBJECT_RE.match(sent.text):
        return
    for c in reversed(claims):
        if c.sentence < sent.index - 1:
            break
        if c.kind == "attribution" and c.confidence is None and c.claimant is not None:
            c.confidence = level
            hedge = lx.CONFIDENCE_RE.search(sent.text)
            if hedge is not None:
                c.hedge = "; ".join(x for x in (c.hedge, hedge.group(0)) if x)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["attribution", "denial", "response"]),
                          st.integers(0, 4), st.sampled_from([None, "high"]), st.booleans()),
                max_size=6),
       st.sampled_from(["The company stated it with moderate confidence.",
                        "It said so with high confidence, likely.", "Iran denied it.",
                        "The agency assessed with low-confidence that it was Iran."]),
       st.integers(0, 5))
def test_carry_confidence_agrees_with_the_plain_form(
        rows: list[tuple[str, int, str | None, bool]], text: str, index: int) -> None:
    rows = sorted(rows, key=lambda r: r[1])
    fast = [_claim_draft(*r) for r in rows]
    plain = [_claim_draft(*r) for r in rows]
    sent = Sentence(index, 0, len(text), text, ())
    reset_memos()
    _carry_confidence(sent, fast)
    _carry_confidence_plain(sent, plain)
    assert fast == plain


def test_cues_by_sentence_is_the_mapping_it_replaces() -> None:
    texts = ["Albania cut ties with Iran on 7 September, officials said.", "No cue here.",
             "The US imposed sanctions on Iran in 2022."]
    sentences = [Sentence(i, 0, len(t), t, ()) for i, t in enumerate(texts)]
    dated = {0: [], 2: []}
    reset_memos()
    lazy = _CuesBySentence(sentences, dated)
    eager = {s.index: _other_cues(s.text) for s in sentences if s.index in dated}
    assert dict(lazy) == eager and len(lazy) == len(eager)
    assert lazy.get(1, ()) == () and lazy.get(2, ()) == eager[2]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(SENTENCE_WORDS), max_size=16), st.integers(0, 80))
def test_lazy_irrealis_agrees_with_the_eager_form(words: list[str], at: int) -> None:
    text = " ".join(words)
    anchor = Anchor(min(at, len(text)), min(at, len(text)) + 3, "x", "definite", False)
    reset_memos()
    eager = speculative(text) or _denied_here(gate(text).search(lx.DENIAL_RE, text), anchor,
                                              text)
    assert _Irrealis(text, anchor)() == eager


_ID_PARTS = st.one_of(st.none(), st.integers(-5, 10_000), st.text(max_size=8))


@settings(max_examples=200, deadline=None)
@given(st.lists(_ID_PARTS, max_size=3), st.lists(_ID_PARTS, max_size=3))
def test_stable_ids_are_stable_id(first: list[object], rest: list[object]) -> None:
    assert stable_ids("mention", *first)(*rest) == stable_id("mention", *first, *rest)


def test_mention_records_carry_their_sentence_and_position_id() -> None:
    text = ("Iran denied it. Albania cut ties with Iran on 7 September.\n\n"
            "Microsoft said Iranian actors hit Albania. NATO condemned Iran.")
    doc = Document.from_text(text, "t", published=PartialDate.parse("2022-09-10"))
    out = extract_document(doc)
    assert len(out.mentions) >= 6
    starts = [m.start() for m in re.finditer(r"(?:^|(?<=\. )|(?<=\n\n))\S", text)]
    for m in out.mentions:
        holder = max(s for s in starts if s <= m.span.start)
        assert m.sentence.start == holder and m.span.end <= m.sentence.end
        assert m.id == stable_id("mention", doc.id, m.span.start, m.span.end)

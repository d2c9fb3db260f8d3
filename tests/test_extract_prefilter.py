"""The regex prefilter: skipping a pattern it rules out never loses a match."""

from __future__ import annotations

import re

from cybertrack.extract import lexicon as lx
from cybertrack.extract.prefilter import (
    Gate,
    Prefilter,
    default_prefilter,
    required_literals,
    rule_patterns,
)

SENTENCES = [
    "Russian hackers compromised the email accounts of Norwegian lawmakers in August 2020.",
    "The Foreign Ministry said on Monday it had summoned the ambassador over the intrusion.",
    "Officials blamed Tehran for the cyberattack that crippled services, and condemned it.",
    "Microsoft assessed with moderate confidence that the actors were almost certainly linked.",
    "A wiper masquerading as ransomware erased data; the group claimed responsibility online.",
    "Moscow rejected the accusations as baseless and denied any involvement in the hack.",
    "The country cut diplomatic ties, expelled diplomats and announced sanctions on Friday.",
    "Why would anyone do this?",
    "NOTHING HERE BUT CAPITALS: THE MINISTRY SAID IT WAS HACKED BY A GROUP LINKED TO IRAN.",
    "He ſaid the attack came from abroad.",  # long s: matches "s" case-insensitively
    "İT WAS A DISRUPTİVE ATTACK, ofﬁcials said.",
    "A quiet day with no events at all.",
]


def test_literals_of_simple_patterns() -> None:
    lits = required_literals(re.compile(r"\b(?:said|says|stated)\b", re.I))
    assert lits and all(any(x in w for x in lits) for w in ("said", "says", "stated"))
    assert required_literals(re.compile(r"(?<!\bthe )\bhack(?:ed|s)?\b", re.I)) == {"hack"}
    assert required_literals(re.compile(r"Foo\s+bar", re.I)) in ({"foo"}, {"bar"})
    assert required_literals(re.compile(r"\w+")) is None
    assert required_literals(re.compile(r"(?:a|bc)d")) is None  # one letter: no use


def test_case_sensitive_literals_keep_their_case() -> None:
    rx = re.compile(r"\bICS\b")
    pf = Prefilter([rx])
    assert not Gate(pf, "the ics word").may(rx)
    assert Gate(pf, "the ICS word").may(rx)


def test_gate_never_rules_out_a_pattern_that_matches() -> None:
    pf = default_prefilter()
    for text in SENTENCES:
        gate = Gate(pf, text)
        for rx in rule_patterns():
            if rx.search(text):
                assert gate.may(rx), (rx.pattern[:60], text)
            # a part of the text is ruled out with the whole
            if not gate.may(rx):
                assert rx.search(text[5:40]) is None


def test_unsafe_case_characters_let_everything_through() -> None:
    text = "He ſaid the attack came from abroad."
    assert lx.SPEECH_RE.search(text)
    assert Gate(default_prefilter(), text).may(lx.SPEECH_RE)


def test_prefilter_skips_most_patterns_in_a_plain_sentence() -> None:
    gate = Gate(default_prefilter(), "A quiet day with no events at all.")
    skipped = [rx for rx in rule_patterns() if not gate.may(rx)]
    assert len(skipped) > len(rule_patterns()) // 2


def test_ministry_fast_path_finds_what_the_pattern_finds() -> None:
    from cybertrack.extract.entities import _MINISTRY_RE, ministry_matches

    texts = [*SENTENCES, "FOREIGN MINISTRY officials and the Interior Ministry of Albania met.",
             "The prime minister, police and Prosecutors; the foreign Minister.", ""]
    for text in texts:
        assert [m.span() for m in ministry_matches(text)] == \
            [m.span() for m in _MINISTRY_RE.finditer(text)], text


def test_response_precheck_agrees_with_every_action_pattern() -> None:
    from cybertrack.extract.speakers import response_cues

    for text in SENTENCES:
        found = {(a, m.span()) for a, rx in lx.RESPONSE_RES.items() for m in rx.finditer(text)}
        assert {(a, m.span()) for a, m in response_cues(text)} == found, text
    assert response_cues("The country cut diplomatic ties with Iran.")


def test_gate_agrees_with_absent_and_passes_unregistered_patterns() -> None:
    pf = default_prefilter()
    stranger = re.compile(r"\bquiet\b", re.I)  # never registered: never ruled out
    for text in SENTENCES:
        gate, absent = Gate(pf, text), pf.absent(text)
        assert gate.may(stranger)
        assert absent == {id(rx) for rx in rule_patterns() if not gate.may(rx)}
        assert pf.present(text) == pf.ids - absent

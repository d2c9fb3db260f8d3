"""The default pipeline's one-regex tokenizer (``extract/tokenizer.py``)."""

from __future__ import annotations

import functools
from pathlib import Path

import spacy
from hypothesis import given
from hypothesis import strategies as st

from cybertrack.batch import prepare
from cybertrack.demo import sample_paths
from cybertrack.extract import extract_documents
from cybertrack.extract.pipeline import build_pipeline, make_doc
from cybertrack.extract.tokenizer import RegexTokenizer
from cybertrack.ingest import read_all


@functools.lru_cache(maxsize=1)
def tokenizer() -> RegexTokenizer:
    """One tokenizer for the module (a blank pipeline per hypothesis example overran its
    deadline)."""
    return RegexTokenizer(spacy.blank("en").vocab)


def tokens(text: str) -> list[str]:
    return [t.text for t in tokenizer()(text)]


def test_words_punctuation_and_clitics_are_tokens() -> None:
    assert tokens("Iran's hackers didn't stop (again).") == [
        "Iran", "'s", "hackers", "didn", "'t", "stop", "(", "again", ")", "."]


def test_initialisms_numbers_urls_and_compounds_stay_whole() -> None:
    assert tokens("The U.S. paid 1,000.50 on 9/11, see https://ex.org/a?b=1.") == [
        "The", "U.S.", "paid", "1,000.50", "on", "9/11", ",", "see", "https://ex.org/a?b=1", "."]
    assert tokens("AT&T's state-backed unit") == ["AT&T", "'s", "state-backed", "unit"]


def test_one_space_trails_a_token_and_other_whitespace_is_a_token() -> None:
    doc = tokenizer()("Tirana said.  Then\n\nnothing ")
    assert [(t.text, t.whitespace_) for t in doc] == [
        ("Tirana", " "), ("said", ""), (".", " "), (" ", ""), ("Then", ""), ("\n\n", ""),
        ("nothing", " ")]


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=200))
def test_the_doc_text_is_the_input_character_for_character(text: str) -> None:
    assert tokenizer()(text).text == text


def test_default_pipeline_uses_it_and_the_ner_pipeline_does_not_need_it() -> None:
    nlp = build_pipeline()
    assert isinstance(nlp.tokenizer, RegexTokenizer)
    assert nlp.config["nlp"]["tokenizer"] == {"@tokenizers": "cybertrack.regex_tokenizer.v1"}


def test_sentence_starts_and_entity_spans_fall_on_its_tokens() -> None:
    nlp = build_pipeline()
    text = "Albania cut ties with Iran. The U.S. condemned Iran's cyberattack."
    doc = nlp(make_doc(nlp, text, None))
    assert [s.text for s in doc.sents] == [
        "Albania cut ties with Iran.", "The U.S. condemned Iran's cyberattack."]
    assert [s.text for s in doc.spans["ct_entities"]][:3] == ["Albania", "Iran", "U.S."]


def test_no_rule_reads_tokens_extraction_matches_spacys_tokenizer() -> None:
    """The sample corpus extracts the same with spaCy's English tokenizer: no rule depends on
    which tokenizer made the Doc."""
    docs = [prepare(r.document) for r in read_all(sample_paths()) if r.document]
    ours = build_pipeline()
    theirs = build_pipeline()
    theirs.tokenizer = spacy.registry.tokenizers.get("spacy.Tokenizer.v1")()(theirs)
    assert not isinstance(theirs.tokenizer, RegexTokenizer)
    a = [repr(x) for x in extract_documents(docs, ours)]
    b = [repr(x) for x in extract_documents(docs, theirs)]
    assert a == b and len(a) == len(docs) > 10


def test_a_pipeline_with_it_serializes_like_any_spacy_pipeline(tmp_path: Path) -> None:
    nlp = build_pipeline()
    nlp.to_disk(tmp_path / "pipeline")
    assert (tmp_path / "pipeline" / "tokenizer").exists()
    data = nlp.to_bytes()
    again = build_pipeline().from_bytes(data)
    text = "Albania's PM said the U.S. agreed."
    assert [t.text for t in again.make_doc(text)] == [t.text for t in nlp.make_doc(text)]

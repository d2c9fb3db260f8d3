"""Training examples for the role model, from CASIE's argument annotations.

Each CASIE article is read as ingestion reads it (headline first, then the body), run through
the rule pipeline, and each candidate mention (``rolemodel.is_candidate``: a mention naming or
carrying a country) of a sentence holding an annotated event is labelled by the argument
spans around it: ``victim`` inside a Victim argument, ``attacker`` inside an Attacker argument,
else ``none``. CASIE's offsets point into its ``content`` field, whose whitespace differs from
the source file's; the two are aligned on their non-space characters.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cybertrack.extract import headline_text, record_document
from cybertrack.extract.assemble import to_extraction
from cybertrack.extract.pipeline import build_pipeline, make_doc
from cybertrack.extract.rolemodel import features, genre_of
from cybertrack.extract.roles import rule_candidates
from cybertrack.model import Document, Extraction, PartialDate
from cybertrack.models.splits import CASIE, SHARED
from cybertrack.reference import load_reference

_FIELD_RE = re.compile(r"<(title|source|date)>(.*?)</\1>", re.DOTALL)
ROLE_LABELS = {"Victim": "victim", "Attacker": "attacker"}
#: CFR's coded incidents: weak labels (the state a description's incident targets, the state
#: it attributes it to), used with cross-validation only (docs/extraction.md "Learned roles").
CFR_GOLD = SHARED / "eval" / "cfr" / "cfr.gold.jsonl"


@dataclass
class Example:
    """One candidate mention: its features and its label."""

    doc_id: str
    features: list[str]
    label: str  # none | victim | attacker
    rule: str  # what the rules alone say: none | victim | attacker
    country: str
    state: bool = True  # the mention stands for a state (else an organization or a place)
    genre: str = "brief"  # of its document (``rolemodel.genre_of``): which thresholds apply


@dataclass
class Article:
    """A CASIE article's examples and its document-level gold: the countries of candidate
    mentions inside Victim and Attacker arguments."""

    doc_id: str
    examples: list[Example] = field(default_factory=list)
    victims: set[str] = field(default_factory=set)
    attackers: set[str] = field(default_factory=set)


def casie_document(doc_id: str, casie: Path = CASIE) -> tuple[Document, dict[str, object]]:
    """The Document ingestion would make of an article, and its annotation."""
    raw = (casie / "source" / f"{doc_id}.txt").read_text(encoding="utf-8", errors="replace")
    ann = json.loads((casie / "annotation" / f"{doc_id}.json").read_text(encoding="utf-8"))
    fields = {m.group(1): " ".join(m.group(2).split()) for m in _FIELD_RE.finditer(raw)}
    body = raw.split("<text>", 1)[-1].replace("</text>", "").strip()
    published = None
    if re.fullmatch(r"\d{4}_\d{2}_\d{2}", fields.get("date", "")):
        published = PartialDate.parse(fields["date"].replace("_", "-"))
    title = fields.get("title") or None
    # as ``batch.prepare`` stores it: the headline first
    doc = Document.from_text(headline_text(title, body), fields.get("source") or doc_id,
                             title=title, published=published)
    return doc, ann


def align(text: str, content: str) -> dict[int, int] | None:
    """Offsets of ``content``'s non-space characters in ``text``, or None where the two differ
    by more than whitespace (and a headline before the body)."""
    a = [k for k, c in enumerate(text) if not c.isspace()]
    b = [k for k, c in enumerate(content) if not c.isspace()]
    sa = "".join(text[k] for k in a)
    sb = "".join(content[k] for k in b)
    off = sa.find(sb[:200])
    if off < 0 or sa[off : off + len(sb)] != sb:
        return None
    return {kb: a[off + j] for j, kb in enumerate(b)}


def spans(ann: dict[str, object], where: dict[int, int]
          ) -> tuple[list[tuple[int, int, str]], list[tuple[int, int]]]:
    """(role argument spans, event nugget spans) in the pipeline text's offsets."""
    roles: list[tuple[int, int, str]] = []
    nuggets: list[tuple[int, int]] = []

    def mapped(s: int, e: int) -> tuple[int, int] | None:
        ks = [where[k] for k in range(s, e) if k in where]
        return (min(ks), max(ks) + 1) if ks else None

    hoppers = (ann.get("cyberevent") or {}).get("hopper", [])  # type: ignore[attr-defined]
    for hopper in hoppers:
        for event in hopper.get("events", []):
            nug = event.get("nugget", {})
            if (sp := mapped(nug.get("startOffset", 0), nug.get("endOffset", 0))) is not None:
                nuggets.append(sp)
            for arg in event.get("argument", []):
                role = ROLE_LABELS.get(arg.get("role", {}).get("type", ""))
                sp = mapped(arg.get("startOffset", 0), arg.get("endOffset", 0))
                if role and sp is not None:
                    roles.append((*sp, role))
    return roles, nuggets


def articles(ids: Sequence[str], casie: Path = CASIE, mode: str = "rules",
             keep: list[Extraction] | None = None, model: str | None = None
             ) -> Iterator[Article]:
    """The labelled examples of each article (``mode`` of the pipeline that reads it: the
    features always hold the rules' verdicts; ``keep`` collects each Extraction)."""
    nlp = build_pipeline(role_mode=mode, role_model=model)
    ref = load_reference()
    for doc_id in ids:
        document, ann = casie_document(doc_id, casie)
        art = Article(doc_id)
        genre = genre_of(document.text)
        where = align(document.text, str(ann.get("content", "")))
        doc = nlp(make_doc(nlp, document.text, document.published.end
                           if document.published else None))
        if keep is not None:
            keep.append(to_extraction(doc, document, ref))
        if where is None:
            yield art
            continue
        roles, nuggets = spans(ann, where)
        for sent in doc._.ct_sentences:
            has_event = any(sent.start <= s < sent.end for s, _e in nuggets)
            for cand in rule_candidates(sent):
                m = sent.mentions[cand.index]
                label = next((r for s, e, r in roles if s <= m.start and m.end <= e), "none")
                country = m.state or m.country or ""
                if label == "victim":
                    art.victims.add(country)
                elif label == "attacker":
                    art.attackers.add(country)
                if not has_event:
                    continue
                rule = "attacker" if cand.rule_attacker else \
                    "victim" if cand.rule_victim else "none"
                art.examples.append(Example(doc_id, features(sent, cand), label, rule, country,
                                            m.state is not None, genre))
        yield art


def cfr_records(path: Path = CFR_GOLD) -> list[dict[str, Any]]:
    """CFR's coded descriptions (``cybertrack eval``'s gold shape), in file order."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip()]


def cfr_articles(records: Sequence[dict[str, Any]], base_dir: Path = CFR_GOLD.parent,
                 mode: str = "rules", model: str | None = None,
                 keep: list[Extraction] | None = None) -> Iterator[Article]:
    """Weakly labelled examples of CFR descriptions: a mention whose country the record codes
    as a target is ``victim``, as the attributed state ``attacker``, neither ``none``; one
    coded as both (a state spying at home) and a security vendor are left out. Every sentence
    counts (a description is about its incident throughout)."""
    nlp = build_pipeline(role_mode=mode, role_model=model)
    ref = load_reference()
    for rec in records:
        document = record_document(rec, base_dir)
        art = Article(str(rec.get("id")))
        art.victims, art.attackers = coded_states(rec)
        genre = genre_of(document.text)
        doc = nlp(make_doc(nlp, document.text, document.published.end
                           if document.published else None))
        if keep is not None:
            keep.append(to_extraction(doc, document, ref))
        for sent in doc._.ct_sentences:
            for cand in rule_candidates(sent):
                m = sent.mentions[cand.index]
                country = m.state or m.country or ""
                victim, attacker = country in art.victims, country in art.attackers
                if (victim and attacker) or m.is_vendor:
                    continue
                label = "victim" if victim else "attacker" if attacker else "none"
                rule = "attacker" if cand.rule_attacker else \
                    "victim" if cand.rule_victim else "none"
                art.examples.append(Example(art.doc_id, features(sent, cand), label, rule,
                                            country, m.state is not None, genre))
        yield art


def coded_states(record: dict[str, Any]) -> tuple[set[str], set[str]]:
    """(targets, attributed states) a gold record codes."""
    targets = {str(t) for inc in record.get("incidents") or [] for t in inc.get("targets") or []}
    states = {str(a["attributed_to"]["state"]) for a in record.get("attributions") or []
              if (a.get("attributed_to") or {}).get("state")}
    return targets, states

"""Long texts in pieces: where to cut them, and how the pieces' records become one extraction.

spaCy refuses a text longer than ``nlp.max_length`` (error E088) and holds every token of a Doc
in memory, so a multi-megabyte report (or a PDF that expands to one) is extracted in chunks of
at most ``CHUNK_CHARS`` characters, cut at a paragraph break, else a line break or sentence
end, else a space, so that no sentence a rule reads is split. Each chunk is extracted as if it
were the document, and its records are moved back into the document's coordinates: spans are
shifted by the chunk's offset, and the ids of every chunk after the first are derived from the
chunk's number and the id the record had in the chunk (deterministic, so extracting the same
text again gives the same ids). What is lost is only what crosses a cut: an incident named in
one chunk is not the one a claim in the next refers back to.
"""

from __future__ import annotations

import re
from dataclasses import replace

from cybertrack.model import Claim, Extraction, Incident, Mention, Span, stable_id

#: The longest piece of text extracted as one spaCy Doc (well under ``nlp.max_length``).
CHUNK_CHARS = 1_000_000
_PARAGRAPH = re.compile(r"\n[ \t]*\n\s*")
_LINE_OR_SENTENCE = re.compile(r"\n\s*|[.!?…][\"”’)\]]*\s+")
_SPACE = re.compile(r"\s+")


def chunk_bounds(text: str, size: int = CHUNK_CHARS) -> list[tuple[int, int]]:
    """Half-open spans covering ``text`` in order, each at most ``size`` characters, cut after
    the last paragraph break in the second half of the window, else the last line break or
    sentence end there, else the last space, else at ``size``."""
    if size < 2:
        raise ValueError(f"chunk size must be at least 2 characters, not {size}")
    out: list[tuple[int, int]] = []
    start = 0
    while len(text) - start > size:
        low, high = start + size // 2, start + size
        cut = 0
        for pattern in (_PARAGRAPH, _LINE_OR_SENTENCE, _SPACE):
            ends = [m.end() for m in pattern.finditer(text, low, high)]
            if ends:
                cut = ends[-1]
                break
        cut = cut if start < cut <= high else high
        out.append((start, cut))
        start = cut
    out.append((start, len(text)))
    return out


def merge_chunks(parts: list[tuple[int, Extraction]]) -> Extraction:
    """One extraction from the extractions of chunks, each given with its offset in the text;
    every part must be of the same document (the full one)."""
    first = parts[0][1]
    mentions: list[Mention] = []
    incidents: list[Incident] = []
    claims: list[Claim] = []
    entities = {e.id: e for _o, ex in parts for e in ex.entities}
    for number, (offset, ex) in enumerate(parts):
        def new_id(old: str, number: int = number) -> str:
            return old if number == 0 else stable_id(old.split("--", 1)[0], "chunk", number, old)

        incident_ids = {i.id: new_id(i.id) for i in ex.incidents}
        for m in ex.mentions:
            mentions.append(replace(m, id=new_id(m.id), span=_shift(m.span, offset),
                                    sentence=_shift(m.sentence, offset)))
        for inc in ex.incidents:
            incidents.append(replace(
                inc, id=incident_ids[inc.id], key=f"i{len(incidents) + 1}",
                span=_shift(inc.span, offset) if inc.span is not None else None))
        for c in ex.claims:
            claims.append(replace(
                c, id=new_id(c.id), sentence=_shift(c.sentence, offset),
                incident_id=incident_ids.get(c.incident_id, c.incident_id)
                if c.incident_id else None))
    return Extraction(document=first.document, mentions=tuple(mentions),
                      entities=tuple(entities.values()), incidents=tuple(incidents),
                      claims=tuple(claims), links=tuple(x for _o, ex in parts for x in ex.links))


def _shift(span: Span, offset: int) -> Span:
    return span if offset == 0 else Span(span.start + offset, span.end + offset)

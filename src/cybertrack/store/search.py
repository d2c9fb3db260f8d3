"""Full-text search over what documents say: incident titles and sentences, claim sentences
(with the actor they name), document titles.

``search_text`` holds one row per such record (migration 0011), written in the transaction
that stores the document (``index_extractions``). Each database indexes it natively: SQLite
with FTS5 (``search_fts``, an external-content table over ``search_text``'s rowid, kept in
step here), PostgreSQL with a GIN index on ``to_tsvector('english', body)``. Both stem English
words (porter), so "attacks" finds "attacked". A query is read as a web search box reads it:
words must all appear, "quoted phrases" in order, ``OR`` between alternatives, ``-word``
excluded (``websearch_to_tsquery`` on PostgreSQL; translated to FTS5 syntax on SQLite).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, bindparam, text

from cybertrack.model import Extraction
from cybertrack.store import schema as t

#: What a row of ``search_text`` stands for.
SEARCH_KINDS = ("incident", "claim", "document")


@dataclass(frozen=True, slots=True)
class TextMatch:
    """One record whose text matches, best first: its kind and id, its document and incident
    (None for a claim tied to no incident, or a document title), an excerpt, a rank."""

    kind: str
    record_id: str
    document_id: str
    incident_id: str | None
    excerpt: str
    rank: float


def search_rows(ex: Extraction) -> list[dict[str, Any]]:
    """The ``search_text`` rows of one extraction."""
    doc = ex.document
    rows = []
    if doc.title:
        rows.append({"id": f"document:{doc.id}", "kind": "document", "record_id": doc.id,
                     "document_id": doc.id, "incident_id": None, "body": doc.title})
    for i in ex.incidents:
        body = " ".join([i.title or "", i.sentence, *i.target_orgs, *i.sectors]).strip()
        rows.append({"id": f"incident:{i.id}", "kind": "incident", "record_id": i.id,
                     "document_id": i.document_id, "incident_id": i.id, "body": body})
    for c in ex.claims:
        body = f"{c.sentence_text} {c.attributed_actor or ''}".strip()
        rows.append({"id": f"claim:{c.id}", "kind": "claim", "record_id": c.id,
                     "document_id": c.document_id, "incident_id": c.incident_id, "body": body})
    return rows


def index_extractions(conn: Connection, exs: Sequence[Extraction]) -> None:
    """Write the search rows of newly stored extractions (and, on SQLite, their FTS5 index
    entries) in the caller's transaction; rows a document had before (it is being extracted
    again) are replaced."""
    rows = [r for ex in exs for r in search_rows(ex)]
    forget_documents(conn, [ex.document.id for ex in exs])
    if not rows:
        return
    sqlite = conn.dialect.name == "sqlite"
    before = conn.execute(text("SELECT COALESCE(MAX(rowid), 0) FROM search_text")
                          ).scalar_one() if sqlite else 0
    conn.execute(t.search_text.insert(), rows)
    if sqlite:
        conn.execute(text("INSERT INTO search_fts (rowid, body) SELECT rowid, body "
                          "FROM search_text WHERE rowid > :n"), {"n": before})


def forget_documents(conn: Connection, document_ids: Sequence[str]) -> None:
    """Drop the search rows of these documents (and their FTS5 entries on SQLite)."""
    for start in range(0, len(document_ids), 5000):
        chunk = list(document_ids[start:start + 5000])
        if conn.dialect.name == "sqlite":
            conn.execute(text(
                "INSERT INTO search_fts (search_fts, rowid, body) SELECT 'delete', rowid, body "
                "FROM search_text WHERE document_id IN :ids"
            ).bindparams(bindparam("ids", expanding=True)), {"ids": chunk})
        conn.execute(t.search_text.delete().where(t.search_text.c.document_id.in_(chunk)))


_TOKEN = re.compile(r'-?"[^"]*"|\S+')
_WORD = re.compile(r"\w+", re.UNICODE)


def fts5_query(query: str) -> str:
    """A web-search query in FTS5 syntax: each word or "phrase" quoted (so punctuation and
    FTS5 operators typed by a person are text), ``OR`` kept, ``-term`` as ``NOT``. Empty when
    the query has no word."""
    must: list[str] = []
    banned: list[str] = []
    pending_or = False
    for token in _TOKEN.findall(query):
        if token == "OR":
            pending_or = bool(must)
            continue
        negative = token.startswith("-") and len(token) > 1
        words = _WORD.findall(token)
        if not words:
            continue
        term = '"' + " ".join(words) + '"'
        if negative:
            banned.append(term)
        elif pending_or:
            must[-1] = f"({must[-1]} OR {term})"
            pending_or = False
        else:
            must.append(term)
    if not must:
        return ""
    out = " AND ".join(must)
    return out + "".join(f" NOT {b}" for b in banned)


def text_matches(conn: Connection, query: str, limit: int = 200) -> list[TextMatch]:
    """Records whose text matches ``query``, best first (at most ``limit``); records of
    documents or incidents no longer stored are left out."""
    if conn.dialect.name == "sqlite":
        q = fts5_query(query)
        if not q:
            return []
        rows = conn.execute(text(
            "SELECT s.kind, s.record_id, s.document_id, s.incident_id, "
            "snippet(search_fts, 0, '[', ']', ' ... ', 16) AS excerpt, bm25(search_fts) AS rank "
            "FROM search_fts JOIN search_text s ON s.rowid = search_fts.rowid "
            "WHERE search_fts MATCH :q ORDER BY rank LIMIT :n"), {"q": q, "n": limit})
        return [TextMatch(r[0], r[1], r[2], r[3], r[4], -float(r[5])) for r in rows]
    if not _WORD.search(query):
        return []
    rows = conn.execute(text(
        "SELECT s.kind, s.record_id, s.document_id, s.incident_id, "
        "ts_headline('english', s.body, q, 'StartSel=[, StopSel=], MaxWords=24, MinWords=8, "
        "MaxFragments=1') AS excerpt, ts_rank(to_tsvector('english', s.body), q) AS rank "
        "FROM search_text s, websearch_to_tsquery('english', :q) q "
        "WHERE to_tsvector('english', s.body) @@ q ORDER BY rank DESC, s.id LIMIT :n"),
        {"q": query, "n": limit})
    return [TextMatch(r[0], r[1], r[2], r[3], r[4], float(r[5])) for r in rows]

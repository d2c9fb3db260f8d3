"""Full-text search over what documents say: incident titles and sentences, claim sentences
(with the actor they name), document titles.

``search_text`` holds one row per such record (migration 0011), written in the transaction
that stores the document (``index_rows``). Each database indexes it natively: SQLite
with FTS5 (``search_fts``, an external-content table over ``search_text``'s rowid, kept in
step here), PostgreSQL with a GIN index on the stored ``body_tsv`` (``to_tsvector('english',
body)``, migration 0017, so ranking does not parse the text again). Both stem English
words (porter), so "attacks" finds "attacked". A query is read as a web search box reads it:
words must all appear, "quoted phrases" in order, ``OR`` between alternatives, ``-word``
excluded (``websearch_to_tsquery`` on PostgreSQL; translated to FTS5 syntax on SQLite).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from sqlalchemy import (
    Connection,
    Select,
    Text,
    and_,
    bindparam,
    case,
    cast,
    func,
    or_,
    select,
    text,
    union,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.selectable import FromClause

from cybertrack.model import Extraction
from cybertrack.store import schema as t
from cybertrack.store.indexed import indexed_by
from cybertrack.store.summary import attributed_to_terms, one_of

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

    @property
    def row_id(self) -> str:
        """Its ``search_text`` row's id (``search_rows`` names a row by kind and record)."""
        return f"{self.kind}:{self.record_id}"


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


#: Inserts (columns, value tuples) into a table (``store.store._insert_rows``: ``COPY`` on
#: PostgreSQL).
RowInsert = Callable[[Connection, Any, Sequence[str], Sequence[Sequence[Any]]], None]


def _insert(conn: Connection, table: Any, columns: Sequence[str],
            values: Sequence[Sequence[Any]]) -> None:
    conn.execute(table.insert(), [dict(zip(columns, v, strict=True)) for v in values])


def index_rows(conn: Connection, document_ids: Sequence[str],
               rows: Sequence[tuple[Sequence[str], Sequence[Sequence[Any]]]], *,
               insert: RowInsert = _insert) -> None:
    """Write the search rows of newly stored documents (``search_rows`` of their extractions,
    as (columns, value tuples): ``store.rows``), and on SQLite their FTS5 index entries, in
    the caller's transaction, after dropping the rows of ``document_ids`` (documents stored
    before and being extracted again; a document new to the base has none: with an empty
    list nothing is deleted, where a DELETE by a batch's ids read all of ``search_text`` on a
    PostgreSQL without statistics, 1 s a batch at 100,000 documents). ``insert`` writes the
    rows (the store's, by ``COPY`` on PostgreSQL)."""
    if document_ids:
        forget_documents(conn, document_ids)
    if not any(values for _, values in rows):
        return
    sqlite = conn.dialect.name == "sqlite"
    before = conn.execute(text("SELECT COALESCE(MAX(rowid), 0) FROM search_text")
                          ).scalar_one() if sqlite else 0
    for columns, values in rows:
        insert(conn, t.search_text, columns, values)
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
        "MaxFragments=1') AS excerpt, ts_rank(s.body_tsv, q) AS rank "
        "FROM search_text s, websearch_to_tsquery('english', :q) q "
        "WHERE s.body_tsv @@ q ORDER BY rank DESC, s.id LIMIT :n"),
        {"q": query, "n": limit})
    return [TextMatch(r[0], r[1], r[2], r[3], r[4], float(r[5])) for r in rows]


def _match_rows(conn: Connection, query: str) -> tuple[str, dict[str, str]] | None:
    """The SQL selecting (incident_id, document_id) of the ``search_text`` rows matching
    ``query``, and its parameters; None when the query has no word."""
    if conn.dialect.name == "sqlite":
        q = fts5_query(query)
        if not q:
            return None
        return ("SELECT s.incident_id, s.document_id FROM search_fts "
                "JOIN search_text s ON s.rowid = search_fts.rowid WHERE search_fts MATCH :q",
                {"q": q})
    if not _WORD.search(query):
        return None
    return ("SELECT s.incident_id, s.document_id FROM search_text s "
            "WHERE s.body_tsv @@ websearch_to_tsquery('english', :q)",
            {"q": query})


def document_incidents(conn: Connection, document_ids: Sequence[str]) -> dict[str, list[str]]:
    """The incident ids of each document (one query per 5,000 documents)."""
    out: dict[str, list[str]] = {}
    ids = list(dict.fromkeys(document_ids))
    for start in range(0, len(ids), 5000):
        rows = conn.execute(select(t.incidents.c.document_id, t.incidents.c.id).where(
            one_of(t.incidents.c.document_id, ids[start:start + 5000], conn.dialect.name))
            .order_by(t.incidents.c.id))
        for doc, iid in rows:
            out.setdefault(doc, []).append(iid)
    return out


SNIPPET = "snippet(search_fts, 0, '[', ']', ' ... ', 16)"
HEADLINE = ("ts_headline('english', s.body, q, 'StartSel=[, StopSel=], MaxWords=24, "
            "MinWords=8, MaxFragments=1')")


def matches_within(conn: Connection, query: str, incident_ids: Sequence[str],
                   excerpts: bool = True) -> list[TextMatch]:
    """Every record matching ``query`` that belongs to one of ``incident_ids`` (its text or a
    claim about it) or to their documents (a title or an untied claim), best first: what
    ``text_matches`` ranks them, restricted to the candidates a multi-word search kept
    (without ``excerpts``: excerpts left empty where ``_ranked_rows`` leaves them)."""
    ids = list(dict.fromkeys(incident_ids))
    docs: list[str] = []
    for start in range(0, len(ids), 5000):
        docs += [r[0] for r in conn.execute(select(t.incidents.c.document_id).where(
            one_of(t.incidents.c.id, ids[start:start + 5000], conn.dialect.name)))]
    docs = list(dict.fromkeys(docs))
    out: list[TextMatch] = []
    sqlite = conn.dialect.name == "sqlite"
    if sqlite:
        q = fts5_query(query)
        if not q:
            return []
        base = ("SELECT s.kind, s.record_id, s.document_id, s.incident_id, "
                f"{SNIPPET} AS excerpt, "
                "bm25(search_fts) AS rank FROM search_fts "
                "JOIN search_text s ON s.rowid = search_fts.rowid WHERE search_fts MATCH :q ")
        params: dict[str, Any] = {"q": q}
    else:
        if not _WORD.search(query):
            return []
        base = ("SELECT s.kind, s.record_id, s.document_id, s.incident_id, "
                f"{HEADLINE if excerpts else repr('')} AS excerpt, "
                "ts_rank(s.body_tsv, q) AS rank "
                "FROM search_text s, websearch_to_tsquery('english', :q) q "
                "WHERE s.body_tsv @@ q ")
        params = {"q": query}
    if sqlite:
        # One statement over the word's FTS5 matches, and only the candidates' rows joined
        # and ranked: the FTS rowids are first tested against the rows of the candidates'
        # documents (``+`` keeps that test out of FTS5, which would otherwise run the whole
        # query again for each rowid; a row's incident is always one of its own document's,
        # so these rows hold every row the two conditions accept). Joining all 97,551 rows
        # "bench" matches on the 50k bench KB to read their incident ids, twice, took 0.1 s;
        # this, 0.03 s.
        rows = conn.execute(text(
            base + "AND +search_fts.rowid IN (SELECT c.rowid FROM search_text c "
            "WHERE c.document_id IN (SELECT value FROM json_each(:docs))) "
            "AND (s.incident_id IN (SELECT value FROM json_each(:ids)) "
            "OR (s.incident_id IS NULL AND s.document_id IN (SELECT value FROM json_each(:docs))))"
        ), {**params, "ids": json.dumps(ids), "docs": json.dumps(docs)})
        out = [TextMatch(r[0], r[1], r[2], r[3], r[4], -float(r[5])) for r in rows]
        out.sort(key=lambda m: (-m.rank, m.kind, m.record_id))
        return out
    # PostgreSQL: one statement, the candidates' documents ANDed with the GIN match (a row's
    # incident is always one of its own document's, as above), instead of one statement per
    # condition: "bench" on the 50k bench KB 0.07 -> 0.04 s
    rows = conn.execute(text(
        base + "AND s.document_id = ANY(:docs) "
        "AND (s.incident_id = ANY(:ids) OR s.incident_id IS NULL)"),
        {**params, "ids": ids, "docs": docs})
    out = [TextMatch(r[0], r[1], r[2], r[3], r[4], float(r[5])) for r in rows]
    out.sort(key=lambda m: (-m.rank, m.kind, m.record_id))
    return out


def _ranked_rows(conn: Connection, fts: str, docs: Sequence[str] | None,
                 excerpts: bool = True) -> list[TextMatch]:
    """Every record matching the full-text query ``fts`` (FTS5 syntax on SQLite, web-search
    syntax on PostgreSQL), or only those of the documents ``docs``, with the rank and excerpt
    ``text_matches`` and ``matches_within`` give it, in no particular order. Without
    ``excerpts``, PostgreSQL leaves each excerpt empty, for ``excerpts_of`` to give the few a
    caller shows: its ``ts_headline`` costs about 13 microseconds a row (a search word
    matching 2,742 rows of the candidates on the 50k bench KB spent 20 of its 55 ms there).
    SQLite's ``snippet`` costs 3 microseconds a row as the row is ranked, and about 17 when
    asked of one row afterwards, so SQLite gives them always. Rows are read as the driver
    gives them: thousands of SQLAlchemy rows cost more than the TextMatch built from each."""
    if conn.dialect.name == "sqlite":
        sql = ("SELECT s.kind, s.record_id, s.document_id, s.incident_id, "
               f"{SNIPPET} AS excerpt, "
               "bm25(search_fts) AS rank FROM search_fts "
               "JOIN search_text s ON s.rowid = search_fts.rowid WHERE search_fts MATCH :q")
        params: dict[str, Any] = {"q": fts}
        if docs is not None:  # as in matches_within: ``+`` keeps the test out of FTS5
            sql += (" AND +search_fts.rowid IN (SELECT c.rowid FROM search_text c "
                    "WHERE c.document_id IN (SELECT value FROM json_each(:docs)))")
            params["docs"] = json.dumps(list(docs))
        return [TextMatch(r[0], r[1], r[2], r[3], r[4], -float(r[5]))
                for r in _plain_rows(conn, sql, params)]
    sql = ("SELECT s.kind, s.record_id, s.document_id, s.incident_id, "
           f"{HEADLINE if excerpts else repr('')} AS excerpt, "
           "ts_rank(s.body_tsv, q) AS rank "
           "FROM search_text s, websearch_to_tsquery('english', :q) q "
           "WHERE s.body_tsv @@ q")
    params = {"q": fts}
    if docs is not None:
        sql += " AND s.document_id = ANY(:docs)"
        params["docs"] = list(docs)
    return [TextMatch(r[0], r[1], r[2], r[3], r[4], float(r[5]))
            for r in _plain_rows(conn, sql, params)]


def _plain_rows(conn: Connection, sql: str, params: dict[str, Any]) -> list[Any]:
    """The rows of ``sql`` as the driver gives them (tuples; no SQLAlchemy row each)."""
    result = conn.execute(text(sql), params)
    rows = list(result.cursor.fetchall()) if result.cursor is not None else []
    result.close()
    return rows


def excerpts_of(conn: Connection, query: str, row_ids: Sequence[str]) -> dict[str, str]:
    """``search_text`` row id -> the excerpt ``_ranked_rows`` gives it for the search word
    or phrase ``query`` (same function, same options), for rows matching it; for a caller
    that ranked rows without excerpts and shows a few."""
    ids = list(dict.fromkeys(row_ids))
    if not ids:
        return {}
    if conn.dialect.name == "sqlite":
        q = fts5_query(query)
        if not q:
            return {}
        # the rowids given to FTS5 (which looks each one up), not FTS5's matches walked
        rows = _plain_rows(conn, (
            f"SELECT s.id, {SNIPPET} FROM search_fts "
            "JOIN search_text s ON s.rowid = search_fts.rowid WHERE search_fts MATCH :q "
            "AND search_fts.rowid IN (SELECT c.rowid FROM search_text c "
            "WHERE c.id IN (SELECT value FROM json_each(:ids)))"),
            {"q": q, "ids": json.dumps(ids)})
    else:
        if not _WORD.search(query):
            return {}
        rows = _plain_rows(conn, (
            f"SELECT s.id, {HEADLINE} FROM search_text s, "
            "websearch_to_tsquery('english', :q) q WHERE s.id = ANY(:ids) AND s.body_tsv @@ q"),
            {"q": query, "ids": ids})
    return {r[0]: r[1] for r in rows}


def keep_within(matches: Sequence[TextMatch], incident_ids: Collection[str],
                document_ids: Collection[str]) -> list[TextMatch]:
    """What ``matches_within`` gives for these incidents (``document_ids``: their documents),
    taken from ``matches``, which must hold every record of those documents that matches
    (``common_events_ranked``'s rows of a word): a record of one of the incidents, or a
    title or untied claim of one of their documents; best first."""
    out = [m for m in matches if (m.incident_id in incident_ids if m.incident_id is not None
                                  else m.document_id in document_ids)]
    out.sort(key=lambda m: (-m.rank, m.kind, m.record_id))
    return out


def actor_incidents(conn: Connection, actors: Sequence[tuple[str, Sequence[str]]],
                    within: Sequence[str] | None = None) -> list[set[str]]:
    """For each (actor id, names) the ids of the incidents an asserted attributing claim
    (attribution, self-claim) gives to that id or to one of the names (any case): what
    ``Store.attribution_rows`` finds for one actor, for many actors in one statement and
    without the columns a search does not need (``within``: among these incidents only)."""
    if not actors:
        return []
    ids = sorted({a for a, _ in actors})
    names = sorted({n.lower() for _, ns in actors for n in ns})
    return incidents_by_actor(attributing_rows(conn, ids, names, within), actors)


#: (incident id, actor id, actor name in lower case) of an asserted attributing claim.
AttributingRow = tuple[str, str | None, str | None]


def attributing_rows(conn: Connection, actor_ids: Sequence[str], names: Sequence[str],
                     within: Sequence[str] | None = None) -> list[AttributingRow]:
    """The asserted attributing claims (attribution, self-claim) naming one of these actor
    ids or names (given in lower case, matched in any case), as (incident, actor id, lower
    name) rows; ``within``: of these incidents only."""
    c, i = t.claims.c, t.incidents.c
    terms = (c.attributed_actor_id.in_(list(actor_ids)),
             func.lower(c.attributed_actor).in_(list(names)))
    cols = (c.incident_id, c.attributed_actor_id, func.lower(c.attributed_actor).label("name"))
    asserted = (c.kind.in_(("attribution", "self-claim")), c.stance == "asserts",
                c.polarity == "asserted")
    if within is not None:
        # the candidates' claims (ix_claims_incident_kind), each tested against every name:
        # a multi-word search's candidates have fewer claims than its actors ("Bench" names
        # twenty), 0.045 -> 0.01 s for "Bench Actor 7" on the 50k bench KB
        rows = conn.execute(select(*cols).join(t.incidents, i.id == c.incident_id).where(
            c.incident_id.in_(_listed(conn, within)), *asserted, or_(*terms)))
    else:
        # one SELECT by id, one by name, UNIONed (a claim found both ways counts once either
        # way): each reads its own index (ix_claims_by_actor_id, migration 0014's
        # ix_claims_by_actor_lower), where an OR of the two read every attributing claim
        rows = conn.execute(union(*(select(*cols).join(t.incidents, i.id == c.incident_id)
                                    .where(*asserted, term) for term in terms)))
    return [(r[0], r[1], r[2]) for r in rows]


def incidents_by_actor(rows: Iterable[AttributingRow],
                       actors: Sequence[tuple[str, Sequence[str]]]) -> list[set[str]]:
    """For each (actor id, names) the incidents of ``rows`` (``attributing_rows``) naming
    that id or one of the names (any case)."""
    by_id: dict[str, set[str]] = {}
    by_name: dict[str, set[str]] = {}
    for iid, actor_id, name in rows:
        if actor_id is not None:
            by_id.setdefault(actor_id, set()).add(iid)
        if name is not None:
            by_name.setdefault(name, set()).add(iid)
    return [by_id.get(a, set()).union(*(by_name.get(n.lower(), set()) for n in ns))
            for a, ns in actors]


def groups_of(conn: Connection, incident_ids: Sequence[str]) -> dict[str, str]:
    """Incident id -> its group id, for the grouped ones among ``incident_ids``: the two
    columns a list needs, not the group rows (dates decoded) ``incident_groups_of`` reads."""
    ids = list(dict.fromkeys(incident_ids))
    g = t.incident_groups.c
    out: dict[str, str] = {}
    for start in range(0, len(ids), 5000):
        out.update((r[0], r[1]) for r in conn.execute(select(g.incident_id, g.group_id).where(
            one_of(g.incident_id, ids[start:start + 5000], conn.dialect.name))))
    return out


def event_ids(conn: Connection, incident_ids: Sequence[str]) -> set[str]:
    """The events of these incidents: each one's group id, or its own id when ungrouped."""
    ids = list(dict.fromkeys(incident_ids))
    out: set[str] = set()
    g = t.incident_groups.c
    for start in range(0, len(ids), 5000):
        chunk = ids[start:start + 5000]
        grouped = {r[0]: r[1] for r in conn.execute(select(g.incident_id, g.group_id).where(
            one_of(g.incident_id, chunk, conn.dialect.name)))}
        out.update(grouped.get(i, i) for i in chunk)
    return out


def attributing_claims(conn: Connection, states: Sequence[str], actor_ids: Sequence[str],
                       actor_names: Sequence[str]) -> list[tuple[str, str, str, str | None]]:
    """(claim id, incident id, kind, actor id) of the claims ``Store.attribution_rows`` finds
    for these states and actors, without the incident and document columns it decodes: what
    a filter on "attributed to" needs."""
    c, i, d = t.claims.c, t.incidents.c, t.documents.c
    who = attributed_to_terms(states, actor_ids, actor_names)
    if not who:
        return []
    rows = conn.execute(
        select(c.id, c.incident_id, c.kind, c.attributed_actor_id)
        .join(t.incidents, i.id == c.incident_id)
        .join(t.documents, d.id == c.document_id)
        .where(c.kind.in_(("attribution", "self-claim")), c.stance == "asserts",
               c.polarity == "asserted", or_(*who)))
    return [(r[0], r[1], r[2], r[3]) for r in rows]


@dataclass(frozen=True, slots=True)
class WordReach:
    """What one word of a multi-word search reaches besides its text matches: incidents
    attributed to these actors (ids, or names in lower case), against this country, or
    given outright."""

    query: str
    actor_ids: tuple[str, ...] = ()
    actor_names: tuple[str, ...] = ()
    country: str | None = None
    incident_ids: tuple[str, ...] = ()


def _listed(conn: Connection, values: Sequence[str]) -> Select[Any]:
    """A SELECT of ``values`` bound as one parameter (a JSON array on SQLite, an array on
    PostgreSQL), for ``IN``: any number of ids, where a list of bound values has a limit."""
    if conn.dialect.name == "sqlite":
        listed = func.json_each(bindparam(None, json.dumps(list(values)))).table_valued("value")
        return select(listed.c.value)
    return select(func.unnest(bindparam(None, list(values), type_=ARRAY(Text))))


def _id_list(conn: Connection, name: str, params: dict[str, Any], values: Sequence[str]
             ) -> str:
    """A subquery listing ``values``, bound as one parameter (a JSON array on SQLite, an
    array on PostgreSQL): thousands of ids without thousands of bound parameters."""
    if conn.dialect.name == "sqlite":
        params[name] = json.dumps(list(values))
        return f"(SELECT value FROM json_each(:{name}))"
    params[name] = list(values)
    return f"(SELECT unnest(CAST(:{name} AS text[])))"


def _word_parts(conn: Connection, k: int, w: WordReach, params: dict[str, Any],
                expanding: list[str], members: str | None = None, docs: str | None = None,
                text_parts: bool = True, actor_part: bool = True) -> list[str] | None:
    """The SELECTs of the incident ids word ``w`` reaches (text matches, its actors',
    country's or given incidents); with ``members``/``docs`` (subqueries listing incident
    ids and their documents) only among those; without the text matches unless
    ``text_parts``, without its actors' unless ``actor_part``. None when the word reaches
    nothing that way. Each SELECT names its column ``id`` (the first of a UNION names the
    column)."""
    sqlite = conn.dialect.name == "sqlite"
    if sqlite:
        q = fts5_query(w.query)
        match = ("SELECT s.incident_id, s.document_id FROM search_fts JOIN search_text s "
                 f"ON s.rowid = search_fts.rowid WHERE search_fts MATCH :q{k}")
        # unary + keeps SQLite from driving by rowid (every match of a common word) rather
        # than by the candidates' documents (ix_search_text_document_id)
        matches = f"+s.rowid IN (SELECT rowid FROM search_fts WHERE search_fts MATCH :q{k})"
    else:
        q = w.query if _WORD.search(w.query) else ""
        match = ("SELECT s.incident_id, s.document_id FROM search_text s WHERE "
                 f"s.body_tsv @@ websearch_to_tsquery('english', :q{k})")
        matches = f"s.body_tsv @@ websearch_to_tsquery('english', :q{k})"
    parts = []
    if q and text_parts:
        params[f"q{k}"] = q
        if docs is None:
            parts += [f"SELECT m.incident_id AS id FROM ({match}) m "
                      "WHERE m.incident_id IS NOT NULL",
                      f"SELECT i.id FROM ({match}) m JOIN incidents i "
                      "ON i.document_id = m.document_id WHERE m.incident_id IS NULL"]
        else:  # the candidates' rows, each tested against the word's matches
            parts += [f"SELECT s.incident_id AS id FROM search_text s WHERE s.document_id IN "
                      f"{docs} AND s.incident_id IS NOT NULL AND {matches}",
                      "SELECT i.id FROM search_text s JOIN incidents i ON i.document_id = "
                      f"s.document_id WHERE s.document_id IN {docs} AND s.incident_id IS NULL "
                      f"AND {matches}"]
    among = "" if members is None else f"c.incident_id IN {members} AND "
    if actor_part and (w.actor_ids or w.actor_names):
        params[f"a{k}"] = list(w.actor_ids) or [""]
        params[f"n{k}"] = list(w.actor_names) or [""]
        expanding += [f"a{k}", f"n{k}"]
        parts.append("SELECT c.incident_id AS id FROM claims c JOIN incidents i "
                     f"ON i.id = c.incident_id WHERE {among}c.kind IN ('attribution', "
                     "'self-claim') AND c.stance = 'asserts' AND c.polarity = 'asserted' AND "
                     f"(c.attributed_actor_id IN :a{k} OR lower(c.attributed_actor) IN :n{k})")
    if w.country:
        params[f"c{k}"] = w.country
        parts.append("SELECT incident_id AS id FROM incident_targets WHERE "
                     + ("" if members is None else f"incident_id IN {members} AND ")
                     + f"country = :c{k}")
    if w.incident_ids:
        params[f"i{k}"] = list(w.incident_ids)
        expanding.append(f"i{k}")
        parts.append(f"SELECT id FROM incidents WHERE id IN :i{k}")
    return parts or None


def _run(conn: Connection, sql: str, params: dict[str, Any], expanding: list[str]
         ) -> set[str]:
    stmt = text(sql).bindparams(*(bindparam(name, expanding=True) for name in expanding))
    return {r[0] for r in conn.execute(stmt, params)}


def _breadth(conn: Connection, w: WordReach) -> tuple[bool, int, int]:
    """A cheap guess of how many records a word reaches, narrowest first: words reaching
    actors', a country's or a kind's incidents are broad; then (SQLite) how many rows its
    full-text query matches (counted in the FTS index alone), then the longer word."""
    broad = bool(w.actor_ids or w.actor_names or w.country or w.incident_ids)
    rows = 0
    if conn.dialect.name == "sqlite" and fts5_query(w.query):
        rows = int(conn.execute(text("SELECT count(*) FROM search_fts WHERE search_fts MATCH :q"),
                                {"q": fts5_query(w.query)}).scalar_one())
    return broad, rows, -len(w.query)


#: Reports of the candidate events up to which a further word is tested on those reports
#: only; past it, the word's own events are read and intersected.
RESTRICT_MAX = 20_000
#: Full-text rows (SQLite's count) up to which the narrowest word's matches are ranked as
#: they are read whole, so that its ranking among the common events needs no statement of
#: its own (``common_events_ranked``); a word matching more is ranked later, among them.
RANK_WHOLE_MAX = 20_000
#: The same on PostgreSQL, where an excerpt (``ts_headline``) costs about 12 microseconds a
#: row against SQLite's 3 (``snippet``).
RANK_WHOLE_MAX_PG = 5_000


def _pg_rows(conn: Connection, query: str, cap: int) -> int:
    """How many ``search_text`` rows match ``query`` on PostgreSQL, counted up to ``cap`` + 1
    (a common word's 97,551 rows on the 50k bench KB: 44 ms counted whole, a few capped)."""
    return int(conn.execute(text(
        "SELECT count(*) FROM (SELECT 1 FROM search_text s WHERE s.body_tsv "
        "@@ websearch_to_tsquery('english', :q) LIMIT :n) m"),
        {"q": query, "n": cap + 1}).scalar_one())


def common_events(conn: Connection, words: Sequence[WordReach]) -> set[str]:
    """The events (group ids, or an ungrouped incident's id) every word reaches: its text
    matches, its actors', country's or given incidents (``common_events_ranked``)."""
    return common_events_ranked(conn, words).events


class CommonEvents(NamedTuple):
    """What ``common_events_ranked`` found: the events; each word's ranked text matches where
    they were read on the way (else None); the events' reports (incident id -> event) when
    the last word was tested on them (else None: the caller reads them); and then also the
    asserted attributing claims of every word's actors among those reports and more
    (``attributing_rows``), when a word has actors."""

    events: set[str]
    ranked: list[list[TextMatch] | None]
    members: dict[str, str] | None = None
    attributions: list[AttributingRow] | None = None


def common_events_ranked(conn: Connection, words: Sequence[WordReach], excerpts: bool = True
                         ) -> CommonEvents:
    """The events (group ids, or an ungrouped incident's id) every word reaches: its text
    matches, its actors', country's or given incidents; and for each word, when they were
    read on the way, its ranked text matches (``_ranked_rows``, with ``excerpts`` or not)
    among every report of those events' documents and more (for ``keep_within``), else None;
    and the events' reports, when read.

    The narrowest word's events are read first (``_breadth``); each further word is then
    tested on the reports of the events still common only (its ranked matches among their
    documents' rows, its actors' claims and its country's targets among them), so a word
    matching most of the knowledge base ("bench" in "Bench Actor 7") costs what the few
    common events cost, and is ranked in the same statement that tests it. A narrow word
    read whole is ranked whole, and its text reaches the incidents of its ranked rows: its
    matches are not read a second time to list them. The attributing claims of every word's
    actors among the reports are read once, when the reports are first read, and each word
    takes its actors' (one statement, where each word read its own and the caller read them
    all again: "Bench" and "Actor" name the same twenty actors)."""
    ranked: list[list[TextMatch] | None] = [None] * len(words)
    if not words:
        return CommonEvents(set(), ranked)
    breadth = {k: _breadth(conn, words[k]) for k in range(len(words))}
    order = sorted(range(len(words)), key=lambda k: (breadth[k], k))
    events: set[str] | None = None
    read: tuple[dict[str, str], dict[str, list[str]]] | None = None  # the members, once read
    claims: list[AttributingRow] | None = None  # every word's actors' claims among them
    actor_ids = sorted({a for w in words for a in w.actor_ids})
    actor_names = sorted({n for w in words for n in w.actor_names})
    for k in order:
        params: dict[str, Any] = {}
        expanding: list[str] = []
        if events is not None and not events:
            return CommonEvents(set(), ranked)
        if events is not None and len(events) <= RESTRICT_MAX:
            if read is None:
                read = _members(conn, events)
            else:  # the members of the events still common, from those read before
                member_of = {i: e for i, e in read[0].items() if e in events}
                read = member_of, {d: kept for d, ids in read[1].items()
                                   if (kept := [i for i in ids if i in member_of])}
        else:
            read = None
        member_of, docs = read if read is not None else ({}, {})
        if events is None or len(events) > RESTRICT_MAX or len(member_of) > RESTRICT_MAX:
            read = None
            if conn.dialect.name == "sqlite":
                fts = fts5_query(words[k].query)
                narrow = 0 < breadth[k][1] <= RANK_WHOLE_MAX
            else:  # no row count in _breadth there: one capped count, of this word only
                fts = words[k].query if _WORD.search(words[k].query) else ""
                narrow = bool(fts) and 0 < _pg_rows(conn, fts, RANK_WHOLE_MAX_PG) \
                    <= RANK_WHOLE_MAX_PG
            if fts and narrow:  # ranked whole, once; its rows say what its text reaches
                rows = ranked[k] = _ranked_rows(conn, fts, None, excerpts)
                selects = _word_parts(conn, k, words[k], params, expanding,
                                      text_parts=False) or []
                tied = sorted({m.incident_id for m in rows if m.incident_id is not None})
                untied = sorted({m.document_id for m in rows if m.incident_id is None})
                if tied:
                    selects.append(_id_rows(conn, f"t{k}", params, tied))
                if untied:  # a title or untied claim reaches its document's incidents
                    selects.append("SELECT i.id FROM incidents i WHERE i.document_id IN "
                                   + _id_list(conn, f"u{k}", params, untied))
            else:
                whole = _word_parts(conn, k, words[k], params, expanding)
                if whole is None:
                    return CommonEvents(set(), ranked)
                selects = whole
            found = _run(conn, f"SELECT COALESCE(g.group_id, x.id) FROM "
                         f"({' UNION '.join(selects)}) x "
                         "LEFT JOIN incident_groups g ON g.incident_id = x.id",
                         params, expanding) if selects else set()
            events = found if events is None else events & found
            continue
        members = _id_list(conn, f"m{k}", params, list(member_of))
        in_docs = _id_list(conn, f"d{k}", params, list(docs))
        w = words[k]
        parts = _word_parts(conn, k, w, params, expanding, members, in_docs,
                            text_parts=False, actor_part=False)
        fts = (fts5_query(w.query) if conn.dialect.name == "sqlite"
               else w.query if _WORD.search(w.query) else "")
        if parts is None and not fts and not (w.actor_ids or w.actor_names):
            return CommonEvents(set(), ranked)
        reached = _run(conn, " UNION ".join(parts), params, expanding) if parts else set()
        if w.actor_ids or w.actor_names:
            if claims is None:  # the reports' claims naming any word's actors, read once
                claims = attributing_rows(conn, actor_ids, actor_names, list(member_of))
            ids, names = set(w.actor_ids), set(w.actor_names)
            reached.update(iid for iid, actor, name in claims if iid in member_of and (
                actor in ids or name in names))
        if fts:  # the word's matches among the members' documents, ranked as they are read
            rows = ranked[k] = _ranked_rows(conn, fts, list(docs), excerpts)
            for m in rows:  # a title or untied claim reaches its document's incidents
                reached.update([m.incident_id] if m.incident_id is not None
                               else docs.get(m.document_id, ()))
        events = {member_of[i] for i in reached if i in member_of}
    events = events or set()
    if read is None:
        return CommonEvents(events, ranked)
    reports = {i: e for i, e in read[0].items() if e in events}
    if claims is None and (actor_ids or actor_names):  # no word tested on the reports had any
        claims = attributing_rows(conn, actor_ids, actor_names, list(reports))
    return CommonEvents(events, ranked, reports, claims)


def _id_rows(conn: Connection, name: str, params: dict[str, Any], values: Sequence[str]
             ) -> str:
    """A SELECT of ``values`` as a column ``id``, bound as one parameter (``_id_list``)."""
    if conn.dialect.name == "sqlite":
        params[name] = json.dumps(list(values))
        return f"SELECT value AS id FROM json_each(:{name})"
    params[name] = list(values)
    return f"SELECT unnest(CAST(:{name} AS text[])) AS id"


def _members(conn: Connection, events: set[str]) -> tuple[dict[str, str], dict[str, list[str]]]:
    """The reports of these events (incident id -> event) and their documents (document ->
    those of its incidents among them): a group's members, or the incident itself for an
    ungrouped one."""
    params: dict[str, Any] = {}
    listed = _id_list(conn, "e", params, sorted(events))
    member_of: dict[str, str] = {}
    docs: dict[str, list[str]] = {}
    rows = conn.execute(text(
        "SELECT g.incident_id, g.group_id, i.document_id FROM incident_groups g JOIN incidents "
        f"i ON i.id = g.incident_id WHERE g.group_id IN {listed} UNION ALL "
        "SELECT i.id, i.id, i.document_id FROM incidents i LEFT JOIN incident_groups g ON "
        f"g.incident_id = i.id WHERE i.id IN {listed} AND g.incident_id IS NULL"), params)
    for iid, event, doc in rows:
        member_of[iid] = event
        docs.setdefault(doc, []).append(iid)
    return member_of, dict(sorted(docs.items()))


@dataclass(frozen=True, slots=True)
class AttributedTo:
    """An "attributed to" filter as SQL applies it: the asserted attributing claims naming
    these states, actor ids or actor names (any case), except the ``dropped`` (rejected)
    claims and, for a state (``state``), self-claims by a group other than ``actor_ids``
    (a group's own claim names no sponsor). What ``analysis.search.find_incidents`` keeps
    from ``attributing_claims``, in one statement."""

    states: tuple[str, ...] = ()
    actor_ids: tuple[str, ...] = ()
    actor_names: tuple[str, ...] = ()
    state: bool = False
    dropped: tuple[str, ...] = ()


def against_and_during(q: Select[Any], target: str | None, since: Any, until: Any,
                       incidents: FromClause = t.incidents) -> Select[Any]:
    """``q`` (a select over incidents) kept to incidents against ``target`` whose interval
    overlaps [since, until]; undated incidents are left out when either bound is given. The
    one definition of the list filters, for ``Store.incidents`` and the web lists
    (``incidents``: the incidents table as ``q`` reads it, e.g. ``indexed_by`` it)."""
    i = incidents.c
    if target is not None:
        q = q.join(t.incident_targets, t.incident_targets.c.incident_id == i.id).where(
            t.incident_targets.c.country == target)
    if since is not None:
        q = q.where(i.time_end >= since)
    if until is not None:
        q = q.where(i.time_start <= until)
    return q


def _heads(target: str | None, since: Any, until: Any, attributed: AttributedTo | None,
           dropped: Sequence[str]) -> Select[Any] | None:
    """(event, incident id, start as ISO text) of every incident against ``target``,
    overlapping [since, until] (undated ones left out when either is given), attributed as
    ``attributed`` says, not among ``dropped``; None when ``attributed`` names no one. The
    event is the incident's group, else the incident itself."""
    # on SQLite each kept incident's start and group are read from migration 0017's
    # covering indexes (one probe each, not an index probe and a table row each: Iran's list
    # of 18,274 incidents on the 50k bench KB, 120-144 -> 55-58 ms), named because SQLite's
    # planner takes the primary key's index; not when only dates bound the list, which
    # ix_incidents_time serves as a range
    incidents: FromClause = t.incidents
    if target is not None or attributed is not None or (since is None and until is None):
        incidents = indexed_by(t.incidents, "ix_incidents_id_start")
    groups = indexed_by(t.incident_groups, "ix_incident_groups_member")
    i, g, c = incidents.c, groups.c, t.claims.c
    q = (select(func.coalesce(g.group_id, i.id).label("ev"), i.id.label("id"),
                cast(i.time_start, Text).label("start"))
         .select_from(incidents.outerjoin(groups, g.incident_id == i.id)))
    q = against_and_during(q, target, since, until, incidents)
    if dropped:
        q = q.where(i.id.not_in(list(dropped)))
    if attributed is not None:
        who = attributed_to_terms(attributed.states, attributed.actor_ids,
                                  attributed.actor_names)
        if not who:
            return None
        # one SELECT per kind of name, UNIONed: each reads its own covering index
        # (ix_claims_asserted_state, _asserted_actor_id, migration 0016); an OR of the
        # three made SQLite scan every attributing claim through ix_claims_kind. No join
        # with documents: a claim's document_id is NOT NULL and a foreign key (enforced on
        # both databases), so every claim has its document
        parts = []
        for term in who:
            part = (select(c.incident_id)
                    .where(c.kind.in_(("attribution", "self-claim")), c.stance == "asserts",
                           c.polarity == "asserted", term))
            if attributed.dropped:
                part = part.where(c.id.not_in(list(attributed.dropped)))
            if attributed.state:
                foreign: ColumnElement[bool] = c.attributed_actor_id.is_(None)
                if attributed.actor_ids:
                    foreign = or_(foreign,
                                  c.attributed_actor_id.not_in(list(attributed.actor_ids)))
                part = part.where(~and_(c.kind == "self-claim", foreign))
            parts.append(part)
        claims = union(*parts) if len(parts) > 1 else parts[0]
        q = q.where(i.id.in_(claims))
    return q


#: Sorts ``event_page`` knows: latest first, earliest first, fewest or most reports.
EVENT_SORTS = ("-date", "date", "reports", "-reports")


def event_page(conn: Connection, *, sort: str, offset: int, limit: int,
               target: str | None = None, since: Any = None, until: Any = None,
               attributed: AttributedTo | None = None, dropped: Sequence[str] = ()
               ) -> tuple[int, list[tuple[str, list[str]]]]:
    """The number of events (incident groups) among the incidents ``_heads`` keeps, and one
    page of them in ``sort`` order, each with its kept incidents' ids. Grouped, counted and
    sorted by the database; ties by the event's first report (earliest start, undated last,
    then id), as the web list orders rows built from whole records."""
    heads_q = _heads(target, since, until, attributed, dropped)
    if heads_q is None:
        return 0, []
    heads = heads_q.subquery()
    undated = "9999-12-31"  # dt.date.max, after every date, as the list sorts undated events
    first = func.min(func.coalesce(heads.c.start, undated).concat(heads.c.id))
    evs = (select(heads.c.ev, func.min(heads.c.start).label("start"),
                  func.count().label("n"), first.label("first"),
                  func.aggregate_strings(heads.c.id, ",").label("ids"))
           .group_by(heads.c.ev).subquery())
    order: list[Any]
    if sort == "-date":
        order = [case((evs.c.start.is_(None), 1), else_=0), evs.c.start.desc(), evs.c.first]
    elif sort == "date":
        order = [func.coalesce(evs.c.start, undated), evs.c.first]
    elif sort == "reports":  # ties by the first report's id alone (after its 10-char date)
        order = [evs.c.n, func.substr(evs.c.first, 11)]
    elif sort == "-reports":
        order = [evs.c.n.desc(), func.substr(evs.c.first, 11)]
    else:
        raise ValueError(f"event_page cannot sort by {sort!r}")
    rows = conn.execute(select(evs.c.ev, evs.c.ids, func.count().over()).order_by(*order)
                        .offset(offset).limit(limit)).all()
    if rows:
        total = int(rows[0][2])
    else:
        total = int(conn.execute(select(func.count()).select_from(evs)).scalar_one())
    return total, [(r[0], sorted(r[1].split(","))) for r in rows]

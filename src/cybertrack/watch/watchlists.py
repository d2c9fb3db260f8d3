"""Watchlists: what a team wants to hear about, and every new claim or incident that matches.

A watchlist holds criteria: threat actors (stored with every alias the reference data knows,
so "Fancy Bear" matches a list made for APT28), states an operation is attributed to or a
response comes from, target countries, incident kinds and claim kinds. A record matches when
**every** criterion given holds for it (within one criterion, any value will do): an incident
by its kinds, targets and the asserted attributions its own document makes about it; a claim
by its kind, the states and actor it names and the targets and kinds of its incident.

Each hit is recorded once (``watchlist_hits``), so a record reported is never reported again,
whichever command stored it (``ingest`` or ``watch``), and then told to: the terminal, the
watchlist's JSON lines file (appended, one object per hit), its webhook (a JSON POST, to
public addresses only unless the watchlist was made with ``--allow-private-urls``), and its Atom
feed (``atom_feed``: the latest hits, which the web application can serve).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from cybertrack.errors import CybertrackError, IngestError, NotFoundError, WatchError
from cybertrack.model import Claim, Incident
from cybertrack.store import Store
from cybertrack.store import watch_queries as queries

log = logging.getLogger(__name__)

#: Longest watchlist name: it appears in file names, URLs and Atom ids.
NAME_CHARS = 64
#: Hits an Atom feed holds (the latest).
ATOM_ENTRIES = 100
#: Claim kinds a watchlist can ask for (an incident report is matched as its incident).
CLAIM_KINDS = ("attribution", "self-claim", "denial", "response")


@dataclass(frozen=True)
class Criteria:
    """What a watchlist asks for; an empty tuple asks nothing of that facet."""

    actors: tuple[str, ...] = ()
    #: Case-folded names and aliases of ``actors``, and their reference ids.
    actor_keys: tuple[str, ...] = ()
    states: tuple[str, ...] = ()
    targets: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    claim_kinds: tuple[str, ...] = ()

    def empty(self) -> bool:
        return not (self.actors or self.states or self.targets or self.kinds
                    or self.claim_kinds)

    def describe(self) -> str:
        parts = [f"{k} {', '.join(v)}" for k, v in (
            ("actor", self.actors), ("state", self.states), ("target", self.targets),
            ("kind", self.kinds), ("claim", self.claim_kinds)) if v]
        return "; ".join(parts)


@dataclass(frozen=True)
class Watchlist:
    name: str
    criteria: Criteria
    jsonl: str | None = None
    webhook: str | None = None
    allow_private: bool = False
    created_at: str = ""


@dataclass(frozen=True)
class Facets:
    """What one record offers to match on."""

    record_kind: str  # incident | claim
    record_id: str
    document_id: str
    claim_kind: str | None
    states: frozenset[str]
    actors: frozenset[str]
    targets: frozenset[str]
    kinds: frozenset[str]
    summary: str


@dataclass(frozen=True)
class Hit:
    """One record that matched one watchlist, as reported."""

    watchlist: str
    record_kind: str
    record_id: str
    document_id: str
    summary: str
    found_at: str
    document_title: str | None = None
    source: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


# ---- defining watchlists -------------------------------------------------------------------

def make_criteria(*, actors: Sequence[str] = (), states: Sequence[str] = (),
                  targets: Sequence[str] = (), kinds: Sequence[str] = (),
                  claim_kinds: Sequence[str] = ()) -> Criteria:
    """Criteria from names as a person types them: actors and countries are looked up in the
    reference data (unknown ones are refused with suggestions), kinds checked against the
    vocabulary."""
    from cybertrack.reference import load_reference
    from cybertrack.vocab import INCIDENT_KINDS

    ref = load_reference()
    keys: set[str] = set()
    names: list[str] = []
    for name in actors:
        entry = ref.actor(name)
        names.append(entry.name)
        keys.update(a.casefold() for a in (name, entry.name, *entry.aliases))
        keys.add(entry.id)
    for kind in kinds:
        if kind not in INCIDENT_KINDS:
            raise WatchError(f"--kind {kind!r}: not an incident kind; choose from "
                             f"{', '.join(INCIDENT_KINDS)}")
    for kind in claim_kinds:
        if kind not in CLAIM_KINDS:
            raise WatchError(f"--claim {kind!r}: choose from {', '.join(CLAIM_KINDS)}")
    criteria = Criteria(
        actors=tuple(dict.fromkeys(names)), actor_keys=tuple(sorted(keys)),
        states=tuple(dict.fromkeys(ref.country(s).code for s in states)),
        targets=tuple(dict.fromkeys(ref.country(s).code for s in targets)),
        kinds=tuple(dict.fromkeys(kinds)), claim_kinds=tuple(dict.fromkeys(claim_kinds)))
    if criteria.empty():
        raise WatchError("a watchlist needs at least one criterion: --actor, --state, "
                         "--target, --kind or --claim")
    return criteria


def check_name(name: str) -> str:
    """A watchlist name: letters, digits, '-', '_' and '.', at most ``NAME_CHARS``."""
    ok = name and len(name) <= NAME_CHARS and all(c.isalnum() or c in "-_." for c in name)
    if not ok or name.startswith("."):
        raise WatchError(f"watchlist name {name!r}: use 1 to {NAME_CHARS} letters, digits, "
                         "'-', '_' or '.' (not starting with '.')")
    return name


def _check_webhook(url: str, allow_private: bool) -> None:
    """Refuse now what can be refused without the network: not http(s), no host, a host
    that is a loopback or private address literal (unless ``allow_private``) or 'localhost'.
    Names are resolved, and every address checked, when the webhook is called."""
    from urllib.parse import urlsplit

    from cybertrack.ingest.net import ALLOW_HINT, address_refusal, check_url

    try:
        check_url(url, allow_private=True)
    except IngestError as exc:
        raise WatchError(f"--webhook {exc}") from None
    host = (urlsplit(url).hostname or "").strip("[]")
    why = address_refusal(host)
    if host.casefold() == "localhost" or host.casefold().endswith(".localhost"):
        why = "a loopback address"
    if not allow_private and why and why != "not an IP address":
        raise WatchError(f"--webhook {url}: refused: {host} is {why}; {ALLOW_HINT}")


def add_watchlist(store: Store, watchlist: Watchlist) -> Watchlist:
    """Store a new watchlist (``WatchError`` if the name is taken). A webhook is checked
    now as far as it can be without the network (``_check_webhook``)."""
    check_name(watchlist.name)
    if watchlist.webhook:
        _check_webhook(watchlist.webhook, watchlist.allow_private)
    made = Watchlist(watchlist.name, watchlist.criteria, watchlist.jsonl, watchlist.webhook,
                     watchlist.allow_private, watchlist.created_at or _now())
    if queries.watchlist_exists(store, made.name):
        raise WatchError(f"a watchlist named {made.name!r} exists; remove it first "
                         "(`cybertrack watchlist remove`) or choose another name")
    queries.insert_watchlist(store, dict(
        name=made.name, criteria=json.dumps(asdict(made.criteria), sort_keys=True),
        jsonl=made.jsonl, webhook=made.webhook, allow_private=int(made.allow_private),
        created_at=made.created_at))
    return made


def _row_to_watchlist(row: Any) -> Watchlist:
    raw = json.loads(row["criteria"])
    criteria = Criteria(**{k: tuple(v) for k, v in raw.items()})
    return Watchlist(row["name"], criteria, row["jsonl"], row["webhook"],
                     bool(row["allow_private"]), row["created_at"])


def watchlists(store: Store) -> list[Watchlist]:
    """Every watchlist, by name."""
    return [_row_to_watchlist(r) for r in queries.watchlist_rows(store)]


def remove_watchlist(store: Store, name: str) -> int:
    """Delete a watchlist and its hits; returns how many hits went with it."""
    return queries.delete_watchlist(store, name)


# ---- matching ------------------------------------------------------------------------------

def facets(store: Store, document_ids: Iterable[str]) -> list[Facets]:
    """The incidents and claims (incident reports aside) of these documents, as facets."""
    out: list[Facets] = []
    ids = list(dict.fromkeys(document_ids))
    infos = store.documents_info(ids)
    for doc_id in ids:
        incidents = {i.id: i for i in store.incidents(document_id=doc_id)}
        claims = store.claims(document_id=doc_id)
        title = infos[doc_id].title if doc_id in infos else None
        asserted: dict[str, tuple[set[str], set[str]]] = {}
        for c in claims:
            if c.kind == "attribution" and c.incident_id and c.polarity == "asserted" \
                    and c.stance == "asserts":
                states, actors = asserted.setdefault(c.incident_id, (set(), set()))
                states.update(x for x in (c.attributed_state,) if x)
                actors.update(_actor_keys(c))
        for inc in incidents.values():
            states, actors = asserted.get(inc.id, (set(), set()))
            out.append(Facets("incident", inc.id, doc_id, None, frozenset(states),
                              frozenset(actors), frozenset(inc.targets),
                              frozenset(inc.kinds), _incident_line(inc, states, title)))
        for c in claims:
            if c.kind == "incident-report":
                continue
            about = incidents.get(c.incident_id or "")
            targets = set(about.targets if about else ()) | ({c.target_state} - {None})
            states = {x for x in (c.attributed_state, c.actor_state) if x}
            out.append(Facets("claim", c.id, doc_id, c.kind, frozenset(states),
                              frozenset(_actor_keys(c)), frozenset(str(x) for x in targets),
                              frozenset(about.kinds if about else ()), _claim_line(c, title)))
    return out


def _actor_keys(c: Claim) -> set[str]:
    return {x for x in (c.attributed_actor.casefold() if c.attributed_actor else None,
                        c.attributed_actor_id) if x}


def matches(criteria: Criteria, f: Facets) -> bool:
    """Whether one record meets every criterion given (see the module docstring)."""
    if criteria.claim_kinds and f.claim_kind not in criteria.claim_kinds:
        return False
    return all(not wanted or bool(set(wanted) & have) for wanted, have in (
        (criteria.actor_keys, f.actors), (criteria.states, f.states),
        (criteria.targets, f.targets), (criteria.kinds, f.kinds)))


def _incident_line(inc: Incident, states: set[str], title: str | None) -> str:
    what = " / ".join(inc.kinds) or "incident"
    where = ", ".join(inc.targets) or "unknown target"
    when = f" ({inc.time.text or inc.time.start.isoformat()})" if inc.time else ""
    by = f", attributed to {', '.join(sorted(states))}" if states else ""
    return f"{what} against {where}{when}{by}" + (f" - {title}" if title else "")


def _claim_line(c: Claim, title: str | None) -> str:
    who = c.claimant.name if c.claimant else "the publisher"
    if c.kind == "attribution":
        to = " / ".join(x for x in (c.attributed_actor, c.attributed_state) if x) or "?"
        how = f" ({c.confidence})" if c.confidence else ""
        verb = "attributes" if c.polarity == "asserted" else f"({c.polarity}) attributes"
        line = f"{who} {verb} it to {to}{how}"
    elif c.kind == "response":
        line = (f"{c.actor_state or who}: {c.action or 'responds'}"
                + (f" against {c.target_state}" if c.target_state else ""))
    else:
        line = f"{who}: {c.kind}"
    sentence = " ".join(c.sentence_text.split())
    return f"{line}: \u201c{sentence[:200]}\u201d" + (f" - {title}" if title else "")


def find_hits(store: Store, document_ids: Iterable[str],
              lists: Sequence[Watchlist] | None = None) -> list[tuple[Watchlist, Hit]]:
    """Match the records of these documents against every watchlist and record the hits
    not recorded before (a record is reported once per watchlist); returns those."""
    lists = watchlists(store) if lists is None else lists
    ids = list(dict.fromkeys(document_ids))
    if not lists or not ids:
        return []
    infos = store.documents_info(ids)
    now = _now()
    found: list[tuple[Watchlist, Hit]] = []
    for f in facets(store, ids):
        for wl in lists:
            if matches(wl.criteria, f):
                info = infos.get(f.document_id)
                found.append((wl, Hit(wl.name, f.record_kind, f.record_id, f.document_id,
                                      f.summary, now, info.title if info else None,
                                      info.source if info else None)))
    if not found:
        return []
    fresh = queries.record_hits(store, [dict(
        watchlist=hit.watchlist, record_id=hit.record_id, record_kind=hit.record_kind,
        document_id=hit.document_id, summary=hit.summary, found_at=hit.found_at)
        for _, hit in found])
    return [pair for pair, new in zip(found, fresh, strict=True) if new]


# ---- reporting -----------------------------------------------------------------------------

Poster = Callable[[str, bytes, bool], int]
"""Sends a webhook: (url, JSON body, allow_private) -> HTTP status; raises on failure."""


def _post(url: str, body: bytes, allow_private: bool) -> int:
    from cybertrack.ingest.net import post_json

    return post_json(url, body, allow_private=allow_private)


def notify(hits: Sequence[tuple[Watchlist, Hit]], say: Callable[[str], None],
           post: Poster = _post) -> list[str]:
    """Tell each hit to the terminal (``say``), its watchlist's JSON lines file and webhook.
    A file or webhook that fails is one line (returned and said); the others go on."""
    problems: list[str] = []
    for wl, hit in hits:
        say(f"[{wl.name}] {hit.record_kind} {hit.record_id[:12]}: {hit.summary}")
    by_list: dict[str, list[Hit]] = {}
    lists = {wl.name: wl for wl, _ in hits}
    for wl, hit in hits:
        by_list.setdefault(wl.name, []).append(hit)
    for name, group in by_list.items():
        wl = lists[name]
        lines = "".join(json.dumps(h.to_json(), ensure_ascii=False, sort_keys=True) + "\n"
                        for h in group)
        if wl.jsonl:
            try:
                with Path(wl.jsonl).expanduser().open("a", encoding="utf-8") as fh:
                    fh.write(lines)
            except OSError as exc:
                problems.append(f"watchlist {name}: cannot append to {wl.jsonl}: {exc}")
        if wl.webhook:
            body = json.dumps({"watchlist": name, "hits": [h.to_json() for h in group]},
                              ensure_ascii=False).encode()
            try:
                post(wl.webhook, body, wl.allow_private)
            except (CybertrackError, OSError) as exc:
                problems.append(f"watchlist {name}: webhook {wl.webhook} failed: {exc}")
    for line in problems:
        say(line)
        log.warning("%s", line)
    return problems


def report_new(store: Store, document_ids: Iterable[str], console: Any,
               post: Poster = _post) -> list[tuple[Watchlist, Hit]]:
    """Find and report the hits of these (new) documents; nothing is read when no watchlist
    is defined."""
    lists = watchlists(store)
    if not lists:
        return []
    hits = find_hits(store, document_ids, lists)
    notify(hits, lambda line: console.print(line, highlight=False), post)
    return hits


def hits(store: Store, name: str, limit: int = ATOM_ENTRIES) -> list[Hit]:
    """A watchlist's latest hits, newest first."""
    if not any(wl.name == name for wl in watchlists(store)):
        raise NotFoundError("watchlist", name)
    rows = queries.hit_rows(store, name, limit)
    infos = store.documents_info({r["document_id"] for r in rows})
    return [Hit(r["watchlist"], r["record_kind"], r["record_id"], r["document_id"],
                r["summary"], r["found_at"],
                infos[r["document_id"]].title if r["document_id"] in infos else None,
                infos[r["document_id"]].source if r["document_id"] in infos else None)
            for r in rows]


def atom_feed(store: Store, name: str, *, base_url: str = "",
              limit: int = ATOM_ENTRIES) -> str:
    """The Atom 1.0 feed of a watchlist's latest hits (newest first), as XML text.

    ``base_url`` is where the web application runs (``https://kb.example.org``): entries then
    link to the incident or document page there (``/incident/ID``, ``/document/ID``). Every
    value is escaped; nothing from a document can break out of its element."""
    wl = next((w for w in watchlists(store) if w.name == name), None)
    if wl is None:
        raise NotFoundError("watchlist", name)
    entries = hits(store, name, limit)
    updated = entries[0].found_at if entries else wl.created_at
    base = base_url.rstrip("/")
    out = ['<?xml version="1.0" encoding="utf-8"?>',
           '<feed xmlns="http://www.w3.org/2005/Atom">',
           f"<id>urn:cybertrack:watchlist:{escape(name)}</id>",
           f"<title>{escape(f'cybertrack watchlist {name}')}</title>",
           f"<subtitle>{escape(wl.criteria.describe())}</subtitle>",
           f"<updated>{escape(_atom_time(updated))}</updated>",
           "<author><name>cybertrack</name></author>",
           '<generator uri="https://github.com/">cybertrack</generator>']
    if base:
        out.append(f"<link rel=\"self\" href={quoteattr(f'{base}/watchlists/{name}.atom')}/>")
    for hit in entries:
        title = f"{hit.record_kind}: {hit.summary}"
        out += ["<entry>",
                f"<id>urn:cybertrack:watchlist:{escape(name)}:{escape(hit.record_id)}</id>",
                f"<title>{escape(_clean(title)[:300])}</title>",
                f"<updated>{escape(_atom_time(hit.found_at))}</updated>",
                f"<summary>{escape(_clean(hit.summary))}</summary>"]
        if base:
            page = (f"{base}/incident/{hit.record_id}" if hit.record_kind == "incident"
                    else f"{base}/document/{hit.document_id}")
            out.append(f"<link href={quoteattr(page)}/>")
        elif hit.source and hit.source.startswith(("http://", "https://")):
            out.append(f"<link href={quoteattr(_clean(hit.source))}/>")
        out.append("</entry>")
    out.append("</feed>")
    return "\n".join(out) + "\n"


def _atom_time(stamp: str) -> str:
    """An RFC 3339 time for Atom (stored stamps are ISO 8601 with an offset already)."""
    return stamp if stamp else "1970-01-01T00:00:00+00:00"


def _clean(text: str) -> str:
    """Text XML 1.0 can hold: control characters other than tab/newline dropped."""
    return "".join(c for c in text if c in "\t\n" or (ord(c) >= 0x20 and c != "\x7f"
                                                      and not 0xD800 <= ord(c) <= 0xDFFF
                                                      and c not in "\ufffe\uffff"))



"""Structured sources: incident trackers (CFR Cyber Operations Tracker, EuRepoC) as claims.

A tracker row is coded, not written prose, so it is read directly into an ``Extraction`` (no
NLP): one Document per row, one Incident, and claims whose claimant is the tracker
(basis ``tracker``), so a user can hold their own extraction against the tracker's coding in
one knowledge base. Every claim points at a line of the document, which holds the row's title
and description followed by one line per coded field ("Sponsor: ...", "Response: ..."), so even
a coded fact traces to a document and a span.

Bad rows (unreadable dates, columns shifted by the export, a row with fewer or more cells than
the header) are reported as ``TrackerProblem`` naming the row and its line, and skipped; the
rest of the file is still read. A file that cannot be read at all (missing, over the size
limit, binary, no tracker header) is one ``IngestError`` naming it. CSV that the parser gives
up on (a cell over ``csv.field_size_limit``) ends the file at that row, reported as a problem;
the rows before it stand.

CFR (``Title,Date,Affiliations,Description,Response,Victims,Sponsor,Type,Category,
Sources_1,Sources_2,Sources_3``), per row:
- targets: countries named in ``Victims`` (else in ``Title``, the sponsor excepted);
  kinds from ``Type`` via ``vocab.CFR_TYPE_TO_KINDS``; time: ``Date`` (m/d/Y, a day);
- an ``attribution`` to each ``Sponsor`` state (with the ``Affiliations`` group as actor when
  the reference data knows it), and an ``incident-report`` dated ``Date``;
- ``Response``: ``Denial`` -> a ``denial`` by the sponsor state's government;
  ``Denouncement`` -> ``condemn``; ``Criminal charges`` -> ``indict``; ``Sanctions`` ->
  ``sanction``; ``Hack Back`` -> ``cyber-retaliation``; ``Confirmation`` -> ``statement`` by the
  victim. Who responded: (1) the state of the government web site the Response URL points to
  (``.gov``/``.mil`` -> US; a ``gov``/ministry host under a country domain -> that country);
  else (2) a state the description names in the sentence reporting the response, the sponsor
  excepted; else (3) for charges and sanctions the United States (the usual issuer), for the
  others the first victim state. The response is against the first sponsor state. A row
  where no state can be found (no state victim) gets no response: the tracker itself never
  stands as the responding state. The response carries no date: the row's ``Date`` is the
  incident's, and analysis shows the response as undated rather than lag 0.

EuRepoC (its public CSV; ``;`` separates several values in one cell), columns read:
``name`` (title, required), ``start_date`` (required, ISO or d/m/Y), ``end_date``,
``description``, ``receiver_country`` (required), ``initiator_country``, ``initiator_name``,
``initiator_category`` (only a ``state`` or ``...state-affiliation suggested`` initiator makes
the initiator country an attributed state; otherwise the claim names the actor only),
``incident_type`` (via ``vocab.EUREPOC_TYPE_TO_KINDS``), ``receiver_category`` (sectors),
``sources_url`` or ``source_url``, ``incident_id`` (kept as the document's external id).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from urllib.parse import urlparse

from cybertrack.errors import IngestError
from cybertrack.ingest.base import DEFAULT_MAX_BYTES, check_max_bytes
from cybertrack.ingest.detect import decode_text
from cybertrack.ingest.paths import read_file
from cybertrack.model import (
    Claim,
    Claimant,
    Document,
    Extraction,
    Incident,
    PartialDate,
    Span,
    stable_id,
)
from cybertrack.reference import Reference, load_reference
from cybertrack.vocab import CFR_TYPE_TO_KINDS, EUREPOC_TYPE_TO_KINDS

TrackerKind = Literal["cfr", "eurepoc"]
TRACKERS: tuple[str, ...] = ("cfr", "eurepoc")

CFR_COLUMNS = ("Title", "Date", "Affiliations", "Description", "Response", "Victims", "Sponsor",
               "Type", "Category", "Sources_1", "Sources_2", "Sources_3")
CFR_PUBLISHER = "Council on Foreign Relations Cyber Operations Tracker"
CFR = Claimant("organization", "CFR Cyber Operations Tracker", "US", basis="tracker")
EUREPOC_PUBLISHER = "European Repository of Cyber Incidents (EuRepoC)"
EUREPOC = Claimant("organization", "EuRepoC", None, basis="tracker")
EUREPOC_REQUIRED = ("name", "start_date", "receiver_country")
#: Trackers compile public reporting with a documented method: "usually reliable".
TRACKER_RELIABILITY = "B"

CFR_RESPONSES = {"denial": "deny", "denouncement": "condemn", "criminal charges": "indict",
                 "sanctions": "sanction", "hack back": "cyber-retaliation",
                 "confirmation": "statement"}
_RESPONSE_CUES = {"condemn": r"condemn|denounc", "indict": r"charg|indict",
                  "sanction": r"sanction", "cyber-retaliation": r"retaliat|hack",
                  "statement": r"confirm|acknowledg"}
_SECTORS = {"government": "government", "military": "military", "civil society": "civil-society",
            "private sector": "private-sector"}
_GOV_HOST = re.compile(r"(?:^|[.-])(gov|govt|gouv|gob|minist\w*|mfa|diplomat\w*|regjeringen|"
                       r"bund|admin|police|politie|mod|mil)(?:[.-]|$)")
#: "Believed to be (partially) the work of X" -> X; the export turns some spaces into "?".
_AFFILIATION_PREFIX = re.compile(
    r"^(?:believed|suspected|thought|alleged)[\s?]+to[\s?]+be[\s?]+(?:partially[\s?]+)?"
    r"(?:the[\s?]+work[\s?]+of|linked[\s?]+to)[\s?]+(?:the[\s?]+)?", re.I)


@dataclass(frozen=True, slots=True)
class TrackerProblem:
    """A row that was skipped, and why (``row`` counts data rows from 1; ``line`` is the
    file's line where the row ends, 0 when unknown)."""

    row: int
    reason: str
    line: int = 0

    def where(self) -> str:
        """"row 4 (line 5)": how a person finds the row in the file."""
        return f"row {self.row}" + (f" (line {self.line})" if self.line else "")


class _Lines:
    """Builds a normalized document text line by line, remembering each line's span."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.pos = 0

    def add(self, line: str) -> Span:
        line = " ".join(unicodedata.normalize("NFC", line).split())
        if self.parts:
            self.pos += 1  # the newline before this line
        start = self.pos
        self.parts.append(line)
        self.pos += len(line)
        return Span(start, self.pos)

    def text(self) -> str:
        return "\n".join(self.parts)


def read_tracker(path: Path, kind: str, ref: Reference | None = None, *,
                 max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[Extraction | TrackerProblem]:
    """Each row of a tracker CSV as an Extraction, or the problem that made it unreadable;
    ``IngestError`` naming ``path`` when the file as a whole cannot be read."""
    if kind not in TRACKERS:
        raise IngestError(str(path),
                          f"unknown tracker {kind!r}; choose one of {', '.join(TRACKERS)}")
    check_max_bytes(max_bytes)
    ref = ref or load_reference()
    text = decode_text(read_file(str(path), max_bytes), str(path))
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip() for h in next(reader, [])]
    except csv.Error as exc:
        raise IngestError(str(path), f"not a {kind} tracker CSV: unreadable header ({exc})"
                          ) from None
    needed = CFR_COLUMNS[:9] if kind == "cfr" else EUREPOC_REQUIRED
    missing = [c for c in needed if c not in header]
    if missing:
        shown = ", ".join(h[:40] for h in header[:20]) or "no header"
        raise IngestError(str(path), f"not a {kind} tracker CSV: missing column(s) "
                          f"{', '.join(missing)}; found {shown}")
    read_row = _cfr_row if kind == "cfr" else _eurepoc_row
    n = 0
    while True:
        try:
            cells = next(reader, None)
        except csv.Error as exc:
            yield TrackerProblem(n + 1, f"not readable as CSV ({exc}); the rest of the file "
                                        "is not read", reader.line_num)
            return
        if cells is None:
            return
        if not cells or not any(c.strip() for c in cells):
            continue  # a blank line
        n += 1
        if len(cells) != len(header):
            yield TrackerProblem(n, f"has {len(cells)} of the header's {len(header)} columns "
                                    "(cut short or shifted?)", reader.line_num)
            continue
        clean = {k: v.strip() for k, v in zip(header, cells, strict=True)}
        try:
            yield read_row(n, clean, ref, str(path))
        except _BadRow as exc:
            yield TrackerProblem(n, str(exc), reader.line_num)


class _BadRow(ValueError):
    pass


def _lookup_country(ref: Reference, name: str) -> str | None:
    """ISO code of a tracker's country name ("Iran (Islamic Republic of)", "Korea, Republic
    of"), or None. Uses ``lookup`` (no fuzzy suggestions: misses are common and must be cheap)."""
    name = name.strip().strip('"').strip()
    if len(name) == 2 and name.isalpha():
        variants = [name.upper()]
    else:
        variants = [name]
        m = re.match(r"^(.*?)\s*\((.*)\)$", name)
        if m:
            variants += [f"{m.group(2)} {m.group(1)}", m.group(1)]
        if "," in name:
            head, _, tail = name.partition(",")
            variants += [f"{tail.strip()} {head.strip()}", head.strip()]
        if name.lower().startswith("the "):
            variants.append(name[4:])
    for v in variants:
        if len(v) == 2 and v.isupper():
            if any(c.code == v for c in ref.countries()):
                return v
            continue
        for e in ref.lookup(v, "country"):
            if e.country:
                return e.country
    return None


def _country(ref: Reference, name: str) -> str:
    code = _lookup_country(ref, name)
    if code is None:
        raise _BadRow(f"{name.strip()!r} is not a country the reference data knows "
                      "(shifted columns?)")
    return code


def _country_list(ref: Reference, cell: str, sep: str = ",") -> list[str]:
    """Countries of a cell listing several, where a name may itself hold the separator
    ("Palestine, State of"): a part that is no country is read together with the one before."""
    parts = [p.strip() for p in cell.split(sep) if p.strip()]
    out: list[str] = []
    n = 0
    while n < len(parts):
        if n + 1 < len(parts) and _lookup_country(ref, parts[n + 1]) is None:
            joined = _lookup_country(ref, f"{parts[n]}, {parts[n + 1]}")
            if joined is not None:
                out.append(joined)
                n += 2
                continue
        out.append(_country(ref, parts[n]))
        n += 1
    return list(dict.fromkeys(out))


def _countries_in(ref: Reference, text: str) -> list[str]:
    found: list[str] = []
    for hit in ref.scan(text):
        for e in hit.entries:
            if e.kind == "country" and e.country and e.country not in found:
                found.append(e.country)
    return found


def _actor(ref: Reference, affiliation: str) -> tuple[str | None, str | None, str | None]:
    """(name, entity id, sponsor) of the group an affiliation names, if the reference knows it."""
    name = _AFFILIATION_PREFIX.sub("", affiliation).strip().rstrip(".")
    if not name:
        return None, None, None
    found = ref.lookup(name, "threat-actor")
    if not found:
        return None, None, None
    return found[0].name, found[0].id, found[0].sponsor


def _cfr_date(text: str) -> dt.date | None:
    if not text:
        return None  # a few rows are undated: kept, with an undated incident
    try:
        return dt.datetime.strptime(text, "%m/%d/%Y").date()
    except ValueError as exc:
        raise _BadRow(f"Date {text!r} is not m/d/Y") from exc


def _response_state(ref: Reference, action: str, url: str, description: str,
                    sponsors: list[str], victims: list[str]) -> str | None:
    host = (urlparse(url).hostname or "") if url else ""
    if host.endswith((".gov", ".mil")):
        return "US"
    tld = host.rsplit(".", 1)[-1] if "." in host else ""
    if len(tld) == 2 and _GOV_HOST.search(host):
        code = _lookup_country(ref, "GB" if tld == "uk" else tld.upper())
        if code:
            return code
    cue = re.compile(_RESPONSE_CUES.get(action, r"$^"), re.I)
    for sentence in re.split(r"(?<=[.!?])\s+", description):
        if cue.search(sentence):
            named = [c for c in _countries_in(ref, sentence) if c not in sponsors]
            if named:
                return named[0]
    if action in ("indict", "sanction"):
        return "US"
    return next((v for v in victims if v not in sponsors), None)


def _claim(doc: Document, kind: str, span: Span, claimant: Claimant, incident: Incident,
           **fields: object) -> Claim:
    return Claim(
        id=stable_id("claim", doc.id, kind, span.start, fields.get("attributed_state"),
                     fields.get("action"), claimant.name),
        document_id=doc.id, kind=kind,  # type: ignore[arg-type]
        sentence=span, sentence_text=doc.text[span.start:span.end], claimant=claimant,
        incident_id=incident.id, **fields,  # type: ignore[arg-type]
    )


def _cfr_row(n: int, row: dict[str, str], ref: Reference, path: str) -> Extraction:
    title = row.get("Title", "")
    if not title:
        raise _BadRow("no Title")
    when = _cfr_date(row.get("Date", ""))
    type_text = row.get("Type", "")
    if type_text and type_text.lower() not in CFR_TYPE_TO_KINDS:
        raise _BadRow(f"Type {type_text[:60]!r} is not a CFR incident type (shifted columns?)")
    sponsors = _country_list(ref, row.get("Sponsor", ""))
    response_text = row.get("Response", "")
    response_word = re.split(r"\s{2,}|\s+(?=https?://)", response_text, maxsplit=1)[0].strip()
    response_url = response_text[len(response_word):].strip()
    if response_word and response_word.lower() not in CFR_RESPONSES | {"unknown": ""}:
        raise _BadRow(f"Response {response_word[:60]!r} is not a CFR response (shifted columns?)")
    victims = [c for c in _countries_in(ref, row.get("Victims", "")) if c]
    if not victims:
        victims = [c for c in _countries_in(ref, title) if c not in sponsors]
    lines = _Lines()
    title_span = lines.add(title)
    if row.get("Description"):
        lines.add(row["Description"])
    spans = {f: lines.add(f"{f}: {row[f]}") for f in ("Affiliations", "Sponsor", "Victims",
                                                      "Type", "Response") if row.get(f)}
    date_span = lines.add(f"Date: {when.isoformat() if when else 'not given'}")
    text = lines.text()
    published = PartialDate.day(when, row.get("Date", "")) if when else None
    doc = Document.from_text(
        text, source=row.get("Sources_1") or f"cfr-tracker:{path}#row={n}", title=title,
        publisher=CFR_PUBLISHER, published=published, language="en",
        reliability=TRACKER_RELIABILITY,
        external_id=f"cfr:{when.isoformat() if when else 'undated'}:{title[:80]}",
        media_type="text/csv",
    )
    assert doc.text == text, "tracker text must already be normalized for its spans to hold"
    actor, actor_id, actor_sponsor = _actor(ref, row.get("Affiliations", ""))
    incident = Incident(
        id=stable_id("incident", doc.id, "i1"), document_id=doc.id, key="i1",
        kinds=CFR_TYPE_TO_KINDS.get(type_text.lower(), ()), targets=tuple(victims),
        target_orgs=(row["Victims"][:200],) if row.get("Victims") else (),
        sectors=tuple(_SECTORS.get(c.strip().lower(), c.strip().lower().replace(" ", "-"))
                      for c in row.get("Category", "").split(",") if c.strip()),
        time=published, operator=actor, title=title, span=title_span, sentence=title,
    )
    claims = [_claim(doc, "incident-report", title_span, CFR, incident, event_date=published)]
    for state in sponsors:
        same_actor = actor_sponsor in (None, state)
        claims.append(_claim(
            doc, "attribution", spans["Sponsor"], CFR, incident, attributed_state=state,
            attributed_actor=actor if same_actor else None,
            attributed_actor_id=actor_id if same_actor else None))
    if not sponsors and actor:
        claims.append(_claim(doc, "attribution", spans.get("Affiliations", date_span), CFR,
                             incident, attributed_actor=actor, attributed_actor_id=actor_id))
    action = CFR_RESPONSES.get(response_word.lower())
    actor_state: str | None = None
    if action == "deny":
        for state in sponsors:
            name = next((c.name for c in ref.countries() if c.code == state), state)
            claims.append(_claim(doc, "denial", spans["Response"],
                                 Claimant("government", name, state, f"country:{state}",
                                          "government"),
                                 incident, stance="denies", attributed_state=state))
    elif action:
        actor_state = _response_state(ref, action, response_url, row.get("Description", ""),
                                      sponsors, victims)
    if action and action != "deny" and actor_state:
        # a response needs a state that took it: without one the row's only voice is the
        # tracker's, which would read as "CFR ... condemned Russia". No event_date: the row
        # dates the incident, not the response, so the response stays undated.
        claims.append(_claim(doc, "response", spans["Response"], CFR, incident, action=action,
                             actor_state=actor_state,
                             target_state=sponsors[0] if sponsors and action != "statement"
                             else None))
    return Extraction(doc, incidents=(incident,), claims=tuple(claims))


def _split(cell: str) -> list[str]:
    return [p.strip() for p in cell.split(";") if p.strip()]


def _iso_or_dmy(text: str, field: str) -> PartialDate:
    text = text.strip()
    try:
        return PartialDate.parse(text[:10], text)
    except ValueError:
        pass
    for fmt in ("%d/%m/%Y", "%d.%m.%Y"):
        try:
            return PartialDate.day(dt.datetime.strptime(text, fmt).date(), text)
        except ValueError:
            continue
    raise _BadRow(f"{field} {text!r} is not a date (ISO or d/m/Y)")


def _eurepoc_row(n: int, row: dict[str, str], ref: Reference, path: str) -> Extraction:
    title = row.get("name", "")
    if not title:
        raise _BadRow("no name")
    start = _iso_or_dmy(row.get("start_date", ""), "start_date")
    time = start
    if row.get("end_date"):
        end = _iso_or_dmy(row["end_date"], "end_date")
        if end.end > start.end:
            time = PartialDate(start.start, end.end, "range", f"{start.text} to {end.text}")
    receivers = _country_list(ref, row.get("receiver_country", ""), ";")
    initiators = _country_list(ref, ";".join(
        c for c in _split(row.get("initiator_country", ""))
        if c.lower() not in ("unknown", "not available")), ";")
    category = row.get("initiator_category", "").lower()
    state_led = not category or category.startswith("state") or "state-affiliation" in category
    kinds: list[str] = []
    for t in _split(row.get("incident_type", "").lower()):
        kinds.extend(k for k in EUREPOC_TYPE_TO_KINDS.get(t, ()) if k not in kinds)
    lines = _Lines()
    title_span = lines.add(title)
    if row.get("description"):
        lines.add(row["description"])
    spans = {f: lines.add(f"{f}: {row[f]}") for f in (
        "initiator_name", "initiator_country", "initiator_category", "receiver_country",
        "incident_type", "start_date", "end_date") if row.get(f)}
    text = lines.text()
    source = row.get("sources_url") or row.get("source_url") or ""
    doc = Document.from_text(
        text, source=_split(source)[0] if source else f"eurepoc:{path}#row={n}", title=title,
        publisher=EUREPOC_PUBLISHER, published=start, language="en",
        reliability=TRACKER_RELIABILITY,
        external_id=f"eurepoc:{row['incident_id']}" if row.get("incident_id") else None,
        media_type="text/csv",
    )
    assert doc.text == text, "tracker text must already be normalized for its spans to hold"
    actor, actor_id, _ = _actor(ref, row.get("initiator_name", ""))
    actor = actor or row.get("initiator_name") or None
    incident = Incident(
        id=stable_id("incident", doc.id, "i1"), document_id=doc.id, key="i1",
        kinds=tuple(kinds), targets=tuple(receivers), time=time, operator=actor, title=title,
        sectors=tuple(s.lower() for s in _split(row.get("receiver_category", ""))),
        span=title_span, sentence=title,
    )
    claims = [_claim(doc, "incident-report", title_span, EUREPOC, incident, event_date=time)]
    hedge = row.get("initiator_category") or None
    where = spans.get("initiator_country") or spans.get("initiator_name") or title_span
    if state_led and initiators:
        for state in initiators:
            claims.append(_claim(doc, "attribution", where, EUREPOC, incident,
                                 attributed_state=state, attributed_actor=actor,
                                 attributed_actor_id=actor_id, hedge=hedge))
    elif actor:
        claims.append(_claim(doc, "attribution", where, EUREPOC, incident,
                             attributed_actor=actor, attributed_actor_id=actor_id, hedge=hedge))
    return Extraction(doc, incidents=(incident,), claims=tuple(claims))

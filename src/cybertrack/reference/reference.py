"""The reference data at run time: lookup, scanning, fuzzy search, countries and actors.

``load_reference()`` reads ``reference.json`` once (cached) from the user data dir written by
``cybertrack reference update`` when present, else from the data shipped in the package. The
scanner and the fuzzy-search index are built on first use, so loading stays cheap.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import os
from collections import defaultdict
from pathlib import Path
from typing import Any

from cybertrack.errors import ReferenceDataError, UnknownEntityError
from cybertrack.model import Entity, Link
from cybertrack.reference.records import Country, Hit, RefEntry
from cybertrack.reference.scan import Scanner, Surface

PACKAGE_DATA = Path(__file__).resolve().parent / "data"
REFERENCE_FILE = "reference.json"


def user_reference_dir() -> Path:
    """Where ``cybertrack reference update`` writes: $CYBERTRACK_REFERENCE_DIR, else
    $XDG_DATA_HOME/cybertrack/reference, else ~/.local/share/cybertrack/reference."""
    env = os.environ.get("CYBERTRACK_REFERENCE_DIR")
    if env:
        return Path(env).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "cybertrack" / "reference"


def _key(text: str) -> str:
    """Lookup key: whitespace collapsed, case-folded, a leading "the " dropped."""
    key = " ".join(text.split()).casefold()
    return key[4:] if key.startswith("the ") and len(key) > 4 else key


def _entry(d: dict[str, Any]) -> RefEntry:
    return RefEntry(
        id=d["id"], kind=d["kind"], name=d["name"], aliases=tuple(d.get("aliases", ())),
        country=d.get("country"), sponsor=d.get("sponsor"), is_government=bool(d.get("gov")),
        is_vendor=bool(d.get("vendor")), is_international=bool(d.get("intl")),
        ambiguous=bool(d.get("amb")),
        vendor_aliases=tuple((a, v) for a, v in d.get("va", ())), refs=tuple(d.get("refs", ())),
    )


def _country(d: dict[str, Any]) -> Country:
    return Country(
        code=d["code"], name=d["name"], official_name=d["official_name"],
        names=tuple(d.get("names", ())), demonyms=tuple(d.get("demonyms", ())),
        capital=d.get("capital"), metonyms=tuple(d.get("metonyms", ())), lat=d.get("lat"),
        lon=d.get("lon"), region=d.get("region"), subregion=d.get("subregion"),
        alpha_3=d.get("alpha_3"), numeric=d.get("numeric"),
    )


class Reference:
    """Countries, actors, organizations, malware and sectors, with the ways text names them."""

    def __init__(self, data: dict[str, Any], path: Path | None = None) -> None:
        try:
            raw_entries = data["entries"]
            self._entries = [_entry(d) for d in raw_entries]
            self._countries = {d["code"]: _country(d) for d in data["countries"]}
            self._surfaces = [Surface(t, f, bool(cs), bool(a), tuple(ix))
                              for t, f, cs, a, ix in data["surfaces"]]
            self._raw_links = data.get("links", [])
            self.titles: tuple[str, ...] = tuple(data.get("titles", ()))
            self.ministry_words: tuple[str, ...] = tuple(data.get("ministry_words", ()))
            self.ministry_patterns: tuple[str, ...] = tuple(data.get("ministry_patterns", ()))
            self.sector_keywords: dict[str, tuple[str, ...]] = {
                k: tuple(v) for k, v in data.get("sector_keywords", {}).items()}
        except (KeyError, TypeError, ValueError) as exc:
            raise ReferenceDataError(
                f"{path or 'reference data'} is malformed ({exc!r}); rebuild it with "
                "`cybertrack reference update PATH`") from exc
        self.meta: dict[str, Any] = data.get("_meta", {})
        self.path = path
        self._extra = {d["id"]: d for d in raw_entries if d["kind"] == "threat-actor"}
        self._by_id = {e.id: i for i, e in enumerate(self._entries)}
        self._exact: dict[str, list[int]] = defaultdict(list)
        self._folded: dict[str, list[int]] = defaultdict(list)
        for s in self._surfaces:
            self._exact[s.text].extend(s.entries)
            self._folded[_key(s.text)].extend(s.entries)
        for i, e in enumerate(self._entries):  # names not scanned are still looked up
            for n in (e.name, *e.aliases):
                self._folded[_key(n)].append(i)
        for bucket in (self._exact, self._folded):
            for k, v in bucket.items():
                if len(v) > 1:
                    bucket[k] = list(dict.fromkeys(v))

    # -- entries ---------------------------------------------------------------------------
    def entry(self, entry_id: str) -> RefEntry:
        """The entry with this id ("actor:apt28"); UnknownEntityError if none."""
        i = self._by_id.get(entry_id)
        if i is None:
            raise UnknownEntityError("entry", entry_id, self._suggest(entry_id, None))
        return self._entries[i]

    def entries(self, kind: str | None = None) -> list[RefEntry]:
        """All entries, or those of one kind, in data order."""
        return [e for e in self._entries if kind is None or e.kind == kind]

    def lookup(self, name: str, kind: str | None = None) -> list[RefEntry]:
        """Entries named ``name``: exact spelling first, then case-folded with "the " dropped.

        A name shared by several entries (NCSC; an alias two vendors gave different groups)
        returns all of them: entries whose canonical name it is come first, then data order.
        """
        hits = [i for i in self._exact.get(name.strip(), []) if self._ok(i, kind)]
        if not hits:
            hits = [i for i in self._folded.get(_key(name), []) if self._ok(i, kind)]
        key = _key(name)
        ranked = sorted(hits, key=lambda i: _key(self._entries[i].name) != key)
        return [self._entries[i] for i in ranked]

    def _ok(self, i: int, kind: str | None) -> bool:
        return kind is None or self._entries[i].kind == kind

    # -- countries -------------------------------------------------------------------------
    def countries(self) -> list[Country]:
        return list(self._countries.values())

    def country(self, code_or_name: str) -> Country:
        """A country by ISO alpha-2/alpha-3 code, name, demonym, capital or metonym (the seat
        of its government: "White House", "the Kremlin"); UnknownEntityError with fuzzy
        suggestions if none."""
        found = self.find_country(code_or_name)
        if found is None:
            raise UnknownEntityError("country", code_or_name,
                                     self._suggest(code_or_name.strip(), "country"))
        return found

    def find_country(self, code_or_name: str) -> Country | None:
        """``country``, or None when nothing names one: for callers that only ask (a search
        asks of each of its words), where working out suggestions cost 5 ms a word."""
        text = code_or_name.strip()
        if text.upper() in self._countries and len(text) == 2:
            return self._countries[text.upper()]
        for c in self._countries.values():
            if c.alpha_3 and c.alpha_3 == text.upper() and len(text) == 3:
                return c
        found = self.lookup(text)
        for e in found:
            if e.kind == "country" and e.country in self._countries:
                return self._countries[e.country]
        # a seat of government stands for its state, as extraction reads it: a metonym of
        # the country ("the White House", "the Kremlin"), whose surface the government
        # body's entry holds
        key = text.casefold().removeprefix("the ").strip()
        for c in self._countries.values():
            if key in {m.casefold().removeprefix("the ") for m in c.metonyms}:
                return c
        return None

    # -- actors ----------------------------------------------------------------------------
    def actor(self, name: str) -> RefEntry:
        """The threat actor best named by ``name`` (its canonical name, else the entry that
        most sources describe); UnknownEntityError with fuzzy suggestions if none."""
        if name in self._by_id and name.startswith("actor:"):
            return self.entry(name)
        found = self.lookup(name, "threat-actor")
        if not found:
            raise UnknownEntityError("actor", name, self._suggest(name, "threat-actor"))
        key = _key(name)
        return min(found, key=lambda e: (_key(e.name) != key,
                                         -len(self._extra.get(e.id, {}).get("sources", ()))))

    def actor_info(self, entry_id: str) -> dict[str, Any]:
        """Provenance of an actor entry: sources merged, ATT&CK ids, CFR victims, kind."""
        d = self._extra.get(entry_id, {})
        return {k: d.get(k, []) for k in ("sources", "ext_ids", "victims")} | {
            "actor_kind": d.get("actor_kind", "group")}

    @functools.cached_property
    def _links_by_entry(self) -> dict[str, list[Link]]:
        out: dict[str, list[Link]] = defaultdict(list)
        for d in self._raw_links:
            link = Link(id=d["id"], kind="actor", a=d["a"], b=d["b"], score=float(d["score"]),
                        reasons=tuple(d["reasons"]), made_by=d["made_by"])
            out[link.a].append(link)
            if link.b != link.a:
                out[link.b].append(link)
        return out

    def actor_links(self, entry_id: str) -> list[Link]:
        """Links (kind "actor") touching this entry: where sources disagree or relate it."""
        return list(self._links_by_entry.get(entry_id, ()))

    # -- scanning and search ---------------------------------------------------------------
    @functools.cached_property
    def _scanner(self) -> Scanner:
        return Scanner(self._surfaces)

    @functools.cached_property
    def _flagged(self) -> dict[int, RefEntry]:
        return {}

    def _hit_entry(self, i: int, ambiguous: bool) -> RefEntry:
        e = self._entries[i]
        if e.ambiguous == ambiguous:
            return e
        key = i if ambiguous else -i - 1
        if key not in self._flagged:
            self._flagged[key] = dataclasses.replace(e, ambiguous=ambiguous)
        return self._flagged[key]

    def scan(self, text: str) -> list[Hit]:
        """Every reference name in ``text``: longest non-overlapping matches at word
        boundaries; acronyms and ambiguous names match case-sensitively. A hit's entries
        carry ``ambiguous=True`` when the matched words need nearby context."""
        return [Hit(start, end, text[start:end], s.form, self._surface_entries(s))
                for start, end, s in self._scanner.find(text)]

    def _surface_entries(self, s: Surface) -> tuple[RefEntry, ...]:
        """The entries a surface names, flagged as it is (worked out once per surface)."""
        cache = self._entries_by_surface
        found = cache.get(id(s))  # surfaces live as long as the scanner: their ids are stable
        if found is None:
            found = cache[id(s)] = tuple(self._hit_entry(i, s.ambiguous) for i in s.entries)
        return found

    @functools.cached_property
    def _entries_by_surface(self) -> dict[int, tuple[RefEntry, ...]]:
        return {}

    @functools.cached_property
    def _search_index(self) -> tuple[list[str], list[list[int]]]:
        keys = list(self._folded)
        return keys, [self._folded[k] for k in keys]

    def search(self, query: str, kind: str | None = None, limit: int = 5
               ) -> list[tuple[RefEntry, float]]:
        """Fuzzy search over every name (rapidfuzz WRatio, 0-100), best entries first."""
        from rapidfuzz import fuzz, process

        keys, owners = self._search_index
        out: dict[int, float] = {}
        for _, score, pos in process.extract(_key(query), keys, scorer=fuzz.WRatio,
                                             limit=max(limit * 20, 50)):
            for i in owners[pos]:
                if self._ok(i, kind) and score > out.get(i, -1.0):
                    out[i] = float(score)
        best = sorted(out.items(), key=lambda x: (-x[1], x[0]))[:limit]
        return [(self._entries[i], s) for i, s in best]

    def _suggest(self, text: str, kind: str | None) -> list[str]:
        return [e.name for e, score in self.search(text, kind, 5) if score >= 60]

    def is_ambiguous(self, surface: str) -> bool:
        """Whether these words, as a surface form, need context (Equation, Turkey-the-bird)."""
        return any(s.ambiguous for s in self._surfaces if s.text == surface)

    def to_entity(self, entry: RefEntry) -> Entity:
        """The domain-model Entity for an entry (what extraction links mentions to)."""
        role = ("government" if entry.is_government else "vendor" if entry.is_vendor
                else "international" if entry.is_international else None)
        return Entity(id=entry.id, kind=entry.kind, name=entry.name, aliases=entry.aliases,
                      country=entry.country, sponsor=entry.sponsor,
                      vendor_aliases=entry.vendor_aliases, role=role)


def _resolve_path(path: Path | None) -> Path:
    if path is None:
        user = user_reference_dir() / REFERENCE_FILE
        return user if user.exists() else PACKAGE_DATA / REFERENCE_FILE
    return path / REFERENCE_FILE if path.is_dir() else path


@functools.lru_cache(maxsize=4)
def _load(path: Path, mtime: float) -> Reference:
    try:
        data = json.loads(path.read_text("utf-8"))
    except OSError as exc:
        raise ReferenceDataError(
            f"{path}: cannot read the reference data ({exc}); reinstall cybertrack or run "
            "`cybertrack reference update PATH`") from exc
    except json.JSONDecodeError as exc:
        raise ReferenceDataError(
            f"{path}: not valid JSON ({exc}); rebuild it with `cybertrack reference update PATH`"
        ) from exc
    return Reference(data, path)


def load_reference(path: Path | None = None) -> Reference:
    """The reference data (cached per file and modification time).

    Without ``path``: the user dir written by ``cybertrack reference update`` when it holds a
    ``reference.json``, else the data shipped in the package. ``path`` may be a folder or a file.
    """
    resolved = _resolve_path(path)
    try:
        mtime = resolved.stat().st_mtime
    except OSError as exc:
        raise ReferenceDataError(
            f"{resolved}: no reference data there; run `python -m cybertrack.reference.build "
            "PATH` or `cybertrack reference update PATH`") from exc
    return _load(resolved, mtime)

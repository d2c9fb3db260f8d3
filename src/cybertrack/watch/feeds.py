"""Continuous ingest: poll RSS/Atom feeds on a schedule and store only what is new.

Each poll sends every feed a conditional request (``If-None-Match`` / ``If-Modified-Since``
from the ``ETag`` / ``Last-Modified`` of its last good response, kept per feed in the
knowledge base's ``feeds`` table), so an unchanged feed costs one 304 and nothing else. A
changed feed's entries already taken (``feed_items``: their link, else their id) are skipped
before their page is fetched; the new ones are read (the linked page, else the entry's own
text), extracted and stored a few documents a transaction, each whole or not at all, as
``ingest`` does, then linked and matched against the watchlists.

A feed that is down, slow, too big or broken is one line (and one row: its error and how many
polls in a row failed) and the other feeds go on: every download has a total deadline and a
size cap and refuses private addresses unless allowed (``ingest.net``). Feeds are fetched and
read a few at a time in threads; extraction and storing stay in the calling thread (one
writer). A feed's validators and entries are written only after its documents are stored, so
a poll killed half-way fetches that feed in full again next time and loses nothing.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cybertrack.errors import CybertrackError, IngestError, WatchError
from cybertrack.ingest.base import DEFAULT_MAX_BYTES, ReadOptions, ReadResult
from cybertrack.ingest.detect import is_url
from cybertrack.ingest.net import Response, fetch_conditional, fetcher_for
from cybertrack.store import Store
from cybertrack.store import watch_queries as queries

log = logging.getLogger(__name__)

#: Seconds one feed download (and each page it links to) may take in all.
FEED_DEADLINE = 30.0
#: Feeds fetched and read at the same time.
FETCH_THREADS = 4
_EVERY = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$")
_UNIT = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}

#: (url, max_bytes, etag, last_modified, deadline, allow_private) -> Response
Fetch = Callable[..., Response]


def parse_every(text: str) -> float:
    """'15m' -> 900.0 seconds ('30s', '2h', '1d'; a bare number is seconds), at least 1 s."""
    m = _EVERY.match(text)
    if not m or float(m.group(1)) * _UNIT[m.group(2)] < 1:
        raise WatchError(f"--every {text!r}: give a time such as 30s, 15m, 2h or 1d "
                         "(at least one second)")
    return float(m.group(1)) * _UNIT[m.group(2)]


def read_feed_list(path: Path) -> list[str]:
    """The feed URLs of a FEEDS.txt: one per line; blank lines, lines starting with '#' and
    ' #' comments after a URL skipped; a line that is no http(s) URL is refused with its
    number."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise WatchError(f"cannot read the feed list {path}: {exc}") from None
    urls: list[str] = []
    for number, line in enumerate(lines, 1):
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        text = text.split(" #", 1)[0].strip()  # a comment after the URL
        if not is_url(text):
            raise WatchError(f"{path}:{number}: {text[:80]!r} is not an http(s) feed URL")
        urls.append(text)
    return list(dict.fromkeys(urls))


@dataclass
class FeedState:
    """What the knowledge base remembers of one feed."""

    url: str
    etag: str | None = None
    last_modified: str | None = None
    checked_at: str | None = None
    changed_at: str | None = None
    status: str | None = None
    error: str | None = None
    failures: int = 0


@dataclass
class FeedOutcome:
    """What one poll of one feed did."""

    url: str
    #: new (changed, entries read) | not-modified (304) | failed
    status: str
    error: str | None = None
    new: int = 0
    unchanged: int = 0
    skipped: int = 0
    failed_entries: int = 0
    new_documents: list[str] = field(default_factory=list)


@dataclass
class _Fetched:
    url: str
    response: Response | None = None
    results: list[tuple[str, ReadResult]] = field(default_factory=list)
    skipped: int = 0
    error: str | None = None


def feed_states(store: Store, urls: Sequence[str]) -> dict[str, FeedState]:
    """The remembered state of each of ``urls`` (a fresh one for a feed never polled)."""
    known = {r["url"]: FeedState(**r) for r in queries.feed_rows(store, urls)}
    return {u: known.get(u, FeedState(u)) for u in urls}


def _seen(store: Store, url: str) -> set[str]:
    return queries.feed_items(store, url)


def _save(store: Store, state: FeedState, items: Sequence[str] = ()) -> None:
    """Write a feed's state and the entries taken from it, in one transaction."""
    queries.save_feed(store, state.__dict__, items, _now())


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _key(result: ReadResult) -> str | None:
    """What identifies a feed entry across polls: its link (the stored source), else None
    (an entry without a link is known by its text's hash once stored)."""
    doc = result.document
    if doc is not None and is_url(doc.source):
        return doc.source
    return None


def _fetch_one(store_seen: set[str], state: FeedState, *, max_bytes: int, deadline: float,
               allow_private: bool, fetch: Fetch, follow_links: bool) -> _Fetched:
    """Fetch one feed conditionally and read its new entries (runs in a thread; no store)."""
    from cybertrack.ingest.feed import read_feed

    out = _Fetched(state.url)
    try:
        response = fetch(state.url, max_bytes, etag=state.etag,
                         last_modified=state.last_modified, deadline=deadline,
                         allow_private=allow_private)
    except IngestError as exc:
        out.error = exc.reason
        return out
    except Exception as exc:  # a fetcher's own failure is this feed's, never the poll's
        out.error = f"cannot fetch: {type(exc).__name__}: {exc}"
        return out
    out.response = response
    if response.status == 304:
        return out
    options = ReadOptions(max_bytes=max_bytes, allow_private_urls=allow_private,
                          fetch_deadline=deadline, follow_links=follow_links)
    pages = fetcher_for(options)

    def only_new(link: str) -> bytes:
        if link in store_seen:
            raise IngestError(link, "taken by an earlier poll")
        return pages(link)

    try:
        for result in read_feed(response.body, state.url,
                                ReadOptions(max_bytes=max_bytes, fetch=only_new,
                                            allow_private_urls=allow_private,
                                            fetch_deadline=deadline,
                                            follow_links=follow_links)):
            key = _key(result)
            if key is not None and key in store_seen:
                out.skipped += 1
                continue
            out.results.append((key or "", result))
    except IngestError as exc:
        out.error = exc.reason
    except Exception as exc:  # a reader's bug is this feed's failure
        out.error = f"cannot be read: {type(exc).__name__}: {exc}"
    return out


def poll(store: Store, urls: Sequence[str], *, say: Callable[[str], None],
         max_bytes: int = DEFAULT_MAX_BYTES, deadline: float = FEED_DEADLINE,
         allow_private: bool = False, extract: bool = True, ner: bool = False,
         max_chars: int | None = None, link: bool = True, follow_links: bool = True,
         fetch: Fetch = fetch_conditional, extractor: Any = None,
         threads: int = FETCH_THREADS, console: Any = None) -> list[FeedOutcome]:
    """Poll every feed once (see the module docstring); returns one outcome per feed, in
    order. ``say`` gets one line per feed that changed or failed. ``fetch`` and ``extractor``
    replace the network and the pipeline (tests). Watchlist hits are reported on
    ``console`` (default: through ``say``)."""
    from cybertrack.batch import ingest_results
    from cybertrack.extract import DEFAULT_MAX_CHARS
    from cybertrack.watch.watchlists import find_hits, notify

    states = feed_states(store, urls)
    seen = {u: _seen(store, u) for u in urls}
    with ThreadPoolExecutor(max_workers=max(1, threads),
                            thread_name_prefix="cybertrack-feed") as pool:
        futures = [pool.submit(_fetch_one, seen[u], states[u], max_bytes=max_bytes,
                               deadline=deadline, allow_private=allow_private, fetch=fetch,
                               follow_links=follow_links) for u in urls]
        outcomes: list[FeedOutcome] = []
        new_docs: list[str] = []
        for future in futures:
            got = future.result()
            state = states[got.url]
            state.checked_at = _now()
            if got.error is not None or got.response is None:
                state.status, state.error = "failed", got.error or "no response"
                state.failures += 1
                _save(store, state)
                line = (f"failed {got.url}: {state.error} ({state.failures} "
                        f"poll{'s' if state.failures != 1 else ''} in a row)")
                say(line)
                log.warning("%s", line)
                outcomes.append(FeedOutcome(got.url, "failed", state.error))
                continue
            if got.response.status == 304:
                state.status, state.error, state.failures = "not-modified", None, 0
                _save(store, state)
                outcomes.append(FeedOutcome(got.url, "not-modified"))
                continue
            try:
                summary = ingest_results(
                    store, (r for _, r in got.results), extract=extract, ner=ner,
                    max_chars=max_chars or DEFAULT_MAX_CHARS, extractor=extractor)
            except CybertrackError as exc:  # the store itself failed: stop, state untouched
                raise CybertrackError(f"feed {got.url}: {exc}") from exc
            failed = {src for src, _ in summary.failed}
            taken = [k for k, r in got.results if k and r.source not in failed]
            state.etag, state.last_modified = got.response.etag, got.response.last_modified
            state.changed_at = state.checked_at
            state.status, state.error, state.failures = "changed", None, 0
            _save(store, state, taken)
            outcome = FeedOutcome(got.url, "new", None, summary.new, summary.unchanged,
                                  got.skipped, len(summary.failed), summary.new_documents)
            outcomes.append(outcome)
            new_docs.extend(summary.new_documents)
            say(f"{got.url}: new {summary.new}  unchanged {summary.unchanged}  taken before "
                f"{got.skipped}  failed entries {len(summary.failed)}")
    if new_docs and link:
        from cybertrack.resolve import link_new

        link_new(store, new_docs)
    if new_docs:
        hits = find_hits(store, new_docs)
        shout = say if console is None else (
            lambda line: console.print(line, highlight=False))
        notify(hits, shout)
    return outcomes


def watch(store: Store, urls: Sequence[str], *, every: float, once: bool,
          say: Callable[[str], None], sleep: Callable[[float], None] = time.sleep,
          **options: Any) -> list[FeedOutcome]:
    """Poll now, then every ``every`` seconds (measured from the start of each poll) until
    interrupted; ``once`` stops after the first. Returns the last poll's outcomes."""
    while True:
        started = time.monotonic()
        outcomes = poll(store, urls, say=say, **options)
        if once:
            return outcomes
        changed = sum(1 for o in outcomes if o.status == "new")
        failed = sum(1 for o in outcomes if o.status == "failed")
        say(f"polled {len(outcomes)} feeds: changed {changed}, failed {failed}; next poll "
            f"in {max(0.0, every - (time.monotonic() - started)):.0f} s")
        sleep(max(0.0, every - (time.monotonic() - started)))

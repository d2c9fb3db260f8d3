"""RSS and Atom feeds: one Document per entry, read from the page it links to when reachable.

A feed entry is usually a teaser; the claims are in the article. So each entry's link is
fetched (through ``ReadOptions.fetch``, by default ``net.fetch_url``: a total deadline, a size
limit, public addresses only unless ``allow_private_urls``) and its main text
read with trafilatura; when the page cannot be had, the entry's own content or summary is used.
An entry with no text either way is reported alone, as ``feed.xml#N``; the other entries are
still read.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from typing import Any

from cybertrack.errors import IngestError
from cybertrack.ingest.base import Fetcher, ReadOptions, ReadResult, clean_field, make_document
from cybertrack.ingest.dates import parse_date
from cybertrack.ingest.detect import is_url, looks_binary
from cybertrack.ingest.html import extract_html, strip_tags
from cybertrack.ingest.net import fetcher_for
from cybertrack.model import PartialDate

log = logging.getLogger(__name__)


def default_fetcher(options: ReadOptions) -> Fetcher:
    """The fetcher in ``options``, else ``net.fetch_url`` within the size limit, a total
    deadline, and (unless ``allow_private_urls``) public addresses only."""
    return fetcher_for(options)


def _parse(data: bytes, source: str) -> Any:
    """feedparser's result for ``data``, or ``IngestError`` when it is no feed at all."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head:
        raise IngestError(source, "empty: the file has no content")
    utf16 = head.startswith((b"\xff\xfe", b"\xfe\xff"))
    if looks_binary(data) and not utf16:
        raise IngestError(source, "binary data, not an RSS/Atom feed")
    if not head.startswith(b"<") and not utf16:
        raise IngestError(source, "not an RSS/Atom feed: the content is not XML")
    import feedparser  # deferred: only feed inputs need it

    headers = {"content-location": source} if is_url(source) else {}
    try:
        # Bytes in a stream: feedparser would treat a bytes *string* as a path to open.
        parsed = feedparser.parse(io.BytesIO(data), response_headers=headers)
    except Exception as exc:  # feedparser is lenient, but it is a parser on arbitrary input
        raise IngestError(source, f"not an RSS/Atom feed: {type(exc).__name__}: {exc}") from None
    if not parsed.entries:
        if parsed.get("bozo"):
            why = str(parsed.get("bozo_exception") or "malformed XML").splitlines()[0][:200]
            raise IngestError(source, f"not an RSS/Atom feed: {why}")
        if not parsed.get("version"):
            raise IngestError(source, "not an RSS/Atom feed: no <rss>, <feed> or <rdf:RDF>")
        raise IngestError(source, "the feed has no entries")
    return parsed


def _entry_date(entry: Any) -> PartialDate | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        if entry.get(key):
            found = parse_date(entry[key])
            if found:
                return found
    for key in ("published", "updated", "created"):
        found = parse_date(entry.get(key))
        if found:
            return found
    return None


def _entry_text(entry: Any) -> str:
    """The entry's longest content block, else its summary, as plain text."""
    blocks = [c.get("value", "") for c in entry.get("content") or [] if isinstance(c, dict)]
    blocks.append(entry.get("summary") or "")
    best = max((b for b in blocks if isinstance(b, str)), key=len, default="")
    return strip_tags(best)[0] if best.strip() else ""


def read_feed(data: bytes, source: str, options: ReadOptions | None = None) -> Iterator[ReadResult]:
    """One ReadResult per feed entry (labelled ``source#N``); ``IngestError`` if no feed."""
    options = options or ReadOptions()
    parsed = _parse(data, source)
    fetch = default_fetcher(options)
    feed_meta = parsed.get("feed") or {}
    publisher = clean_field(feed_meta.get("title"))
    media_type = "application/atom+xml" if str(parsed.get("version")).startswith("atom") else (
        "application/rss+xml"
    )
    for number, entry in enumerate(parsed.entries, 1):
        label = f"{source}#{number}"
        link = entry.get("link") if isinstance(entry.get("link"), str) else None
        link = link if link and is_url(link) else None
        text, kind, page_date, author = "", media_type, None, clean_field(entry.get("author"))
        if link and options.follow_links:
            try:
                page = extract_html(fetch(link), link)
            except Exception as exc:  # unreachable or unreadable: fall back to the summary
                log.debug("%s: linked page %s not read: %s", label, link, exc)
            else:
                text, kind, page_date = page.text, "text/html", page.published
                author = author or page.author
        if not text.strip():
            text = _entry_text(entry)
        if not text.strip():
            why = "no content or summary" + (", and its link could not be read" if link else "")
            yield ReadResult.fail(IngestError(label, f"feed entry has {why}"))
            continue
        try:
            document = make_document(
                text,
                link or label,
                options,
                media_type=kind,
                title=entry.get("title"),
                publisher=publisher,
                author=author,
                published=_entry_date(entry) or page_date,
            )
        except IngestError as exc:
            yield ReadResult.fail(IngestError(label, exc.reason))
            continue
        yield ReadResult.ok(label, document)


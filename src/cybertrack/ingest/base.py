"""What every reader shares: the result record, the options, and how a Document is finished.

Readers turn the bytes of one input into Documents. Single-document formats (text, HTML, PDF)
return one Document or raise ``IngestError``; multi-document formats (feeds, JSONL) yield
``ReadResult`` items, so one bad line or entry is reported on its own while the others are read.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

from cybertrack.errors import IngestError
from cybertrack.ingest.detect import detect_language
from cybertrack.model import Document, Extraction, PartialDate

#: Default size limit of one input (and of one fetched page or ``text_file``), in bytes.
DEFAULT_MAX_BYTES = 20_000_000
#: The highest size limit accepted (1 GiB): one input is held in memory whole, and its text
#: several times over while it is read, so a larger limit is a way to run out of memory.
MAX_BYTES_LIMIT = 1 << 30
#: Default time limit of one download, redirects included, in seconds (``net.fetch_url``).
FETCH_DEADLINE = 60.0

#: Fetches a URL and returns its body; raises (``IngestError``, ``OSError``...) when it cannot.
Fetcher = Callable[[str], bytes]


class ReadResult(NamedTuple):
    """One outcome of reading: a Document, or the error that stopped it (never both).

    ``source`` names what was read: the input path or URL, ``file.jsonl:LINE`` for a JSONL line,
    ``feed.xml#N`` for the N-th entry of a feed, so a person can find the culprit.

    ``extraction`` is set by readers of already-structured input (STIX): the records to store
    as they are, instead of running text extraction over ``document``.
    """

    source: str
    document: Document | None
    error: IngestError | None
    extraction: Extraction | None = None

    @classmethod
    def ok(cls, source: str, document: Document) -> ReadResult:
        return cls(source, document, None)

    @classmethod
    def fail(cls, error: IngestError) -> ReadResult:
        return cls(error.source, None, error)


@dataclass(frozen=True, slots=True)
class ReadOptions:
    """Options every reader accepts, passed down unchanged from ``read_input``/``read_all``.

    ``published`` is a fallback publication date used when the input's own metadata has none.
    ``max_bytes`` is the size limit of each input, 1 to ``MAX_BYTES_LIMIT``.
    ``fetch`` gets URLs (the input itself, or the pages a feed links to); None means
    ``net.fetch_url``: a total deadline per download, the size limit, and public addresses only
    unless ``allow_private_urls``, within ``fetch_deadline`` seconds per download.
    ``follow_links`` = False reads feed entries from their summaries only.
    """

    published: PartialDate | None = None
    max_bytes: int = DEFAULT_MAX_BYTES
    fetch: Fetcher | None = None
    follow_links: bool = True
    allow_private_urls: bool = False
    fetch_deadline: float = FETCH_DEADLINE

    def __post_init__(self) -> None:
        check_max_bytes(self.max_bytes)
        if not 0 < self.fetch_deadline <= 86_400:
            raise IngestError("fetch_deadline", f"{self.fetch_deadline!r} is not a time limit: "
                                                "give a number of seconds, above 0, at most a day")


def check_max_bytes(value: object) -> int:
    """``value`` if it is a usable size limit, else ``IngestError`` saying what is."""
    if isinstance(value, bool) or not isinstance(value, int) or not (
            1 <= value <= MAX_BYTES_LIMIT):
        raise IngestError("max_bytes", f"{value!r} is not a size limit: give a whole number "
                                       f"of bytes from 1 to {MAX_BYTES_LIMIT:,} (1 GiB)")
    return value


def utc_now() -> str:
    """The ``retrieved`` stamp: now, UTC, ISO 8601 to the second."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def storable(text: str) -> str:
    """``text`` as a database can hold it: NUL removed (PostgreSQL refuses it; a NUL past the
    first 8 KB escapes binary sniffing), lone surrogates (JSON's ``"\\ud800"``, a file name
    that is not UTF-8) replaced by U+FFFD, which is what they stand for."""
    if not _UNSTORABLE.search(text):
        return text
    return _UNSTORABLE.sub(lambda m: "" if m.group() == "\x00" else "\ufffd", text)


def clean_field(value: object) -> str | None:
    """A metadata string trimmed to one line and storable, or None when absent or blank."""
    if not isinstance(value, str):
        return None
    value = " ".join(storable(value).split())
    return value or None


def make_document(
    text: str,
    source: str,
    options: ReadOptions,
    *,
    media_type: str,
    title: str | None = None,
    publisher: str | None = None,
    author: str | None = None,
    published: PartialDate | None = None,
    language: str | None = None,
    reliability: str = "F",
    external_id: str | None = None,
) -> Document:
    """Build the Document every reader returns, applying the rules they share.

    The publication date comes from the input's metadata, else the caller's ``published``
    fallback: never from the time of reading, which is kept apart as ``retrieved``. The language
    is detected from the text unless the input states it. Text with nothing but whitespace is an
    error here, once, rather than in every reader. Text, source and id are made ``storable``.
    """
    text = storable(text)
    if not text.strip():
        raise IngestError(source, "empty: no text to read")
    return Document.from_text(
        text,
        storable(source),
        media_type=media_type,
        title=clean_field(title),
        publisher=clean_field(publisher),
        author=clean_field(author),
        published=published or options.published,
        retrieved=utc_now(),
        language=language or detect_language(text),
        reliability=reliability,
        external_id=None if external_id is None else storable(external_id),
    )

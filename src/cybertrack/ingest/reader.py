"""Reading inputs: fetch or open each one, pick its reader, and report every outcome.

``read_all`` is what batch callers (the CLI's ``ingest``) use: it never raises for a bad input,
it yields a ``ReadResult`` with the error and goes on. ``read_input`` is the convenience for one
input that either gives Documents or raises ``IngestError``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence

from cybertrack.errors import IngestError
from cybertrack.ingest.base import DEFAULT_MAX_BYTES, Fetcher, ReadOptions, ReadResult
from cybertrack.ingest.detect import Format, is_url, sniff_format
from cybertrack.ingest.feed import read_feed
from cybertrack.ingest.html import read_html
from cybertrack.ingest.jsonl import read_jsonl
from cybertrack.ingest.net import fetcher_for
from cybertrack.ingest.paths import iter_inputs, read_file, too_big
from cybertrack.ingest.pdf import read_pdf
from cybertrack.ingest.stix import read_stix
from cybertrack.ingest.text import read_text
from cybertrack.model import Document, PartialDate

log = logging.getLogger(__name__)

SingleReader = Callable[[bytes, str, ReadOptions], Document]
MultiReader = Callable[[bytes, str, ReadOptions], Iterator[ReadResult]]

#: Formats whose input is one Document.
SINGLE_READERS: dict[Format, SingleReader] = {"text": read_text, "html": read_html, "pdf": read_pdf}
#: Formats whose input holds many; each item is its own ReadResult. STIX results also carry
#: the ready-made ``extraction`` (structured input: no text extraction).
MULTI_READERS: dict[Format, MultiReader] = {"feed": read_feed, "jsonl": read_jsonl,
                                            "stix": read_stix}


def load(source: str, options: ReadOptions) -> bytes:
    """The bytes of a path or http(s) URL, within ``options.max_bytes``."""
    if not is_url(source):
        return read_file(source, options.max_bytes)
    fetch = fetcher_for(options)
    try:
        data = fetch(source)
    except IngestError:
        raise
    except Exception as exc:  # a caller's fetcher may fail in its own way
        raise IngestError(source, f"cannot fetch: {type(exc).__name__}: {exc}") from None
    if len(data) > options.max_bytes:
        raise too_big(source, len(data), options.max_bytes)
    return data


def iter_input(source: str, options: ReadOptions | None = None) -> Iterator[ReadResult]:
    """Every outcome of one input (one for a page or file, one per entry or line for feeds and
    JSONL); raises ``IngestError`` when the input as a whole cannot be read."""
    options = options or ReadOptions()
    data = load(source, options)
    kind = sniff_format(source, data)
    if kind in MULTI_READERS:
        yield from MULTI_READERS[kind](data, source, options)
    else:
        yield ReadResult.ok(source, SINGLE_READERS[kind](data, source, options))


def read_input(
    source: str,
    *,
    published: PartialDate | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    fetch: Fetcher | None = None,
    follow_links: bool = True,
    allow_private_urls: bool = False,
) -> list[Document]:
    """The Documents of one path or URL, or ``IngestError`` when none can be read.

    A feed entry or JSONL line that fails while others succeed is logged as a warning and left
    out; use ``read_all`` to get those failures as results. ``published`` is the fallback
    publication date for documents whose metadata has none. URLs on loopback, private or
    other non-public addresses are refused unless ``allow_private_urls``.
    """
    options = ReadOptions(published, max_bytes, fetch, follow_links, allow_private_urls)
    documents: list[Document] = []
    errors: list[IngestError] = []
    for result in iter_input(source, options):
        if result.document is not None:
            documents.append(result.document)
        elif result.error is not None:
            errors.append(result.error)
    if errors and not documents:
        raise errors[0]
    for error in errors:
        log.warning("skipped %s", error)
    return documents


def read_all(
    paths: Sequence[str],
    *,
    published: PartialDate | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    fetch: Fetcher | None = None,
    follow_links: bool = True,
    allow_private_urls: bool = False,
) -> Iterator[ReadResult]:
    """Read every input that ``paths`` expands to (``iter_inputs``), one result per Document or
    failure, in order. Never raises for a bad input: its error is a result and reading goes on.

    A reader raising something other than ``IngestError`` is a bug; it is logged with its
    traceback and reported as this input's failure rather than ending a long batch.
    """
    options = ReadOptions(published, max_bytes, fetch, follow_links, allow_private_urls)
    for source in iter_inputs(paths):
        try:
            yield from iter_input(source, options)
        except IngestError as exc:
            yield ReadResult.fail(exc)
        except Exception as exc:
            log.exception("bug while reading %s", source)
            reason = f"internal error ({type(exc).__name__}: {exc}); please report this bug"
            yield ReadResult.fail(IngestError(source, reason))

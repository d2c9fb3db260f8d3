"""Readers: turn inputs (files, folders, globs, URLs, feeds, JSONL) into Documents.

One module per format (``text``, ``html``, ``pdf``, ``feed``, ``jsonl``), chosen by ``detect``
from magic bytes and extension. Readers never touch the store: the CLI passes what ``read_all``
yields to extraction and then to the store.
"""

from cybertrack.ingest.base import DEFAULT_MAX_BYTES, Fetcher, ReadOptions, ReadResult
from cybertrack.ingest.dates import parse_date
from cybertrack.ingest.detect import detect_language, sniff_format
from cybertrack.ingest.paths import fetch_url, iter_inputs
from cybertrack.ingest.reader import iter_input, read_all, read_input

__all__ = [
    "DEFAULT_MAX_BYTES",
    "Fetcher",
    "ReadOptions",
    "ReadResult",
    "detect_language",
    "fetch_url",
    "iter_input",
    "iter_inputs",
    "parse_date",
    "read_all",
    "read_input",
    "sniff_format",
]

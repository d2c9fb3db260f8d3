"""Plain text, with an optional header block of metadata (the sample corpus format).

A header is ``Key: value`` lines at the very top, ended by a blank line::

    Title: Albania cuts ties with Iran
    Publisher: The Daily
    Published: 2022-09-07
    Source: https://example.org/albania
    Language: en
    Reliability: B

    On September 6th Albania cut diplomatic ties ...

It is recognised only when the first line is one of the known keys (case-insensitive), so a text
that happens to start with "Note: ..." is left alone. The header sets the Document's fields and
is removed from its text; unknown ``Key: value`` lines inside a header are dropped with it.
"""

from __future__ import annotations

import re
from typing import TypedDict

from cybertrack.errors import IngestError
from cybertrack.ingest.base import ReadOptions, make_document
from cybertrack.ingest.dates import parse_date
from cybertrack.ingest.detect import decode_text, extension
from cybertrack.model import Document, PartialDate

HEADER_KEYS = frozenset(
    {"title", "publisher", "published", "source", "author", "language", "reliability"}
)
_LINE = re.compile(r"([A-Za-z][A-Za-z _-]{0,30}):[ \t]*(.*)")
_RELIABILITY = re.compile(r"([A-Fa-f])[1-6]?")
_LANGUAGE = re.compile(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]+)?")


class HeaderFields(TypedDict, total=False):
    """The Document fields a header can set (``source`` is handled apart)."""

    title: str
    publisher: str
    author: str
    published: PartialDate
    reliability: str
    language: str


def split_header(text: str) -> tuple[dict[str, str], str]:
    """Split a leading metadata header from the body: ({lowercased key: value}, body)."""
    lines = text.split("\n")
    first = _LINE.fullmatch(lines[0].strip()) if lines else None
    if not first or first[1].strip().lower() not in HEADER_KEYS:
        return {}, text
    fields: dict[str, str] = {}
    for n, line in enumerate(lines):
        match = _LINE.fullmatch(line.strip())
        if not line.strip() or not match:
            return fields, "\n".join(lines[n:])
        key = match[1].strip().lower()
        if key in HEADER_KEYS and match[2].strip():
            fields.setdefault(key, match[2].strip())
    return fields, ""


def header_fields(fields: dict[str, str], source: str) -> HeaderFields:
    """Validate header values into Document fields; a malformed value is an ``IngestError``."""
    out = HeaderFields()
    if "title" in fields:
        out["title"] = fields["title"]
    if "publisher" in fields:
        out["publisher"] = fields["publisher"]
    if "author" in fields:
        out["author"] = fields["author"]
    if "published" in fields:
        date = parse_date(fields["published"])
        if date is None:
            raise IngestError(
                source,
                f"header Published: {fields['published']!r} is not a date; "
                "write it as 2022-09-07, 2022-09 or 2022",
            )
        out["published"] = date
    if "reliability" in fields:
        grade = _RELIABILITY.fullmatch(fields["reliability"])
        if grade is None:
            raise IngestError(
                source,
                f"header Reliability: {fields['reliability']!r} is not an Admiralty grade; "
                "use a letter A-F (F: cannot be judged)",
            )
        out["reliability"] = grade[1].upper()
    if "language" in fields:
        if not _LANGUAGE.fullmatch(fields["language"]):
            raise IngestError(
                source,
                f"header Language: {fields['language']!r} is not a language code; use e.g. en",
            )
        out["language"] = re.split(r"[-_]", fields["language"])[0].lower()
    return out


def parse_text(text: str, source: str, options: ReadOptions, media_type: str) -> Document:
    """A Document from already decoded text (header applied); used by text and JSONL."""
    fields, body = split_header(text.lstrip("\ufeff"))
    meta = header_fields(fields, source)
    if not body.strip():
        raise IngestError(source, "empty: a header but no text after it")
    origin = fields.get("source") or source
    return make_document(body, origin, options, media_type=media_type, **meta)


def read_text(data: bytes, source: str, options: ReadOptions | None = None) -> Document:
    """Read a plain-text (or Markdown) input into one Document."""
    options = options or ReadOptions()
    if not data.strip():
        raise IngestError(source, "empty: the file has no text")
    text = decode_text(data, source)
    media_type = "text/markdown" if extension(source) in (".md", ".markdown") else "text/plain"
    return parse_text(text, source, options, media_type)

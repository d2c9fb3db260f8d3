"""JSON Lines of documents: ``{"id", "title", "text" | "text_file", "published", "url",
"publisher"}`` per line.

``text_file`` is a path relative to the JSONL file's folder; it is read like any input (text,
HTML or PDF by its content), then the line's own ``title``, ``published`` and ``id`` override
what the file says. ``id`` becomes ``Document.external_id``; ``url`` (an http(s) address) the
document's source address and ``publisher`` its publisher. Other keys are ignored.

A JSONL file may come from anywhere, so ``text_file`` is confined to the JSONL file's own
folder: an absolute path, a ``..`` part, or a path whose resolved form (symlinks followed) lies
outside that folder is refused, and the file actually read is the resolved one.

Each line stands alone: a bad line is reported as ``file.jsonl:LINE: reason`` and the others are
still read. Only a file in which no line is a JSON object fails as a whole.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
from collections.abc import Iterator
from typing import Any

from cybertrack.errors import IngestError
from cybertrack.ingest.base import (
    ReadOptions,
    ReadResult,
    clean_field,
    make_document,
    storable,
)
from cybertrack.ingest.dates import parse_date
from cybertrack.ingest.detect import decode_text, is_url, sniff_format
from cybertrack.ingest.html import read_html
from cybertrack.ingest.paths import read_file
from cybertrack.ingest.pdf import read_pdf
from cybertrack.ingest.text import read_text
from cybertrack.model import Document


def _parse_lines(text: str) -> list[tuple[int, dict[str, Any] | str]]:
    """(line number, object or reason it is not one) for every non-blank line."""
    rows: list[tuple[int, dict[str, Any] | str]] = []
    for number, line in enumerate(text.split("\n"), 1):
        line = line.strip()
        if not line:
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            rows.append((number, f"not JSON ({exc.msg} at column {exc.colno})"))
            continue
        except (RecursionError, ValueError) as exc:
            rows.append((number, f"not JSON ({type(exc).__name__})"))
            continue
        if isinstance(value, dict):
            rows.append((number, value))
        else:
            rows.append((number, f"not a JSON object but a {type(value).__name__}"))
    return rows


def confined_path(name: str, folder: str) -> str:
    """The resolved path of ``name`` inside ``folder``, or ``ValueError`` saying why it is not.

    Checked on resolved paths (``realpath``: symlinks followed, ``..`` collapsed), so a symlink
    inside the folder that points out of it is refused like a path that names the outside.
    """
    if "\0" in name:
        raise ValueError("the path contains a NUL character")
    if os.path.isabs(name) or name.startswith(("/", "\\")):
        raise ValueError("an absolute path")
    if ".." in re.split(r"[\\/]", name):
        raise ValueError("the path goes up with '..'")
    base = os.path.realpath(folder or os.curdir)
    target = os.path.realpath(os.path.join(base, name))
    if os.path.commonpath([base, target]) != base:
        raise ValueError("the path resolves outside that folder (through a symlink)")
    return target


def _read_text_file(name: str, folder: str, options: ReadOptions) -> Document:
    """The Document of a ``text_file``, read by its format; errors name the file."""
    try:
        path = confined_path(name, folder)
    except ValueError as exc:
        raise IngestError(name, f"refused: {exc}; text_file must name a file inside the JSONL "
                                "file's own folder") from None
    data = read_file(path, options.max_bytes)
    kind = sniff_format(path, data)
    if kind == "pdf":
        return read_pdf(data, path, options)
    if kind == "html":
        return read_html(data, path, options)
    return read_text(data, path, options)


def _optional_string(row: dict[str, Any], key: str, label: str) -> str | None:
    """``row[key]`` trimmed, None when absent, null or blank; ``IngestError`` if no string."""
    value = row.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise IngestError(label, f'"{key}" must be a string, not {type(value).__name__}')
    return value.strip() or None


def _document(row: dict[str, Any], label: str, folder: str | None, opts: ReadOptions) -> Document:
    """The Document of one parsed line, or ``IngestError(label, why)``."""
    ident = row.get("id")
    if ident is not None and (isinstance(ident, bool) or not isinstance(ident, str | int)):
        raise IngestError(label, f'"id" must be a string or a number, not {ident!r}')
    title = row.get("title")
    if title is not None and not isinstance(title, str):
        raise IngestError(label, f'"title" must be a string, not {title!r}')
    published = None
    if row.get("published") is not None:
        published = parse_date(str(row["published"]))
        if published is None:
            raise IngestError(
                label,
                f'"published" {row["published"]!r} is not a date; use 2022-09-07, 2022-09 or 2022',
            )
    url = _optional_string(row, "url", label)
    if url is not None and not is_url(url):
        raise IngestError(label, f'"url" {url[:200]!r} is not an http(s) address')
    publisher = _optional_string(row, "publisher", label)
    external_id = None if ident is None else str(ident)
    text, text_file = row.get("text"), row.get("text_file")
    if isinstance(text, str) and text.strip():
        return make_document(
            text, url or label, opts, media_type="text/plain", title=title,
            publisher=publisher, published=published, external_id=external_id,
        )
    if isinstance(text_file, str) and text_file.strip():
        if folder is None:
            raise IngestError(label, '"text_file" needs the JSONL file to be local, not a URL')
        try:
            document = _read_text_file(text_file, folder, opts)
        except IngestError as exc:
            raise IngestError(label, f'"text_file" {text_file!r}: {exc.reason}') from None
        return dataclasses.replace(
            document,
            source=url or document.source,
            title=clean_field(title) or document.title,
            publisher=clean_field(publisher) or document.publisher,
            published=published or document.published,
            external_id=None if external_id is None else storable(external_id),
        )
    if "text" in row and not isinstance(text, str):
        raise IngestError(label, f'"text" must be a string, not {type(text).__name__}')
    if "text" in row or "text_file" in row:
        raise IngestError(label, "empty: no text")
    raise IngestError(label, 'no "text" or "text_file"; each line needs one')


def read_jsonl(
    data: bytes, source: str, options: ReadOptions | None = None
) -> Iterator[ReadResult]:
    """One ReadResult per non-blank line, labelled ``source:LINE``; ``IngestError`` if no line
    is a JSON object."""
    options = options or ReadOptions()
    if not data.strip():
        raise IngestError(source, "empty: the file has no lines")
    rows = _parse_lines(decode_text(data, source))
    if not rows:
        raise IngestError(source, "empty: the file has no lines")
    if not any(isinstance(row, dict) for _n, row in rows):
        first_line, why = rows[0]
        raise IngestError(source, f"not JSON Lines: line {first_line} is {why}")
    folder = None if is_url(source) else os.path.dirname(source)
    for number, row in rows:
        label = f"{source}:{number}"
        if isinstance(row, str):
            yield ReadResult.fail(IngestError(label, row))
            continue
        try:
            result = ReadResult.ok(label, _document(row, label, folder, options))
        except IngestError as exc:
            result = ReadResult.fail(exc)
        yield result

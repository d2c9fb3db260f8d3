"""Sniffing: which format an input is, how its bytes decode to text, which language it is in.

Format is decided by magic bytes first (a ``.txt`` that is really a PDF is read as a PDF), then
by extension, then by a weaker look at the content. Decoding prefers UTF-8, tolerates a few stray
legacy bytes in a UTF-8 file, and otherwise asks charset-normalizer; bytes that are not text
(NULs, many control characters, mostly undecodable) are refused rather than read as garbage.
"""

from __future__ import annotations

import codecs
import functools
import json
import re
import unicodedata
from typing import Any, Literal
from urllib.parse import urlsplit

import charset_normalizer

from cybertrack.errors import IngestError

Format = Literal["text", "html", "pdf", "feed", "jsonl", "stix"]

EXTENSIONS: dict[str, Format] = {
    ".txt": "text", ".text": "text", ".md": "text", ".markdown": "text", ".rst": "text",
    ".html": "html", ".htm": "html", ".xhtml": "html", ".shtml": "html", ".php": "html",
    ".asp": "html", ".aspx": "html",
    ".pdf": "pdf",
    ".rss": "feed", ".atom": "feed", ".xml": "feed", ".rdf": "feed",
    ".jsonl": "jsonl", ".ndjson": "jsonl", ".jsonlines": "jsonl",
}

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE, whose BOM is its prefix
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
#: C0 controls that do not occur in text (tab, newlines, form feed and escape do).
_CONTROL_BYTES = bytes(b for b in range(32) if b not in b"\t\n\r\x0b\x0c\x1b") + b"\x7f"
_HTML_TAG = re.compile(rb"<(?:html|head|body|title|p|div|article|meta|br|h[1-6])[\s>/]")
_MULTIBYTE = re.compile("[^\x00-\x7f\ufffd]")
_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_:.-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9_.-]+)""", re.I)
#: Legacy labels that browsers (WHATWG Encoding) decode as windows-1252.
_AS_CP1252 = {"ascii", "us-ascii", "iso-8859-1", "iso8859-1", "latin-1", "latin1", "l1"}
_WESTERN = {"cp1252", "latin_1", "iso8859_15", "windows-1252"}

SAMPLE = 65536  # bytes or characters looked at when judging a whole input


def extension(source: str) -> str:
    """The lowercased extension of a path or of a URL's path (``""`` when there is none)."""
    path = urlsplit(source).path if is_url(source) else source
    name = path.rsplit("/", 1)[-1]
    return "." + name.rsplit(".", 1)[-1].lower() if "." in name.strip(".") else ""


def is_url(source: str) -> bool:
    return source.lower().startswith(("http://", "https://"))


def _head(data: bytes) -> bytes:
    """The start of the content, lowercased, without a BOM or leading whitespace."""
    head = data[:4096]
    if head.startswith(codecs.BOM_UTF8):
        head = head[3:]
    return head.lstrip().lower()


def sniff_format(source: str, data: bytes) -> Format:
    """Decide the reader for ``data`` read from ``source``: magic bytes, extension, content."""
    head = _head(data)
    if head.startswith(b"%pdf-"):
        return "pdf"
    xml_like = head.startswith((b"<?xml", b"<rss", b"<feed", b"<rdf:rdf"))
    if xml_like and any(t in head for t in (b"<rss", b"<feed", b"<rdf:rdf", b"<channel")):
        return "feed"
    if head.startswith((b"<!doctype html", b"<html")) or (xml_like and b"<html" in head):
        return "html"
    if looks_like_stix(source, data):
        return "stix"
    ext = EXTENSIONS.get(extension(source))
    if ext is not None:
        return ext
    if head.startswith(b"{"):
        return "jsonl"
    if head.startswith(b"<") and _HTML_TAG.search(head):
        return "html"
    if xml_like:
        return "feed"
    return "text"


_STIX_HEAD = re.compile(rb'"type"\s*:\s*"bundle"|"spec_version"\s*:\s*"2\.[0-9]"')
_STIX_ID = re.compile(r"^[a-z0-9][a-z0-9-]*--[0-9a-fA-F-]{36}$")


def looks_like_stix(source: str, data: bytes) -> bool:
    """A STIX 2 bundle or object (read by ``ingest.stix``): told by its start when it says
    so up front (``"type": "bundle"``, ``"spec_version"``), else, for a ``.json`` file, by
    parsing it and finding a ``type`` and a ``type--uuid`` id."""
    head = _head(data)
    if not head.startswith((b"{", b"[")):
        return False
    if _STIX_HEAD.search(head):
        return True
    if extension(source) != ".json":
        return False
    try:
        value = json.loads(data.decode("utf-8-sig"))
    except (ValueError, RecursionError):
        return False
    first = value[0] if isinstance(value, list) and value else value
    return (isinstance(first, dict) and isinstance(first.get("type"), str)
            and isinstance(first.get("id"), str) and bool(_STIX_ID.match(first["id"])))


def looks_binary(data: bytes) -> bool:
    """True for bytes that are not text in any single-byte or UTF-8 encoding.

    A NUL in the first 8 KB (git's rule), or more than 10% control bytes in the first 64 KB.
    UTF-16/32 text has NULs, so callers check for its BOM first.
    """
    if b"\x00" in data[:8192]:
        return True
    sample = data[:SAMPLE]
    if not sample:
        return False
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    return controls > 0.10 * len(sample)


def _mostly_undecodable(text: str) -> bool:
    """More than 10% of the first characters are replacement, control or unassigned."""
    sample = text[:SAMPLE]
    if not sample:
        return False
    bad = sum(
        1
        for c in sample
        if c == "\ufffd" or (unicodedata.category(c)[0] == "C" and c not in "\t\n\r\x0b\x0c")
    )
    return bad > 0.10 * len(sample)


@functools.cache
def _register_fallback() -> str:
    """Register (once, on first use) a decode error handler reading stray bytes as cp1252."""

    def handler(exc: UnicodeError) -> tuple[str, int]:
        if not isinstance(exc, UnicodeDecodeError):
            raise exc
        return exc.object[exc.start : exc.end].decode("cp1252", "replace"), exc.end

    name = "cybertrack-cp1252"
    codecs.register_error(name, handler)
    return name


def _guess(data: bytes) -> str:
    """Decode bytes that are not valid UTF-8.

    A file that is mostly valid UTF-8 with a few stray bytes (a latin-1 name pasted into a UTF-8
    file) keeps its UTF-8 and reads the strays as cp1252. Otherwise charset-normalizer guesses;
    on short western text its guesses tie, so cp1252 wins any near tie, being by far the most
    common legacy encoding of news text.
    """
    loose = data.decode("utf-8", "replace")
    strays = loose.count("\ufffd")
    if _MULTIBYTE.search(loose) and strays <= max(8, len(data) // 100):
        return data.decode("utf-8", _register_fallback())
    matches = list(charset_normalizer.from_bytes(data))
    if not matches:
        return data.decode("cp1252", "replace")
    best = min(matches, key=lambda m: m.chaos)
    for match in matches:
        if match.encoding in _WESTERN and match.chaos <= best.chaos + 0.1:
            return data.decode("cp1252", "replace")
    return str(best)


def declared_charset(data: bytes) -> str | None:
    """The encoding an HTML ``<meta charset>`` or XML declaration names, if Python knows it."""
    head = data[:4096]
    found = _CHARSET.search(head) or _XML_ENCODING.search(head)
    if not found:
        return None
    label = found.group(1).decode("ascii", "replace").lower()
    if label in _AS_CP1252:
        return "cp1252"
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    # A page that can declare its encoding in ASCII is not UTF-16/32 (browsers do the same).
    return "utf-8" if name.startswith(("utf-16", "utf-32")) else name


def decode_text(data: bytes, source: str, declared: str | None = None) -> str:
    """Bytes to text, or ``IngestError`` when they are binary or mostly undecodable.

    A BOM wins; then a ``declared`` encoding other than UTF-8 (from HTML or XML); then UTF-8;
    then the guesses of ``_guess``.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            text = data[len(bom) :].decode(encoding, "replace")
            break
    else:
        if looks_binary(data):
            raise IngestError(source, "binary data, not text; is this the file you meant?")
        if declared and declared != "utf-8":
            text = data.decode(declared, "replace")
        else:
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                text = _guess(data)
    if _mostly_undecodable(text):
        raise IngestError(source, "binary data, not text (mostly undecodable characters)")
    return text


@functools.cache
def _identifier() -> Any:
    """py3langid restricted to languages with an ISO 639-1 code, loaded on first use.

    The full model also answers with codes such as ``pcm`` or ``zxx`` (which it picks for short
    English news sentences), and DESIGN.md records ISO 639-1. A private identifier leaves
    py3langid's global one as other code expects it.
    """
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE)
    identifier.set_languages([code for code in identifier.labels if len(code) == 2])
    return identifier


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the text's language from its first 4,000 characters (py3langid).

    None for text with fewer than 20 letters, where any guess would be noise.
    """
    sample = text[:4000]
    if sum(c.isalpha() for c in sample) < 20:
        return None
    lang, _score = _identifier().classify(sample)
    return str(lang)

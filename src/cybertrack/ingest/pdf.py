"""PDF reports: the text of every page (pypdf) and the title, author and creation date.

A PDF that cannot become text says why, because the fix differs: a corrupt file needs a new
download, an encrypted one a password removed, a scanned one OCR. What a PDF expands to is
bounded, not only its size in bytes: at most ``MAX_PAGES`` pages, ``MAX_TEXT_CHARS``
characters and ``MAX_CONTENT_BYTES`` of decoded page content are read, and a page whose content
stream decodes to more than ``MAX_PAGE_CONTENT`` is skipped (a warning names the file when a cap
cut it short). The caps count bytes, not seconds, so the same file always gives the same text.
"""

from __future__ import annotations

import io
import logging
from itertools import islice
from typing import TYPE_CHECKING

from cybertrack.errors import IngestError
from cybertrack.ingest.base import ReadOptions, clean_field, make_document
from cybertrack.ingest.dates import parse_date
from cybertrack.model import Document

if TYPE_CHECKING:
    from pypdf import PageObject, PdfReader

log = logging.getLogger(__name__)

#: Pages read from one PDF. A few kilobytes can hold a page tree naming one page a hundred
#: thousand times; real reports have hundreds of pages.
MAX_PAGES = 5_000
#: Characters of text kept from one PDF (two and a half times extraction's default cap,
#: ``--max-chars``): a small file whose streams decompress to megabytes of text stops here.
MAX_TEXT_CHARS = 5_000_000

#: Decoded content-stream bytes of one page. pypdf's text extraction costs about 5 us per
#: byte of text operators: a 17 KB file whose one page inflates to 6 MB took minutes. A dense
#: page of text is tens of kilobytes; a page over this is skipped, not read in part.
MAX_PAGE_CONTENT = 2_000_000
#: Decoded content-stream bytes of the whole file (about a minute of extraction at worst).
MAX_CONTENT_BYTES = 16_000_000

_PLACEHOLDER_TITLES = frozenset({"untitled", "microsoft word", "title", "document", "pdf"})


def _title(value: object) -> str | None:
    """A metadata title, unless it is a placeholder or a file name left by the authoring tool."""
    title = clean_field(value)
    if title is None or title.lower() in _PLACEHOLDER_TITLES:
        return None
    if title.lower().endswith((".doc", ".docx", ".pdf", ".indd", ".rtf")):
        return None
    return title


def read_pdf(data: bytes, source: str, options: ReadOptions | None = None) -> Document:
    """Read a PDF into one Document: pages joined by blank lines, metadata from its info dict."""
    if not data.strip():
        raise IngestError(source, "empty: the file has no content")
    if b"%PDF-" not in data[:1024]:
        raise IngestError(source, "not a PDF (no %PDF- header); the file is corrupt or mislabelled")
    from pypdf import PdfReader  # deferred: only PDF inputs need it

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not _decrypt(reader):
            raise IngestError(
                source, "PDF is encrypted with a password; remove it first (qpdf --decrypt)"
            )
        try:
            pages, more = first_pages(reader, MAX_PAGES)
        except Exception:  # a tree our walk does not follow: pypdf's own (bounded) walk
            pages = list(islice(reader.pages, MAX_PAGES))
            more = len(reader.pages) > MAX_PAGES
    except IngestError:
        raise
    except Exception as exc:  # pypdf raises many kinds of error on damaged files
        raise IngestError(source, f"corrupt PDF, cannot be parsed ({_why(exc)})") from None
    if not pages:
        raise IngestError(source, "PDF has no pages")
    texts: list[str] = []
    failures = read = chars = content = skipped = 0
    seen: dict[object, str] = {}  # a page object the tree names again reads the same
    for number, page in enumerate(pages):
        if chars >= MAX_TEXT_CHARS or content >= MAX_CONTENT_BYTES:
            break
        read += 1
        try:
            ref = page.indirect_reference
            key = (ref.idnum, ref.generation) if ref is not None else None
            page_text = seen.get(key) if key is not None else None
            if page_text is None:
                size = content_size(page)
                content += size
                if size > MAX_PAGE_CONTENT or content > MAX_CONTENT_BYTES:
                    skipped += 1
                    log.warning("%s: page %d skipped: its content decodes to %d bytes (cap %d "
                                "a page, %d a file)", source, number + 1, size,
                                MAX_PAGE_CONTENT, MAX_CONTENT_BYTES)
                    continue
                page_text = (page.extract_text() or "").strip()
                if key is not None:
                    seen[key] = page_text
        except Exception as exc:  # one damaged page should not lose the others
            failures += 1
            log.debug("%s: page %d unreadable: %s", source, number + 1, exc)
            continue
        if page_text:
            texts.append(page_text[: MAX_TEXT_CHARS - chars])
            chars += len(texts[-1]) + 2
    if skipped and not texts:
        raise IngestError(source, f"PDF page content too large to read: {skipped} page(s) over "
                                  f"{MAX_PAGE_CONTENT:,} decoded bytes each (a decompression "
                                  "bomb, or a page of drawings with no text)")
    if failures == read:
        raise IngestError(source, "corrupt PDF: no page could be read")
    if more or read < len(pages):
        log.warning("%s: PDF text read from its first %d pages and %d characters only (caps: "
                    "%d pages, %d characters)", source, read, min(chars, MAX_TEXT_CHARS),
                    MAX_PAGES, MAX_TEXT_CHARS)
    text = "\n\n".join(texts)
    if not text:
        raise IngestError(
            source, "PDF has no extractable text (scanned? run OCR on it first, e.g. ocrmypdf)"
        )
    title = author = published = None
    try:
        info = reader.metadata
        if info is not None:
            title = _title(info.get("/Title"))
            author = clean_field(info.get("/Author"))
            published = parse_date(str(info.get("/CreationDate") or ""))
    except Exception as exc:  # a broken info dictionary loses the metadata, not the text
        log.debug("%s: unreadable PDF metadata: %s", source, exc)
    return make_document(
        text,
        source,
        options or ReadOptions(),
        media_type="application/pdf",
        title=title,
        author=author,
        published=published,
    )


#: Page attributes a page inherits from the ``/Pages`` nodes above it (PDF 32000, 7.7.3.4).
_INHERITABLE = ("/Resources", "/MediaBox", "/CropBox", "/Rotate")


def first_pages(reader: PdfReader, limit: int) -> tuple[list[PageObject], bool]:
    """The first ``limit`` pages in page-tree order, and whether the tree holds more.

    pypdf's ``reader.pages`` builds every page of the tree first: 3 s and 90 MB for a 7 KB
    file whose tree names one page 99,000 times. This walk stops at ``limit`` pages (and at
    ``8 * limit`` tree nodes, for trees of empty nodes), skips nodes that are their own
    ancestors, and applies inherited attributes as pypdf does."""
    from pypdf import PageObject
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

    Frame = tuple[object, dict[str, object], frozenset[int]]
    root = reader.root_object.get("/Pages")
    stack: list[Frame] = [(root, {}, frozenset())]
    pages: list[PageObject] = []
    budget = 8 * limit + 100
    while stack:
        if len(pages) >= limit or budget <= 0:
            return pages, True
        budget -= 1
        entry, inherited, ancestors = stack.pop()
        ref = entry if isinstance(entry, IndirectObject) else None
        node = entry.get_object() if isinstance(entry, IndirectObject) else entry
        if not isinstance(node, DictionaryObject) or not node:
            continue
        if ref is not None and ref.idnum in ancestors:
            continue  # a loop in the tree
        kind = node.get("/Type")
        if kind == "/Pages" or (kind != "/Page" and "/Kids" in node):
            inherit = dict(inherited)
            inherit.update((k, node[k]) for k in _INHERITABLE if k in node)
            kids = node.get("/Kids")
            kids = kids.get_object() if kids is not None else None
            if isinstance(kids, ArrayObject):
                below = ancestors | {ref.idnum} if ref is not None else ancestors
                stack.extend((kid, inherit, below) for kid in reversed(kids))
            continue
        page = PageObject(reader, ref)
        if ref is None:
            page.update(node)
        for key, value in inherited.items():
            if key not in page:
                page[NameObject(key)] = value
        pages.append(page)
    return pages, False


def content_size(page: PageObject) -> int:
    """Decoded bytes of a page's content streams, read no further than one byte past the
    per-page cap (a FlateDecode stream is inflated in steps, so a bomb never fills memory)."""
    import zlib

    from pypdf.generic import ArrayObject, NameObject, StreamObject

    contents = page.get(NameObject("/Contents"))
    contents = contents.get_object() if contents is not None else None
    streams = list(contents) if isinstance(contents, ArrayObject) else [contents]
    total = 0
    for entry in streams:
        stream = entry.get_object() if entry is not None else None
        if not isinstance(stream, StreamObject):
            continue
        filters = stream.get("/Filter")
        raw = getattr(stream, "_data", b"") or b""
        if filters == "/FlateDecode" and isinstance(raw, bytes):
            inflater = zlib.decompressobj()
            try:
                total += len(inflater.decompress(raw, MAX_PAGE_CONTENT + 1 - total))
            except zlib.error:
                total += len(raw)
        else:  # other or chained filters: pypdf decodes them under its own output caps
            total += len(stream.get_data())
        if total > MAX_PAGE_CONTENT:
            break
    return total


def _decrypt(reader: PdfReader) -> bool:
    """Try the empty user password (common on 'protected' reports that anyone may open)."""
    try:
        return bool(reader.decrypt(""))
    except Exception:  # wrong password, or an algorithm needing the 'cryptography' package
        return False


def _why(exc: Exception) -> str:
    text = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__

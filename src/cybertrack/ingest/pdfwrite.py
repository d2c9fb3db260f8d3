"""A minimal PDF writer: text pages in Helvetica, with an info dictionary.

It exists so tests, the benchmark corpus and demos can make real PDFs (which pypdf then reads
back) without committing binary files or adding a PDF-writing dependency. It is not a layout
engine: lines are wrapped at a fixed width, and text outside cp1252 becomes ``?``.
"""

from __future__ import annotations

import datetime as dt
import textwrap

_WIDTH = 90  # characters per line at 10 pt on a US-letter page


def _pdf_string(text: str) -> bytes:
    raw = text.encode("cp1252", "replace")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def _content(text: str) -> bytes:
    lines: list[str] = []
    for paragraph in text.split("\n"):
        lines.extend(textwrap.wrap(paragraph, _WIDTH) or [""])
    ops = [b"BT /F1 10 Tf 13 TL 60 740 Td"]
    ops.extend(_pdf_string(line) + b" Tj T*" for line in lines if line.strip())
    ops.append(b"ET")
    return b"\n".join(ops) if len(ops) > 2 else b""


def simple_pdf(
    pages: list[str],
    *,
    title: str | None = None,
    author: str | None = None,
    created: dt.date | None = None,
) -> bytes:
    """The bytes of a PDF with one page per string (an empty string makes a page with no text,
    like a scanned page)."""
    objects: list[bytes] = []  # object n is objects[n - 1]
    page_ids = [4 + 2 * i for i in range(len(pages))]
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    kids = b" ".join(b"%d 0 R" % i for i in page_ids)
    objects.append(b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, len(pages)))
    objects.append(
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
    )
    for page_id, text in zip(page_ids, pages, strict=True):
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            b"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % (page_id + 1)
        )
        stream = _content(text)
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream))
    info = []
    if title:
        info.append(b"/Title " + _pdf_string(title))
    if author:
        info.append(b"/Author " + _pdf_string(author))
    if created:
        info.append(b"/CreationDate (D:%s000000Z)" % created.strftime("%Y%m%d").encode())
    objects.append(b"<< " + b" ".join(info) + b" >>")
    return assemble(objects, info=len(objects))


def assemble(objects: list[bytes], *, info: int | None = None) -> bytes:
    """A PDF file of these object bodies (numbered 1..n, object 1 the catalog) with its
    cross-reference table and trailer; ``info`` is the number of the info dictionary. Tests and
    the hostile corpus build malformed or bomb-like PDFs from raw objects with it."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    info_ref = b" /Info %d 0 R" % info if info is not None else b""
    out += b"trailer\n<< /Size %d /Root 1 0 R%s >>\n" % (len(objects) + 1, info_ref)
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)

"""Untrusted text made safe for where it is shown: terminals, JSON, Markdown, CSV, SVG.

Every title, sentence, name and file name cybertrack shows comes from documents it did not
write. Shown raw, an article can drive the reader's terminal (``ESC ]0;`` retitles the window,
``ESC ]52;`` writes the clipboard, ``ESC [2J`` clears the screen), turn a spreadsheet cell into
a formula (``=HYPERLINK(...)``), or put ``<script>`` and ``javascript:`` links into a Markdown
report. This module is the one place that knows what is unsafe and how each output neutralises
it; the outputs call it rather than each deciding for themselves:

- terminal: ``SafeConsole`` (the CLI's consoles) shows C0/C1 controls (except newline and tab),
  DEL and bidi overrides as visible escapes (``\\x1b``, ``\\u202e``) in every string and
  ``Text`` it renders, and drops any left in the rendered segments, so a renderer added later
  is covered without doing anything;
- JSON printed to a terminal: ``json_safe`` (C0 is already escaped by ``json.dumps``);
- Markdown: ``md_text`` and ``safe_href``;
- CSV: ``csv_cell`` (OWASP formula-injection rule);
- SVG/PNG chart labels: ``strip_unsafe`` (XML 1.0 cannot hold C0 controls at all).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote

from rich.console import Console, ConsoleOptions, RenderableType
from rich.segment import Segment
from rich.text import Span, Text

# C0 except \t and \n; DEL and C1; LRE RLE PDF LRO RLO; LRI RLI FSI PDI.
UNSAFE_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _escape(ch: str) -> str:
    code = ord(ch)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def visible(text: str) -> str:
    """``text`` with every unsafe character written as a visible escape (ESC -> ``\\x1b``):
    the reader sees that the document held something odd, the terminal obeys nothing."""
    return UNSAFE_RE.sub(lambda m: _escape(m.group()), text) if UNSAFE_RE.search(text) else text


def strip_unsafe(text: str) -> str:
    """``text`` without unsafe characters (where an escape would not fit: chart labels,
    already-measured terminal segments)."""
    return UNSAFE_RE.sub("", text)


def visible_text(text: Text) -> Text:
    """A rich ``Text`` with ``visible`` applied, its styled spans moved to match."""
    plain = text.plain
    if not UNSAFE_RE.search(plain):
        return text
    pieces: list[str] = []
    where = [0] * (len(plain) + 1)
    pos = 0
    for i, ch in enumerate(plain):
        where[i] = pos
        piece = _escape(ch) if UNSAFE_RE.match(ch) else ch
        pieces.append(piece)
        pos += len(piece)
    where[len(plain)] = pos
    return Text("".join(pieces), style=text.style, justify=text.justify,
                overflow=text.overflow, no_wrap=text.no_wrap, end=text.end,
                tab_size=text.tab_size,
                spans=[Span(where[s.start], where[min(s.end, len(plain))], s.style)
                       for s in text.spans])


class SafeConsole(Console):
    """A rich ``Console`` that never writes a control sequence it did not make itself.

    Strings (markup included) and ``Text`` objects are made ``visible`` before rich measures
    and lays them out; whatever still carries an unsafe character when rendered (a renderable
    built some other way) has it dropped. Segments rich marks as its own control codes
    (cursor moves of a progress bar) and styles (colours, links) are left alone: they are
    made by rich from our code, never from document text.
    """

    def render_str(self, text: str, **kwargs: Any) -> Text:
        return super().render_str(visible(text), **kwargs)

    def render(self, renderable: RenderableType,
               options: ConsoleOptions | None = None) -> Iterable[Segment]:
        if isinstance(renderable, Text):
            renderable = visible_text(renderable)
        for seg in super().render(renderable, options):
            if seg.control is None and UNSAFE_RE.search(seg.text):
                yield Segment(strip_unsafe(seg.text), seg.style, None)
            else:
                yield seg


def json_safe(text: str) -> str:
    """JSON text (``json.dumps(..., ensure_ascii=False)``) with DEL, C1 and bidi controls
    written as ``\\uXXXX`` escapes: the same JSON value, harmless on a terminal. (These
    characters can only occur inside JSON strings, so replacing them anywhere is exact.)"""
    return UNSAFE_RE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


# ---- Markdown --------------------------------------------------------------------------------
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|])")
_MD_LINE_START = re.compile(r"^(\s*)([#>+=~-]|\d+[.)])")
_BAD_SCHEME = re.compile(r"^(javascript|vbscript|data|file):", re.IGNORECASE)


def md_text(text: str, *, line: bool = False) -> str:
    """Article text as inert Markdown on one line: HTML metacharacters as entities
    (``&lt;script&gt;`` shows as text, never runs), Markdown link, image, emphasis, code and
    table syntax backslash-escaped (``[x](javascript:...)`` cannot form a link), controls
    shown as visible escapes. ``line``: the text starts a line of its own (a paragraph), so
    a leading heading, quote or list marker is escaped too (in a table cell it is inert)."""
    text = " ".join(visible(text).split())
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MD_SPECIAL.sub(r"\\\1", text)
    if line:
        text = _MD_LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), text)
    return text


def safe_href(target: str) -> str:
    """A link target for Markdown/HTML: a relative path or http(s) address, percent-encoded
    so it cannot close the link; a ``javascript:``, ``vbscript:``, ``data:`` or ``file:``
    target (after removing the controls and blanks browsers ignore) becomes ``#``."""
    squeezed = re.sub(r"[\x00-\x20\x7f-\x9f]", "", target)
    if _BAD_SCHEME.match(squeezed):
        return "#"
    return quote(strip_unsafe(target), safe="/.-_~:%#?=&+")


# ---- CSV -------------------------------------------------------------------------------------
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> Any:
    """A CSV cell that no spreadsheet evaluates (OWASP "CSV injection"): text starting with
    ``= + - @``, tab or carriage return gets a leading single quote, the rest kept. Numbers
    (``int``/``float``, e.g. a count of -3) stay numbers: a spreadsheet reads them as values,
    not formulas, and they come from cybertrack, never from a document."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value

"""A report as plain data (sections of paragraphs and tables), rendered four ways.

Views (``report/incident.py``, ``report/reach.py``...) build a ``Report`` once; ``render``
prints it to a terminal with rich, or returns Markdown, HTML or JSON. Keeping the content apart
from the format means the four outputs can never say different things. ``Report.data`` is the
machine-readable form (what ``--format json`` prints); charts written next to the report are
listed in ``Report.charts`` and linked from Markdown and HTML.
"""

from __future__ import annotations

import html
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from rich.console import Console
from rich.panel import Panel
from rich.table import Table as RichTable
from rich.text import Text

from cybertrack.textsafe import json_safe, md_text, safe_href, visible

Format = Literal["text", "md", "html", "json"]
FORMATS: tuple[str, ...] = ("text", "md", "html", "json")


@dataclass(frozen=True, slots=True)
class Para:
    """A paragraph; ``style`` "verdict" is shown prominently, "note" quietly."""

    text: str
    style: str = ""


@dataclass(frozen=True, slots=True)
class Table:
    """A table of strings. ``wide`` names columns that may be long (sentences): the terminal
    view shortens them to ``clip`` characters, Markdown and HTML keep them whole."""

    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    title: str = ""
    wide: tuple[str, ...] = ()
    clip: int = 140


Block = Para | Table


@dataclass(frozen=True, slots=True)
class Section:
    heading: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True, slots=True)
class Report:
    """Title, sections, the same content as data, and chart files (paths)."""

    title: str
    sections: tuple[Section, ...]
    data: dict[str, Any] = field(default_factory=dict)
    charts: tuple[Path, ...] = ()

    def with_charts(self, charts: Sequence[Path]) -> Report:
        return replace(self, charts=tuple(charts),
                       data={**self.data, "charts": [str(p) for p in charts]})


def _clip(text: str, n: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "\u2026"


def print_report(report: Report, console: Console) -> None:
    """The readable terminal form: headings, paragraphs and rich tables."""
    console.print(Panel(Text(report.title), style="bold"))
    for section in report.sections:
        console.rule(Text(section.heading, style="bold"), align="left")
        for block in section.blocks:
            if isinstance(block, Para):
                style = {"verdict": "bold", "note": "dim"}.get(block.style, "")
                console.print(Text(block.text, style=style))
                continue
            table = RichTable(title=block.title or None, show_lines=False, expand=False,
                              title_justify="left")
            for col in block.columns:
                table.add_column(col, overflow="fold",
                                 ratio=3 if col in block.wide else None)
            for row in block.rows:  # Text, not markup: sentences may hold "[...]"
                table.add_row(*(Text(_clip(v, block.clip) if c in block.wide else v)
                                for c, v in zip(block.columns, row, strict=True)))
            console.print(table)
    for chart in report.charts:
        console.print(Text(f"chart: {chart}", style="dim"))


def _href(path: Path, base: Path | None) -> str:
    """A chart's address relative to the report file (just its name when unknown),
    percent-encoded, never a script or data URL (``textsafe.safe_href``)."""
    if base is None:
        return safe_href(path.name)
    return safe_href(Path(os.path.relpath(path.resolve(), base.resolve())).as_posix())


def to_markdown(report: Report, base: Path | None = None) -> str:
    """Markdown in which every piece of text is inert (``textsafe.md_text``): article
    titles and sentences can hold ``<script>`` or ``[x](javascript:...)``, and a Markdown
    viewer must show them as text, not run or link them."""
    m = md_text
    out = [f"# {m(report.title)}", ""]
    for section in report.sections:
        out += [f"## {m(section.heading)}", ""]
        for block in section.blocks:
            if isinstance(block, Para):
                text = m(block.text)
                out += [f"**{text}**" if block.style == "verdict" else
                        f"_{text}_" if block.style == "note" else m(block.text, line=True), ""]
                continue
            if block.title:
                out += [f"**{m(block.title)}**", ""]
            out.append("| " + " | ".join(m(c) for c in block.columns) + " |")
            out.append("|" + "---|" * len(block.columns))
            out += ["| " + " | ".join(m(v) for v in row) + " |" for row in block.rows]
            out.append("")
    if report.charts:
        out += ["## Charts", ""]
        out += [f"![{m(p.stem)}]({_href(p, base)})" for p in report.charts if p.suffix == ".png"]
        out.append("")
    return "\n".join(out)


_CSS = """body{font-family:system-ui,sans-serif;max-width:72rem;margin:2rem auto;padding:0 1rem;
color:#222}table{border-collapse:collapse;margin:.5rem 0 1.5rem;font-size:.9rem}
th,td{border:1px solid #ccc;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f3f3f3}.verdict{font-weight:bold;font-size:1.1rem}.note{color:#666}
img{max-width:100%;margin:1rem 0}"""


def to_html(report: Report, base: Path | None = None) -> str:
    """HTML with every piece of text escaped (and controls, which HTML cannot hold, shown
    as visible escapes)."""

    def e(text: str) -> str:
        return html.escape(visible(text))

    out = ["<!doctype html>", '<html lang="en"><head><meta charset="utf-8">',
           f"<title>{e(report.title)}</title><style>{_CSS}</style></head><body>",
           f"<h1>{e(report.title)}</h1>"]
    for section in report.sections:
        out.append(f"<h2>{e(section.heading)}</h2>")
        for block in section.blocks:
            if isinstance(block, Para):
                cls = f' class="{block.style}"' if block.style else ""
                out.append(f"<p{cls}>{e(block.text)}</p>")
                continue
            out.append("<table>")
            if block.title:
                out.append(f"<caption>{e(block.title)}</caption>")
            out.append("<tr>" + "".join(f"<th>{e(c)}</th>" for c in block.columns) + "</tr>")
            out += ["<tr>" + "".join(f"<td>{e(v)}</td>" for v in row) + "</tr>"
                    for row in block.rows]
            out.append("</table>")
    for chart in report.charts:
        if chart.suffix == ".svg":
            out.append(f'<img src="{e(_href(chart, base))}" alt="{e(chart.stem)}">')
    out.append("</body></html>")
    return "\n".join(out)


def to_json(report: Report) -> str:
    return json_safe(json.dumps({"title": report.title, **report.data}, ensure_ascii=False,
                                indent=2, default=str))


def render(report: Report, fmt: str, console: Console, base: Path | None = None) -> str | None:
    """Print ``report`` as text, or return it as md / html / json (chart links relative to
    the folder ``base`` the report is written to)."""
    if fmt == "text":
        print_report(report, console)
        return None
    if fmt == "md":
        return to_markdown(report, base)
    if fmt == "html":
        return to_html(report, base)
    if fmt == "json":
        return to_json(report)
    raise ValueError(f"unknown report format {fmt!r}; choose one of {', '.join(FORMATS)}")

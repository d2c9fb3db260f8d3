"""Writing a report where the user asked: terminal, stdout, or a file, charts beside it."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from rich.console import Console

from cybertrack.errors import CybertrackError
from cybertrack.report.document import FORMATS, Report, render

ChartMaker = Callable[[Path], list[Path]]


def emit(report: Report, fmt: str, console: Console, *, out: Path | None = None,
         charts: Path | None = None, make_charts: ChartMaker | None = None) -> None:
    """Render ``report`` as ``fmt``; write charts to ``charts`` (made by ``make_charts``) and
    the report to ``out`` (stdout when None; text always goes to the terminal)."""
    if fmt not in FORMATS:
        raise CybertrackError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if charts is not None and make_charts is not None:
        report = report.with_charts(make_charts(charts))
    text = render(report, fmt, console, out.parent if out is not None else charts)
    if text is None:
        return
    if out is None:
        sys.stdout.write(text + "\n")
        return
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text + "\n", encoding="utf-8")
    except OSError as exc:
        raise CybertrackError(f"cannot write report {out}: {exc.strerror or exc}") from exc
    console.print(f"wrote {out}" + (f" and {len(report.charts)} chart file(s) in {charts}"
                                    if report.charts else ""), highlight=False)

"""The app, its shared options and helpers, and the console-script entry point."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.text import Text

from cybertrack.errors import CybertrackError
from cybertrack.model import PartialDate
from cybertrack.textsafe import SafeConsole

app = typer.Typer(
    name="cybertrack",
    help=(
        "Extract, merge and analyse claims about state cyber operations: who did what to whom, "
        "who says so and how confidently, who denies it, and how states responded."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # docstrings are wrapped for the source: Markdown joins their lines into paragraphs, so
    # --help reflows to the terminal instead of breaking mid-sentence
    rich_markup_mode="markdown",
)
# Every command prints through these: SafeConsole shows control characters from documents as
# visible escapes, and markup is off so a title or file name holding "[link=...]" stays text
# (style with Text / style=, never with markup around document text). docs/security.md.
console = SafeConsole(markup=False)
err_console = SafeConsole(stderr=True, markup=False)


def error_line(message: object) -> Text:
    """'error: <message>' with the label in bold red and the message as plain text."""
    return Text.assemble(("error:", "bold red"), " ", str(message))

DEFAULT_DB = "cybertrack.db"

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="Knowledge base: a SQLite file path or a SQLAlchemy URL such as "
        "postgresql+psycopg://user@host/db. Default: $CYBERTRACK_DB, else ./cybertrack.db.",
        show_default=False,
    ),
]


def resolve_db(db: str | None) -> str:
    """The --db option, else $CYBERTRACK_DB, else ./cybertrack.db."""
    return db or os.environ.get("CYBERTRACK_DB") or DEFAULT_DB


def fail(message: str, code: int = 1) -> None:
    """Print one error line and exit."""
    err_console.print(error_line(message), highlight=False)
    raise typer.Exit(code)


# ---- commands are registered below, one section per feature ---------------------------------



def _partial_date(value: str, option: str = "--published") -> PartialDate:
    """An option's date, or one clear error line naming the option."""
    try:
        return PartialDate.parse(value)
    except ValueError:
        fail(f"{option} {value!r} is not a date: use 2022-09-07, 2022-09 or 2022")
        raise



FormatOption = Annotated[str, typer.Option(
    "--format", "-f", help="text (readable tables), md, html or json.")]
OutOption = Annotated[Path | None, typer.Option(
    "--out", "-o", help="Write md/html/json to this file instead of stdout.",
    show_default=False)]
ChartsOption = Annotated[Path | None, typer.Option(
    "--charts", help="Write the report's charts (PNG and SVG) into this folder.",
    show_default=False)]



def main() -> None:
    """Console-script entry point: run the app, turning library errors into one clear line."""
    import logging

    # pypdf reports recoverable damage through logging; each failed input already gets its line
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        app()
    except CybertrackError as exc:
        err_console.print(error_line(exc), highlight=False)
        sys.exit(1)

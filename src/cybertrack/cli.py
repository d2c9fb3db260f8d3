"""The ``cybertrack`` command line: thin commands that call the library.

Each command parses its options, calls one library function, and prints the result. Any
``CybertrackError`` becomes one line on stderr and exit status 1; per-input failures in a batch
are reported as they happen and make the exit status 2 once the batch is done.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from cybertrack.errors import CybertrackError

app = typer.Typer(
    name="cybertrack",
    help=(
        "Extract, merge and analyse claims about state cyber operations: who did what to whom, "
        "who says so and how confidently, who denies it, and how states responded."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console()
err_console = Console(stderr=True)

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
    err_console.print(f"[bold red]error:[/] {message}", highlight=False)
    raise typer.Exit(code)


# ---- commands are registered below, one section per feature ---------------------------------


# ---- eval: score extraction against a gold set (cybertrack.scoring) --------------------------
@app.command("eval")
def eval_command(
    gold: Annotated[Path, typer.Argument(help="Gold set, JSONL (shape of shared/eval/README.md).")],
    predictions: Annotated[
        Path | None,
        typer.Option(
            "--predictions", "-p",
            help="Predicted records, JSONL. Default: run the extractor on the gold documents.",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    misses: Annotated[int, typer.Option("--misses", help="How many misses to list.")] = 10,
    ner: Annotated[
        bool, typer.Option("--ner/--no-ner", help="Use the statistical NER when extracting.")
    ] = True,
) -> None:
    """Score extraction output against a gold set: precision, recall and F1 per category."""
    import json

    from cybertrack.scoring import load_jsonl, render, score

    gold_records = load_jsonl(gold)
    if predictions is not None:
        predicted = load_jsonl(predictions)
    else:
        try:
            from cybertrack.extract import predict_records  # type: ignore[attr-defined,unused-ignore]
        except ImportError as exc:
            fail(f"the extractor is not available ({exc}); pass --predictions PRED.jsonl")
        predicted = predict_records(gold_records, base_dir=gold.resolve().parent, ner=ner)
    report = score(gold_records, predicted)
    if as_json:
        typer.echo(json.dumps(report.to_dict(misses=misses), ensure_ascii=False, indent=2))
    else:
        render(report, console, misses=misses)


def main() -> None:
    """Console-script entry point: run the app, turning library errors into one clear line."""
    try:
        app()
    except CybertrackError as exc:
        err_console.print(f"[bold red]error:[/] {exc}", highlight=False)
        sys.exit(1)


__all__ = ["app", "main", "resolve_db", "DbOption", "fail", "console", "err_console", "Path"]

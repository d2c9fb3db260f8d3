"""Curation by hand and search: ``cybertrack claim reject|accept|reset|history``, ``cybertrack
incident reject|accept|reset|set|history`` (``cybertrack incident ID`` still shows one
incident), and ``cybertrack search``."""

from __future__ import annotations

import os
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from cybertrack.cli.base import DbOption, app, console, fail, resolve_db


class _ShowByDefault(TyperGroup):
    """``cybertrack incident ID`` is ``cybertrack incident show ID``: a first word that is no
    subcommand (and no option) is an incident id or search term."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            args = ["show", *args]
        return super().parse_args(ctx, args)


incident_app = typer.Typer(
    cls=_ShowByDefault, no_args_is_help=True,
    help="One incident across every report (`cybertrack incident ID|TERM`), and curation by "
    "hand: reject, accept or reset an incident record, set its targets or date, see its "
    "history. Decisions are appended (who, when, why), shown in every view and undoable.")
claim_app = typer.Typer(
    no_args_is_help=True,
    help="Curation of claims by hand: reject a wrong claim (left out of assessments, marked "
    "in exports), accept one, reset (undo), see the history. Decisions are appended with "
    "who, when and why.")
app.add_typer(incident_app, name="incident")
app.add_typer(claim_app, name="claim")

ByOption = Annotated[str | None, typer.Option(
    "--by", help="Who decides (kept with the decision). Default: $USER.", show_default=False)]
WhyOption = Annotated[str, typer.Option(
    "--why", help="Why (kept with the decision and shown wherever the record is).")]
RequiredWhy = Annotated[str, typer.Option(
    "--why", help="Why the record is wrong (required: shown wherever the record is).")]


def _who(by: str | None) -> str:
    return by or os.environ.get("USER") or "user"


def _decide(kind: str, ident: str, action: str, db: str | None, by: str | None, why: str,
            **fields: Any) -> None:
    from cybertrack.store import Store
    from cybertrack.store.curation import curate, curations, find_record

    with Store.open(resolve_db(db)) as store:
        full = find_record(store, kind, ident)
        curate(store, kind, full, action, by=_who(by), why=why, **fields)
        now = curations(store, kind, [full]).get(full)
    state = now.describe() if now else "as extracted (no decision in force)"
    console.print(f"{kind} {full}: {state}", highlight=False)


def _history(kind: str, ident: str, db: str | None) -> None:
    from cybertrack.store import Store
    from cybertrack.store.curation import find_record, history

    with Store.open(resolve_db(db)) as store:
        full = find_record(store, kind, ident)
        events = history(store, kind, full)
    if not events:
        console.print(f"{kind} {full}: no decision recorded", highlight=False)
    for e in events:
        console.print(f"{e.at}  {e.describe()}", highlight=False)


IdArg = Annotated[str, typer.Argument(help="Id or unique prefix (see `cybertrack incident "
                                      "ID`, whose claims table and JSON list the ids).")]


@claim_app.command("reject")
def claim_reject(claim_id: IdArg, why: RequiredWhy, db: DbOption = None,
                 by: ByOption = None) -> None:
    """Reject a claim: extraction got it wrong. It is left out of assessments, chains and
    timelines, listed as rejected in the incident view, and marked in exports."""
    _decide("claim", claim_id, "reject", db, by, why)


@claim_app.command("accept")
def claim_accept(claim_id: IdArg, db: DbOption = None, by: ByOption = None,
                 why: WhyOption = "") -> None:
    """Accept a claim: a person checked it against its sentence (shown as accepted)."""
    _decide("claim", claim_id, "accept", db, by, why)


@claim_app.command("reset")
def claim_reset(claim_id: IdArg, db: DbOption = None, by: ByOption = None,
                why: WhyOption = "") -> None:
    """Undo every decision about a claim: it counts as extracted again (history kept)."""
    _decide("claim", claim_id, "reset", db, by, why)


@claim_app.command("history")
def claim_history(claim_id: IdArg, db: DbOption = None) -> None:
    """Every decision about a claim, oldest first."""
    _history("claim", claim_id, db)


@incident_app.command("reject")
def incident_reject(incident_id: IdArg, why: RequiredWhy, db: DbOption = None,
                    by: ByOption = None) -> None:
    """Reject an incident record: it is no real incident (a roundup's catch-all, a photo
    caption). Left out of `incidents` and `search` (unless --all), shown as rejected in the
    incident view, marked in exports."""
    _decide("incident", incident_id, "reject", db, by, why)


@incident_app.command("accept")
def incident_accept(incident_id: IdArg, db: DbOption = None, by: ByOption = None,
                    why: WhyOption = "") -> None:
    """Accept an incident record: a person checked it (shown as accepted)."""
    _decide("incident", incident_id, "accept", db, by, why)


@incident_app.command("reset")
def incident_reset(incident_id: IdArg, db: DbOption = None, by: ByOption = None,
                   why: WhyOption = "") -> None:
    """Undo every decision about an incident record, targets and date set by hand included
    (history kept)."""
    _decide("incident", incident_id, "reset", db, by, why)


@incident_app.command("set")
def incident_set(
    incident_id: IdArg,
    why: RequiredWhy,
    targets: Annotated[str | None, typer.Option(
        "--targets", help="Target countries, comma-separated codes or names: AL,XK.",
        show_default=False)] = None,
    date: Annotated[str | None, typer.Option(
        "--date", help="When it happened: 2022-07-15, 2022-07 or 2022.",
        show_default=False)] = None,
    db: DbOption = None,
    by: ByOption = None,
) -> None:
    """Set an incident record's targets and/or date by hand; they replace what extraction
    read, in every view, and are shown as set by hand. `incident reset ID` undoes it."""
    from cybertrack.cli.base import _partial_date
    from cybertrack.reference import load_reference

    if targets is None and date is None:
        fail("give --targets and/or --date")
    codes = None
    if targets is not None:
        ref = load_reference()
        codes = [ref.country(x.strip()).code for x in targets.split(",") if x.strip()]
    when = _partial_date(date, "--date") if date is not None else None
    _decide("incident", incident_id, "set", db, by, why, targets=codes, date=when)


@incident_app.command("history")
def incident_history(incident_id: IdArg, db: DbOption = None) -> None:
    """Every decision about an incident record, oldest first."""
    _history("incident", incident_id, db)


@app.command("search")
def search_command(
    text: Annotated[str, typer.Argument(
        help='What to find: words (all must appear), "a phrase", a OR b, -word. Matches '
        "incident titles and sentences, claim sentences, document titles, and actor names "
        "and aliases (the incidents attributed to a matching actor are found too).")],
    db: DbOption = None,
    limit: Annotated[int, typer.Option(help="Show at most this many incidents.")] = 20,
    all_records: Annotated[bool, typer.Option(
        "--all", help="Include incidents rejected by hand.")] = False,
) -> None:
    """Full-text search: the incidents (one line per event) and actors matching TEXT, with
    the id to give `cybertrack incident`."""
    from rich.table import Table

    from cybertrack.analysis.search import search
    from cybertrack.store import Store

    with Store.open(resolve_db(db)) as store:
        found = search(store, text, limit=limit, include_rejected=all_records)
    if found.actors:
        actors = Table(title=f"{len(found.actors)} actor(s)", title_justify="left")
        for col in ("actor", "matched", "sponsor", "incidents"):
            actors.add_column(col, overflow="fold")
        for a in found.actors:
            actors.add_row(a.name, a.matched if a.matched != a.name else "", a.sponsor or "",
                           str(a.incidents))
        console.print(actors)
    if not found.incidents:
        console.print(f"no incident matches {text!r}", highlight=False)
        return
    table = Table(title=f"{len(found.incidents)} incident(s) matching {text!r}",
                  title_justify="left")
    for col in ("id", "date", "targets", "kinds", "reports", "matched in", "excerpt"):
        table.add_column(col, overflow="fold")
    for h in found.incidents:
        table.add_row(h.short_id + (" (rejected)" if h.rejected else ""),
                      h.date.iso() if h.date else "undated", ", ".join(h.targets),
                      ", ".join(h.kinds), str(h.reports), "; ".join(h.matched),
                      h.excerpt[:160])
    console.print(table)

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
from cybertrack.model import PartialDate

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
    ] = False,
) -> None:
    """Score extraction output against a gold set: precision, recall and F1 per category."""
    import json

    from cybertrack.extract import predict_records
    from cybertrack.reference import load_reference
    from cybertrack.scoring import load_jsonl, render, score

    gold_records = load_jsonl(gold)
    if predictions is not None:
        predicted = load_jsonl(predictions)
    else:
        predicted = predict_records(gold_records, base_dir=gold.resolve().parent, ner=ner)
    ref = load_reference()

    def aliases(name: str) -> set[str]:
        """Every name the reference data gives the actors called ``name``."""
        return {a for e in ref.lookup(name, "threat-actor") for a in (e.name, *e.aliases)}

    report = score(gold_records, predicted, aliases=aliases)
    if as_json:
        typer.echo(json.dumps(report.to_dict(misses=misses), ensure_ascii=False, indent=2))
    else:
        render(report, console, misses=misses)


# ---- ingest / extract / demo: documents in, claims out (cybertrack.batch, cybertrack.extract) --
@app.command("ingest")
def ingest_command(
    paths: Annotated[list[str], typer.Argument(
        help="Files, folders (read recursively), globs (quote them: 'news/**/*.html'), feed "
        "URLs, a JSONL of documents ({id, title, text|text_file, published}), or STIX 2.1 "
        "bundles/objects (.json; stored as records, without text extraction).",
        show_default=False)],
    db: DbOption = None,
    published: Annotated[str | None, typer.Option(
        help="Publication date (2022-09-07, 2022-09 or 2022) for inputs whose metadata has none.",
        show_default=False)] = None,
    max_bytes: Annotated[int, typer.Option(
        help="Refuse inputs larger than this many bytes.")] = 20_000_000,
    extract: Annotated[bool, typer.Option(
        help="Extract entities, incidents and claims (--no-extract: documents only).")] = True,
    ner: Annotated[bool, typer.Option(
        help="Add the statistical NER (needs requirements/ner.txt installed).")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    tracker: Annotated[str | None, typer.Option(
        help="Read PATHS as incident-tracker CSV files instead: 'cfr' (CFR Cyber Operations "
        "Tracker export) or 'eurepoc' (EuRepoC dataset CSV). Rows become claims whose "
        "claimant is the tracker; bad rows are reported and skipped.",
        show_default=False)] = None,
    link: Annotated[bool, typer.Option(
        help="Link the new documents' incidents to reports of the same events already "
        "stored (--no-link to skip; run `cybertrack link build` later).")] = True,
) -> None:
    """Read documents, extract their claims, and store them in the knowledge base.

    Each document is stored in its own transaction; re-ingesting the same text changes nothing,
    and an interrupted run resumes where it stopped. A bad input is reported on one line and the
    batch goes on; the exit status is 2 if any input failed.
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from cybertrack.batch import ingest_paths
    from cybertrack.ingest import iter_inputs
    from cybertrack.store import Store

    if tracker is not None:
        _ingest_tracker(tracker, paths, db, link=link)
        return
    when = _partial_date(published) if published else None
    inputs = list(iter_inputs(paths))
    with Store.open(resolve_db(db)) as store, Progress(
        TextColumn("[bold]ingest"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        TextColumn("{task.description}"), console=err_console, disable=quiet, transient=True,
    ) as progress:
        task = progress.add_task("", total=len(inputs))

        def on_event(status: str, source: str, detail: str) -> None:
            if status == "input":
                progress.update(task, advance=1, description=Path(source).name[:40])
            elif status == "failed":
                progress.console.print(f"[red]failed[/] {source}: {detail}", highlight=False)

        summary = ingest_paths(store, inputs, published=when, max_bytes=max_bytes,
                               extract=extract, ner=ner, on_event=on_event)
        _link_new(store, summary.new_documents, link)
    console.print(
        f"inputs {summary.inputs}  read {summary.read}  new {summary.new}  "
        f"unchanged {summary.unchanged}  failed {len(summary.failed)}  "
        f"(incidents {summary.incidents}, claims {summary.claims})"
    )
    if summary.failed:
        raise typer.Exit(2)


def _partial_date(value: str, option: str = "--published") -> PartialDate:
    """An option's date, or one clear error line naming the option."""
    try:
        return PartialDate.parse(value)
    except ValueError:
        fail(f"{option} {value!r} is not a date: use 2022-09-07, 2022-09 or 2022")
        raise


@app.command("extract")
def extract_command(
    paths: Annotated[list[str], typer.Argument(
        help="Files, folders, globs or a documents JSONL (whose records keep their id).",
        show_default=False)],
    format: Annotated[str, typer.Option(
        "--format", "-f", help="jsonl: one gold-set-shaped record per document "
        "(shared/eval/README.md); text: a readable summary.")] = "text",
    ner: Annotated[bool, typer.Option(help="Add the statistical NER model.")] = False,
    published: Annotated[str | None, typer.Option(
        help="Publication date for inputs whose metadata has none.", show_default=False)] = None,
) -> None:
    """Extract incidents, attributions, denials and responses without storing anything."""
    import json

    from cybertrack.batch import prepare
    from cybertrack.extract import extract_document, to_gold
    from cybertrack.ingest import read_all

    if format not in ("jsonl", "text"):
        fail(f"--format {format!r}: choose jsonl or text")
    when = _partial_date(published) if published else None
    failed = 0
    for result in read_all(paths, published=when):
        if result.document is None:
            failed += 1
            err_console.print(f"[red]failed[/] {result.source}: "
                              f"{result.error.reason if result.error else '?'}", highlight=False)
            continue
        ex = extract_document(prepare(result.document), ner=ner)
        record = to_gold(ex)
        if format == "jsonl":
            sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
        else:
            from cybertrack.report.extraction import print_extraction

            print_extraction(console, record, result.source)
    if failed:
        raise typer.Exit(2)


@app.command("demo")
def demo_command(
    db: Annotated[str, typer.Option(
        help="Where to build the demo knowledge base (replaced if it exists).")] = "demo.db",
) -> None:
    """Ingest the bundled sample corpus into a fresh SQLite file and show what it holds:
    the Albania 2022 case (incidents, attributions with confidence, the denial, the responses)."""
    from cybertrack.demo import run_demo

    run_demo(db, console)


# ---- reference: countries and actors as the reference data knows them (cybertrack.reference) --
reference_app = typer.Typer(help="Reference data: rebuild it from MISP galaxy / ATT&CK folders.",
                            no_args_is_help=True)
app.add_typer(reference_app, name="reference")


@app.command("country")
def country_command(
    name: Annotated[str, typer.Argument(help="ISO code, name, demonym, capital or metonym.")],
) -> None:
    """Show a country: codes, names, demonyms, capital and coordinates, UN region."""
    from cybertrack.reference import load_reference
    from cybertrack.reference.show import print_country

    print_country(console, load_reference().country(name))


@app.command("actor")
def actor_command(
    name: Annotated[str, typer.Argument(help="Any name or alias of a threat actor (APT28).")],
    db: DbOption = None,
) -> None:
    """Show a threat actor: aliases by vendor, suspected sponsor, and where sources disagree;
    then what the knowledge base says of it (incidents attributed, claimants, timeline)."""
    from cybertrack.reference import load_reference
    from cybertrack.reference.show import print_actor

    ref = load_reference()
    print_actor(console, ref, ref.actor(name))
    _actor_kb(name, db)


@reference_app.command("update")
def reference_update_command(
    path: Annotated[Path, typer.Argument(
        help="Folder holding misp-galaxy/ and mitre-attack/ (e.g. ../shared/data).")],
    out: Annotated[Path | None, typer.Option(
        help="Output folder. Default: $CYBERTRACK_REFERENCE_DIR, else "
        "~/.local/share/cybertrack/reference (preferred by every command).",
        show_default=False)] = None,
) -> None:
    """Rebuild the reference data from a MISP galaxy / ATT&CK folder into the user data dir."""
    from cybertrack.reference.show import update

    written, counts = update(path, out)
    console.print(f"wrote {written}: " + ", ".join(f"{k} {v}" for k, v in counts.items()),
                  highlight=False)


# ---- export: STIX 2.1, MISP and tables (cybertrack.export) ---------------------------------
@app.command("export")
def export_command(
    format: Annotated[str, typer.Option(
        "--format", "-f", help="stix (STIX 2.1 bundle), misp (MISP events JSON), or tables: "
        "csv, json, parquet (incidents, claims, responses, entities; see docs/tables.md).")
    ] = "stix",
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="File for stix/misp (default: standard output); folder for "
        "csv/json/parquet (required).", show_default=False)] = None,
    incident: Annotated[str | None, typer.Option(
        "--incident", help="Only this incident (id or unique prefix) with every report "
        "linked to it as the same event, as `cybertrack incident` shows it.",
        show_default=False)] = None,
    one_report: Annotated[bool, typer.Option(
        "--one-report", help="With --incident: only that report's record, not the other "
        "reports linked to it.")] = False,
    since: Annotated[str | None, typer.Option(
        "--since", help="Only incidents whose time reaches this date or later (2022-07-01, "
        "2022-07 or 2022); undated incidents are left out.", show_default=False)] = None,
    actor: Annotated[str | None, typer.Option(
        "--actor", help="Only incidents some claim attributes to this threat actor (name or "
        "alias) or state (name or code such as IR).", show_default=False)] = None,
    with_text: Annotated[bool, typer.Option(
        "--with-text", help="STIX: put each document's full text in its report, for a "
        "lossless copy into another cybertrack (not for sharing articles).")] = False,
    stix_incidents: Annotated[str, typer.Option(
        "--stix-incidents", help="STIX object type for incidents: incident or campaign.")
    ] = "incident",
    db: DbOption = None,
) -> None:
    """Export incidents with every claim about them, keeping who said what, how confidently
    and where: STIX 2.1 for OpenCTI and other TIPs, MISP events, or flat tables."""
    from cybertrack.export import export
    from cybertrack.store import Store

    when = _partial_date(since, "--since").start if since is not None else None
    with Store.open(resolve_db(db)) as store:
        if incident is not None:
            from cybertrack.resolve.ids import find_incident

            incident = find_incident(store, incident)  # a short id prefix is enough
        selection, result = export(
            store, format, output, incident_id=incident, since=when, actor=actor,
            include_text=with_text, incident_type=stix_incidents, whole_group=not one_report)
    if output is None and isinstance(result, str):
        sys.stdout.write(result + "\n")
    where = output if isinstance(result, str) else ", ".join(p.name for p in result)
    err_console.print(
        f"exported {len(selection.incidents)} incidents, {len(selection.claims)} claims from "
        f"{len(selection.documents)} documents" + (f" to {where}" if output else ""),
        highlight=False)


# ---- knowledge base: links, incidents, reach, timelines, firsts (resolve/, analysis/, report/) --
FormatOption = Annotated[str, typer.Option(
    "--format", "-f", help="text (readable tables), md, html or json.")]
OutOption = Annotated[Path | None, typer.Option(
    "--out", "-o", help="Write md/html/json to this file instead of stdout.",
    show_default=False)]
ChartsOption = Annotated[Path | None, typer.Option(
    "--charts", help="Write the report's charts (PNG and SVG) into this folder.",
    show_default=False)]


def _link_new(store: object, document_ids: list[str], enabled: bool) -> None:
    """Incremental incident linking after an ingest (prints one line)."""
    if not enabled or not document_ids:
        return
    from cybertrack.resolve import link_new
    from cybertrack.store import Store

    assert isinstance(store, Store)
    done = link_new(store, document_ids)
    console.print(f"linked: {done.incidents} new incident(s), {done.links_new} new link(s) "
                  f"proposed ({done.pairs_scored} pairs compared)", highlight=False)


def _ingest_tracker(kind: str, paths: list[str], db: str | None, *, link: bool) -> None:
    from cybertrack.batch import ingest_extractions
    from cybertrack.ingest.tracker import TRACKERS, TrackerProblem, read_tracker
    from cybertrack.model import Extraction
    from cybertrack.store import Store

    if kind not in TRACKERS:
        fail(f"--tracker {kind!r}: choose one of {', '.join(TRACKERS)}")
    problems = 0
    with Store.open(resolve_db(db)) as store:
        for path in paths:
            rows: list[Extraction] = []
            for item in read_tracker(Path(path), kind):
                if isinstance(item, TrackerProblem):
                    problems += 1
                    err_console.print(f"[yellow]skipped[/] {path} row {item.row}: {item.reason}",
                                      highlight=False)
                else:
                    rows.append(item)
            summary = ingest_extractions(store, rows)
            console.print(f"{path}: rows {len(rows) + problems}  new {summary.new}  unchanged "
                          f"{summary.unchanged}  skipped {problems}  (incidents "
                          f"{summary.incidents}, claims {summary.claims})", highlight=False)
            _link_new(store, summary.new_documents, link)


link_app = typer.Typer(help="Incident links: which reports, across documents, are one event.",
                       no_args_is_help=True)
app.add_typer(link_app, name="link")


@link_app.command("build")
def link_build_command(
    db: DbOption = None,
    document: Annotated[list[str] | None, typer.Option(
        "--document", "-d", help="Only link these documents' incidents (repeatable). "
        "Default: compare every stored incident.", show_default=False)] = None,
) -> None:
    """Propose links between incidents of different documents that look like one event.

    Existing links keep their status (accepted/rejected decisions are never undone)."""
    from cybertrack.resolve import link_all, link_new
    from cybertrack.store import Store

    with Store.open(resolve_db(db)) as store:
        done = link_new(store, document) if document else link_all(store)
    console.print(f"incidents {done.incidents}  pairs compared {done.pairs_scored}  links "
                  f"found {done.links_found}  new {done.links_new}", highlight=False)


@link_app.command("list")
def link_list_command(
    db: DbOption = None,
    status: Annotated[str | None, typer.Option(
        help="Only links with this status: proposed, accepted or rejected.",
        show_default=False)] = None,
    incident: Annotated[str | None, typer.Option(
        help="Only links touching this incident (id or unique prefix).",
        show_default=False)] = None,
    min_score: Annotated[float, typer.Option(help="Only links scoring at least this.")] = 0.0,
    limit: Annotated[int, typer.Option(help="Show at most this many links.")] = 50,
    format: FormatOption = "text",
    out: OutOption = None,
) -> None:
    """List incident links, best first, with their scores and reasons."""
    from cybertrack.report.output import emit
    from cybertrack.report.timeline import links_report
    from cybertrack.resolve.ids import find_incident
    from cybertrack.store import Store

    with Store.open(resolve_db(db)) as store:
        record = find_incident(store, incident) if incident else None
        links = [x for x in store.links(kind="incident", status=status, record_id=record)
                 if x.score >= min_score][:limit]
        ids = {i for x in links for i in (x.a, x.b)}
        titles = {i.id: (i.title or i.sentence)[:60] for i in store.incidents_by_id(ids)}
        emit(links_report(links, titles), format, console, out=out)


def _set_link(link_id: str, status: str, db: str | None, by: str) -> None:
    from cybertrack.resolve import review
    from cybertrack.resolve.ids import find_link
    from cybertrack.store import Store

    with Store.open(resolve_db(db)) as store:
        link = review(store, find_link(store, link_id), status, by=by)
    console.print(f"{link.id}: {link.status} ({link.a} ~ {link.b}, score {link.score:.2f})",
                  highlight=False)


ByOption = Annotated[str, typer.Option("--by", help="Who decides (kept in the link history).")]


@link_app.command("accept")
def link_accept_command(link_id: Annotated[str, typer.Argument(
        help="Link id or unique prefix.")], db: DbOption = None, by: ByOption = "user") -> None:
    """Accept a link: its incidents are one event, whatever the score."""
    _set_link(link_id, "accepted", db, by)


@link_app.command("reject")
def link_reject_command(link_id: Annotated[str, typer.Argument(
        help="Link id or unique prefix.")], db: DbOption = None, by: ByOption = "user") -> None:
    """Reject a link: its incidents are different events (never grouped by it)."""
    _set_link(link_id, "rejected", db, by)


@link_app.command("reset")
def link_reset_command(link_id: Annotated[str, typer.Argument(
        help="Link id or unique prefix.")], db: DbOption = None, by: ByOption = "user") -> None:
    """Undo a decision: the link is proposed again (grouping then follows its score)."""
    _set_link(link_id, "proposed", db, by)


@app.command("incident")
def incident_command(
    incident_id: Annotated[str, typer.Argument(
        help="Incident id or unique prefix (any report of the event; see `cybertrack "
        "incidents`).")],
    db: DbOption = None,
    format: FormatOption = "text",
    out: OutOption = None,
    charts: ChartsOption = None,
) -> None:
    """One incident across every report: all claims with sources, the attribution assessment,
    denials, and the responses that followed with lags in days."""
    from cybertrack.analysis import assess, chain, incident_timeline
    from cybertrack.reference import load_reference
    from cybertrack.report.charts import slug, timeline_chart
    from cybertrack.report.incident import incident_report
    from cybertrack.report.output import emit
    from cybertrack.resolve.ids import find_incident
    from cybertrack.store import Store

    ref = load_reference()
    with Store.open(resolve_db(db)) as store:
        full = find_incident(store, incident_id)
        assessment = assess(store, full, ref)
        report = incident_report(assessment, chain(assessment, ref), ref)
        emit(report, format, console, out=out, charts=charts, make_charts=lambda d: (
            timeline_chart(incident_timeline(store, full, ref), d,
                           f"{slug(assessment.case.title)}-timeline")))


@app.command("incidents")
def incidents_command(
    db: DbOption = None,
    target: Annotated[str | None, typer.Option(
        help="Only incidents against this country (code or name).", show_default=False)] = None,
    attributed_to: Annotated[str | None, typer.Option(
        help="Only incidents some source attributes to this state or actor.",
        show_default=False)] = None,
    limit: Annotated[int, typer.Option(help="Show at most this many.")] = 50,
) -> None:
    """List incident records (one per report) to find the id for `cybertrack incident`."""
    from rich.table import Table

    from cybertrack.analysis import resolve_subject
    from cybertrack.analysis.dates import human
    from cybertrack.reference import load_reference
    from cybertrack.store import Store

    ref = load_reference()
    with Store.open(resolve_db(db)) as store:
        code = ref.country(target).code if target else None
        incs = store.incidents(target=code)
        if attributed_to:
            subj = resolve_subject(store, attributed_to, ref)
            keep = {r.incident_id for r in store.attribution_rows(
                states=subj.states, actor_ids=subj.actor_ids, actor_names=subj.actor_names)}
            incs = [i for i in incs if i.id in keep]
        docs = store.documents_info({i.document_id for i in incs[:limit]})
    table = Table(title=f"{len(incs)} incident record(s)" + (
        f", first {limit}" if len(incs) > limit else ""), title_justify="left")
    for col in ("id", "date", "targets", "kinds", "source", "title"):
        table.add_column(col, overflow="fold")
    for i in incs[:limit]:
        d = docs.get(i.document_id)
        table.add_row(i.id.split("--", 1)[-1][:10], human(i.time), ", ".join(i.targets),
                      ", ".join(i.kinds), d.publisher or "" if d else "",
                      (i.title or i.sentence)[:70])
    console.print(table)


@app.command("reach")
def reach_command(
    name: Annotated[str, typer.Argument(help="A state (Iran, IR, Tehran) or threat actor.")],
    db: DbOption = None,
    since: Annotated[int | None, typer.Option(
        help="First year of the recent period (default: the latest year with data).",
        show_default=False)] = None,
    until: Annotated[int | None, typer.Option(
        help="Last year of the recent period (default: the latest year with data).",
        show_default=False)] = None,
    baseline_from: Annotated[int | None, typer.Option(
        help="First year of the baseline (default: the earliest year with data).",
        show_default=False)] = None,
    format: FormatOption = "text",
    out: OutOption = None,
    charts: ChartsOption = None,
) -> None:
    """Has a state or actor extended its reach? Targets by year with sources, first-time
    targets, distance from home, share outside the home region against a baseline, verdict."""
    from cybertrack.analysis import reach
    from cybertrack.reference import load_reference
    from cybertrack.report.charts import target_map, targets_by_year
    from cybertrack.report.output import emit
    from cybertrack.report.reach import reach_report
    from cybertrack.store import Store

    ref = load_reference()
    with Store.open(resolve_db(db)) as store:
        result = reach(store, name, ref, since=since, until=until, baseline_from=baseline_from)
    emit(reach_report(result, ref), format, console, out=out, charts=charts,
         make_charts=lambda d: [*targets_by_year(result, d), *target_map(result, d, ref)])


@app.command("timeline")
def timeline_command(
    incident: Annotated[str | None, typer.Option(
        help="Timeline of one incident (id or unique prefix).", show_default=False)] = None,
    actor: Annotated[str | None, typer.Option(
        help="Timeline of a threat actor, or of a state and the actors it sponsors.",
        show_default=False)] = None,
    pair: Annotated[tuple[str, str] | None, typer.Option(
        help="Timeline between two states: --pair Iran Albania.", show_default=False)] = None,
    db: DbOption = None,
    format: FormatOption = "text",
    out: OutOption = None,
    charts: ChartsOption = None,
) -> None:
    """Dated events (incidents, attributions, denials, responses) with their sources."""
    from cybertrack.analysis import actor_timeline, incident_timeline, pair_timeline
    from cybertrack.reference import load_reference
    from cybertrack.report.charts import timeline_chart
    from cybertrack.report.output import emit
    from cybertrack.report.timeline import timeline_report
    from cybertrack.resolve.ids import find_incident
    from cybertrack.store import Store

    if sum(x is not None for x in (incident, actor, pair)) != 1:
        fail("give exactly one of --incident ID, --actor NAME or --pair STATE STATE")
    ref = load_reference()
    with Store.open(resolve_db(db)) as store:
        if incident is not None:
            tl = incident_timeline(store, find_incident(store, incident), ref)
        elif actor is not None:
            tl = actor_timeline(store, actor, ref)
        else:
            assert pair is not None
            tl = pair_timeline(store, pair[0], pair[1], ref)
    emit(timeline_report(tl), format, console, out=out, charts=charts,
         make_charts=lambda d: timeline_chart(tl, d))


@app.command("firsts")
def firsts_command(
    db: DbOption = None,
    format: FormatOption = "text",
    out: OutOption = None,
) -> None:
    """The earliest response of each kind (severing ties, expelling diplomats, sanctions...)
    to a cyber incident in the knowledge base, with the sentence that reports it."""
    from cybertrack.analysis import firsts
    from cybertrack.reference import load_reference
    from cybertrack.report.output import emit
    from cybertrack.report.timeline import firsts_report
    from cybertrack.store import Store

    ref = load_reference()
    with Store.open(resolve_db(db)) as store:
        found = firsts(store, ref)
    emit(firsts_report(found), format, console, out=out)


def _actor_kb(name: str, db: str | None) -> None:
    """The knowledge-base section of `cybertrack actor`, when there is a knowledge base."""
    from cybertrack.reference import load_reference
    from cybertrack.report.actor import actor_kb_report
    from cybertrack.report.document import print_report
    from cybertrack.store import Store

    where = resolve_db(db)
    if "://" not in where and not Path(where).exists():
        console.print(f"(no knowledge base at {where}; pass --db to include what it says)",
                      style="dim", highlight=False)
        return
    ref = load_reference()
    with Store.open(where) as store:
        print_report(actor_kb_report(store, ref.actor(name), ref), console)


def main() -> None:
    """Console-script entry point: run the app, turning library errors into one clear line."""
    import logging

    # pypdf reports recoverable damage through logging; each failed input already gets its line
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        app()
    except CybertrackError as exc:
        err_console.print(f"[bold red]error:[/] {exc}", highlight=False)
        sys.exit(1)


__all__ = ["app", "main", "resolve_db", "DbOption", "fail", "console", "err_console", "Path"]


if __name__ == "__main__":
    main()

"""Commands that bring data in and out: eval, ingest, extract, demo, reference data, export."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.text import Text

from cybertrack.cli.base import (
    DbOption,
    _partial_date,
    app,
    console,
    err_console,
    fail,
    resolve_db,
)

#: ``ingest.base.MAX_BYTES_LIMIT``, repeated so that ``--help`` does not import the readers
#: (tests/test_ingest_hardening.py checks the two agree).
MAX_BYTES_LIMIT = 1 << 30


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
    misses: Annotated[int, typer.Option(
        "--misses", help="How many misses to list (their items and sentences: give 0 on a "
        "held-out set, whose items must not be read).")] = 10,
    reasons: Annotated[bool, typer.Option(
        "--reasons", help="Also count the misses per category by reason (the checks the "
        "nearest counterpart failed, or whether a target's incident was matched), showing no "
        "item: where a held-out set loses its score.")] = False,
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
        from cybertrack.textsafe import json_safe

        typer.echo(json_safe(json.dumps(report.to_dict(misses=misses), ensure_ascii=False,
                                        indent=2)))
    else:
        render(report, console, misses=misses, reasons=reasons)


# ---- ingest / extract / demo: documents in, claims out (cybertrack.batch, cybertrack.extract) --
@app.command("ingest")
def ingest_command(
    paths: Annotated[list[str], typer.Argument(
        help="Files, folders (read recursively), globs (quote them: 'news/**/*.html'), feed "
        "URLs, a JSONL of documents ({id, title, text|text_file, published, url, publisher}; "
        "a text_file must lie inside the JSONL file's own folder), or STIX 2.1 "
        "bundles/objects (.json; stored as records, without text extraction).",
        show_default=False)],
    db: DbOption = None,
    published: Annotated[str | None, typer.Option(
        help="Publication date (2022-09-07, 2022-09 or 2022) for inputs whose metadata has none.",
        show_default=False)] = None,
    max_bytes: Annotated[int, typer.Option(
        min=1, max=MAX_BYTES_LIMIT,
        help="Refuse any input larger than this many bytes: a file, a fetched URL or feed "
        "page, a JSONL text_file, a tracker CSV. A whole number from 1 to 1073741824 "
        "(1 GiB); inputs are read in pieces and given up at the limit, so no more than this "
        "is ever held for one input.")] = 20_000_000,
    allow_private_urls: Annotated[bool, typer.Option(
        "--allow-private-urls",
        help="Also fetch URLs whose host resolves to a loopback, private, link-local or "
        "other non-public address (an intranet feed, a test server on 127.0.0.1). Off by "
        "default, so that a feed entry or a redirect cannot make cybertrack read internal "
        "services; applies to URL inputs, the pages feed entries link to, and every "
        "redirect.")] = False,
    extract: Annotated[bool, typer.Option(
        help="Extract entities, incidents and claims (--no-extract: documents only; a later "
        "ingest without it extracts them).")] = True,
    max_chars: Annotated[int, typer.Option(
        min=1, help="Extract at most this many characters of each document; the stored text "
        "keeps the rest, and a longer document is reported as truncated and records where "
        "extraction stopped. Long texts are extracted in chunks, so memory stays bounded.")
    ] = 2_000_000,
    ner: Annotated[bool, typer.Option(
        help="Add the statistical NER (needs requirements/ner.txt installed).")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    tracker: Annotated[str | None, typer.Option(
        help="Read PATHS as incident-tracker CSV files instead: 'cfr' (CFR Cyber Operations "
        "Tracker export) or 'eurepoc' (EuRepoC dataset CSV). Rows become claims whose "
        "claimant is the tracker. A file that cannot be read is reported on one line and "
        "the other files are still stored; bad rows (cut short, shifted, an unreadable date) "
        "are reported with their row and line and skipped.",
        show_default=False)] = None,
    link: Annotated[bool, typer.Option(
        help="Link the new documents' incidents to reports of the same events already "
        "stored (--no-link to skip; run `cybertrack link build` later).")] = True,
    workers: Annotated[int | None, typer.Option(
        "--workers", min=1, max=256,
        help="Read and extract on a local Dask cluster of this many worker processes (one "
        "thread each; about 300 MB of memory each); this process stores the results in "
        "batches and links each batch. Use about one worker per core.",
        show_default=False)] = None,
    scheduler: Annotated[str | None, typer.Option(
        "--scheduler",
        help="Read and extract on the running Dask cluster whose scheduler is at this "
        "address (tcp://HOST:8786). Its workers need cybertrack installed and must see the "
        "inputs under the same paths (a shared file system) or fetch them (URLs); with a "
        "PostgreSQL --db they also skip documents already stored.", show_default=False)
    ] = None,
    batch_documents: Annotated[int, typer.Option(
        "--batch-documents", min=1, max=100_000,
        help="With --workers/--scheduler: documents stored per transaction (multi-row "
        "inserts); each batch is linked once it is stored, unless --link-at-end.")] = 200,
    partition_inputs: Annotated[int, typer.Option(
        "--partition-inputs", min=1, max=100_000,
        help="With --workers/--scheduler: inputs per task sent to a worker (a task lost "
        "with its worker is redone elsewhere).")] = 24,
    link_at_end: Annotated[bool, typer.Option(
        "--link-at-end",
        help="With --workers/--scheduler: link once, after the last batch is stored, instead "
        "of after each batch (for back-fills: one pass costs far less than one a batch, see "
        "docs/scale.md). The documents wait in the pending list until then; if the run is "
        "killed first, the next ingest or `cybertrack link build` links them. Without "
        "--workers, ingest always links once at the end.")] = False,
) -> None:
    """Read documents, extract their claims, and store them in the knowledge base.

    Documents are stored a few at a time (up to 32 a transaction, or a second's work), each
    whole or not at all; re-ingesting the same text changes nothing, and an interrupted run
    resumes where it stopped. A bad input is reported on one line and the
    batch goes on; the exit status is 2 if any input failed.

    With --workers N (a local Dask cluster) or --scheduler ADDRESS (a running one), workers
    read and extract in parallel and this process stores their results a batch per
    transaction, with the same guarantees: a document is stored whole or not at all, a killed
    run (or worker) loses no stored document and a rerun duplicates none. See docs/scale.md.
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from cybertrack.batch import ingest_paths
    from cybertrack.ingest import iter_inputs
    from cybertrack.store import Store

    if tracker is not None:
        _ingest_tracker(tracker, paths, db, link=link, max_bytes=max_bytes)
        return
    when = _partial_date(published) if published else None
    if workers is not None and scheduler is not None:
        fail("--workers starts a local cluster and --scheduler uses a running one: give one")
    inputs = list(iter_inputs(paths))
    with Store.open(resolve_db(db)) as store, Progress(
        TextColumn("[bold]ingest"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        TextColumn("{task.description}", markup=False), console=err_console, disable=quiet,
        transient=True,
    ) as progress:
        task = progress.add_task("", total=len(inputs))

        def on_event(status: str, source: str, detail: str) -> None:
            if status == "input":
                progress.update(task, advance=1, description=Path(source).name[:40])
            elif status == "failed":
                progress.console.print(_failed_line(source, detail), highlight=False)
            elif status == "truncated":
                progress.console.print(Text.assemble(("truncated", "yellow"),
                                                     f" {source}: {detail}"), highlight=False)

        if workers is None and scheduler is None:
            summary = ingest_paths(store, inputs, published=when, max_bytes=max_bytes,
                                   extract=extract, ner=ner, on_event=on_event,
                                   allow_private_urls=allow_private_urls, max_chars=max_chars)
            _link_new(store, summary.new_documents, link)
        else:
            from cybertrack.distributed import ingest_distributed, start_client

            progress.update(task, description="starting the cluster")
            client, cluster = start_client(workers, scheduler)
            try:
                summary = ingest_distributed(
                    store, inputs, client, db=resolve_db(db), published=when,
                    max_bytes=max_bytes, extract=extract, ner=ner, max_chars=max_chars,
                    allow_private_urls=allow_private_urls, link=link,
                    link_at_end=link_at_end, on_event=on_event,
                    batch_documents=batch_documents, partition_inputs=partition_inputs)
            finally:
                client.close()
                if cluster is not None:
                    cluster.close()
        _report_watchlists(store, summary.new_documents)
    console.print(
        f"inputs {summary.inputs}  read {summary.read}  new {summary.new}  "
        f"unchanged {summary.unchanged}  failed {len(summary.failed)}  "
        + (f"re-extracted {summary.reextracted}  " if summary.reextracted else "")
        + (f"truncated {len(summary.truncated)}  " if summary.truncated else "")
        + f"(incidents {summary.incidents}, claims {summary.claims})"
    )
    if summary.failed:
        raise typer.Exit(2)



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
    max_chars: Annotated[int, typer.Option(
        min=1, help="Extract at most this many characters of each document; a longer one is "
        "reported as truncated on standard error. Long texts are extracted in chunks, so "
        "memory stays bounded.")
    ] = 2_000_000,
) -> None:
    """Extract incidents, attributions, denials and responses without storing anything.

    A document whose extraction fails is reported on one line and the others go on (exit
    status 2)."""
    import json

    from cybertrack.batch import prepare
    from cybertrack.extract import extract_document, to_gold
    from cybertrack.ingest import read_all
    from cybertrack.textsafe import json_safe

    if format not in ("jsonl", "text"):
        fail(f"--format {format!r}: choose jsonl or text")
    when = _partial_date(published) if published else None
    failed = 0
    for result in read_all(paths, published=when):
        if result.document is None:
            failed += 1
            err_console.print(_failed_line(result.source, result.error.reason if result.error
                                           else "?"), highlight=False)
            continue
        try:
            ex = extract_document(prepare(result.document), ner=ner, max_chars=max_chars)
        except Exception as exc:  # one document's failure, never the run's
            failed += 1
            err_console.print(_failed_line(result.source, f"extraction failed ({exc!r})"[:500]),
                              highlight=False)
            continue
        if len(ex.document.text) > max_chars:
            err_console.print(Text.assemble(("truncated", "yellow"), f" {result.source}: only "
                                            f"the first {max_chars:,} characters extracted"),
                              highlight=False)
        record = to_gold(ex)
        if format == "jsonl":
            sys.stdout.write(json_safe(json.dumps(record, ensure_ascii=False)) + "\n")
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
        from cybertrack.textsafe import json_safe

        sys.stdout.write(json_safe(result) + "\n")
    where = output if isinstance(result, str) else ", ".join(p.name for p in result)
    err_console.print(
        f"exported {len(selection.incidents)} incidents, {len(selection.claims)} claims from "
        f"{len(selection.documents)} documents" + (f" to {where}" if output else ""),
        highlight=False)




def _failed_line(source: str, reason: str) -> Text:
    """'failed <input>: <reason>', the label red, the input's name and reason plain text
    (the console shows any control character in them as an escape)."""
    return Text.assemble(("failed", "red"), f" {source}: {reason}")


def _link_new(store: object, document_ids: list[str], enabled: bool) -> None:
    """Incremental incident linking after an ingest: the new documents, and any that a killed
    or ``--no-link`` run left waiting (``resolve.link_pending``; prints one line)."""
    if not enabled:
        return
    from cybertrack.resolve import link_pending
    from cybertrack.store import Store

    assert isinstance(store, Store)
    done = link_pending(store)
    if not done.incidents and not document_ids:
        return
    console.print(f"linked: {done.incidents} new incident(s), {done.links_new} new link(s) "
                  f"proposed ({done.pairs_scored} pairs compared)", highlight=False)


def _report_watchlists(store: object, document_ids: list[str]) -> None:
    """Report what the new documents say that a watchlist asks for (``watch.watchlists``;
    nothing to do, and nothing read, when no watchlist is defined)."""
    if not document_ids:
        return
    from cybertrack.store import Store
    from cybertrack.watch.watchlists import report_new

    assert isinstance(store, Store)
    report_new(store, document_ids, console)


def _ingest_tracker(kind: str, paths: list[str], db: str | None, *, link: bool,
                    max_bytes: int) -> None:
    """Each tracker file is its own input: one that cannot be read is reported on one line
    (exit status 2 at the end) and the others are still stored."""
    from cybertrack.batch import ingest_extractions
    from cybertrack.errors import IngestError
    from cybertrack.ingest import iter_inputs
    from cybertrack.ingest.tracker import TRACKERS, TrackerProblem, read_tracker
    from cybertrack.model import Extraction
    from cybertrack.store import Store

    if kind not in TRACKERS:
        fail(f"--tracker {kind!r}: choose one of {', '.join(TRACKERS)}")
    failed = 0
    with Store.open(resolve_db(db)) as store:
        for path in iter_inputs(paths):
            rows: list[Extraction] = []
            problems = 0
            try:
                for item in read_tracker(Path(path), kind, max_bytes=max_bytes):
                    if isinstance(item, TrackerProblem):
                        problems += 1
                        err_console.print(Text.assemble(("skipped", "yellow"), f" {path} "
                                                        f"{item.where()}: {item.reason}"),
                                          highlight=False)
                    else:
                        rows.append(item)
            except IngestError as exc:
                failed += 1
                err_console.print(Text.assemble(("failed", "red"), f" {exc}"), highlight=False)
                continue
            summary = ingest_extractions(store, rows)
            console.print(f"{path}: rows {len(rows) + problems}  new {summary.new}  unchanged "
                          f"{summary.unchanged}  skipped {problems}  (incidents "
                          f"{summary.incidents}, claims {summary.claims})", highlight=False)
            _link_new(store, summary.new_documents, link)
    if failed:
        raise typer.Exit(2)


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

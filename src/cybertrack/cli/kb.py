"""Commands that read the knowledge base: links, incidents, reach, timelines, firsts."""

from __future__ import annotations

from typing import Annotated

import typer

from cybertrack.cli.base import (
    ChartsOption,
    DbOption,
    FormatOption,
    OutOption,
    app,
    console,
    fail,
    resolve_db,
)
from cybertrack.cli.curate import incident_app

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

    Existing links keep their status (accepted/rejected decisions are never undone). The
    incident groups they change are regrouped, and their stored timelines computed, so the
    next report or timeline reads them ready. A document in which no incident was found is
    placed beside the incident (or the other such document) it most likely reports: a
    proposed link of kind document, accepted or rejected like the others, never merged."""
    from cybertrack.analysis.timeline import ensure_group_timelines
    from cybertrack.resolve import link_all, link_new
    from cybertrack.store import Store

    with Store.open(resolve_db(db)) as store:
        done = link_new(store, document) if document else link_all(store)
        ensure_group_timelines(store)
    console.print(f"incidents {done.incidents}  pairs compared {done.pairs_scored}  links "
                  f"found {done.links_found}  new {done.links_new}  placements new "
                  f"{done.placements_new}", highlight=False)


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
    """List incident links and placements (a document without incidents beside an incident),
    best first, with their scores and reasons."""
    from cybertrack.report.output import emit
    from cybertrack.report.timeline import links_report
    from cybertrack.resolve.ids import find_incident
    from cybertrack.store import Store

    with Store.open(resolve_db(db)) as store:
        record = find_incident(store, incident) if incident else None
        links = [x for x in store.links(status=status, record_id=record)
                 if x.kind in ("incident", "document") and x.score >= min_score][:limit]
        ids = {i for x in links for i in (x.a, x.b)}
        titles = {i.id: (i.title or i.sentence)[:60] for i in store.incidents_by_id(ids)}
        titles.update((k, f"[document] {v.title or k}"[:60])
                      for k, v in store.documents_info(ids - set(titles)).items())
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


@incident_app.command("show")
def incident_command(
    incident_id: Annotated[str, typer.Argument(
        help="Incident id or unique prefix (any report of the event; see `cybertrack "
        "incidents`), or a search term: one matching event is shown, several are listed "
        "with their ids.")],
    db: DbOption = None,
    format: FormatOption = "text",
    out: OutOption = None,
    charts: ChartsOption = None,
) -> None:
    """One incident across every report: all claims with sources, the attribution assessment,
    denials, and the responses that followed with lags in days (`cybertrack incident ID` is
    short for this)."""
    from cybertrack.analysis import assess, chain, incident_timeline
    from cybertrack.analysis.search import resolve_incident
    from cybertrack.reference import load_reference
    from cybertrack.report.charts import slug, timeline_chart
    from cybertrack.report.incident import incident_report
    from cybertrack.report.output import emit
    from cybertrack.store import Store

    ref = load_reference()
    with Store.open(resolve_db(db)) as store:
        full = resolve_incident(store, incident_id, ref)
        assessment = assess(store, full, ref)
        report = incident_report(assessment, chain(assessment, ref), ref)
        emit(report, format, console, out=out, charts=charts, make_charts=lambda d: (
            timeline_chart(incident_timeline(store, full, ref), d,
                           f"{slug(assessment.case.title)}-timeline")))


@app.command("incidents")
def incidents_command(
    db: DbOption = None,
    since: Annotated[str | None, typer.Option(
        help="Only incidents dated on or after this day (2022-07-15, 2022-07 or 2022).",
        show_default=False)] = None,
    until: Annotated[str | None, typer.Option(
        help="Only incidents dated on or before this day (2022-07-15, 2022-07 or 2022).",
        show_default=False)] = None,
    kind: Annotated[str | None, typer.Option(
        help="Only incidents of this kind (espionage, ddos, ransomware, destruction, ...).",
        show_default=False)] = None,
    sector: Annotated[str | None, typer.Option(
        help="Only incidents against this sector (energy, government, ...).",
        show_default=False)] = None,
    target: Annotated[str | None, typer.Option(
        help="Only incidents against this country (code or name).", show_default=False)] = None,
    attributed_to: Annotated[str | None, typer.Option(
        help="Only incidents some source attributes to this state or actor (asserted "
        "attributions; a group's claim for itself is no attribution to its sponsor).",
        show_default=False)] = None,
    source: Annotated[str | None, typer.Option(
        help="Only incidents reported by a document whose publisher, title or address "
        "contains this (any case): Reuters, cfr.org.", show_default=False)] = None,
    all_records: Annotated[bool, typer.Option(
        "--all", help="Include incident records rejected by hand.")] = False,
    limit: Annotated[int, typer.Option(help="Show at most this many.")] = 50,
) -> None:
    """List incident records (one per report) to find the id for `cybertrack incident`;
    every filter given must hold. Dates and targets set by hand count."""
    from rich.table import Table

    from cybertrack.analysis.dates import human
    from cybertrack.analysis.search import IncidentFilter, find_incidents
    from cybertrack.cli.base import _partial_date
    from cybertrack.reference import load_reference
    from cybertrack.store import Store

    ref = load_reference()
    wanted = IncidentFilter(
        since=_partial_date(since, "--since").start if since else None,
        until=_partial_date(until, "--until").end if until else None,
        kind=kind, sector=sector, target=target, attributed_to=attributed_to, source=source,
        include_rejected=all_records)
    with Store.open(resolve_db(db)) as store:
        incs = find_incidents(store, wanted, ref)
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
        help="First year of the recent period (default: the latest complete year with "
        "data, i.e. before the current year unless the knowledge base holds nothing "
        "earlier).", show_default=False)] = None,
    until: Annotated[int | None, typer.Option(
        help="Last year of the recent period (default: as --since).",
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
        help="Timeline of a threat actor, or of a state and the actors it sponsors: the "
        "incidents attributed to it and the responses taken against its state.",
        show_default=False)] = None,
    pair: Annotated[tuple[str, str] | None, typer.Option(
        help="Timeline between two states: --pair Iran Albania.", show_default=False)] = None,
    since: Annotated[int | None, typer.Option(
        help="With --actor: only incidents dated in or after this year (and the responses "
        "to them).", show_default=False)] = None,
    until: Annotated[int | None, typer.Option(
        help="With --actor: only incidents dated in or before this year.",
        show_default=False)] = None,
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
    if (since is not None or until is not None) and actor is None:
        fail("--since and --until select years of an --actor timeline")
    ref = load_reference()
    with Store.open(resolve_db(db)) as store:
        if incident is not None:
            tl = incident_timeline(store, find_incident(store, incident), ref)
        elif actor is not None:
            tl = actor_timeline(store, actor, ref, since=since, until=until)
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

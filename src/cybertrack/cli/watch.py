"""Commands that keep a knowledge base current: watch (feeds on a schedule) and watchlist."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from cybertrack.cli.base import DbOption, app, console, err_console, fail, resolve_db
from cybertrack.cli.data import MAX_BYTES_LIMIT

watchlist_app = typer.Typer(
    help="Watchlists: be told of each new claim or incident about the actors, states and "
    "targets you follow (terminal, JSON lines file, webhook, Atom feed).",
    no_args_is_help=True)
app.add_typer(watchlist_app, name="watchlist")


@app.command("watch")
def watch_command(
    feeds: Annotated[Path, typer.Argument(
        help="A text file of RSS/Atom feed URLs, one per line (blank lines and lines "
        "starting with '#' are skipped; ' # note' after a URL is a comment).",
        show_default=False)],
    every: Annotated[str, typer.Option(
        "--every", help="Time between the starts of two polls: 30s, 15m, 2h, 1d.")] = "15m",
    once: Annotated[bool, typer.Option(
        "--once", help="Poll every feed once and exit (for cron or systemd timers); the exit "
        "status is 2 if a feed failed.")] = False,
    db: DbOption = None,
    timeout: Annotated[float, typer.Option(
        "--timeout", min=1, max=3600,
        help="Seconds one download may take in all (the feed, and each page an entry links "
        "to), however slowly the server sends; then it is given up and reported.")] = 30.0,
    max_bytes: Annotated[int, typer.Option(
        min=1, max=MAX_BYTES_LIMIT,
        help="Refuse a feed or linked page larger than this many bytes (read in pieces, "
        "given up at the limit).")] = 20_000_000,
    allow_private_urls: Annotated[bool, typer.Option(
        "--allow-private-urls",
        help="Also fetch feeds and pages on loopback, private, link-local or other "
        "non-public addresses (an intranet feed). Off by default.")] = False,
    follow_links: Annotated[bool, typer.Option(
        help="Read the page each new entry links to (--no-follow-links: the entry's own "
        "summary or content only).")] = True,
    extract: Annotated[bool, typer.Option(
        help="Extract entities, incidents and claims from new entries (--no-extract: store "
        "the documents only).")] = True,
    link: Annotated[bool, typer.Option(
        help="Link the new documents' incidents to the reports already stored.")] = True,
    max_chars: Annotated[int, typer.Option(
        min=1, help="Extract at most this many characters of each document.")] = 2_000_000,
) -> None:
    """Poll RSS/Atom feeds and ingest only their new entries, now and then every --every.

    Each feed gets a conditional request (ETag / Last-Modified from its last answer, kept in
    the knowledge base), so an unchanged feed costs one 304. Entries already taken are skipped
    before their page is fetched. A feed that is down, slow, too big or broken is one line and
    the others go on. New claims and incidents that match a watchlist are reported
    (`cybertrack watchlist --help`). Ctrl+C stops between polls or during one (a feed's
    entries are remembered only once stored, so nothing is lost).
    """
    from cybertrack.store import Store
    from cybertrack.watch.feeds import parse_every, read_feed_list, watch

    seconds = parse_every(every)
    urls = read_feed_list(feeds)
    if not urls:
        fail(f"{feeds} lists no feed URL")

    def say(line: str) -> None:
        target = err_console if line.startswith("failed ") else console
        target.print(line, highlight=False)

    with Store.open(resolve_db(db)) as store:
        try:
            outcomes = watch(store, urls, every=seconds, once=once, say=say,
                             max_bytes=max_bytes, deadline=timeout,
                             allow_private=allow_private_urls, extract=extract, link=link,
                             max_chars=max_chars, follow_links=follow_links, console=console)
        except KeyboardInterrupt:
            err_console.print("stopped", highlight=False)
            return
    new = sum(o.new for o in outcomes)
    failed = sum(1 for o in outcomes if o.status == "failed")
    same = sum(1 for o in outcomes if o.status == "not-modified")
    console.print(f"feeds {len(outcomes)}  changed {len(outcomes) - failed - same}  "
                  f"not modified {same}  failed {failed}  new documents {new}",
                  highlight=False)
    if failed:
        raise typer.Exit(2)


@watchlist_app.command("add")
def watchlist_add(
    name: Annotated[str, typer.Argument(
        help="A name for the watchlist: letters, digits, '-', '_', '.' (up to 64).",
        show_default=False)],
    actor: Annotated[list[str] | None, typer.Option(
        "--actor", help="A threat actor, by any name or alias the reference data knows "
        "(APT28 also matches Fancy Bear); repeat for several.", show_default=False)] = None,
    state: Annotated[list[str] | None, typer.Option(
        "--state", help="A state an operation is attributed to, or that responds (IR, "
        "Iran); repeat for several.", show_default=False)] = None,
    target: Annotated[list[str] | None, typer.Option(
        "--target", help="A target country (AL, Albania); repeat for several.",
        show_default=False)] = None,
    kind: Annotated[list[str] | None, typer.Option(
        "--kind", help="An incident kind (ransomware, ddos, espionage, destruction...); "
        "repeat for several.", show_default=False)] = None,
    claim: Annotated[list[str] | None, typer.Option(
        "--claim", help="Only claims of this kind: attribution, self-claim, denial, "
        "response (incidents themselves are then not reported); repeat for several.",
        show_default=False)] = None,
    jsonl: Annotated[Path | None, typer.Option(
        "--jsonl", help="Also append each hit to this JSON lines file (one object a line).",
        show_default=False)] = None,
    webhook: Annotated[str | None, typer.Option(
        "--webhook", help="Also POST each poll's hits as JSON to this http(s) URL "
        "({\"watchlist\", \"hits\": [...]}); redirects are not followed.",
        show_default=False)] = None,
    allow_private_urls: Annotated[bool, typer.Option(
        "--allow-private-urls", help="Let --webhook be on a loopback or private address "
        "(an internal chat bridge). Off by default.")] = False,
    db: DbOption = None,
) -> None:
    """Define a watchlist. A claim or incident matches when every option given holds for it
    (within one option, any of its values); each match is reported once, by `ingest` and
    `watch`, on the terminal, in --jsonl, to --webhook and in the watchlist's Atom feed."""
    from cybertrack.store import Store
    from cybertrack.watch.watchlists import Watchlist, add_watchlist, make_criteria

    criteria = make_criteria(actors=actor or (), states=state or (), targets=target or (),
                             kinds=kind or (), claim_kinds=claim or ())
    with Store.open(resolve_db(db)) as store:
        made = add_watchlist(store, Watchlist(
            name, criteria, str(jsonl.expanduser().resolve()) if jsonl else None, webhook,
            allow_private_urls))
    console.print(f"watchlist {made.name}: {made.criteria.describe()}", highlight=False)


@watchlist_app.command("list")
def watchlist_list(db: DbOption = None) -> None:
    """Show every watchlist: its criteria and where it reports."""
    from cybertrack.store import Store
    from cybertrack.watch.watchlists import watchlists

    with Store.open(resolve_db(db)) as store:
        found = watchlists(store)
    if not found:
        console.print("no watchlists (add one with `cybertrack watchlist add`)",
                      highlight=False)
    for wl in found:
        where = ", ".join(x for x in (wl.jsonl and f"jsonl {wl.jsonl}",
                                      wl.webhook and f"webhook {wl.webhook}") if x)
        console.print(f"{wl.name}: {wl.criteria.describe()}" + (f"  ({where})" if where
                                                                  else ""), highlight=False)


@watchlist_app.command("remove")
def watchlist_remove(
    name: Annotated[str, typer.Argument(help="The watchlist to remove.", show_default=False)],
    db: DbOption = None,
) -> None:
    """Remove a watchlist and the record of its hits (its files are left as they are)."""
    from cybertrack.store import Store
    from cybertrack.watch.watchlists import remove_watchlist

    with Store.open(resolve_db(db)) as store:
        gone = remove_watchlist(store, name)
    console.print(f"removed watchlist {name} ({gone} hits)", highlight=False)


@watchlist_app.command("hits")
def watchlist_hits(
    name: Annotated[str, typer.Argument(help="The watchlist.", show_default=False)],
    limit: Annotated[int, typer.Option(min=1, help="How many, newest first.")] = 20,
    db: DbOption = None,
) -> None:
    """Show a watchlist's latest hits."""
    from cybertrack.store import Store
    from cybertrack.watch.watchlists import hits

    with Store.open(resolve_db(db)) as store:
        found = hits(store, name, limit)
    if not found:  # say so: an empty answer reads like a broken command
        err_console.print(f"watchlist {name}: no hits yet (ingest and watch report new ones)",
                          highlight=False)
    for hit in found:
        console.print(f"{hit.found_at}  {hit.record_kind} {hit.record_id[:12]}: "
                      f"{hit.summary}", highlight=False)


@watchlist_app.command("atom")
def watchlist_atom(
    name: Annotated[str, typer.Argument(help="The watchlist.", show_default=False)],
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="Write the feed to this file (default: standard output).",
        show_default=False)] = None,
    base_url: Annotated[str, typer.Option(
        "--base-url", help="Where `cybertrack serve` runs (https://kb.example.org): entries "
        "link to its incident and document pages.")] = "",
    db: DbOption = None,
) -> None:
    """Write a watchlist's Atom feed (its latest 100 hits), for a feed reader."""
    from cybertrack.store import Store
    from cybertrack.watch.watchlists import atom_feed

    with Store.open(resolve_db(db)) as store:
        xml = atom_feed(store, name, base_url=base_url)
    if output is None:
        sys.stdout.write(xml)
    else:
        output.write_text(xml, encoding="utf-8")

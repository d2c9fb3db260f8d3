"""``cybertrack demo``: the bundled sample corpus into a fresh knowledge base, then what it holds.

The samples (``cybertrack/samples/*.txt``) are short articles written for the project about real,
public state cyber operations; the Albania 2022 case is told from several angles with differing
dates, so the demo shows claims kept apart and weighed rather than merged.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from rich.console import Console
from rich.table import Table

from cybertrack.batch import IngestSummary, ingest_paths
from cybertrack.store import Store


def sample_paths() -> list[str]:
    """The sample articles shipped in the package (not their README)."""
    folder = resources.files("cybertrack") / "samples"
    return sorted(str(p) for p in Path(str(folder)).glob("*.txt"))


def build_demo(db_path: str) -> tuple[Store, IngestSummary]:
    """A fresh SQLite knowledge base holding the samples (an existing file is replaced)."""
    path = Path(db_path)
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    store = Store.open(str(path))
    summary = ingest_paths(store, sample_paths())
    from cybertrack.resolve import link_new

    link_new(store, summary.new_documents)  # reports of one event become one incident group
    return store, summary


def run_demo(db_path: str, console: Console) -> None:
    """Build the demo knowledge base and print what it holds."""
    store, summary = build_demo(db_path)
    with store:
        console.print(f"[bold]cybertrack demo[/]: {summary.new} sample articles into {db_path}")
        counts = store.counts()
        table = Table("records", "count", title="knowledge base", title_justify="left")
        for name, value in counts.items():
            table.add_row(name, str(value))
        console.print(table)
        print_albania_case(store, console)
        from cybertrack.report.showcase import print_showcase

        print_showcase(store, console)


def print_albania_case(store: Store, console: Console) -> None:
    """The worked example: incidents targeting Albania in 2022 and every claim about them."""
    import datetime as dt

    incidents = store.incidents(target="AL", since=dt.date(2022, 1, 1), until=dt.date(2022, 12, 31))
    claims = store.claims(incident_ids=[i.id for i in incidents]) if incidents else []
    table = Table("kind", "claimant", "says", "confidence", "date", title="Albania 2022: claims",
                  title_justify="left")
    for c in claims:
        if c.kind == "incident-report":
            continue
        says = (f"{c.attributed_actor or ''} {c.attributed_state or ''}".strip()
                if c.kind in ("attribution", "self-claim")
                else f"{c.actor_state} {c.action} {c.target_state}" if c.kind == "response"
                else "denies")
        when = c.event_date or c.claim_date
        table.add_row(c.kind, c.claimant.name if c.claimant else "(the article)", says,
                      c.confidence or c.likelihood or "", when.iso() if when else "")
    console.print(table)

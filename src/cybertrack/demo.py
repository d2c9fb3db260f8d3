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
from rich.text import Text

from cybertrack.batch import IngestSummary, ingest_paths
from cybertrack.report.showcase import print_showcase
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
        console.print(Text.assemble(("cybertrack demo", "bold"),
                                    f": {summary.new} sample articles into {db_path}"))
        counts = store.counts()
        table = Table("records", "count", title="knowledge base", title_justify="left")
        for name, value in counts.items():
            table.add_row(name, str(value))
        console.print(table)
        print_showcase(store, console)

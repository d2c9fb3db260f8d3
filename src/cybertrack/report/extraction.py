"""Readable text for one document's extraction (``cybertrack extract --format text``)."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text


def _claimant(c: dict[str, Any] | None) -> str:
    if not c:
        return "(the text)"
    if "government" in c:
        return f"government of {c['government']}"
    if "person" in c:
        return f"{c['person']} ({c.get('country', '?')})"
    return next(iter(c.values()))


def print_extraction(console: Console, record: dict[str, Any], source: str) -> None:
    """Incidents, attributions, denials and responses of one document as rich tables."""
    console.rule(Text(record.get("title") or source, style="bold"))
    ents = ", ".join(f"{e['name']} [{e['kind']}]" for e in record["entities"])
    console.print(Text.assemble(("entities:", "dim"), f" {ents or '-'}"), highlight=False)
    t = Table("key", "kinds", "targets", "sectors", "date", title="incidents", title_justify="left")
    for i in record["incidents"]:
        t.add_row(i["key"], ", ".join(i["kinds"]), ", ".join(i["targets"]),
                  ", ".join(i["target_sectors"]), i["date"] or "")
    console.print(t)
    t = Table("incident", "kind", "claimant", "attributed to", "confidence", "sentence",
              title="attributions", title_justify="left")
    for a in record["attributions"]:
        to = ", ".join(f"{k}={v}" for k, v in a["attributed_to"].items())
        conf = a["confidence"] or a["likelihood"] or ""
        t.add_row(a["incident"] or "", a["kind"], _claimant(a["claimant"]), to, conf,
                  (a.get("sentence") or "")[:90])
    console.print(t)
    t = Table("incident", "claimant", "sentence", title="denials", title_justify="left")
    for d in record["denials"]:
        t.add_row(d["incident"] or "", _claimant(d["claimant"]), (d.get("sentence") or "")[:90])
    console.print(t)
    t = Table("actor", "action", "target", "date", "incident", title="responses",
              title_justify="left")
    for r in record["responses"]:
        t.add_row(r["actor"], r["action"], r["target"], r["date"] or "", r["incident"] or "")
    console.print(t)

"""Readable views of reference entries for the CLI (``cybertrack country``/``actor``).

Kept out of ``cli/`` so the commands stay thin and a later knowledge-base view can print the
reference part the same way before adding what the knowledge base knows.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from cybertrack.reference.records import Country, RefEntry
from cybertrack.reference.reference import Reference, user_reference_dir


def print_country(console: Console, c: Country) -> None:
    """Codes, names, demonyms, capital with coordinates, metonyms and UN region."""
    t = Table(show_header=False, box=None, pad_edge=False)
    t.add_column(style="bold")
    t.add_column()
    t.add_row("country", f"{c.name}  ({c.code}, {c.alpha_3 or '-'}, {c.numeric or '-'})")
    t.add_row("official name", c.official_name)
    t.add_row("names", ", ".join(c.names))
    t.add_row("demonyms", ", ".join(c.demonyms) or "-")
    where = f"  ({c.lat:.2f}, {c.lon:.2f})" if c.lat is not None and c.lon is not None else ""
    t.add_row("capital", f"{c.capital or '-'}{where}")
    t.add_row("metonyms", ", ".join(c.metonyms) or "-")
    t.add_row("region", " / ".join(x for x in (c.region, c.subregion) if x) or "-")
    console.print(t)


def print_actor(console: Console, ref: Reference, e: RefEntry) -> None:
    """Canonical name, aliases by vendor, sponsor, sources merged and disagreements (links)."""
    info = ref.actor_info(e.id)
    t = Table(show_header=False, box=None, pad_edge=False)
    t.add_column(style="bold")
    t.add_column()
    t.add_row("actor", Text.assemble(f"{e.name}  ", (e.id, "dim")))
    t.add_row("kind", str(info["actor_kind"]))
    sponsor = "-"
    if e.sponsor:
        try:
            sponsor = f"{ref.country(e.sponsor).name} ({e.sponsor})"
        except Exception:  # noqa: BLE001 - a code outside ISO still prints as is
            sponsor = e.sponsor
    t.add_row("suspected sponsor", sponsor)
    if info["ext_ids"]:
        t.add_row("ATT&CK", ", ".join(info["ext_ids"]))
    by_vendor: dict[str, list[str]] = defaultdict(list)
    credited = set()
    for alias, vendor in e.vendor_aliases:
        by_vendor[vendor].append(alias)
        credited.add(alias.casefold())
    for vendor in sorted(by_vendor):
        t.add_row(f"  {vendor}", ", ".join(by_vendor[vendor]))
    other = [a for a in e.aliases if a.casefold() not in credited]
    if other:
        t.add_row("  other aliases", ", ".join(other))
    if info["victims"]:
        t.add_row("CFR victims", ", ".join(info["victims"]))
    t.add_row("sources", "\n".join(info["sources"]))
    console.print(t)
    links = ref.actor_links(e.id)
    if links:
        _print_links(console, ref, e, links)
    if e.refs:
        console.print(Text.assemble(("references", "bold"),
                                    f" ({len(e.refs)}): " + " ".join(e.refs[:5])),
                      highlight=False, soft_wrap=True)


#: An alias two clusters share, as the reason of a kept-apart link names it.
_SHARED_ALIAS = re.compile(r"^'(.+?)' is an alias in both |lists '(.+?)' as an alias; it is")


def _print_links(console: Console, ref: Reference, e: RefEntry, links: Sequence[Any]) -> None:
    """Related entries one line each with the relations sources state (similar, linked-to,
    attributed-to); clusters that only share an alias, kept apart, summarized on one line
    ("5 other clusters share aliases: APT38 (Bluenoroff, ...), ..."): for Lazarus Group they
    were most of the view."""
    related: dict[str, dict[str, Any]] = {}
    for link in links:
        other_id = (link.b if link.a == e.id else link.a) or "?"
        item = related.setdefault(other_id, {"score": 0.0, "by": set(), "reasons": [],
                                             "shared": []})
        item["score"] = max(item["score"], link.score)
        for reason in link.reasons:
            m = _SHARED_ALIAS.search(reason)
            if m and "kept apart" in reason:
                alias = m.group(1) or m.group(2)
                if alias not in item["shared"]:
                    item["shared"].append(alias)
            else:
                item["by"].add(link.made_by)
                if reason not in item["reasons"]:
                    item["reasons"].append(reason)

    def name(other_id: str) -> str:
        try:
            return ref.entry(other_id).name
        except Exception:  # noqa: BLE001 - an id the reference lost still prints
            return other_id

    linked = {k: v for k, v in related.items() if v["reasons"]}
    apart = {k: v for k, v in related.items() if not v["reasons"]}
    if linked:
        console.print("related entries (kept apart; what the sources say)", style="bold")
        for other_id, item in sorted(linked.items(), key=lambda kv: -kv[1]["score"]):
            shared = (f"; shares {', '.join(item['shared'])}" if item["shared"] else "")
            console.print(Text.assemble("  ", (name(other_id), "cyan"), " ",
                                        (other_id, "dim"), f" score {item['score']:.2f}: ",
                                        "; ".join(item["reasons"]) + shared),
                          highlight=False, soft_wrap=True)
    if apart:
        listed = ", ".join(f"{name(k)} ({', '.join(v['shared'])})" for k, v in
                           sorted(apart.items(), key=lambda kv: name(kv[0]).casefold()))
        console.print(Text.assemble(
            (f"{len(apart)} other cluster(s) share aliases", "bold"),
            f" (kept apart: no source ties them): {listed}"), highlight=False, soft_wrap=True)


def update(path: Path, out_dir: Path | None = None) -> tuple[Path, dict[str, int]]:
    """Rebuild the reference data from ``path`` into the user data dir (or ``out_dir``)."""
    from cybertrack.reference.build import build, write

    reference, notice = build(path)
    written = write(reference, notice, out_dir or user_reference_dir())
    return written, dict(reference["_meta"]["counts"])

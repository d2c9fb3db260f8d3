"""Reach's notable firsts read only the destructive groups that may be founded
(``store.evidence.destructive_cells(founded_only=True)``: two reports or more, or a tracker
record): the same cells and groups, in the same order, as reading every group and keeping
those ``groups_with_evidence`` accepts; on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

from cybertrack.analysis import reach
from cybertrack.model import Extraction
from cybertrack.resolve import link_all
from cybertrack.store import Store
from cybertrack.store.evidence import destructive_cells, groups_with_evidence
from kb_factory import MANDIANT, report, say


def _iran(n: int, publisher: str, year: int, target: str) -> Extraction:
    return report(n, publisher=publisher, published=f"{year}-05-03", targets=(target,),
                  when=f"{year}-05-02", claims=(
        say("attribution", "Mandiant blamed Iran.", MANDIANT, attributed_state="IR"),))


def test_founded_only_cells_are_every_cell_kept_to_groups_with_evidence(store: Store) -> None:
    store.bulk_add([_iran(1, "Roundup Desk", 2016, "GB"), _iran(2, "Desk A", 2017, "DE"),
                    _iran(3, "Desk B", 2017, "DE"), _iran(4, "Roundup Desk", 2017, "DE"),
                    _iran(5, "Only Desk", 2018, "PL"), _iran(6, "Only Desk", 2018, "PL")])
    store.bulk_add([_iran(7, "Tracker Test", 2019, "FR")], extractor_version="tracker")
    link_all(store)
    years = (2000, 2030)
    every = destructive_cells(store, ("IR",), (), (), years)
    founded = destructive_cells(store, ("IR",), (), (), years, founded_only=True)
    groups = {g for gs in every.values() for g in gs}
    eligible = groups_with_evidence(store, groups)
    assert len(eligible) >= 2  # the two desks' event and the tracker record
    assert eligible <= {g for gs in founded.values() for g in gs} <= groups
    for cell, gs in every.items():
        assert [g for g in gs if g in eligible] == [
            g for g in founded.get(cell, []) if g in eligible], cell
    assert (2016, "GB") not in founded  # one article's event is not read
    assert founded[(2019, "FR")]  # a tracker record is, though it is one report
    r = reach(store, "Iran", today=dt.date(2026, 1, 1))
    assert r.recent is not None

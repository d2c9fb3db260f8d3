"""Export the knowledge base to STIX 2.1, MISP and flat tables, keeping who said what.

    >>> from cybertrack.export import select, stix_bundle, misp_json, write_tables
    >>> sel = select(store, since=datetime.date(2022, 1, 1))   # or incident_id=, actor=
    >>> bundle = stix_bundle(sel)                               # a JSON-ready dict
    >>> export(store, "stix", Path("out.json"), actor="Iran")   # what the CLI calls

All formats read the same ``Selection``; docs/stix-extension.md documents the STIX mapping
and extension, docs/tables.md the table columns.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cybertrack.errors import ExportError
from cybertrack.export.select import Selection, select
from cybertrack.export.stix import INCIDENT_TYPES, stix_bundle, write_stix
from cybertrack.export.stix_ext import EXTENSION_ID, stix_confidence
from cybertrack.export.tables import FORMATS as TABLE_FORMATS
from cybertrack.export.tables import TABLES, table_rows, write_tables
from cybertrack.store import Store

if TYPE_CHECKING:
    from cybertrack.export.misp import misp_events, misp_json, write_misp

FORMATS = ("stix", "misp", *TABLE_FORMATS)


def export(
    store: Store, fmt: str, out: Path | None, *, incident_id: str | None = None,
    since: dt.date | None = None, actor: str | None = None, include_text: bool = False,
    incident_type: str = "incident", whole_group: bool = True,
) -> tuple[Selection, str | list[Path]]:
    """Export the selected incidents in ``fmt``. STIX and MISP go to the file ``out`` (or are
    returned as text when ``out`` is None); tables need a folder ``out``. Returns the
    selection and the JSON text or the table files written. ``incident_id`` exports every
    report linked to that incident unless ``whole_group`` is False."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if fmt in TABLE_FORMATS and out is None:
        raise ExportError(f"--format {fmt} writes one file per table: pass -o FOLDER")
    if out is not None and fmt in ("stix", "misp") and out.is_dir():
        raise ExportError(f"{out} is a folder; --format {fmt} writes one file: pass -o FILE")
    selection = select(store, incident_id=incident_id, since=since, actor=actor,
                       whole_group=whole_group)
    if fmt == "stix":
        return selection, write_stix(selection, out, include_text=include_text,
                                     incident_type=incident_type)
    if fmt == "misp":
        from cybertrack.export.misp import write_misp

        return selection, write_misp(selection, out)
    assert out is not None
    return selection, write_tables(selection, out, fmt)


def __getattr__(name: str) -> Any:
    """The MISP functions, imported on first use: pymisp is slow to import and the STIX
    reader (``ingest.stix``) imports this package."""
    if name in ("misp_events", "misp_json", "write_misp"):
        from cybertrack.export import misp

        return getattr(misp, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "EXTENSION_ID", "FORMATS", "INCIDENT_TYPES", "Selection", "TABLES", "TABLE_FORMATS",
    "export", "misp_events", "misp_json", "select", "stix_bundle", "stix_confidence",
    "table_rows", "write_misp", "write_stix", "write_tables",
]

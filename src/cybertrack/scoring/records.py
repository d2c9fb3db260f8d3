"""Reading gold and prediction records (the JSONL shape of shared/eval/README.md).

Both sides share one shape, so one set of readers serves both. Readers are strict about
structure (a list where a list belongs, parseable dates) and lenient about absent fields: a
missing category is an empty one, a missing ``required`` means required.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from cybertrack.errors import EvalError
from cybertrack.model import PartialDate

#: The list-valued fields of a record that the scorer reads.
ITEM_FIELDS = ("entities", "incidents", "attributions", "denials", "responses")


def load_jsonl(path: str | Path) -> list[dict[str, Any]]:
    """Read one JSON object per non-blank line; EvalError names ``file:line`` on bad input."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise EvalError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    except UnicodeDecodeError as exc:
        raise EvalError(f"{path}: not UTF-8 text") from exc
    records: list[dict[str, Any]] = []
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise EvalError(f"{path}:{n}: invalid JSON ({exc.msg}, column {exc.colno})") from exc
        if not isinstance(obj, dict):
            raise EvalError(f"{path}:{n}: expected a JSON object, got {type(obj).__name__}")
        records.append(obj)
    return records


def index_by_id(records: list[dict[str, Any]] | Any, side: str) -> dict[str, dict[str, Any]]:
    """Records keyed by ``id``; a missing or repeated id is an error (scores would be wrong)."""
    out: dict[str, dict[str, Any]] = {}
    for n, rec in enumerate(records, start=1):
        if not isinstance(rec, dict) or not isinstance(rec.get("id"), str | int):
            raise EvalError(f"{side} record #{n} has no 'id'")
        key = str(rec["id"])
        if key in out:
            raise EvalError(f"{side} records repeat id {key!r}")
        out[key] = rec
    return out


def items(record: dict[str, Any], field: str, side: str) -> list[dict[str, Any]]:
    """The items of one category; absent or null is empty, anything but a list of objects fails."""
    value = record.get(field)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(x, dict) for x in value):
        raise EvalError(f"{side} record {record.get('id')!r}: {field!r} must be a list of objects")
    return value


def is_required(item: dict[str, Any]) -> bool:
    """Gold items are required unless they say ``"required": false``."""
    return item.get("required", True) is not False


def parse_date(value: object, where: str) -> PartialDate | None:
    """An ISO partial date (``2022``, ``2022-07``, ``2022-07-15``, ``A/B``) or None."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise EvalError(f"{where}: date must be a string, got {value!r}")
    try:
        return PartialDate.parse(value)
    except ValueError as exc:
        raise EvalError(f"{where}: {exc}") from exc

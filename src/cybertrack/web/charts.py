"""The report charts (``report/charts.py``) as SVG for pages, drawn once and kept.

``report.charts`` writes PNG and SVG files into a folder (what ``--charts`` does); here they
are drawn into a temporary folder and the SVG kept in memory, keyed by what was drawn, until
a write through the app clears the cache. Pages show them with ``<img>``, so nothing in an
SVG can run; labels are already stripped of control characters by ``report.charts``.
"""

from __future__ import annotations

import tempfile
import threading
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path

MAX_CHARTS = 128


class ChartCache:
    def __init__(self) -> None:
        self._items: OrderedDict[tuple[str, ...], bytes | None] = OrderedDict()
        self._lock = threading.Lock()
        # matplotlib's font cache and text layout are not safe to drive from two threads
        self._draw = threading.Lock()

    def svg(self, key: tuple[str, ...], draw: Callable[[Path], list[Path]]) -> bytes | None:
        """The SVG ``draw`` writes into a folder (None when it draws nothing)."""
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        with self._draw, tempfile.TemporaryDirectory(prefix="cybertrack-chart-") as tmp:
            paths = draw(Path(tmp))
            svg = next((p.read_bytes() for p in paths if p.suffix == ".svg"), None)
        with self._lock:
            self._items[key] = svg
            while len(self._items) > MAX_CHARTS:
                self._items.popitem(last=False)
        return svg

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

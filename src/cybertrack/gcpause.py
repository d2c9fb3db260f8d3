"""Pausing the cyclic garbage collector around work that builds many small objects.

Exports and large timelines build tens of thousands of records, tuples and dicts, none of them in
reference cycles; each few thousand allocations trigger a collection that walks every live
object and finds nothing. Pausing it while such work runs saves a third of its time.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector for the ``with`` block; the previous state is restored
    even on error (reference counting still frees everything as usual)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()

"""The benchmark knowledge-base generator (``bench/kb_load.py``) for tests: loaded once as a
module, and a store filled with its generated documents and groups, as the web speed bench
builds its 50,000-document knowledge base, only smaller."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

from cybertrack.resolve.groups import ensure_groups
from cybertrack.store import Store


def kb_load() -> ModuleType:
    """``bench/kb_load.py`` as a module (``bench`` is no package)."""
    path = Path(__file__).resolve().parents[1] / "bench" / "kb_load.py"
    spec = importlib.util.spec_from_file_location("kb_load", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("kb_load", module)
    spec.loader.exec_module(module)
    return module


def fill(store: Store, documents: int, seed: int) -> None:
    """Reference entities, ``documents`` generated documents (``kb_load.generate``) and their
    groups in ``store``."""
    loader = kb_load()
    countries, actors = loader.reference_entities()
    store.upsert_entities([*countries, *actors])
    store.bulk_add(loader.generate(documents, seed), chunk_size=documents,
                   extractor_version="bench")
    ensure_groups(store)

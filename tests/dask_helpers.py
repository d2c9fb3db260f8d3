"""What the distributed-ingest tests send to Dask workers (importable by them: spawned workers
inherit the test process's ``sys.path``): a pipeline-free extractor (the watch tests use it
too), and one that kills its own worker process the first time it meets a chosen document."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cybertrack.model import (
    Claim,
    Claimant,
    Document,
    Extraction,
    Incident,
    PartialDate,
    Span,
    stable_id,
)

ALBANIA = Claimant("government", "Albania", "AL", "country:AL", "government")


def fake_extract(document: Document, max_chars: int) -> Extraction:
    """One incident against the country the text names last, attributed to Iran."""
    first = document.text.split(".")[0] + "."
    span = Span(0, len(first))
    target = "XK" if "Kosovo" in document.text else "AL"
    inc = Incident(stable_id("incident", document.id, "i1"), document.id, "i1",
                   kinds=("disruption",), targets=(target,), time=PartialDate.parse("2022-09"),
                   title="Border system attack", span=span, sentence=first)
    claims = (
        Claim(stable_id("claim", document.id, "r"), document.id, "incident-report", span,
              first, incident_id=inc.id),
        Claim(stable_id("claim", document.id, "a"), document.id, "attribution", span, first,
              claimant=ALBANIA, incident_id=inc.id, attributed_state="IR"),
    )
    return Extraction(document, incidents=(inc,), claims=claims)


@dataclass(frozen=True)
class KillOnce:
    """Extracts like ``fake_extract``, but SIGKILLs its own process (the worker) the first
    time a document containing ``needle`` arrives; ``marker`` records that it happened."""

    marker: str
    needle: str

    def __call__(self, document: Document, max_chars: int) -> Extraction:
        if self.needle in document.text and not Path(self.marker).exists():
            Path(self.marker).write_text(str(os.getpid()))
            os.kill(os.getpid(), signal.SIGKILL)
        return fake_extract(document, max_chars)


@contextmanager
def local_client(n_workers: int, processes: bool) -> Iterator[Any]:
    """A local Dask cluster and its client for a test module, skipping the tests where Dask
    or the machine's sockets or processes are missing; closed afterwards."""
    import pytest

    distributed = pytest.importorskip("distributed")
    try:
        cluster = distributed.LocalCluster(n_workers=n_workers, threads_per_worker=1,
                                           processes=processes, dashboard_address=None,
                                           memory_limit=0)
    except Exception as exc:  # no processes, no sockets here
        pytest.skip(f"cannot start a local Dask cluster here: {exc}")
    dask_client = distributed.Client(cluster)
    try:
        yield dask_client
    finally:
        dask_client.close()
        cluster.close()

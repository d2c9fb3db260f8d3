"""Ingest batches started from the browser or the API, run one at a time in a thread.

A job is what ``cybertrack ingest`` does (``batch.ingest_paths`` then incremental linking)
on uploaded files (written to a private temporary folder, removed afterwards) and URLs
(fetched by the ingest readers, with their limits and their refusal of private addresses).
Its progress is the batch's own events, kept so a status page can show them while it runs.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from cybertrack.store import Store

#: Events kept per job (the latest); the counts cover every event.
MAX_EVENTS = 500
#: Jobs remembered (the oldest finished ones are forgotten first).
MAX_JOBS = 50


@dataclass
class Job:
    id: str
    inputs: list[str]
    state: str = "queued"  # queued | running | done | failed
    started: str = ""
    finished: str = ""
    counts: dict[str, int] = field(default_factory=dict)
    events: list[tuple[str, str, str]] = field(default_factory=list)
    error: str = ""
    new_documents: list[str] = field(default_factory=list)
    linked: str = ""

    def as_dict(self) -> dict[str, object]:
        return {"id": self.id, "state": self.state, "inputs": self.inputs,
                "started": self.started, "finished": self.finished, "counts": self.counts,
                "events": [{"status": s, "source": src, "detail": d}
                           for s, src, d in self.events],
                "error": self.error, "new_documents": self.new_documents,
                "linked": self.linked}


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


class Jobs:
    """The app's ingest jobs; one runs at a time (a lock), so two uploads never race."""

    def __init__(self, store: Store, on_done: Callable[[], None],
                 allow_private_urls: bool = False) -> None:
        self.store = store
        self.on_done = on_done
        self.allow_private_urls = allow_private_urls
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()
        self._run_lock = threading.Lock()

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id)

    def all(self) -> list[Job]:
        with self._lock:
            return list(reversed(self._jobs.values()))

    def start(self, files: list[tuple[str, bytes]], urls: list[str]) -> Job:
        """Write ``files`` (name, content) to a temporary folder and start the batch."""
        folder = Path(tempfile.mkdtemp(prefix="cybertrack-upload-"))
        paths = []
        for n, (name, content) in enumerate(files):
            safe = "".join(ch if ch.isalnum() or ch in "._-" else "_" for ch in
                           Path(name).name)[:80] or "upload"
            path = folder / f"{n:03d}-{safe}"
            path.write_bytes(content)
            paths.append(str(path))
        job = Job(uuid.uuid4().hex[:12], [*(Path(p).name[4:] for p in paths), *urls])
        with self._lock:
            self._jobs[job.id] = job
            while len(self._jobs) > MAX_JOBS:
                oldest = next((k for k, v in self._jobs.items()
                               if v.state in ("done", "failed")), None)
                if oldest is None:
                    break
                del self._jobs[oldest]
        thread = threading.Thread(target=self._run, args=(job, [*paths, *urls], folder),
                                  name=f"cybertrack-ingest-{job.id}", daemon=True)
        thread.start()
        return job

    def _run(self, job: Job, inputs: list[str], folder: Path) -> None:
        from cybertrack.batch import ingest_paths
        from cybertrack.resolve import link_new

        def on_event(status: str, source: str, detail: str) -> None:
            shown = source.replace(str(folder) + "/", "")
            job.counts[status] = job.counts.get(status, 0) + 1
            job.events.append((status, shown, detail))
            del job.events[:-MAX_EVENTS]

        try:
            with self._run_lock:
                job.state, job.started = "running", _now()
                summary = ingest_paths(self.store, inputs, on_event=on_event,
                                       allow_private_urls=self.allow_private_urls)
                job.new_documents = list(summary.new_documents)
                if summary.new_documents:
                    done = link_new(self.store, summary.new_documents)
                    job.linked = (f"{done.incidents} new incident(s), {done.links_new} new "
                                  "link(s) proposed")
                job.state = "done"
        except Exception as exc:  # a job's failure is shown on its page, the server goes on
            job.state, job.error = "failed", f"{type(exc).__name__}: {exc}"
        finally:
            job.finished = _now()
            shutil.rmtree(folder, ignore_errors=True)
            self.on_done()

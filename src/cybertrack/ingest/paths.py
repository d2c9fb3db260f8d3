"""Where inputs come from: expanding folders and globs, reading files and URLs within a limit.

Expansion never fails: a path that does not exist, an unreadable folder, a glob with no match is
yielded as it is, so reading it reports the problem in the same place as every other bad input.
Reading checks the size before reading, so a 50 MB file costs a ``stat``, not 50 MB of memory.
"""

from __future__ import annotations

import glob
import http.client
import os
import stat
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence

from cybertrack.errors import IngestError
from cybertrack.ingest.detect import is_url

FETCH_TIMEOUT = 10.0  # seconds; a feed's linked page that is slower is read from its summary
USER_AGENT = "cybertrack/0.1"
_GLOB_CHARS = frozenset("*?[")


def _is_hidden(name: str) -> bool:
    return name.startswith(".")


def _walk(folder: str) -> list[str]:
    """Every non-hidden entry below ``folder`` that is not a folder itself, sorted.

    Hidden files and folders (``.git``, ``.DS_Store``) are skipped. A sub-folder that cannot be
    listed is returned as an entry, so reading it reports why.
    """
    found: list[str] = []

    def unreadable(exc: OSError) -> None:
        if exc.filename is not None:
            found.append(os.fsdecode(exc.filename))

    for root, dirs, files in os.walk(folder, onerror=unreadable):
        dirs[:] = [d for d in dirs if not _is_hidden(d)]
        found.extend(os.path.join(root, f) for f in files if not _is_hidden(f))
    return sorted(found)


def _expand(arg: str) -> list[str]:
    if is_url(arg):
        return [arg]
    path = os.path.expanduser(arg)
    if _GLOB_CHARS & set(path) and not os.path.exists(path):
        matches = sorted(glob.glob(path, recursive=True))
        if not matches:
            return [arg]
        out: list[str] = []
        for match in matches:
            out.extend(_walk(match) if os.path.isdir(match) else [match])
        return sorted(set(out))
    if os.path.isdir(path):
        return _walk(path)
    return [path]


def iter_inputs(paths: Sequence[str]) -> Iterator[str]:
    """Expand paths, folders (recursively), globs (``**`` too) and URLs into single inputs.

    Each argument's expansion is sorted; arguments keep their order; an input reached twice is
    yielded once. Inputs that cannot be read (missing, unlistable) are yielded as they are.
    """
    seen: set[str] = set()
    for arg in paths:
        for item in _expand(arg):
            if item not in seen:
                seen.add(item)
                yield item


def too_big(source: str, size: int, limit: int) -> IngestError:
    return IngestError(
        source,
        f"{size:,} bytes is over the {limit:,}-byte limit; raise it with --max-bytes "
        "(max_bytes=) if this input is genuine",
    )


def read_file(path: str, max_bytes: int) -> bytes:
    """The bytes of a regular file no bigger than ``max_bytes``, else ``IngestError``."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        why = "no file matches this pattern" if _GLOB_CHARS & set(path) else "no such file"
        raise IngestError(path, f"{why}; check the path") from None
    except OSError as exc:
        raise IngestError(path, f"cannot read: {exc.strerror or exc}") from None
    if stat.S_ISDIR(info.st_mode):
        try:
            os.listdir(path)
        except OSError as exc:
            raise IngestError(path, f"cannot list folder: {exc.strerror or exc}") from None
        raise IngestError(path, "is a folder; pass it to read_all to read the files inside")
    if not stat.S_ISREG(info.st_mode):
        raise IngestError(path, "not a regular file (a pipe, socket or device); not read")
    if info.st_size > max_bytes:
        raise too_big(path, info.st_size, max_bytes)
    try:
        with open(path, "rb") as fh:
            data = fh.read(max_bytes + 1)
    except OSError as exc:
        raise IngestError(
            path, f"cannot read: {exc.strerror or exc}; check its permissions"
        ) from None
    if len(data) > max_bytes:  # grew since the stat
        raise too_big(path, len(data), max_bytes)
    return data


def fetch_url(url: str, max_bytes: int, timeout: float = FETCH_TIMEOUT) -> bytes:
    """GET an http(s) URL, at most ``max_bytes`` of body, else ``IngestError`` saying why."""
    if not is_url(url):
        raise IngestError(url, "not an http(s) URL; only http and https are fetched")
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            length = response.headers.get("Content-Length")
            if length and length.isdigit() and int(length) > max_bytes:
                raise too_big(url, int(length), max_bytes)
            data: bytes = response.read(max_bytes + 1)
    except IngestError:
        raise
    except urllib.error.HTTPError as exc:
        raise IngestError(url, f"HTTP {exc.code} {exc.reason}") from None
    except urllib.error.URLError as exc:
        raise IngestError(url, f"cannot reach: {exc.reason}") from None
    except TimeoutError:
        raise IngestError(url, f"timed out after {timeout:g} s") from None
    except (OSError, ValueError, http.client.HTTPException) as exc:  # resets, bad URLs...
        raise IngestError(url, f"cannot fetch: {type(exc).__name__}: {exc}") from None
    if len(data) > max_bytes:
        raise too_big(url, len(data), max_bytes)
    return data

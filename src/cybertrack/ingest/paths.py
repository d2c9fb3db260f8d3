"""Where inputs come from: expanding folders and globs, reading files and URLs within a limit.

Expansion never fails: a path that does not exist, an unreadable folder, a glob with no match is
yielded as it is, so reading it reports the problem in the same place as every other bad input.
Reading checks the size before reading, so a 50 MB file costs a ``stat``, not 50 MB of memory,
and then reads in pieces up to the limit, so the limit is never allocated in advance (a file
that grows while it is read stops at the limit). URLs are fetched by ``net.fetch_url``.
"""

from __future__ import annotations

import glob
import os
import stat
from collections.abc import Iterator, Sequence
from typing import BinaryIO

from cybertrack.errors import IngestError
from cybertrack.ingest.detect import is_url
from cybertrack.ingest.net import FETCH_TIMEOUT, fetch_url, too_big

__all__ = ["FETCH_TIMEOUT", "fetch_url", "iter_inputs", "read_file", "too_big"]

READ_CHUNK = 1 << 20  # bytes read at a time from a file
_NOT_REGULAR = "not a regular file (a pipe, socket or device); not read"
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


def read_capped(handle: BinaryIO, limit: int) -> bytes:
    """At most ``limit + 1`` bytes of ``handle``, read a piece at a time: one more than the
    limit is how a caller tells that the input is over it."""
    parts: list[bytes] = []
    size = 0
    while size <= limit:
        piece = handle.read(min(READ_CHUNK, limit + 1 - size))
        if not piece:
            break
        parts.append(piece)
        size += len(piece)
    return b"".join(parts)


def read_file(path: str, max_bytes: int) -> bytes:
    """The bytes of a regular file no bigger than ``max_bytes``, else ``IngestError``.

    The file is opened without blocking and checked again through the open descriptor, so a
    path swapped for a pipe or device after the first look is still refused, not read."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        why = "no file matches this pattern" if _GLOB_CHARS & set(path) else "no such file"
        raise IngestError(path, f"{why}; check the path") from None
    except OSError as exc:
        raise IngestError(path, f"cannot read: {exc.strerror or exc}") from None
    except ValueError:  # a NUL in the path
        raise IngestError(path, "not a usable path (it contains a NUL character)") from None
    if stat.S_ISDIR(info.st_mode):
        try:
            os.listdir(path)
        except OSError as exc:
            raise IngestError(path, f"cannot list folder: {exc.strerror or exc}") from None
        raise IngestError(path, "is a folder; pass it to read_all to read the files inside")
    if not stat.S_ISREG(info.st_mode):
        raise IngestError(path, _NOT_REGULAR)
    if info.st_size > max_bytes:
        raise too_big(path, info.st_size, max_bytes)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
        with open(fd, "rb") as fh:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                raise IngestError(path, _NOT_REGULAR)
            data = read_capped(fh, max_bytes)
    except OSError as exc:
        raise IngestError(
            path, f"cannot read: {exc.strerror or exc}; check its permissions"
        ) from None
    if len(data) > max_bytes:  # grew since the stat
        raise too_big(path, len(data), max_bytes, at_least=True)
    return data

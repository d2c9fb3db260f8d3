"""One exception hierarchy for cybertrack.

Every error a caller may want to handle has its own class, and every message names the thing
that failed and, where there is one, the fix. The CLI turns any ``CybertrackError`` into one
line on stderr; anything else is a bug.
"""

from __future__ import annotations


class CybertrackError(Exception):
    """Base class of every error cybertrack raises on purpose."""


class IngestError(CybertrackError):
    """An input could not be read into a Document (corrupt, empty, too large, unreachable...)."""

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason


class ReferenceDataError(CybertrackError):
    """Reference data is missing, malformed, or a lookup cannot be answered."""


class UnknownEntityError(ReferenceDataError):
    """A name given by the user matches no country or actor in the reference data."""

    def __init__(self, kind: str, name: str, suggestions: list[str] | None = None) -> None:
        hint = f"; did you mean {', '.join(suggestions)}?" if suggestions else ""
        super().__init__(f"no {kind} named {name!r} in the reference data{hint}")
        self.kind = kind
        self.name = name
        self.suggestions = suggestions or []


class StoreError(CybertrackError):
    """The knowledge base cannot be opened, migrated or written."""


class NotFoundError(StoreError):
    """A record asked for by id is not in the knowledge base."""

    def __init__(self, kind: str, ident: str) -> None:
        super().__init__(f"no {kind} with id {ident!r} in the knowledge base")
        self.kind = kind
        self.ident = ident


class AmbiguousIdError(CybertrackError):
    """A short id given by the user matches several records."""

    def __init__(self, kind: str, prefix: str, matches: list[str]) -> None:
        shown = ", ".join(matches[:5]) + (", ..." if len(matches) > 5 else "")
        super().__init__(f"{kind} id {prefix!r} is ambiguous: it starts {shown}; "
                         "type more of the id")
        self.kind = kind
        self.prefix = prefix
        self.matches = matches


class ExtractionError(CybertrackError):
    """The extraction pipeline could not be built or failed on a document."""


class EvalError(CybertrackError):
    """A gold or prediction file is not in the shape of shared/eval/README.md."""


class ExportError(CybertrackError):
    """An export could not be produced (e.g. the bundle fails validation)."""


class WatchError(CybertrackError):
    """A watchlist or watched feed cannot be defined or found as asked."""


class WebRequestError(CybertrackError):
    """A web request the application cannot act on: an unknown filter or sort value, a bad
    action, an empty or too large upload (answered with 400, never 500)."""

"""Cheap necessary conditions for the rules' regexes, so that a sentence skips the ones that
cannot match it.

Most of the extraction time goes to word-list alternations (speech verbs, response cues, event
nouns, incident kinds, sector keywords) searched in every sentence, while most sentences hold
none of their words. ``required_literals`` reads a compiled pattern's syntax tree and returns a
set of literal strings at least one of which every match must contain (or ``None`` where it
cannot tell); ``Prefilter`` finds all of them in a text with one Aho-Corasick pass and answers,
per pattern, whether it may match. Skipping a pattern that may not match changes no result.

Case: under ``re.IGNORECASE`` the literals are lower-cased and looked for in the lower-cased
text. Three characters match an ASCII letter case-insensitively without lower-casing to it
("İ", "ı", "ſ"); a text holding one of them lets every pattern through.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar, cast

import ahocorasick

from cybertrack.extract.casefold import FoldedPattern, Pattern, has_unsafe_case

try:  # Python 3.11+
    import re._constants as _c  # type: ignore[import-not-found,unused-ignore]
    import re._parser as _p  # type: ignore[import-not-found,unused-ignore]
except ImportError:  # pragma: no cover - older Pythons
    import sre_constants as _c  # type: ignore[no-redef,unused-ignore]
    import sre_parse as _p  # type: ignore[no-redef,unused-ignore]

#: A one-letter literal gates nothing worth the lookup ("?" does); two letters ("in", "by") cost
#: automaton hits but still save more searches than they cost (measured: 6% fewer instructions).
_MIN_USEFUL = 2

Literals = frozenset[str] | None


def required_literals(rx: Pattern) -> Literals:
    """Strings one of which is in every match of ``rx`` (lower-cased under IGNORECASE), or None.

    Patterns with inline flags that change case sensitivity part-way, or with a literal
    shorter than two characters as the best condition, get None (always searched).
    """
    try:
        tree = _p.parse(rx.pattern, rx.flags)
    except Exception:  # pragma: no cover - compiled patterns parse
        return None
    fold = bool(rx.flags & re.IGNORECASE)
    found = _seq(list(tree), fold)
    if found is None or any(len(s) < _MIN_USEFUL and (s.isalnum() or s.isspace())
                            for s in found):
        return None
    return found


def _seq(items: list[tuple[Any, Any]], fold: bool) -> Literals:
    """The most selective condition among the parts a sequence cannot do without."""
    options: list[frozenset[str]] = []
    run: list[str] = []

    def flush() -> None:
        if run:
            options.append(frozenset(["".join(run)]))
            run.clear()

    for op, av in items:
        if op is _c.LITERAL:
            ch = chr(av)
            run.append(ch.lower() if fold else ch)
            continue
        flush()
        sub: Literals = None
        if op is _c.SUBPATTERN:
            _group, add_flags, del_flags, pattern = av
            if (add_flags | del_flags) & re.IGNORECASE:
                return None  # a scoped case change: keep it simple, never gate
            sub = _seq(list(pattern), fold)
        elif op is _c.BRANCH:
            sub = _branch(av[1], fold)
        elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT, getattr(_c, "POSSESSIVE_REPEAT", None)):
            low, _high, pattern = av
            if low >= 1:
                sub = _seq(list(pattern), fold)
        elif op is getattr(_c, "ATOMIC_GROUP", None):
            sub = _seq(list(av), fold)
        if sub is not None:
            options.append(sub)
    flush()
    if not options:
        return None
    return max(options, key=lambda s: (min(len(x) for x in s), -len(s)))


def _branch(branches: Iterable[Any], fold: bool) -> Literals:
    out: set[str] = set()
    for b in branches:
        sub = _seq(list(b), fold)
        if sub is None:
            return None
        out |= sub
    return frozenset(out)


class Prefilter:
    """One Aho-Corasick pass per text tells which registered patterns may match it.

    Each gated pattern owns one bit; each literal maps to the bits of the patterns it gates, so
    a text's answer is the OR of its hits' masks (one int, where sets of ids cost twice as much
    to build per sentence).
    """

    def __init__(self, patterns: Iterable[Pattern]) -> None:
        self._always: set[int] = set()
        self._bits: dict[int, int] = {}  # id(pattern) -> its bit, for gated patterns
        fold: dict[str, int] = {}
        exact: dict[str, int] = {}
        for rx in patterns:
            lits = required_literals(rx)
            if lits is None:
                self._always.add(id(rx))
                continue
            bit = self._bits.setdefault(id(rx), 1 << len(self._bits))
            table = fold if rx.flags & re.IGNORECASE else exact
            for lit in lits:
                table[lit] = table.get(lit, 0) | bit
        self._ids = frozenset(self._always | self._bits.keys())
        self._fold_ac = _automaton(fold)
        self._exact_ac = _automaton(exact)

    def seen(self, text: str) -> int:
        """The bits of the gated patterns whose literals ``text`` holds (all bits set, -1,
        where case folding cannot be trusted)."""
        if has_unsafe_case(text):
            return -1
        mask = 0
        for ac, t in ((self._fold_ac, text.lower()), (self._exact_ac, text)):
            if ac is not None:
                for _end, bits in ac.iter(t):
                    mask |= bits
        return mask

    def present(self, text: str) -> frozenset[int]:
        """Ids (``id(pattern)``) of the registered patterns that may match ``text``."""
        return self._ids - self.absent(text)

    def absent(self, text: str) -> frozenset[int]:
        """Ids of the registered patterns that cannot match ``text``."""
        missing = ~self.seen(text)
        return frozenset(i for i, bit in self._bits.items() if bit & missing)

    @property
    def ids(self) -> frozenset[int]:
        """Ids of the registered patterns."""
        return self._ids


def _automaton(table: dict[str, int]) -> Any:
    if not table:
        return None
    ac = ahocorasick.Automaton()
    for lit, bits in table.items():
        ac.add_word(lit, bits)
    ac.make_automaton()
    return ac


class Gate:
    """A text's prefilter answer, for searching only the patterns that may match it."""

    __slots__ = ("_bits", "_missing")

    def __init__(self, prefilter: Prefilter, text: str) -> None:
        self._bits = prefilter._bits
        self._missing = ~prefilter.seen(text)  # the bits of patterns that cannot match

    def may(self, rx: Pattern) -> bool:
        return not self._bits.get(id(rx), 0) & self._missing

    # ``text`` is the gate's own text or a part of it: what the whole lacks, no part holds
    def search(self, rx: Pattern, text: str) -> re.Match[str] | None:
        return None if self._bits.get(id(rx), 0) & self._missing else rx.search(text)

    def match(self, rx: Pattern, text: str) -> re.Match[str] | None:
        return None if self._bits.get(id(rx), 0) & self._missing else rx.match(text)

    def finditer(self, rx: Pattern, text: str) -> Iterator[re.Match[str]]:
        return iter(()) if self._bits.get(id(rx), 0) & self._missing else rx.finditer(text)


_F = TypeVar("_F", bound=Callable[..., Any])


def per_document(fn: _F) -> _F:
    """Memoize ``fn`` within one document (``reset_memos`` clears every such cache)."""
    cache: dict[Any, Any] = {}
    _CACHES.append(cache)

    def wrapper(*args: Any) -> Any:
        value = cache.get(args, _MISSING)  # most calls are first calls: no KeyError to raise
        if value is _MISSING:
            if len(cache) > _MAX_MEMO:  # called outside the pipeline: stay bounded
                cache.clear()
            value = cache[args] = fn(*args)
        return value

    wrapper.__wrapped__ = fn  # type: ignore[attr-defined]
    wrapper.__doc__ = fn.__doc__
    wrapper.__name__ = fn.__name__
    return cast(_F, wrapper)


_CACHES: list[dict[Any, Any]] = []
_MAX_MEMO = 20_000
_MISSING = object()


def reset_memos() -> None:
    """Forget what was memoized for the previous document."""
    for cache in _CACHES:
        cache.clear()


_RULE_MODULES = ("cybertrack.extract.lexicon", "cybertrack.extract.roles",
                 "cybertrack.extract.speakers", "cybertrack.extract.claims",
                 "cybertrack.extract.incidents")
_default: list[Prefilter] = []


def rule_patterns() -> list[Pattern]:
    """Every module-level pattern of the rule modules (and the kind and response tables)."""
    import importlib

    out: dict[int, Pattern] = {}
    for name in _RULE_MODULES:
        module = importlib.import_module(name)
        for value in vars(module).values():
            if isinstance(value, (re.Pattern, FoldedPattern)):
                out[id(value)] = value
            elif isinstance(value, dict):
                out.update((id(v), v) for v in value.values()
                           if isinstance(v, (re.Pattern, FoldedPattern)))
    return list(out.values())


def default_prefilter() -> Prefilter:
    """The prefilter over the rule modules' case-insensitive patterns (built on first use).

    The few case-sensitive ones ("to$", ", and") are matched in short gaps directly, never
    through a gate: registering them would cost a second automaton pass per sentence for
    nothing (an unregistered pattern is one a gate never rules out).
    """
    if not _default:
        _default.append(Prefilter(rx for rx in rule_patterns() if rx.flags & re.IGNORECASE))
    return _default[0]


_GATES: dict[str, Gate] = {}
_CACHES.append(_GATES)


def gate(text: str) -> Gate:
    """What the rule patterns may match in ``text`` (a sentence), memoized per document.

    The rules ask for the gate of the same sentence many times: its own cache keyed by the
    text answers without the generic memo's argument tuple.
    """
    found = _GATES.get(text)
    if found is None:
        if len(_GATES) > _MAX_MEMO:  # called outside the pipeline: stay bounded
            _GATES.clear()
        found = _GATES[text] = Gate(default_prefilter(), text)
    return found

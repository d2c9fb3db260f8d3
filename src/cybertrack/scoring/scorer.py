"""Score predicted records against gold records, category by category.

Per document: incidents are matched first, because claims reach incidents through that
matching; then entities, attributions, denials and responses; then targets and incident kinds
within the matched incidents. Every category uses the same one-to-one matching
(:mod:`cybertrack.scoring.bipartite`): maximum matching, required gold items before optional
ones, candidates tried best-first. A prediction matched to an optional item is dropped from
precision; a prediction matched to nothing is spurious; a required item left over is missed.
Predicted attributions and denials whose ``polarity`` is not ``asserted`` (doubted, refused,
negated) are no predictions: they count in neither precision nor recall, only in the report's
polarity counts.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from cybertrack.scoring import match as m
from cybertrack.scoring.bipartite import max_matching
from cybertrack.scoring.records import index_by_id, is_required, items
from cybertrack.scoring.report import CATEGORIES, Accuracy, Miss, Report, Scores, brief

Item = dict[str, Any]
Rule = Callable[[Item, Item], m.Failures]

#: Reasons of a target or kind miss: whether its incident was matched at all.
MATCHED = "within a matched incident"
UNMATCHED = "incident unmatched"


@dataclass
class _Tally:
    """Mutable counters while scoring; frozen into a Report at the end."""

    counts: Counter[str] = field(default_factory=Counter)
    conf_correct: int = 0
    conf_total: int = 0
    polarity: Counter[str] = field(default_factory=Counter)
    misses: list[Miss] = field(default_factory=list)

    def add(self, category: str, tp: int = 0, fp: int = 0, fn: int = 0) -> None:
        self.counts[f"{category}.tp"] += tp
        self.counts[f"{category}.fp"] += fp
        self.counts[f"{category}.fn"] += fn

    def miss(self, category: str, doc_id: str, kind: Literal["missed", "spurious"],
             item: Item, note: str, reason: str = "") -> None:
        self.misses.append(Miss(category, doc_id, kind, item, note, reason))


def _nearest(item: Item, others: list[Item], rule: Rule, other_side: str) -> tuple[str, str]:
    """Why an item went unmatched, as (a note naming its nearest counterpart, a reason that
    names none): the checks the nearest counterpart fails, "duplicate" when it fails none but
    is taken, or "none" when the other side has no item of the category."""
    if not others:
        return f"no {other_side} items in this document", "none"
    fails = [rule(item, o) if other_side == "predicted" else rule(o, item) for o in others]
    best = min(range(len(others)), key=lambda i: len(fails[i]))
    nearest = brief(others[best], width=60)
    if not fails[best]:
        return f"duplicate: its match ({nearest}) is taken by another item", "duplicate"
    return (f"nearest {other_side} ({nearest}) fails: {', '.join(fails[best])}",
            "+".join(fails[best]))


def _match(category: str, doc_id: str, gold: list[Item], pred: list[Item], rule: Rule,
           tally: _Tally, closeness: Callable[[Item, Item], Any] | None = None) -> dict[int, int]:
    """Match one category in one document, count it, record misses; returns gold -> pred."""
    candidates: list[list[int]] = []
    for g in gold:
        cands = [j for j, p in enumerate(pred) if not rule(g, p)]
        if closeness is not None:
            keys = {j: closeness(g, pred[j]) for j in cands}
            cands.sort(key=keys.__getitem__)
        candidates.append(cands)
    required = [i for i, g in enumerate(gold) if is_required(g)]
    optional = [i for i, g in enumerate(gold) if not is_required(g)]
    pairs = max_matching(candidates, required + optional)
    tp = sum(1 for i in pairs if is_required(gold[i]))
    used = set(pairs.values())
    tally.add(category, tp=tp, fp=len(pred) - len(used), fn=len(required) - tp)
    for i in required:
        if i not in pairs:
            tally.miss(category, doc_id, "missed", gold[i],
                       *_nearest(gold[i], pred, rule, "predicted"))
    for j, p in enumerate(pred):
        if j not in used:
            tally.miss(category, doc_id, "spurious", p, *_nearest(p, gold, rule, "gold"))
    return pairs


def _key(incident: Item, index: int) -> str:
    """An incident's key as claims refer to it (its position when it has none)."""
    key = incident.get("key")
    return str(key) if key is not None else str(index)


def _set_overlap(category: str, doc_id: str, gold: set[str], pred: set[str], incident: str,
                 tally: _Tally, field_name: str, reason: str) -> None:
    """Count one incident's targets or kinds; ``reason`` says whether the incident itself
    was matched ("within a matched incident") or not ("incident unmatched")."""
    tally.add(category, tp=len(gold & pred), fp=len(pred - gold), fn=len(gold - pred))
    for x in sorted(gold - pred):
        tally.miss(category, doc_id, "missed", {"incident": incident, field_name: x}, "", reason)
    for x in sorted(pred - gold):
        tally.miss(category, doc_id, "spurious", {"incident": incident, field_name: x}, "",
                   reason)


def _score_incidents(doc_id: str, gold: list[Item], pred: list[Item], where: str,
                     tally: _Tally) -> m.IncidentLink:
    """Incidents, then targets and kinds within them; returns how claims reach incidents."""
    pairs = _match("incidents", doc_id, gold, pred,
                   lambda g, p: m.incident_failures(g, p, where), tally, m.incident_closeness)
    used = set(pairs.values())
    for i, g in enumerate(gold):
        gkey = _key(g, i)
        if i in pairs and is_required(g):
            p = pred[pairs[i]]
            _set_overlap("targets", doc_id, m.targets_of(g), m.targets_of(p), gkey, tally,
                         "target", MATCHED)
            gk = {str(k).lower() for k in g.get("kinds") or []}
            pk = {str(k).lower() for k in p.get("kinds") or []}
            _set_overlap("incident_kinds", doc_id, gk, pk, gkey, tally, "kind", MATCHED)
        elif i not in pairs and is_required(g):
            _set_overlap("targets", doc_id, m.targets_of(g), set(), gkey, tally, "target",
                         UNMATCHED)
    for j, p in enumerate(pred):
        if j not in used:
            _set_overlap("targets", doc_id, set(), m.targets_of(p), _key(p, j), tally, "target",
                         UNMATCHED)
    return m.IncidentLink(
        pairs=frozenset((_key(gold[i], i), _key(pred[j], j)) for i, j in pairs.items()),
        waived=len(gold) <= 1 or len(pred) <= 1,
    )


def _names(gold_doc: Item, pred_doc: Item, aliases: m.AliasResolver | None) -> m.Names:
    """Alias groups from both sides' entity lists, plus the resolver."""
    groups = []
    for doc, side in ((gold_doc, "gold"), (pred_doc, "predicted")):
        for e in items(doc, "entities", side):
            if e.get("name"):
                groups.append([str(e["name"]), *(str(a) for a in e.get("aliases") or [])])
    return m.Names(groups, aliases)


def polarity_of(item: Item) -> str:
    """A predicted claim's polarity; records without one (older output, gold) assert."""
    return str(item.get("polarity") or "asserted").lower()


def _score_doc(doc_id: str, gold_doc: Item, pred_doc: Item | None,
               aliases: m.AliasResolver | None, tally: _Tally) -> None:
    pdoc = pred_doc if pred_doc is not None else {"id": doc_id}
    g = {f: items(gold_doc, f, "gold") for f in ("entities", "incidents", "attributions",
                                                  "denials", "responses")}
    p = {f: items(pdoc, f, "predicted") for f in g}
    for f in ("attributions", "denials"):
        # a doubted, refused or negated statement is no attribution (nor denial): it is neither
        # a true nor a false positive, only counted apart
        tally.polarity.update(polarity_of(x) for x in p[f])
        p[f] = [x for x in p[f] if polarity_of(x) == "asserted"]
    where = f"document {doc_id!r}"
    link = _score_incidents(doc_id, g["incidents"], p["incidents"], where, tally)
    names = _names(gold_doc, pdoc, aliases)
    _match("entities", doc_id, g["entities"], p["entities"], m.entity_failures, tally)
    att = _match("attributions", doc_id, g["attributions"], p["attributions"],
                 lambda a, b: m.attribution_failures(a, b, link, names), tally)
    _match("denials", doc_id, g["denials"], p["denials"],
           lambda a, b: m.denial_failures(a, b, link, names), tally)
    _match("responses", doc_id, g["responses"], p["responses"],
           lambda a, b: m.response_failures(a, b, where), tally)
    for i, j in att.items():
        gold_att, pred_att = g["attributions"][i], p["attributions"][j]
        expected = m.norm_confidence(gold_att.get("confidence"))
        if expected is None or not is_required(gold_att):
            continue
        got = m.norm_confidence(pred_att.get("confidence"))
        tally.conf_total += 1
        if got == expected:
            tally.conf_correct += 1
        else:
            tally.miss("confidence", doc_id, "missed", gold_att, f"predicted {got!r}")


def score(gold: Sequence[Item], predicted: Sequence[Item], *,
          aliases: m.AliasResolver | None = None) -> Report:
    """Score ``predicted`` against ``gold`` (records matched by ``id``).

    A gold document without a prediction counts all its required items missed; predictions
    without a gold document are listed in ``Report.unknown_predictions`` and not scored.
    ``aliases(name)`` may return the known aliases of an actor or organization name (e.g. the
    reference data's alias sets); without it, names match by themselves and by the ``aliases``
    given on the records and entity lists of either side.
    """
    gold_by_id = index_by_id(list(gold), "gold")
    pred_by_id = index_by_id(list(predicted), "predicted")
    tally = _Tally()
    for doc_id, gold_doc in gold_by_id.items():
        pred_doc = pred_by_id.get(doc_id)
        first = len(tally.misses)
        _score_doc(doc_id, gold_doc, pred_doc, aliases, tally)
        if pred_doc is None:
            tally.misses[first:] = [
                x._replace(note="no prediction for this document", reason="no prediction")
                for x in tally.misses[first:]
            ]
    c = tally.counts
    return Report(
        documents=len(gold_by_id),
        scores={k: Scores.from_counts(c[f"{k}.tp"], c[f"{k}.fp"], c[f"{k}.fn"])
                for k in CATEGORIES},
        confidence=Accuracy(tally.conf_correct, tally.conf_total),
        polarity=dict(sorted(tally.polarity.items())),
        misses=tuple(tally.misses),
        unknown_predictions=tuple(k for k in pred_by_id if k not in gold_by_id),
    )

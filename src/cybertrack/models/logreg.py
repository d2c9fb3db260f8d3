"""Multinomial logistic regression over sparse string features, in numpy, deterministic.

Small on purpose: a few thousand examples, tens of thousands of features. Full-batch Adam for a
fixed number of steps from zero weights has no randomness at all, so the same examples give the
same weights bit for bit on the same numpy; the weights are rounded when written, so that a
last-digit difference between platforms does not show.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np

from cybertrack.extract.rolemodel import LABELS


class Design:
    """Examples as one flat array of feature columns with row offsets (a CSR matrix of ones)."""

    def __init__(self, rows: Sequence[Sequence[str]], vocab: dict[str, int]) -> None:
        cols: list[int] = []
        starts: list[int] = []
        for feats in rows:
            starts.append(len(cols))
            cols.extend(sorted({vocab[f] for f in feats if f in vocab}))
        self.cols = np.asarray(cols, dtype=np.int64)
        self.starts = np.asarray(starts, dtype=np.int64)
        self.counts = np.diff(np.append(self.starts, len(cols)))
        self.n = len(rows)

    def scores(self, w: np.ndarray) -> np.ndarray:
        """X @ w, rows with no feature scoring zero."""
        out = np.zeros((self.n, w.shape[1]))
        nonempty = self.counts > 0
        if self.cols.size:
            sums = np.add.reduceat(w[self.cols], self.starts[nonempty], axis=0)
            out[nonempty] = sums
        return out

    def transpose_times(self, d: np.ndarray, n_features: int) -> np.ndarray:
        """X.T @ d."""
        g = np.zeros((n_features, d.shape[1]))
        np.add.at(g, self.cols, np.repeat(d, self.counts, axis=0))
        return g


def vocabulary(rows: Sequence[Sequence[str]], min_count: int = 2) -> dict[str, int]:
    """Features seen in at least ``min_count`` examples, in sorted order (so that the column of
    a feature does not depend on the order examples came in)."""
    counts: Counter[str] = Counter(f for feats in rows for f in set(feats))
    kept = sorted(f for f, c in counts.items() if c >= min_count)
    return {f: k for k, f in enumerate(kept)}


def softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return np.asarray(e / e.sum(axis=1, keepdims=True))


def train(rows: Sequence[Sequence[str]], labels: Sequence[str], *, l2: float = 1.0,
          steps: int = 300, rate: float = 0.05, class_weight: Sequence[float] = (1.0, 2.0, 2.0),
          min_count: int = 2) -> dict[str, list[float]]:
    """Weights (feature -> one weight per label of ``LABELS``) minimising the class-weighted
    cross-entropy plus ``l2`` times half the squared norm (bias included: with few examples
    the prior should not be free either)."""
    vocab = vocabulary(rows, min_count)
    x = Design(rows, vocab)
    y = np.zeros((len(labels), len(LABELS)))
    for r, lab in enumerate(labels):
        y[r, LABELS.index(lab)] = 1.0
    cw = (y * np.asarray(class_weight)).sum(axis=1, keepdims=True)
    w = np.zeros((len(vocab), len(LABELS)))
    m = np.zeros_like(w)
    v = np.zeros_like(w)
    b1, b2, eps = 0.9, 0.999, 1e-8
    for t in range(1, steps + 1):
        p = softmax(x.scores(w))
        grad = x.transpose_times((p - y) * cw, len(vocab)) + l2 * w
        m = b1 * m + (1 - b1) * grad
        v = b2 * v + (1 - b2) * grad * grad
        w -= rate * (m / (1 - b1 ** t)) / (np.sqrt(v / (1 - b2 ** t)) + eps)
    return {f: [round(float(a), 5) for a in w[k]] for f, k in vocab.items()}

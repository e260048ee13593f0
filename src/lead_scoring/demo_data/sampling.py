"""The numeric helpers the demo data's generators share: weights, a sigmoid, time in seconds.

Times are whole seconds since the epoch (naive UTC), so they stay integer arrays until files.py
turns them into timestamps.
"""

from __future__ import annotations

import numpy as np

DAY = 86_400


def weights(values: list[float]) -> np.ndarray:
    w = np.asarray(values, dtype=float)
    return w / w.sum()


def weighted_choice(rng: np.random.Generator, w: np.ndarray) -> np.ndarray:
    """For each row of ``w`` (non-negative weights, at least one positive), the index of a
    column drawn with probability proportional to its weight."""
    cum = np.cumsum(w / w.sum(axis=1, keepdims=True), axis=1)
    pick = (rng.random(w.shape[0])[:, None] > cum).sum(axis=1)
    return np.minimum(pick, w.shape[1] - 1)


def sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def secs(x: np.ndarray | float) -> np.ndarray:
    """Days (float) to whole seconds."""
    return np.round(np.asarray(x, dtype=float) * DAY).astype(np.int64)


def fold_into(ts: np.ndarray, lo: np.ndarray, hi: np.ndarray, rng: np.random.Generator) -> None:
    """Move times before ``lo`` to after it (mirrored) and times after ``hi`` to a uniform time
    in ``[lo, hi]``, in place."""
    before = ts < lo
    ts[before] = 2 * lo[before] - ts[before]
    after = ts > hi
    span = np.maximum(hi[after] - lo[after], 0)
    ts[after] = lo[after] + (rng.random(after.sum()) * span).astype(np.int64)

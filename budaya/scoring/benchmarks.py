"""Benchmarks and ranks among peers (METHOD.md §9), for many groups and peer sets at once."""

import math
from dataclasses import dataclass

import numpy as np
from numba import njit

# Imported before the functions below are compiled: it points numba's cache at a writable
# folder when the package's own folder is read-only.
from budaya.scoring import kernel as _kernel  # noqa: F401


@dataclass
class PeerStatistics:
    """One benchmarked score of many groups: NaN (and `of` 0) where a group gets no entry.

    `median` and `p75` are of the peers' unrounded scores (linear interpolation, numpy's
    default); `percentile_rank` is 100·(peers below + ½·peers equal)/peers and `rank` the
    place among peers (ties share the best rank: 1, 2, 2, 4), both on shown values; `of` is
    the number of peers. A group's own score is one of its peers' scores.
    """

    median: np.ndarray
    p75: np.ndarray
    percentile_rank: np.ndarray
    rank: np.ndarray
    of: np.ndarray


def peer_statistics(peer_set, score, shown, is_peer, wants) -> PeerStatistics:
    """Return the benchmark of every row with `wants` among the peers of its set.

    `peer_set[r]` numbers the peer set of row r (0, 1, …); `is_peer[r]` says whether row r is
    one of its set's peers; `wants[r]` whether row r gets a benchmark (it must be a peer).
    """
    peer_set = np.ascontiguousarray(peer_set, dtype=np.int64)
    is_peer = np.ascontiguousarray(is_peer, dtype=np.bool_)
    wants = np.ascontiguousarray(wants, dtype=np.bool_)
    if (wants & ~is_peer).any():
        raise ValueError("a group that gets a benchmark must be one of its own peers")
    n_sets = int(peer_set.max()) + 1 if peer_set.size else 0
    return PeerStatistics(
        *_peer_statistics(
            peer_set,
            np.ascontiguousarray(score, dtype=np.float64),
            np.ascontiguousarray(shown, dtype=np.float64),
            is_peer,
            wants,
            n_sets,
        )
    )


@njit(cache=True)
def _percentile(ordered, first, count, q):
    """The q-th percentile of ordered[first:first+count], linear interpolation."""
    position = (count - 1) * q / 100.0
    low = math.floor(position)
    high = min(low + 1, count - 1)
    return ordered[first + low] + (ordered[first + high] - ordered[first + low]) * (position - low)


@njit(cache=True)
def _first_above(ordered, first, count, value, or_equal):
    """Index (from `first`) of the first element > value (>= value when `or_equal`)."""
    low, high = 0, count
    while low < high:
        middle = (low + high) // 2
        x = ordered[first + middle]
        if x < value or (not or_equal and x == value):
            low = middle + 1
        else:
            high = middle
    return low


@njit(cache=True)
def _peer_statistics(peer_set, score, shown, is_peer, wants, n_sets):
    n = peer_set.shape[0]
    starts = np.zeros(n_sets + 1, dtype=np.int64)
    for r in range(n):
        if is_peer[r]:
            starts[peer_set[r] + 1] += 1
    for s in range(n_sets):
        starts[s + 1] += starts[s]
    raw = np.empty(starts[n_sets])
    shown_sorted = np.empty(starts[n_sets])
    position = starts[:-1].copy()
    for r in range(n):
        if is_peer[r]:
            s = peer_set[r]
            raw[position[s]] = score[r]
            shown_sorted[position[s]] = shown[r]
            position[s] += 1
    for s in range(n_sets):
        raw[starts[s] : starts[s + 1]].sort()
        shown_sorted[starts[s] : starts[s + 1]].sort()
    median = np.full(n, np.nan)
    p75 = np.full(n, np.nan)
    percentile_rank = np.full(n, np.nan)
    rank = np.zeros(n, dtype=np.int64)
    of = np.zeros(n, dtype=np.int64)
    for r in range(n):
        if not wants[r]:
            continue
        s = peer_set[r]
        first = starts[s]
        count = starts[s + 1] - first
        median[r] = _percentile(raw, first, count, 50)
        p75[r] = _percentile(raw, first, count, 75)
        below = _first_above(shown_sorted, first, count, shown[r], True)
        not_above = _first_above(shown_sorted, first, count, shown[r], False)
        equal = not_above - below
        percentile_rank[r] = 100.0 * (below + 0.5 * equal) / count
        rank[r] = count - not_above + 1
        of[r] = count
    return median, p75, percentile_rank, rank, of

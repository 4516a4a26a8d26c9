"""Benchmarks and ranks among peers (METHOD.md §9)."""

import numpy as np


def benchmark(own_score: float, own_shown: float, peer_scores, peer_shown) -> dict:
    """Return {median, p75, percentile_rank, rank, of} of a group among its peers.

    Median and 75th percentile use the peers' unrounded scores with linear interpolation; the
    percentile rank 100·(peers below + ½·peers equal)/peers and the rank (ties share the best
    rank: 1, 2, 2, 4) use shown values, higher is better; the group is one of its peers.
    """
    scores = np.asarray(peer_scores, dtype=float)
    shown = np.asarray(peer_shown, dtype=float)
    peers = int(scores.size)
    below = int((shown < own_shown).sum())
    equal = int((shown == own_shown).sum())
    above = int((shown > own_shown).sum())
    return {
        "median": float(np.percentile(scores, 50)),
        "p75": float(np.percentile(scores, 75)),
        "percentile_rank": 100.0 * (below + 0.5 * equal) / peers,
        "rank": above + 1,
        "of": peers,
    }

"""Benchmark of the cell-sum accumulation: the numba kernel against the numpy reference path.

    .venv/bin/python bench/kernel.py [--size 4000000] [--kernel numba|numpy] [--weighted]
                                     [--calls 2] [--pause 0]

Generates `size` random responses (600 institutions × 30 units, 48 survey items of 6 points,
2% missing, three pick questions of 3–5 of 30 values, unknown attributes none), then times
`accumulate_fast` or `accumulate_reference` `--calls` times: the first call (for numba: loading
the compiled code from its cache, or compiling it when there is none), then warm ones, each
after `--pause` seconds of sleep. On a virtual machine whose host takes freed memory back (free
page reporting), a pause lets the memory the previous call freed go back to the host, and the
next call's fresh arrays are faulted in from the host again. Peak memory
is the rise of the process's highest resident set over its highest while building the data
(a lower bound when building peaked higher). Run one kernel
per process so the peaks do not mix.
"""

import argparse
import resource
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from budaya.scoring.data import SurveyData  # noqa: E402
from budaya.scoring.kernel import accumulate_fast, accumulate_reference  # noqa: E402
from budaya.scoring.spec import BEHAVIOUR_CODES, LikertItem, PickValue, ScoringSpec  # noqa: E402

INSTITUTIONS = 600
UNITS = 30


def make_spec() -> ScoringSpec:
    """Return 42 behaviour items (every BPx2 item reverse-keyed), 6 engagement items, 30 values."""
    items = []
    for j in BEHAVIOUR_CODES:
        items.append(LikertItem(f"{j}_1", j, 6))
        items.append(LikertItem(f"{j}_2", j, 6, reverse=j.endswith("2")))
    items += [LikertItem(f"ENG_{e}", "engagement", 6) for e in range(1, 7)]
    values = tuple(PickValue(j) for j in BEHAVIOUR_CODES)
    values += tuple(PickValue(f"LIM{i}", limiting=True) for i in range(9))
    return ScoringSpec(tuple(items), values)


def make_data(spec: ScoringSpec, n: int, seed: int = 0) -> SurveyData:
    """Return `n` random responses spread uniformly over the units."""
    rng = np.random.default_rng(seed)
    units = [(i, f"U{u:02d}") for i in range(INSTITUTIONS) for u in range(UNITS)]
    n_items = len(spec.survey_items)
    answers = rng.integers(1, 7, (n, n_items), dtype=np.uint8)
    answers[rng.random((n, n_items)) < 0.02] = 0
    n_values = len(spec.pick_values)
    picks = np.full((3, n, 5), -1, dtype=np.int16)
    for q in range(3):
        for start in range(0, n, 500_000):
            stop = min(n, start + 500_000)
            order = np.argsort(rng.random((stop - start, n_values)), axis=1)[:, :5]
            picks[q, start:stop] = order
        picks[q, :, 3:][rng.random((n, 2)) < 0.3] = -1
    return SurveyData(
        institutions=[f"I{i:03d}" for i in range(INSTITUTIONS)],
        units=units,
        unit=rng.integers(0, len(units), n).astype(np.int32),
        gender=rng.integers(0, 2, n).astype(np.int8),
        employment=rng.integers(0, 2, n).astype(np.int8),
        age_band=rng.integers(0, 4, n).astype(np.int8),
        answers=answers,
        picks=picks,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=4_000_000)
    parser.add_argument("--kernel", choices=("numba", "numpy"), default="numba")
    parser.add_argument("--weighted", action="store_true")
    parser.add_argument("--calls", type=int, default=2, help="calls in all, the first one cold")
    parser.add_argument("--pause", type=float, default=0.0, help="seconds before each warm call")
    args = parser.parse_args()
    if args.calls < 2:
        parser.error("--calls must be at least 2 (one cold call, then warm ones)")
    if args.pause < 0:
        parser.error("--pause must not be negative")
    spec = make_spec()
    data = make_data(spec, args.size)
    weights = np.random.default_rng(1).uniform(0.5, 1.5, args.size) if args.weighted else None
    unit_institution = np.array([i for i, _ in data.units], dtype=np.intp)
    accumulate = accumulate_fast if args.kernel == "numba" else accumulate_reference
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    times = []
    for call in range(args.calls):
        if call:
            time.sleep(args.pause)
        start = time.perf_counter()
        accumulate(spec, data, weights, unit_institution, INSTITUTIONS, 5)
        times.append(time.perf_counter() - start)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 - before
    print(
        f"{args.kernel} n={args.size:,} weighted={args.weighted}: first {times[0]:.2f} s, "
        f"warm {', '.join(f'{t:.2f}' for t in times[1:])} s (pause {args.pause:g} s), "
        f"peak +{peak:.0f} MB above the data"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

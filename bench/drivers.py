"""Time the drivers' moments (METHOD.md §13) summed in the scoring kernel's pass against the
separate pass, in one process on the same synthetic data (bench/score.py's generator).

Prints, best of --repeat alternated runs: the kernel pass without the drivers' moments
("plain"), with them ("fused"; the difference is what the drivers add to the pass), the separate
pass `budaya.scoring.drivers.unit_moments` (what the engine ran before), and Johnson's weights
of the units with at least 30 complete cases. Also checks that both passes give the same
moments (counts, min, max equal; sums to rounding).

    .venv/bin/python bench/drivers.py --size 1000000 --repeat 3
"""

import argparse
import importlib.util
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from budaya.instruments import load_instrument  # noqa: E402
from budaya.scoring import drivers  # noqa: E402
from budaya.scoring.kernel import accumulate_fast  # noqa: E402


def _score_bench():
    spec = importlib.util.spec_from_file_location("bench_score", ROOT / "bench" / "score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--institutions", type=int, default=600)
    parser.add_argument("--units", type=float, default=30.0)
    args = parser.parse_args(argv)
    bench = _score_bench()
    instrument = load_instrument("berakhlak-2026")
    spec = instrument.scoring_spec()
    options = bench.parse_arguments(
        ["--sizes", str(args.size), "--institutions", str(args.institutions),
         "--units", str(args.units)]
    )  # fmt: skip
    started = time.perf_counter()
    survey = bench.make_data(args.size, options, spec, instrument.max_picks).survey_data()
    n_units, n_institutions = len(survey.units), len(survey.institutions)
    unit_institution = np.array([i for i, _ in survey.units], dtype=np.intp)
    print(f"{survey.n:,} responses, {n_units:,} units; generated in "
          f"{time.perf_counter() - started:.1f} s", flush=True)  # fmt: skip

    def plain():
        accumulate_fast(spec, survey, None, unit_institution, n_institutions, 5)

    def fused():
        out = {}
        accumulate_fast(spec, survey, None, unit_institution, n_institutions, 5, drivers_out=out)
        return out["units"]

    def separate():
        return drivers.unit_moments(spec, survey.answers, survey.unit, n_units)

    moments = fused()
    reference = separate()
    assert np.array_equal(moments[0], reference[0]), "complete-case counts differ"
    for got, expected in zip(moments[1:], reference[1:], strict=True):
        finite = np.isfinite(expected)
        assert np.array_equal(np.isfinite(got), finite)
        assert np.allclose(got[finite], expected[finite], rtol=1e-12, atol=1e-6)
    count, s1, s2, low, high = moments
    rows = np.flatnonzero(count >= drivers.MINIMUM_COMPLETE_CASES)

    def weights():
        drivers.relative_weights(count[rows], s1[rows], s2[rows], low[rows] == high[rows])

    weights()  # compiled once
    times = {"plain": [], "fused": [], "separate": [], "weights": []}
    for _ in range(args.repeat):
        for name, function in (("plain", plain), ("fused", fused), ("separate", separate),
                               ("weights", weights)):  # fmt: skip
            started = time.perf_counter()
            function()
            times[name].append(time.perf_counter() - started)
    best = {name: min(values) for name, values in times.items()}
    print("runs (s):", {name: [round(v, 3) for v in values] for name, values in times.items()})
    print(
        f"best (s): kernel pass {best['plain']:.3f}; with the drivers' moments "
        f"{best['fused']:.3f} (adds {best['fused'] - best['plain']:.3f}); separate pass "
        f"{best['separate']:.3f}; weights of {rows.size:,} units {best['weights']:.3f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Time what the drivers of engagement (METHOD.md §13) add to the engine, in one process on the
same synthetic data (bench/score.py's generator), optionally against an earlier revision.

Prints, best of --repeat alternated runs: the kernel pass without the drivers' moments
("plain"), with them ("fused"; the difference is what the drivers add to the pass), and
`period_drivers` given those moments (pooling into institutions and the nation, Johnson's
weights of every group with at least 30 complete cases; every unit and institution counted as
shown, every institution as eligible: a little more work than the engine's, which leaves out
suppressed groups). With `--before REV`, the same two steps of git revision REV
(`budaya/scoring/kernel.py` and `drivers.py` as they were, loaded beside the current ones) run
alternately with the current ones, and their drivers are compared (equal within 1e-12).
Without it, the separate pass `budaya.scoring.drivers.unit_moments` (the numpy reference
kernel's path) is timed too. Checks that the fused and separate passes give the same moments.

    .venv/bin/python bench/drivers.py --size 4000000 --repeat 3 --before 69378ff
"""

import argparse
import importlib.util
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from budaya.instruments import load_instrument  # noqa: E402
from budaya.scoring import drivers  # noqa: E402
from budaya.scoring.kernel import accumulate_fast  # noqa: E402


def _load(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _before(revision: str, folder: Path):
    """Return (kernel, drivers) modules of `revision`, loaded from copies in `folder`."""
    modules = []
    for name in ("kernel", "drivers"):
        source = subprocess.run(
            ["git", "-C", str(ROOT), "show", f"{revision}:budaya/scoring/{name}.py"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        path = folder / f"before_{name}.py"
        path.write_text(source)
        modules.append(_load(f"before_{name}", path))
    return tuple(modules)


def _same_drivers(got, expected) -> float:
    """Return the largest difference between two GroupDrivers (NaN where the other is NaN)."""
    worst = 0.0
    for level in ("unit", "institution", "nation"):
        for a, b in zip(getattr(got, level), getattr(expected, level), strict=True):
            a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
            assert np.array_equal(np.isnan(a), np.isnan(b)), f"{level}: groups with drivers differ"
            known = ~np.isnan(b)
            if known.any():
                worst = max(worst, float(np.abs(a[known] - b[known]).max()))
    return worst


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--institutions", type=int, default=600)
    parser.add_argument("--units", type=float, default=30.0)
    parser.add_argument("--before", metavar="REV", help="also time git revision REV's steps")
    args = parser.parse_args(argv)
    bench = _load("bench_score", ROOT / "bench" / "score.py")
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
    folder = tempfile.TemporaryDirectory()
    before_kernel, before_drivers = (
        _before(args.before, Path(folder.name)) if args.before else (None, None)
    )

    def plain():
        accumulate_fast(spec, survey, None, unit_institution, n_institutions, 5)

    def fused_of(kernel):
        def fused():
            out = {}
            kernel(spec, survey, None, unit_institution, n_institutions, 5, drivers_out=out)
            return out["units"]

        return fused

    def drivers_of(module, moments):
        def weights():
            return module.period_drivers(
                spec,
                survey.answers,
                survey.unit,
                unit_institution,
                n_institutions,
                unit_shown=np.ones(n_units, dtype=bool),
                institution_shown=np.ones(n_institutions, dtype=bool),
                institution_eligible=np.ones(n_institutions, dtype=bool),
                nation_shown=True,
                moments=moments,
            )

        return weights

    fused = fused_of(accumulate_fast)
    moments = fused()
    reference = drivers.unit_moments(spec, survey.answers, survey.unit, n_units)
    assert np.array_equal(moments[0], reference[0]), "complete-case counts differ"
    for got, expected in zip(moments[1:], reference[1:], strict=True):
        finite = np.isfinite(expected)
        assert np.array_equal(np.isfinite(got), finite)
        assert np.allclose(got[finite], expected[finite], rtol=1e-12, atol=1e-6)
    steps = {"plain": plain, "fused": fused, "drivers": drivers_of(drivers, moments)}
    if before_kernel is not None:
        before_moments = fused_of(before_kernel.accumulate_fast)()
        steps["fused before"] = fused_of(before_kernel.accumulate_fast)
        steps["drivers before"] = drivers_of(before_drivers, before_moments)
        difference = _same_drivers(steps["drivers"](), steps["drivers before"]())
        print(f"drivers equal to {args.before}'s: largest difference {difference:.2e}")
        assert difference <= 1e-12
    else:
        steps["separate"] = lambda: drivers.unit_moments(spec, survey.answers, survey.unit, n_units)
    for function in steps.values():
        function()  # compiled once
    groups = int((moments[0] >= drivers.MINIMUM_COMPLETE_CASES).sum())
    times = {name: [] for name in steps}
    cpu = {name: [] for name in steps}  # processor time of all threads: less moved by load
    for _ in range(args.repeat):
        for name, function in steps.items():
            started, processor = time.perf_counter(), time.process_time()
            function()
            times[name].append(time.perf_counter() - started)
            cpu[name].append(time.process_time() - processor)
    print("runs (s):", {name: [round(v, 3) for v in values] for name, values in times.items()})
    for clock, values in (("wall", times), ("processor", cpu)):
        best = {name: min(runs) for name, runs in values.items()}
        for suffix in ("", " before"):
            if "fused" + suffix not in best:
                continue
            added = best["fused" + suffix] - best["plain"]
            print(
                f"best {clock} time (s){suffix or ' now'}: kernel pass {best['plain']:.3f}; "
                f"with the drivers' moments {best['fused' + suffix]:.3f} (adds {added:.3f}); "
                f"period_drivers of {groups:,} units (and their institutions) "
                f"{best['drivers' + suffix]:.3f}; drivers add {added + best['drivers' + suffix]:.3f}"
            )
    if "separate" in times:
        print(f"separate pass (unit_moments) {min(times['separate']):.3f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

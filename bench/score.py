"""Benchmark of the scoring engine on 1M and 4M synthetic responses, against a polars baseline.

    .venv/bin/python bench/score.py [--sizes 1000000,4000000] [--skip-csv] [--repeat R]

For each size it generates responses in memory (600 institutions of about 30 units, every
Likert item, picks, a roster and evaluations; `budaya.demodata`), then prints:

- engine: `score_period` on the in-memory arrays (best of R runs): every number of METHOD.md
  §2–§10 for the nation, every institution, unit and breakdown cell, as arrays; then one more
  call timed by phase (checks, compiled cell sums, roster counts, scores table, decisions:
  suppression, national means, benchmarks and change; the §13 drivers, which the engine
  computes in a thread while a caller lays out the document, and which this figure waits for);
- document: `compute_results`, i.e. the engine plus laying its numbers out as the §11 results
  document of Python objects (best of R), and the document's share of it;
- csv: the `budaya score` path, i.e. the interchange readers (responses, roster, evaluation)
  plus the engine and the §11 document (no file written), on CSV files written once into a
  temporary folder, alternated R times with polars' read and group-by below (best of R each,
  and each round's ratio), each timed until its result is in memory with the cyclic collector
  paused (the command's way; letting the document go, its last step, is not timed, as
  polars' frame's is not); and each reader alone (best of R); then the command itself,
  `python -m budaya score` as a new process that also starts Python, loads numba's cached
  functions and writes the JSON, against polars' read and group-by as a new process too (best
  of R each);
- baseline: one polars group-by of the same answers (by unit, mean of every item column,
  missing answers null) on a DataFrame already in memory, and the ratio engine / baseline;
  for csv also polars read_csv + the same group-by.

Peak memory is above what the process held when the call started, i.e. above the loaded data.
By default (`--memory rss`) it is the highest resident set size during the timed runs (the
highest over the R runs): the kernel's high-water mark (VmHWM, reset through
/proc/self/clear_refs before each run), or where that is not allowed /proc/self/statm sampled
every millisecond by a thread; glibc's mmap threshold is fixed at 4 MiB so that freed large
arrays leave the resident set. `--memory tracemalloc` instead runs each path once more under
tracemalloc (Python and numpy allocations; numpy reports its buffers to it), which is exact for
allocations but slows the engine's Python parts a lot.
polars is a dev dependency used here only.
"""

import argparse
import contextlib
import dataclasses
import gc
import math
import os
import sys
import tempfile
import threading
import time
import tracemalloc
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from budaya.demodata import EDITION, DemoData, default_instrument, generate  # noqa: E402
from budaya.scoring.spec import Method  # noqa: E402

TARGET_SECONDS = 3.0
TARGET_RATIO = 2.5
TARGET_MEMORY = 2 * 1024**3
TARGET_SIZE = 4_000_000
# Share of the roster that answers in the generator (about 0.75); generate a little more
# and keep the first `size` responses (their order is random).
EXPECTED_RATE = 0.68


def parse_arguments(argv=None) -> argparse.Namespace:
    """Return the command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes",
        default="1000000,4000000",
        help="numbers of responses, comma separated (default 1000000,4000000)",
    )
    parser.add_argument("--skip-csv", action="store_true", help="do not time the CSV path")
    parser.add_argument("--repeat", type=int, default=3, help="report the best of R runs")
    parser.add_argument("--institutions", type=int, default=600)
    parser.add_argument("--units", type=float, default=30.0, help="mean units per institution")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--memory",
        choices=("rss", "tracemalloc", "none"),
        default="rss",
        help="how peak memory is measured: rss (sampled during the timed runs, default), "
        "tracemalloc (one extra, slow run) or none",
    )
    args = parser.parse_args(argv)
    try:
        args.sizes = [int(size.replace("_", "")) for size in args.sizes.split(",") if size]
    except ValueError:
        parser.error(f"--sizes: whole numbers separated by commas, not {args.sizes!r}")
    if not args.sizes or min(args.sizes) < 1:
        parser.error("--sizes: every size must be at least 1")
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    return args


def make_data(size: int, args, spec, max_picks: int) -> DemoData:
    """Return demo data with exactly `size` responses (more are generated, then cut)."""
    employees = max(args.institutions, math.ceil(size / EXPECTED_RATE))
    while True:
        data = generate(
            args.institutions,
            employees,
            args.seed,
            spec=spec,
            max_picks=max_picks,
            units_per_institution=args.units,
            previous=False,
        )
        if data.responses.n >= size:
            break
        employees = math.ceil(employees * 1.2 * size / max(data.responses.n, 1))
    r = data.responses
    cut = dataclasses.replace(
        r,
        employee=r.employee[:size],
        unit=r.unit[:size],
        gender=r.gender[:size],
        employment=r.employment[:size],
        age_band=r.age_band[:size],
        answers=np.ascontiguousarray(r.answers[:size]),
        picks=np.ascontiguousarray(r.picks[:, :size]),
        response_id=r.response_id[:size],
    )
    return dataclasses.replace(data, responses=cut)


def _fix_mmap_threshold() -> None:
    """Make glibc return every block of 4 MiB or more to the system when freed.

    By default glibc raises its mmap threshold after large frees (up to 32 MiB), so later
    large arrays come from the heap and freed memory stays resident; a fixed threshold keeps
    RSS honest. Blocks below it (the scores table's per-group arrays, about 190 KB each at
    18,000 units) come from the heap as in any long-running process: with glibc's initial
    128 KiB every one of them was a fresh mapping, page-faulted on each use, which added
    about 0.25 s to the 4M engine figure (1.41 s against 1.15 s, same data, one session).
    """
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(-3, 4 * 1024 * 1024)  # M_MMAP_THRESHOLD
    except (OSError, AttributeError):
        pass


def _resident_bytes() -> int:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * PAGE


PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def _reset_peak_resident() -> bool:
    """Reset the kernel's high-water mark of the resident set (VmHWM); return whether it could."""
    try:
        with open("/proc/self/clear_refs", "w") as handle:
            handle.write("5")
        return True
    except OSError:
        return False


def _peak_resident_bytes() -> int | None:
    """Return VmHWM, the highest resident set size since the last reset, or None."""
    try:
        with open("/proc/self/status") as handle:
            for line in handle:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


class RssPeak:
    """The highest resident set size during the block, above the resident size at its start.

    Where Linux allows it, the kernel's own high-water mark is reset at the start and read at
    the end: exact, and no thread competes with the timed code for the GIL or a core. Else a
    thread samples the resident set every millisecond."""

    def __enter__(self):
        self.start = _resident_bytes()
        self.top = self.start
        self._thread = None
        if _reset_peak_resident() and _peak_resident_bytes() is not None:
            return self
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self):
        while not self._stop.is_set():
            self.top = max(self.top, _resident_bytes())
            self._stop.wait(0.001)

    def __exit__(self, *exc):
        if self._thread is None:
            self.top = max(self.top, _peak_resident_bytes() or 0)
        else:
            self._stop.set()
            self._thread.join()
        self.top = max(self.top, _resident_bytes())

    @property
    def peak(self) -> int:
        return self.top - self.start


class EnginePhases:
    """Wall time of the engine's phases during one call: the checks, the compiled cell sums
    (`accumulate_responses`), the roster counts, the scores table (`GroupTable`), the
    decisions (`PeriodScores`: suppression, national means, benchmarks, change); "other" is
    the rest of the call, waiting for the §13 drivers of engagement included; the drivers
    (`period_drivers`) are timed in the thread that computes them.

    Used as a context manager around a call; it wraps the engine module's names and restores
    them on exit (four clock reads per call, nothing else)."""

    NAMES = {
        "check_survey_data": "checks",
        "accumulate_responses": "cell sums",
        "count_roster": "roster",
        "GroupTable": "scores table",
        "PeriodScores": "decisions",
        "period_drivers": "drivers",
    }

    def __enter__(self):
        from budaya.scoring import engine

        self.seconds = {}
        self._saved = []

        def timed(label, function):
            def wrapper(*args, **kwargs):
                started = time.perf_counter()
                try:
                    return function(*args, **kwargs)
                finally:
                    elapsed = time.perf_counter() - started
                    self.seconds[label] = self.seconds.get(label, 0.0) + elapsed

            return wrapper

        for name, label in self.NAMES.items():
            original = getattr(engine, name, None)
            if original is None:  # an engine version without this step
                continue
            self._saved.append((engine, name, original))
            setattr(engine, name, timed(label, original))
        return self

    def __exit__(self, *exc):
        for owner, name, original in reversed(self._saved):
            setattr(owner, name, original)

    def line(self, total: float) -> str:
        """The phases of the calling thread, "other" the rest of `total` (which includes
        waiting for the drivers), then the drivers, timed in their own thread."""
        parts = dict(self.seconds)
        drivers = parts.pop("drivers", None)
        parts["other"] = max(0.0, total - sum(parts.values()))
        line = ", ".join(f"{label} {seconds:.2f} s" for label, seconds in parts.items())
        if drivers is not None:
            line += f"; drivers {drivers:.2f} s in a thread of their own (waited for in other)"
        return line


def best_time(
    function, repeat: int, memory: str = "none", paused: bool = False
) -> tuple[float, int | None]:
    """Return the best wall time of `repeat` calls and, with memory="rss", the highest RSS
    peak above the start of a call (sampled during the timed calls), with "tracemalloc" the
    tracemalloc peak of one extra call.

    `paused`: each call runs with Python's cyclic collector paused until its result is let go
    of, which is not timed (as `budaya score` does with its document: the time is that of
    having the result in memory, as polars' frame is timed)."""
    from budaya.scoring.engine import cyclic_gc_paused

    best, peak = math.inf, None
    for _ in range(repeat):
        gc.collect()
        with cyclic_gc_paused() if paused else contextlib.nullcontext():
            if memory == "rss":
                with RssPeak() as sampler:
                    started = time.perf_counter()
                    result = function()
                    elapsed = time.perf_counter() - started
                peak = max(peak or 0, sampler.peak)
            else:
                started = time.perf_counter()
                result = function()
                elapsed = time.perf_counter() - started
            del result
        best = min(best, elapsed)
    if memory == "tracemalloc":
        peak = peak_memory(function)
    return best, peak


def alternated(first, second, repeat: int, memory: str = "none"):
    """Return ((best time, peak) of `first`, (best time, peak) of `second`, each round's ratio
    first / second) of `repeat` rounds that call both, in turn first or second: a drift of the
    machine's speed during the runs then weighs on both alike. Both are timed `paused` (see
    `best_time`)."""
    times: dict = {first: [], second: []}
    peaks: dict = {first: None, second: None}
    # The resident-set peak is read during the timed calls; tracemalloc's after them (slow).
    sampled = "rss" if memory == "rss" else "none"
    for round_ in range(repeat):
        for function in (first, second) if round_ % 2 == 0 else (second, first):
            seconds, peak = best_time(function, 1, sampled, paused=True)
            times[function].append(seconds)
            if peak is not None:
                peaks[function] = max(peaks[function] or 0, peak)
    if memory == "tracemalloc":
        peaks[first] = peak_memory(first)
    ratios = [a / b for a, b in zip(times[first], times[second], strict=True)]
    return (min(times[first]), peaks[first]), (min(times[second]), peaks[second]), ratios


def peak_memory(function) -> int:
    """Return the tracemalloc peak of one call, above what was allocated when it started."""
    gc.collect()
    started = time.perf_counter()
    tracemalloc.start()
    try:
        start, _ = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        result = function()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    del result
    print(f"  (tracemalloc run: {time.perf_counter() - started:.1f} s)", flush=True)
    return peak - start


def polars_baseline(data: DemoData, spec):
    """Return (DataFrame, group-by function): unit and one nullable column per item."""
    import polars as pl

    items = [item.code for item in spec.survey_items]
    answers = data.responses.answers
    frame = pl.DataFrame(
        {"unit": data.responses.unit, **{code: answers[:, j] for j, code in enumerate(items)}}
    ).with_columns(
        [
            pl.when(pl.col(code) == 0).then(None).otherwise(pl.col(code)).alias(code)
            for code in items
        ]
    )

    def group_by(frame=frame):
        return frame.group_by("unit").agg([pl.col(code).mean() for code in items])

    return frame, group_by


def write_csv(data: DemoData, folder: Path) -> dict[str, Path]:
    """Write responses, roster and evaluation CSVs with the demo-data writers."""
    from budaya.demodata.files import write_evaluation, write_responses, write_roster

    paths = {name: folder / f"{name}.csv" for name in ("responses", "roster", "evaluation")}
    write_responses(data, paths["responses"])
    write_roster(data, paths["roster"])
    write_evaluation(data, paths["evaluation"])
    return paths


def score_from_csv(paths, spec, method, max_picks) -> dict:
    """Return the §11 document of the `budaya score` path: its readers, then the engine and
    the document (the command then writes it)."""
    from budaya.cli.score import read_inputs
    from budaya.scoring.engine import compute_results

    args = argparse.Namespace(
        responses=paths["responses"],
        roster=paths["roster"],
        evaluation=paths["evaluation"],
        previous=None,
        period="2026",
    )
    survey, evaluations, previous, _ = read_inputs(args, spec, max_picks)
    return compute_results(
        spec, method, survey, evaluations=evaluations, period="2026", instrument=EDITION
    )


def readers_alone(paths, spec, max_picks: int, repeat: int) -> str:
    """Return the best time of each interchange reader on its own file, one after the other
    (the command reads the roster beside the responses, then the evaluation)."""
    from budaya.interchange import read_evaluation, read_responses, read_roster

    known = set(read_roster(paths["roster"]).pairs)
    timed = {
        "responses": lambda: read_responses(paths["responses"], spec, max_picks),
        "roster": lambda: read_roster(paths["roster"]),
        "evaluation": lambda: read_evaluation(paths["evaluation"], spec, known),
    }
    return ", ".join(f"{name} {best_time(read, repeat)[0]:.2f} s" for name, read in timed.items())


def check(value: float | None, target: float, at_target_size: bool) -> str:
    """Return how a figure compares with its target: ok, MISSED, or a note below 4M."""
    if value is None:
        return "(not measured)"
    if not at_target_size:
        return "(target applies at 4M)"
    return "ok" if value <= target else "MISSED"


def gib(nbytes: float | None) -> str:
    """Return a byte count as GB with two decimals (MB below 0.1 GB)."""
    if nbytes is None:
        return "-"
    if nbytes < 0.1 * 1024**3:
        return f"{nbytes / 1024**2:.0f} MB"
    return f"{nbytes / 1024**3:.2f} GB"


def survey_bytes(survey) -> int:
    """Return the bytes held by the arrays of a SurveyData."""
    return sum(value.nbytes for value in vars(survey).values() if isinstance(value, np.ndarray))


def bench_size(size: int, args, spec, max_picks: int, method) -> None:
    """Generate one size, time and measure every path, print the figures."""
    from budaya.scoring.engine import compute_results, score_period

    at_target = size >= TARGET_SIZE
    started = time.perf_counter()
    data = make_data(size, args, spec, max_picks)
    survey = data.survey_data()
    units = len(survey.units)
    print(
        f"\n== {size:,} responses: {len(survey.institutions)} institutions, {units:,} units, "
        f"roster {data.roster.size:,}, {len(spec.survey_items)} items; generated in "
        f"{time.perf_counter() - started:.1f} s; loaded arrays {gib(survey_bytes(survey))}"
    )

    def engine():
        scores = score_period(spec, method, survey, evaluations=data.evaluations)
        scores.drivers  # noqa: B018 - waits for the §13 drivers, computed in a thread
        return scores

    def engine_and_document():
        return compute_results(
            spec,
            method,
            survey,
            evaluations=data.evaluations,
            period="2026",
            instrument=EDITION,
        )

    seconds, memory = best_time(engine, args.repeat, args.memory)
    with_document, document_memory = best_time(engine_and_document, args.repeat, args.memory)
    # One more call, timed by phase (not part of the best-of figure above).
    gc.collect()
    with EnginePhases() as phases:
        started = time.perf_counter()
        result = engine()
        phased = time.perf_counter() - started
    del result
    frame, group_by = polars_baseline(data, spec)
    baseline, _ = best_time(group_by, args.repeat)
    ratio = seconds / baseline
    print(
        f"engine, in memory:   {seconds:7.2f} s  target ≤ {TARGET_SECONDS:.1f} s  "
        f"{check(seconds, TARGET_SECONDS, at_target)}  (score_period: §2–§10, arrays)"
    )
    print(f"polars group-by:     {baseline:7.2f} s  (unit × {len(spec.survey_items)} item means)")
    print(
        f"engine / baseline:   {ratio:7.2f} ×  target ≤ {TARGET_RATIO} ×  "
        f"{check(ratio, TARGET_RATIO, at_target)}"
    )
    print(
        f"engine peak memory:  {gib(memory):>9}  target ≤ {gib(TARGET_MEMORY)} above the "
        f"loaded data ({args.memory})  {check(memory, TARGET_MEMORY, at_target)}"
    )
    print(f"engine phases:       one more call {phased:.2f} s: {phases.line(phased)}")
    print(
        f"+ §11 document:      {with_document:7.2f} s  (compute_results; "
        f"{with_document / baseline:.2f} × the baseline; peak {gib(document_memory)})"
    )
    del frame, group_by
    if args.skip_csv:
        return
    with tempfile.TemporaryDirectory(prefix="budaya-bench-") as folder:
        started = time.perf_counter()
        paths = write_csv(data, Path(folder))
        megabytes = sum(path.stat().st_size for path in paths.values()) / 1024**2
        print(f"CSV written once in {time.perf_counter() - started:.1f} s ({megabytes:,.0f} MB)")
        import polars as pl

        items = [item.code for item in spec.survey_items]

        def polars_csv():
            frame = pl.read_csv(paths["responses"], columns=["institution", "unit", *items])
            return frame.group_by(["institution", "unit"]).agg(
                [pl.col(code).mean() for code in items]
            )

        (csv_seconds, csv_memory), (polars_seconds, _), ratios = alternated(
            lambda: score_from_csv(paths, spec, method, max_picks),
            polars_csv,
            args.repeat,
            args.memory,
        )
        print(f"readers + document:  {csv_seconds:7.2f} s  (the budaya score path)")
        print(
            f"polars CSV+group-by: {polars_seconds:7.2f} s  ratio "
            f"{csv_seconds / polars_seconds:.1f} ×  (best of each, the two alternated; each "
            f"round's ratio: {', '.join(f'{ratio:.2f}' for ratio in ratios)})"
        )
        print(f"CSV path peak:       {gib(csv_memory):>9}  ({args.memory}, above the start)")
        print(f"readers, each alone: {readers_alone(paths, spec, max_picks, args.repeat)}")
        # The same work as two new processes: the command as a user runs it (starting Python,
        # loading numba's cached functions, writing the JSON), and polars' read and group-by
        # with its own start.
        out = Path(folder) / "hasil.json"
        command = [
            sys.executable,
            "-m",
            "budaya",
            "score",
            "--instrument",
            EDITION,
            *("--responses", str(paths["responses"]), "--roster", str(paths["roster"])),
            *("--evaluation", str(paths["evaluation"]), "--period", "2026", "--out", str(out)),
        ]
        command_seconds, _ = best_time(lambda: _run(command), args.repeat)
        written = out.stat().st_size / 1024**2
        polars_command = [sys.executable, "-c", POLARS_PROCESS, str(paths["responses"]), *items]
        polars_process_seconds, _ = best_time(lambda: _run(polars_command), args.repeat)
        print(
            f"budaya score command:{command_seconds:7.2f} s  (a new process, the JSON written: "
            f"{written:,.0f} MB)"
        )
        print(
            f"polars in a process: {polars_process_seconds:7.2f} s  ratio "
            f"{command_seconds / polars_process_seconds:.1f} ×"
        )


# polars' read and group-by of the responses file as a process of its own (argv: file, items).
POLARS_PROCESS = """
import sys
import polars as pl
items = sys.argv[2:]
frame = pl.read_csv(sys.argv[1], columns=["institution", "unit", *items])
frame.group_by(["institution", "unit"]).agg([pl.col(code).mean() for code in items])
"""


def _run(command: list[str]) -> None:
    """Run a command from the project folder; raise with its error output if it fails."""
    import subprocess

    finished = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    if finished.returncode != 0:
        raise RuntimeError(f"{command[:4]} failed: {finished.stderr[-2000:]}")


def main(argv=None) -> int:
    """Run the benchmark for every size and print its figures."""
    args = parse_arguments(argv)
    _fix_mmap_threshold()
    instrument = default_instrument()
    spec = instrument.scoring_spec()
    method = Method(max_picks=instrument.max_picks)
    print(
        f"budaya bench/score.py: sizes {', '.join(f'{s:,}' for s in args.sizes)}; best of "
        f"{args.repeat}; memory: {args.memory}; numpy {np.__version__}"
    )
    for size in args.sizes:
        bench_size(size, args, spec, instrument.max_picks, method)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""`budaya score`: score interchange files (METHOD.md §11) into a results JSON and workbook."""

import argparse
import os
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import orjson

from budaya.cli import CommandError

DEFAULT_INSTRUMENT = "berakhlak-2026"


def register(subparsers) -> None:
    """Add the `score` subcommand."""
    parser = subparsers.add_parser(
        "score",
        help="hitung hasil dari berkas CSV / score interchange files",
        description=(
            "Hitung Indeks BerAKHLAK dari berkas jawaban (dan daftar pegawai, evaluasi, hasil "
            "periode lalu) lalu tulis hasil JSON (METHOD.md §11). / Score response files into "
            "the results JSON."
        ),
    )
    parser.add_argument("--instrument", default=DEFAULT_INSTRUMENT, help="edisi instrumen")
    parser.add_argument("--responses", required=True, type=Path, help="CSV jawaban pegawai")
    parser.add_argument("--roster", type=Path, help="daftar pegawai, CSV atau XLSX")
    parser.add_argument("--evaluation", type=Path, help="CSV Evaluasi Budaya Kerja")
    parser.add_argument("--previous", type=Path, help="hasil JSON periode sebelumnya")
    parser.add_argument(
        "--threshold", type=int, default=10, help="ambang pelaporan k (paling kecil 5)"
    )
    parser.add_argument("--period", help="kode periode, mis. 2026; tahunnya dipakai untuk usia")
    parser.add_argument("--out", required=True, type=Path, help="berkas hasil JSON")
    parser.add_argument("--xlsx", type=Path, help="berkas hasil XLSX (opsional)")
    parser.set_defaults(func=run)


def load_instrument(edition: str):
    """Return the instrument edition from the catalogue, or raise CommandError listing them."""
    try:
        from budaya.instruments import InstrumentError
        from budaya.instruments import load_instrument as load
    except ImportError as error:
        raise CommandError(
            f"katalog instrumen tidak tersedia / instrument catalogue unavailable ({error})"
        ) from None
    try:
        return load(edition)
    except InstrumentError as error:
        available = [] if "available" in str(error) else _available_editions()
        listing = (
            f" Edisi yang ada / available editions: {', '.join(available)}" if available else ""
        )
        raise CommandError(
            f"instrumen '{edition}' tidak dapat dimuat / cannot be loaded: {error}.{listing}"
        ) from None


def _available_editions() -> list[str]:
    """Return the catalogue's editions, asking the catalogue, else listing its data files."""
    import budaya.instruments as catalogue

    for name in ("list_instruments", "available_editions", "list_editions"):
        function = getattr(catalogue, name, None)
        if callable(function):
            return sorted(str(edition) for edition in function())
    data = Path(catalogue.__file__).parent / "data"
    return sorted(p.stem for p in data.glob("*.y*ml")) if data.is_dir() else []


def _check_outputs(args) -> list[Path]:
    """Return the output paths after checking their folders exist and no input is overwritten."""
    outputs = [args.out] + ([args.xlsx] if args.xlsx else [])
    inputs = [p for p in (args.responses, args.roster, args.evaluation, args.previous) if p]
    for output in outputs:
        if not output.parent.resolve().is_dir():
            raise CommandError(f"{output}: folder tujuan tidak ada / output folder does not exist")
        if any(output.resolve() == p.resolve() for p in inputs):
            raise CommandError(
                f"{output}: akan menimpa berkas masukan / would overwrite an input file"
            )
    if args.xlsx and args.xlsx.resolve() == args.out.resolve():
        raise CommandError("--out dan --xlsx harus berbeda / must differ")
    return outputs


def read_inputs(args, spec, max_picks: int):
    """Return (SurveyData, evaluations, previous, warnings), or raise CommandError listing
    every problem of every file."""
    from budaya.interchange import InputError, Problems, build_survey_data, read_previous
    from budaya.interchange.survey import period_year

    problems = Problems()
    responses, roster, evaluations = _read_files(args, spec, max_picks, problems)
    previous = read_previous(args.previous, problems) if args.previous else None
    if problems:
        total = len(problems)
        raise CommandError(
            f"{total} masalah pada berkas masukan, tidak ada hasil yang ditulis / "
            f"{total} problems in the input files, nothing written:\n"
            + str(InputError(problems.items, problems.more))
        )
    data = build_survey_data(responses, roster, period_year(args.period))
    return data, evaluations, previous, responses.warnings


def _read_files(args, spec, max_picks: int, problems):
    """Return (responses, roster, evaluations) read from their files and checked against each
    other; the roster None without --roster, the evaluations None without --evaluation.

    The readers spend most of their time in polars, which lets go of Python's lock, so the
    roster, then the evaluation, are read in a thread while the responses are read (about
    0.8 s less of 2.8 s for a national set of files, docs/performance.md). An evaluation's
    units are checked against the roster's there; when every response unit is on the roster,
    those are all the known units, as when the files are read in turn.

    Each file read in the thread has its problems collected apart. When the files before it
    had none, they are the problems a reading one after the other gives. Otherwise that file
    is read again after the others, into the same collection, so that the limit on listed
    problems, and which ones are listed, are as before.
    """
    from budaya.interchange import Problems, read_evaluation, read_responses, read_roster
    from budaya.interchange.survey import check_units_on_roster

    if not args.roster:
        responses = read_responses(args.responses, spec, max_picks, problems)
        evaluations = None
        if args.evaluation:
            known = set(responses.pairs if responses else ())
            evaluations = read_evaluation(args.evaluation, spec, known, problems)
        return responses, None, evaluations
    roster_problems = Problems(problems.limit)
    evaluation_problems = Problems(problems.limit)

    def roster_then_evaluation():
        roster = read_roster(args.roster, roster_problems)
        if not args.evaluation or roster_problems:
            return roster, None
        return roster, read_evaluation(
            args.evaluation, spec, set(roster.pairs), evaluation_problems
        )

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="budaya-roster") as pool:
        pending = pool.submit(roster_then_evaluation)
        responses = read_responses(args.responses, spec, max_picks, problems)
        roster, evaluations = pending.result()
    if problems:
        roster = read_roster(args.roster, problems)
    else:
        _take(problems, roster_problems)
    if responses is not None and roster is not None:
        check_units_on_roster(responses, roster, problems)
    if not args.evaluation:
        return responses, roster, None
    if problems or evaluations is None:
        known = set(responses.pairs if responses else ()) | set(roster.pairs if roster else ())
        return responses, roster, read_evaluation(args.evaluation, spec, known, problems)
    _take(problems, evaluation_problems)
    return responses, roster, evaluations


def _take(problems, found) -> None:
    """Add the problems collected apart in `found` to `problems`, which holds none yet."""
    problems.items.extend(found.items)
    problems.more += found.more


def _json_default(value):
    """Return plain Python for numpy scalars and arrays that slipped into the document."""
    if hasattr(value, "tolist"):
        return value.tolist()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def _temporary(target: Path) -> Path:
    handle, name = tempfile.mkstemp(
        prefix=f".{target.name}.", suffix=".tmp", dir=target.parent.resolve()
    )
    os.close(handle)
    # mkstemp makes the file private (0600); give it the permissions a plain open() would.
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(name, 0o666 & ~umask)
    return Path(name)


def write_outputs(results: dict, args, threshold: int) -> None:
    """Write the JSON (and workbook) to temporary files, then move them into place."""
    from budaya.interchange.results_xlsx import write_results_xlsx

    temporaries: list[tuple[Path, Path]] = []
    try:
        json_temp = _temporary(args.out)
        temporaries.append((json_temp, args.out))
        try:
            # orjson writes a national document (hundreds of MB) in about a second, where the
            # standard library takes tens; a NaN can only be null there, as §11 wants.
            text = orjson.dumps(
                results,
                option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE,
                default=_json_default,
            )
        except TypeError as error:
            raise CommandError(
                f"hasil tidak dapat ditulis sebagai JSON / results are not valid JSON: {error}"
            ) from None
        json_temp.write_bytes(text)
        if args.xlsx:
            xlsx_temp = _temporary(args.xlsx)
            temporaries.append((xlsx_temp, args.xlsx))
            write_results_xlsx(results, xlsx_temp, threshold)
        for temporary, target in temporaries:
            os.replace(temporary, target)
    finally:
        for temporary, _ in temporaries:
            temporary.unlink(missing_ok=True)


def run(args: argparse.Namespace) -> int:
    """Read, validate and score the files, write the results, print the summary."""
    from budaya.interchange.summary import format_summary
    from budaya.scoring.spec import Method

    if args.threshold < 5:
        raise CommandError(
            f"--threshold {args.threshold}: ambang k paling kecil 5 / threshold k must be at "
            "least 5"
        )
    _check_outputs(args)
    instrument = load_instrument(args.instrument)
    if getattr(instrument, "is_pulse", False) and args.evaluation:
        raise CommandError(
            f"--evaluation: {args.instrument} adalah instrumen denyut, tanpa Evaluasi Budaya "
            f"Kerja / {args.instrument} is a pulse instrument, which has no evaluation (METHOD.md "
            f"§15)"
        )
    spec = instrument.scoring_spec()
    max_picks = int(getattr(instrument, "max_picks", 5))
    # A pulse instrument has no values selection (METHOD.md §15): no picks, Method's default.
    method = Method(threshold=args.threshold, **({"max_picks": max_picks} if max_picks else {}))
    from budaya.scoring.engine import compute_results, cyclic_gc_paused

    data, evaluations, previous, warnings = read_inputs(args, spec, max_picks)
    for warning in warnings:
        print(f"Peringatan / warning: {warning}", file=sys.stderr)

    # The national document is about a million small objects, none of them in a cycle: with
    # the cyclic collector on, writing and summarising it would make the collector go through
    # all of them (about 1 s at 1M responses, docs/performance.md). It is paused until the
    # document is written, summarised and let go of, so that the collector never sees it;
    # memory is still freed by reference counting.
    with cyclic_gc_paused():
        results = compute_results(
            spec,
            method,
            data,
            evaluations=evaluations,
            previous=previous,
            period=args.period,
            instrument=args.instrument,
        )
        write_outputs(results, args, args.threshold)
        pulse = getattr(instrument, "is_pulse", False)
        print(format_summary(results, args.threshold, pulse=pulse))
        del results
    written = f"{args.out}" + (f" dan {args.xlsx}" if args.xlsx else "")
    print(f"\nHasil ditulis ke {written}.")
    return 0

"""`budaya export-responses PERIOD --out FILE.csv`: raw responses, k-anonymous combinations."""

import sys
from contextlib import nullcontext
from pathlib import Path

import numpy as np

from budaya.cli import CommandError, setup_django
from budaya.cli._progress import TerminalProgress, add_option
from budaya.interchange.exporters import INTERCHANGE, csv_writer, guard

CHUNK = 20_000  # rows read and written at a time


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "export-responses",
        help="ekspor jawaban mentah (k-anonim) / export raw responses (k-anonymous)",
        description=(
            "Menulis satu baris per jawaban: instansi, unit, jenis kelamin, jenis pegawai, "
            "kelompok usia, jawaban per butir dan pilihan nilai (tanpa komentar, tanpa id, "
            "tanpa tanggal). Kombinasi yang dimiliki kurang dari k responden digeneralisasi "
            "(usia, lalu jenis pegawai, lalu jenis kelamin, lalu unit → '*'). / One row per "
            "response; combinations held by fewer than k respondents are generalised."
        ),
    )
    parser.add_argument("period", metavar="PERIOD", help="kode periode / period code")
    parser.add_argument("--out", required=True, type=Path, metavar="FILE.csv")
    parser.add_argument(
        "--k", type=int, default=None, help="ambang (bawaan: k periode) / threshold"
    )
    add_option(parser)
    parser.set_defaults(func=run)


def _cell(value) -> str:
    """Return one text cell through the exporter base's formula guard (None: empty)."""
    return "" if value is None else guard(str(value))


# Answer digits to CSV cells: "0" (no answer) becomes an empty cell.
ANSWER_CELLS = str.maketrans({"0": ","} | {str(d): f"{d}," for d in range(1, 10)})


def _answer_cells(answers: str) -> list[str]:
    if answers.isascii() and answers.isdigit():
        return answers.translate(ANSWER_CELLS).split(",")[:-1]
    return [("" if ch == "0" else ch) for ch in answers]


def _codes(values, table: dict, add: bool = True) -> np.ndarray:
    """Return the index of each value in `table` (value -> index): unseen values are added,
    or with add=False given -1."""
    look = (lambda value: table.setdefault(value, len(table))) if add else table.get
    codes = (-1 if code is None else code for code in map(look, values))
    return np.fromiter(codes, dtype=np.int64, count=len(values))


def _positions(ids: np.ndarray, known: np.ndarray) -> np.ndarray:
    """Return the position of each id in the sorted array `known`, -1 when absent."""
    at = np.minimum(np.searchsorted(known, ids), max(len(known) - 1, 0))
    found = (at < len(known)) & (known[at] == ids) if len(known) else np.zeros(len(ids), bool)
    return np.where(found, at, -1)


class Combinations:
    """The period's (institution, unit, gender, employment_type, age_band) combinations, counted
    with one GROUP BY, and the CSV cells each is released as (None when left out).

    Everything is held in numpy arrays and one list entry per combination (at most units × 16),
    never anything per response; rows find their combination a chunk at a time.
    """

    def __init__(self, responses, k: int):
        from django.db.models import Count

        from budaya.institutions.models import Institution, Unit
        from budaya.results.survey_data import chunks
        from budaya.security.generalise import LEVELS, generalisation_levels, key_at

        fields = ("institution_id", "unit_id", "gender", "employment_type", "age_band")
        grouped = responses.order_by().values_list(*fields).annotate(n=Count("pk"))
        self.categories = [{}, {}, {}]  # value -> code: gender, employment type, age band
        parts = [np.zeros((0, 6), dtype=np.int64)]
        for rows in chunks(grouped, CHUNK):
            columns = list(zip(*rows, strict=True))
            parts.append(
                np.stack(
                    [
                        np.fromiter(columns[0], dtype=np.int64, count=len(rows)),
                        np.fromiter(columns[1], dtype=np.int64, count=len(rows)),
                        *(_codes(columns[2 + c], self.categories[c]) for c in range(3)),
                        np.fromiter(columns[5], dtype=np.int64, count=len(rows)),
                    ],
                    axis=1,
                )
            )
        raw = np.concatenate(parts)
        self.institutions, institution = np.unique(raw[:, 0], return_inverse=True)
        self.units, unit = np.unique(raw[:, 1], return_inverse=True)
        # Counted by the codes the rows show (institution code, unit code, categories).
        institution_code = dict(Institution.objects.values_list("pk", "code"))
        unit_code = dict(Unit.objects.values_list("pk", "code"))
        texts = [{}, {}]
        by_codes = np.stack(
            [
                _codes([institution_code[i] for i in self.institutions.tolist()], texts[0])[
                    institution.reshape(-1)
                ],
                _codes([unit_code[i] for i in self.units.tolist()], texts[1])[unit.reshape(-1)],
                raw[:, 2],
                raw[:, 3],
                raw[:, 4],
            ],
            axis=1,
        )
        combinations, inverse = np.unique(by_codes, axis=0, return_inverse=True)
        inverse = inverse.reshape(-1)
        totals = np.bincount(inverse, weights=raw[:, 5], minlength=len(combinations))
        totals = totals.astype(np.int64)
        levels = generalisation_levels(combinations, totals, k)
        names = [list(table) for table in (*texts, *self.categories)]
        self.released = []  # per combination: its released cells, or None
        self.generalised = 0
        for row, level, total in zip(
            combinations.tolist(), levels.tolist(), totals.tolist(), strict=True
        ):
            combination = tuple(names[c][code] for c, code in enumerate(row))
            cells = None if level >= LEVELS else key_at(combination, level)
            if cells is not None and cells != combination:
                self.generalised += total
            self.released.append(None if cells is None else [_cell(v) for v in cells])
        # Rows find their combination through a sorted key of their own values.
        self.radix = [len(self.units), *(len(table) for table in self.categories)]
        keys = self._key(institution.reshape(-1), unit.reshape(-1), raw[:, 2:5].T)
        order = np.argsort(keys, kind="stable")
        self.keys, self.combination = keys[order], inverse[order]

    def _key(self, institution, unit, categories) -> np.ndarray:
        key = institution.astype(np.int64)
        for radix, code in zip(self.radix, (unit, *categories), strict=True):
            key = key * radix + code
        return key

    def released_of(self, rows) -> list:
        """Return the released cells (None: left out) of rows starting with their five
        combination values; a combination that was not counted is left out."""
        m = len(rows)
        columns = list(zip(*rows, strict=False))[:5] if m else [()] * 5
        institution = _positions(np.fromiter(columns[0], np.int64, m), self.institutions)
        unit = _positions(np.fromiter(columns[1], np.int64, m), self.units)
        categories = [_codes(columns[2 + c], self.categories[c], add=False) for c in range(3)]
        known = (institution >= 0) & (unit >= 0)
        for codes in categories:
            known &= codes >= 0
        key = self._key(institution, unit, categories)
        at = _positions(np.where(known, key, -1), self.keys)
        combination = np.where(at >= 0, self.combination[np.maximum(at, 0)], -1)
        released = self.released
        return [None if c < 0 else released[c] for c in combination.tolist()]


def run(args) -> int:
    """Count combinations in the database, decide the generalisation, then stream the rows."""
    setup_django()
    from django.db import connection, transaction

    from budaya.cli._lookups import get_period
    from budaya.instruments import load_instrument
    from budaya.results.survey_data import chunks
    from budaya.survey.models import Response

    period = get_period(args.period)
    k = args.k if args.k is not None else int(period.threshold)
    if k < 5:
        raise CommandError(f"--k {k}: ambang minimal 5 / the threshold is at least 5")
    out = args.out
    if out.is_dir() or not out.parent.is_dir():
        raise CommandError(
            f"{out}: folder tujuan tidak ada atau nama berkas adalah folder / "
            f"{out}: target folder missing or the name is a folder"
        )
    items = [item.code for item in load_instrument(period.instrument).survey_items]
    responses = Response.objects.filter(period=period)
    header = ["institution", "unit", "gender", "employment_type", "age_band", *items]
    header += ["picks_personal", "picks_current", "picks_wanted"]
    fields = ("institution_id", "unit_id", "gender", "employment_type", "age_band")
    picks = ("picks_personal", "picks_current", "picks_wanted")
    # Random ids: the order says nothing about time.
    rows = responses.order_by("id").values_list(*fields, "answers", *picks)
    read = written = 0
    # PostgreSQL: counts and rows from one snapshot. SQLite: no transaction (it would hold off
    # every writer for the whole export); a row stored meanwhile in a combination that was not
    # counted is left out.
    postgresql = connection.vendor == "postgresql"
    snapshot = postgresql and not connection.in_atomic_block  # not already in a transaction
    bar = TerminalProgress("ekspor / export", enabled=args.progress)
    try:
        with (
            out.open("w", newline="", encoding="utf-8") as handle,
            transaction.atomic() if postgresql else nullcontext(),
            bar,
        ):
            if snapshot:
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            combinations = Combinations(responses, k)
            if bar.enabled:
                bar.update(0, responses.count(), "jawaban / responses")
            # An interchange file (METHOD.md §11): ',' and the decimal point, whatever the language.
            writer = csv_writer(handle, INTERCHANGE)
            writer.writerow(header)
            for chunk in chunks(rows, CHUNK):
                lines = [
                    [*cells, *_answer_cells(row[5]), *map(_cell, row[6:])]
                    for cells, row in zip(combinations.released_of(chunk), chunk, strict=True)
                    if cells is not None
                ]
                writer.writerows(lines)
                read += len(chunk)
                written += len(lines)
                bar.update(read, message="jawaban / responses")
    except OSError as error:
        raise CommandError(f"{out}: tidak dapat ditulis ({error}) / cannot be written") from None
    left_out = read - written
    print(
        f"{written} jawaban ditulis ke {out} (k = {k}; {combinations.generalised} "
        f"digeneralisasi, {left_out} tidak disertakan) / {written} responses written "
        f"({combinations.generalised} generalised, {left_out} left out).",
        file=sys.stdout,
    )
    return 0

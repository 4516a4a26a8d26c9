"""`budaya export-responses PERIOD --out FILE.csv`: raw responses, k-anonymous combinations."""

import csv
import sys
from pathlib import Path

from budaya.cli import CommandError, setup_django

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


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
    parser.set_defaults(func=run)


def _cell(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def run(args) -> int:
    """Count combinations in the database, decide the generalisation, then stream the rows."""
    setup_django()
    from django.db.models import Count

    from budaya.cli._lookups import get_period
    from budaya.instruments import load_instrument
    from budaya.security.generalise import generalisation
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
    fields = ("institution__code", "unit__code", "gender", "employment_type", "age_band")
    responses = Response.objects.filter(period=period)
    counts = {
        tuple(row[f] for f in fields): row["n"]
        for row in responses.values(*fields).annotate(n=Count("id")).order_by()
    }
    mapping = generalisation(counts, k)
    written = left_out = 0
    header = ["institution", "unit", "gender", "employment_type", "age_band", *items]
    header += ["picks_personal", "picks_current", "picks_wanted"]
    try:
        with out.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle, lineterminator="\r\n")
            writer.writerow(header)
            rows = (
                responses.order_by("id")  # random ids: the order says nothing about time
                .values_list(*fields, "answers", "picks_personal", "picks_current", "picks_wanted")
                .iterator(chunk_size=5000)
            )
            for row in rows:
                released = mapping[tuple(row[:5])]
                if released is None:
                    left_out += 1
                    continue
                answers = [("" if ch == "0" else ch) for ch in row[5]]
                writer.writerow([_cell(v) for v in (*released, *answers, *row[6:])])
                written += 1
    except OSError as error:
        raise CommandError(f"{out}: tidak dapat ditulis ({error}) / cannot be written") from None
    generalised = sum(
        n for combination, n in counts.items() if mapping[combination] not in (None, combination)
    )
    print(
        f"{written} jawaban ditulis ke {out} (k = {k}; {generalised} digeneralisasi, "
        f"{left_out} tidak disertakan) / {written} responses written ({generalised} "
        f"generalised, {left_out} left out).",
        file=sys.stdout,
    )
    return 0

"""Benchmark of the printable invitation letters: seconds to render N letters as one A4 PDF.

    .venv/bin/python bench/letters.py [--letters 200] [--no-qr] [--groups]

Builds N (name, unit, token) letters in memory (no database) and times
`budaya.survey.letters.letters_pdf`, the function the invitation page and
`budaya invitations --letters` call; `--no-qr` leaves the QR code out, to see its share; `--groups` also times the background job's
way (CHUNK letters per WeasyPrint document, the bar moving after each, the pages joined), in
the same run, to compare. Prints
the count, the seconds, seconds per letter, the PDF size and the machine's load average.
"""

import argparse
import datetime as dt
import os
import secrets
import sys
import time
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--letters", type=int, default=200)
    parser.add_argument("--no-qr", action="store_true")
    parser.add_argument("--groups", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "budaya.settings")
    import django

    django.setup()
    import budaya.survey.letters as letters

    if args.no_qr:
        letters.qr_svg = lambda link: ""
    period = SimpleNamespace(
        code="P2026", opens_on=dt.date(2026, 1, 5), closes_on=dt.date(2026, 2, 5)
    )
    institution = SimpleNamespace(name="Kementerian Contoh")
    pairs = [
        (SimpleNamespace(name=f"Pegawai {i}", unit=SimpleNamespace(name="Sekretariat")),
         secrets.token_urlsafe(24))
        for i in range(args.letters)
    ]  # fmt: skip
    start = time.perf_counter()
    data = letters.letters_pdf(period, institution, pairs)
    seconds = time.perf_counter() - start
    load = os.getloadavg()[0]
    print(
        f"{args.letters} letters{' (no QR)' if args.no_qr else ''}: {seconds:.1f} s, "
        f"{seconds / max(1, args.letters):.3f} s per letter, {len(data) // 1024} KiB, "
        f"load average {load:.1f}"
    )
    if args.groups:
        steps = []
        start = time.perf_counter()
        data = letters.letters_pdf(period, institution, pairs, step=steps.append)
        seconds = time.perf_counter() - start
        print(
            f"{args.letters} letters in groups of {letters.CHUNK} (the job's way, "
            f"{len(steps)} steps): {seconds:.1f} s, {seconds / max(1, args.letters):.3f} s per "
            f"letter, {len(data) // 1024} KiB, load average {os.getloadavg()[0]:.1f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

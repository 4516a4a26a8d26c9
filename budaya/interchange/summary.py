"""Return the short Indonesian summary table that `budaya score` prints after scoring."""

from budaya.scoring.rounding import CATEGORY_NAMES, format_number


def gettext_noop(message: str) -> str:
    """Mark `message` for translation (makemessages finds it by this name) and return it.

    Django's own gettext_noop needs configured settings, which `budaya score` does not load:
    importing this module from the command line failed with ImproperlyConfigured."""
    return message


# The text shown instead of a hidden score (METHOD.md §8), translated at use; the same msgid as
# the pages' (budaya.results.display.suppressed_text) and templates'.
SUPPRESSED_LABEL = gettext_noop("kurang dari %(threshold)s responden")


def suppressed_label(threshold: int) -> str:
    """Return the text shown instead of a score for a group or cell below the threshold k, in
    the active language (Indonesian without Django, or with no language chosen)."""
    from django.conf import settings

    if not settings.configured:
        return SUPPRESSED_LABEL % {"threshold": threshold}
    from django.utils.translation import gettext

    return gettext(SUPPRESSED_LABEL) % {"threshold": threshold}


def score_text(score: dict | None, *, with_category: bool = False) -> str:
    """Return a SCORE's shown value in Indonesian notation ('78,0', '78,0 A Sehat'), or '–'."""
    if not score or score.get("shown") is None:
        return "–"
    text = format_number(float(score["shown"]))
    letter = score.get("category")
    if with_category and letter:
        text += f" {letter} {CATEGORY_NAMES.get(letter, '')}".rstrip()
    return text


def _count(value) -> str:
    return "–" if value is None else format_number(int(value))


def summary_rows(results: dict, threshold: int, pulse: bool = False) -> list[list[str]]:
    """Return the summary's rows: institutions by the document's order, then the nation. A pulse
    round (METHOD.md §15) has no evaluation and no Indeks BerAKHLAK: its last two columns are
    Indeks Implementasi and engagement."""
    last = ("engagement",) if pulse else ("evaluasi", "indeks_berakhlak")
    groups = results.get("groups", [])
    ordered = [g for g in groups if g.get("level") == "institution"]
    ordered += [g for g in groups if g.get("level") == "nation"]
    rows = []
    for group in ordered:
        row = [
            "Nasional" if group.get("level") == "nation" else str(group.get("code")),
            _count(group.get("n")),
            _count(group.get("population")),
            _count(group.get("minimum")),
            "ya" if group.get("eligible") else "tidak",
        ]
        if group.get("suppressed"):
            row += [suppressed_label(threshold), *[""] * len(last)]
        else:
            row += [score_text(group.get("implementasi"))]
            row += [
                score_text(group.get(key), with_category=key == "indeks_berakhlak") for key in last
            ]
        rows.append(row)
    return rows


HEADER = [
    "Kode",
    "n",
    "Populasi",
    "Minimum",
    "Memenuhi syarat",
    "Indeks Implementasi",
    "Evaluasi",
    "Indeks BerAKHLAK",
]
PULSE_HEADER = [*HEADER[:6], "Indeks Keterikatan Pegawai"]
_NUMERIC = {1, 2, 3}


def format_summary(results: dict, threshold: int, pulse: bool = False) -> str:
    """Return the summary as an aligned plain-text table (counts right-aligned); of a pulse
    round with `pulse`."""
    header = PULSE_HEADER if pulse else HEADER
    rows = [header, *summary_rows(results, threshold, pulse)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = []
    for number, row in enumerate(rows):
        cells = []
        for i, cell in enumerate(row):
            right = i in _NUMERIC or (i in (5, 6) and number and cell[:1].isdigit())
            cells.append(cell.rjust(widths[i]) if right else cell.ljust(widths[i]))
        lines.append("  ".join(cells).rstrip())
        if number == 0:
            lines.append("  ".join("-" * width for width in widths))
    return "\n".join(lines)


# The one sentence that explains eligibility (METHOD.md §8) on the results page, in the PDF (the
# same template) and in the workbooks; marked for translation here and translated at use.
ELIGIBILITY_SENTENCE = gettext_noop(
    "Memenuhi syarat berarti jumlah responden mencapai minimum Slovin, N / (1 + N·e²) dibulatkan "
    "ke atas (N: jumlah pegawai, e: batas galat periode); kelompok yang belum memenuhi syarat "
    "tidak masuk peringkat, pembanding dan laporan publik."
)


# Its counterpart for a pulse round (METHOD.md §15: no Slovin eligibility).
PULSE_ELIGIBILITY_SENTENCE = gettext_noop(
    "Putaran denyut: tidak ada minimum Slovin; setiap kelompok dengan sedikitnya k responden "
    "ditampilkan."
)


def eligibility_sentence(pulse: bool = False) -> str:
    """Return the eligibility sentence (of a pulse round with `pulse`) in the active language
    (Indonesian without Django)."""
    from django.conf import settings

    text = PULSE_ELIGIBILITY_SENTENCE if pulse else ELIGIBILITY_SENTENCE
    if not settings.configured:
        return text
    from django.utils.translation import gettext

    return gettext(text)

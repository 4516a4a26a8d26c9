"""Build the worked example of docs/metodologi.md with the real engine and print its numbers.

Run from the repository root:

    .venv/bin/python docs/examples/contoh_metodologi.py

The data are fictional and made by simple rules, so every run gives the same numbers.
"Kabupaten Contoh" has seven units; the worked example is its unit "Dinas Perpustakaan dan
Kearsipan" (DISPUSIP, 12 respondents of a roster of 14). The other units show peers,
suppression and complementary suppression. Both this year (2026) and last year (2025) are
scored, so the results carry the change. `example_numbers()` returns every number the document
takes from the example, each with the words that stand on the same line of the document;
tests/test_docs_metodologi.py checks that docs/metodologi.md still shows them.
"""

import math
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from budaya.instruments import load_instrument
from budaya.scoring import SurveyData
from budaya.scoring.eligibility import slovin_minimum
from budaya.scoring.engine import compute_results
from budaya.scoring.rounding import CATEGORY_NAMES, format_number, round_shown
from budaya.scoring.spec import VALUE_CODES, VALUE_NAMES, Method

EDITION = "berakhlak-2026"
INSTITUTION = "KAB_CONTOH"
# (code, name, roster size, respondents, level shift in tenths of a scale point).
UNITS = (
    ("DISPUSIP", "Dinas Perpustakaan dan Kearsipan", 14, 12, 0),
    ("DINKES", "Dinas Kesehatan", 60, 55, -2),
    ("RSUD", "RSUD", 80, 70, 1),
    ("DISDIK", "Dinas Pendidikan", 50, 45, -1),
    ("BAPPEDA", "Bappeda", 32, 30, 2),
    ("SATPOLPP", "Satpol PP", 20, 11, -3),
    ("KEC_SUKAMAJU", "Kecamatan Sukamaju", 9, 6, 0),
)
EXAMPLE_UNIT = "DISPUSIP"
SLOVIN_DINAS = "Menurut rumus Slovin, Dinas dengan"
PEER_EXAMPLE_UNIT = "DISDIK"
# A unit's typical answer to a positively worded item of each value, in tenths of a scale
# point (47 = 4,7); a reverse-keyed item gets the mirrored answer 7 − x.
VALUE_LEVEL = {"BP": 47, "AK": 50, "KO": 49, "HA": 53, "LO": 51, "AD": 42, "KL": 48}
ENGAGEMENT_LEVEL = 52
# How many tenths lower each value was last year (Adaptif was a little higher).
LAST_YEAR_LOWER = {"BP": 5, "AK": 3, "KO": 1, "HA": 2, "LO": 1, "AD": -2, "KL": 4}
# Answers DISPUSIP's respondents leave empty: R03 skips one Berorientasi Pelayanan item (5 of 6
# answered, still valid); R04 answers only two of the six (below the minimum of 3).
SKIPPED = {3: ("BP3_2",), 4: ("BP1_2", "BP2_1", "BP2_2", "BP3_2")}
TABLE_RESPONDENTS = (1, 2, 3, 4)
# Levels (0..4) of the unit's own and of the institution's own Evaluasi Budaya Kerja.
UNIT_EVALUATION = {
    "KOMITMEN_PIMPINAN": 3,
    "TIM_AGEN_PERUBAHAN": 3,
    "RENCANA_INTERNALISASI": 3,
    "SELARAS_SISTEM": 2,
    "PENGUKURAN_RENCANA_AKSI": 3,
    "MONEV_PENERAPAN": 3,
    "PENGHARGAAN": 4,
}
INSTITUTION_EVALUATION = {
    "KOMITMEN_PIMPINAN": 4,
    "TIM_AGEN_PERUBAHAN": 3,
    "RENCANA_INTERNALISASI": 3,
    "SELARAS_SISTEM": 3,
    "PENGUKURAN_RENCANA_AKSI": 2,
    "MONEV_PENERAPAN": 3,
    "PENGHARGAAN": 3,
}
# Public reference figures the document quotes (METHOD.md, DOMAIN.md).
NATIONAL_2022_VALUES = (57.9, 74.1, 56.7, 63.8, 65.8, 38.9, 69.4)
PROBOLINGGO_2024 = {"values_average": 79.0, "evaluation": 74.0, "respondents": 8607}


@dataclass
class Example:
    """The instrument, this year's data and both years' results documents."""

    instrument: object
    data: SurveyData
    results: dict
    previous: dict


def answer(value: str, respondent: int, item: int, unit_shift: int, last_year: bool) -> int:
    """Return the answer 1..6 to a positively worded item, by the example's rule.

    In tenths of a scale point: the value's level, the unit's shift, the respondent's own
    tendency (−5..+5) and a spread 0..9 over the items; last year the level was lower by
    LAST_YEAR_LOWER and the spread fell on other items. Then whole points, kept within 1..6.
    """
    level = ENGAGEMENT_LEVEL if value == "engagement" else VALUE_LEVEL[value]
    tendency = (respondent * 3) % 11 - 5
    spread = (respondent * 7 + item * 13 + (3 if last_year else 0)) % 10
    lower = LAST_YEAR_LOWER.get(value, 3) if last_year else 0
    tenths = level + unit_shift + tendency + spread - lower
    return max(1, min(6, tenths // 10))


def picks_of(number: int, behaviours: list[str], limiting: list[str]):
    """Return the personal, current and wanted picks of respondent `number`, by rule."""
    personal = [behaviours[(number * 3 + k * 4) % 21] for k in range(5)]
    current = personal[:2] + [behaviours[(number * 2 + k * 5) % 21] for k in range(1, 4)]
    if number % 3 == 0:  # one respondent in three sees a limiting value today
        current[4] = limiting[number % len(limiting)]
    if number % 4 == 0:  # one in four a second one
        current[3] = limiting[(number + 5) % len(limiting)]
    wanted = [current[0], personal[2]] + [behaviours[(number * 5 + k * 3) % 21] for k in range(3)]
    return [list(dict.fromkeys(chosen)) for chosen in (personal, current, wanted)]


def build_data(instrument, last_year: bool = False) -> SurveyData:
    """Return the survey data of Kabupaten Contoh for this year or last year (same roster)."""
    items = instrument.survey_items
    codes = [option.code for option in instrument.pick_list]
    behaviours = [o.code for o in instrument.pick_list if not o.limiting]
    limiting = [o.code for o in instrument.pick_list if o.limiting]
    total = sum(count for _, _, _, count, _ in UNITS)
    answers = np.zeros((total, len(items)), dtype=np.uint8)
    picks = np.full((3, total, instrument.max_picks), -1, dtype=np.int16)
    unit_of, roster_unit = [], []
    row = 0
    for u, (code, _, roster, count, unit_shift) in enumerate(UNITS):
        for number in range(1, count + 1):  # respondents are numbered R01, R02, … per unit
            for j, item in enumerate(items):
                if code == EXAMPLE_UNIT and item.code in SKIPPED.get(number, ()):
                    continue
                value = item.value or "engagement"
                x = answer(value, number + 7 * u, j, unit_shift, last_year)
                answers[row, j] = 7 - x if item.reverse else x
            for q, chosen in enumerate(picks_of(number + 7 * u, behaviours, limiting)):
                for k, pick in enumerate(chosen):
                    picks[q, row, k] = codes.index(pick)
            unit_of.append(u)
            row += 1
        roster_unit += [u] * roster
    n, staff = len(unit_of), len(roster_unit)
    # Attributes by rule: genders alternate, one in three is PPPK, age bands in turn.
    return SurveyData(
        institutions=[INSTITUTION],
        units=[(0, code) for code, *_ in UNITS],
        unit=np.array(unit_of, dtype=np.int32),
        gender=np.array([r % 2 for r in range(n)], dtype=np.int8),
        employment=np.array([int(r % 3 == 0) for r in range(n)], dtype=np.int8),
        age_band=np.array([r % 4 for r in range(n)], dtype=np.int8),
        answers=answers,
        picks=picks,
        roster_unit=np.array(roster_unit, dtype=np.int32),
        roster_gender=np.array([r % 2 for r in range(staff)], dtype=np.int8),
        roster_employment=np.array([int(r % 3 == 0) for r in range(staff)], dtype=np.int8),
        roster_age_band=np.array([r % 4 for r in range(staff)], dtype=np.int8),
    )


def run_example() -> Example:
    """Score last year and this year with the engine; this year's results carry the change."""
    instrument = load_instrument(EDITION)
    spec = instrument.scoring_spec()
    evaluations = {
        (INSTITUTION, None): INSTITUTION_EVALUATION,
        (INSTITUTION, EXAMPLE_UNIT): UNIT_EVALUATION,
    }
    previous = compute_results(
        spec,
        Method(),
        build_data(instrument, last_year=True),
        evaluations=evaluations,
        period="2025",
        instrument=EDITION,
    )
    data = build_data(instrument)
    results = compute_results(
        spec,
        Method(),
        data,
        evaluations=evaluations,
        previous=previous,
        period="2026",
        instrument=EDITION,
    )
    return Example(instrument, data, results, previous)


def group(results: dict, level: str, code: str) -> dict:
    """Return the group of a results document with this level and code."""
    return next(g for g in results["groups"] if g["level"] == level and g["code"] == code)


def fmt(x, decimals: int = 1) -> str:
    """Return a number as the document writes it (decimal comma, thousands dot)."""
    return format_number(x, decimals)


def item_score(x: int, points: int, reverse: bool) -> Fraction:
    """Return the item score s of answer x, exactly (METHOD.md §2)."""
    s = Fraction(100 * (x - 1), points - 1)
    return 100 - s if reverse else s


def example_numbers() -> list[tuple[str, str]]:
    """Return (words on the same line of the document, the number as the document writes it)."""
    ex = run_example()
    unit = group(ex.results, "unit", EXAMPLE_UNIT)
    before = group(ex.previous, "unit", EXAMPLE_UNIT)
    out = _respondent_table(ex)
    out += _unit_scores(ex.data, unit, before)
    out += _evaluation_rows(ex.instrument)
    out += _kabupaten(ex)
    out += _public_figures()
    return out


def _respondent_table(ex: Example) -> list[tuple[str, str]]:
    """Rows of the table of a few respondents' Berorientasi Pelayanan answers."""
    out = []
    survey = ex.instrument.survey_items
    columns = [j for j, item in enumerate(survey) if item.value == "BP"]
    items = [survey[j] for j in columns]
    for number in TABLE_RESPONDENTS:
        row = [int(x) for x in ex.data.answers[number - 1, columns]]
        shown = " | ".join(str(x) if x else "–" for x in row)
        scores = [item_score(x, i.points, i.reverse) for x, i in zip(row, items, strict=True) if x]
        if len(scores) >= -(-len(items) // 2):
            value = fmt(float(sum(scores) / len(scores)))
        else:
            value = "tidak dihitung"
        out.append((f"| R{number:02d} | {shown} |", value))
        if number == TABLE_RESPONDENTS[0]:
            terms = " + ".join(fmt(float(s), 0) for s in scores)
            out.append((f"R{number:02d}:", f"({terms}) / {len(scores)} = {value}"))
    return out


def _unit_scores(data: SurveyData, unit: dict, before: dict) -> list[tuple[str, str]]:
    """The unit's value scores, indices, interval, minimum, Energi Positif and change."""
    out = []
    values = unit["values"]
    out.append(("Skor Berorientasi Pelayanan Dinas", fmt(values["BP"]["score"])))
    out.append(("Skor Berorientasi Pelayanan Dinas", f"{values['BP']['n']} responden"))
    for code in VALUE_CODES:
        entry, row = values[code], f"| {VALUE_NAMES[code]} |"
        out.append((row, fmt(entry["score"])))
        out.append((row, f"{entry['category']} ({CATEGORY_NAMES[entry['category']]})"))
        out.append((row, fmt(entry["favourable"])))
        out.append((row, fmt(before["values"][code]["score"])))
        change = unit["change"]["values"][code]
        out.append((row, _signed(change["shown"])))
        out.append((row, "ya" if change["significant"] else "tidak"))
    implementasi, evaluasi = unit["implementasi"], unit["evaluasi"]
    headline, energi = unit["indeks_berakhlak"], unit["energi_positif"]
    out += [
        ("Indeks Implementasi BerAKHLAK Dinas", fmt(implementasi["score"])),
        ("Indeks Implementasi BerAKHLAK Dinas", f"{implementasi['n']} responden"),
        ("Indeks Evaluasi Budaya Kerja Dinas", fmt(evaluasi["score"], 2)),
        ("Indeks Evaluasi Budaya Kerja Dinas", fmt(evaluasi["score"])),
        (
            "Indeks Evaluasi Budaya Kerja Dinas",
            f"{evaluasi['category']}, {CATEGORY_NAMES[evaluasi['category']]}",
        ),
        ("Indeks BerAKHLAK Dinas", fmt(headline["score"])),
        (
            "Indeks BerAKHLAK Dinas",
            f"{headline['category']} ({CATEGORY_NAMES[headline['category']]})",
        ),
        ("Indeks BerAKHLAK Dinas =", f"0,8 × {fmt(implementasi['score'], 2)}"),
        ("Indeks BerAKHLAK Dinas =", f"0,2 × {fmt(evaluasi['score'], 2)}"),
        ("galat baku Indeks Implementasi Dinas", fmt(implementasi["se"], 2)),
        ("selang kepercayaan Indeks Implementasi Dinas", _interval(implementasi)),
        ("Selang kepercayaan Indeks BerAKHLAK Dinas", _interval(headline)),
        (SLOVIN_DINAS, f"{unit['population']} pegawai"),
        (SLOVIN_DINAS, _slovin_quotient(unit["population"])),
        (SLOVIN_DINAS, f"{unit['minimum']} responden"),
        (SLOVIN_DINAS, f"{unit['n']} responden"),
        ("pegawai lagi menjawab", str(unit["minimum"] - unit["n"])),
        ("Energi Positif Dinas", fmt(energi["score"])),
        ("Energi Positif Dinas", f"{energi['n']} responden"),
        ("entropi Dinas", fmt(100 - energi["score"])),
        (
            "Keselarasan Nilai Pribadi–Organisasi Dinas",
            fmt(unit["keselarasan_pribadi_organisasi"]["score"]),
        ),
        (
            "Keselarasan Budaya Saat Ini–Harapan Dinas",
            fmt(unit["keselarasan_saat_ini_harapan"]["score"]),
        ),
        ("Indeks Keterikatan Pegawai Dinas", fmt(unit["engagement"]["score"])),
        ("Indeks Keterikatan Pegawai Dinas", f"{unit['engagement']['n']} responden"),
        ("Indeks Implementasi Dinas tahun lalu", fmt(before["implementasi"]["score"])),
        ("Indeks Implementasi Dinas tahun lalu", _signed(unit["change"]["implementasi"]["shown"])),
        (
            "Indeks Implementasi Dinas tahun lalu",
            "perubahan ini bermakna"
            if unit["change"]["implementasi"]["significant"]
            else "perubahan ini tidak bermakna",
        ),
    ]
    # How the interval of I is made: sd of the respondents' i[r], then SE with the finite
    # population correction (n of N employees answered), then ± 1,96 · SE.
    n, population = implementasi["n"], unit["population"]
    sd = implementasi["se"] * math.sqrt(n) / math.sqrt(1 - n / population)
    out.append(
        (
            "galat baku Indeks Implementasi Dinas",
            f"{fmt(sd, 2)} / √{n} × √(1 − {n}/{population})",
        )
    )
    out.append(
        (
            "selang kepercayaan Indeks Implementasi Dinas",
            f"{fmt(implementasi['score'], 2)} ± 1,96 × {fmt(implementasi['se'], 2)}",
        )
    )
    # The significance test of two value changes, one significant and one not.
    for code in ("BP", "KO"):
        now, then = values[code], before["values"][code]
        root = math.sqrt(now["se"] ** 2 + then["se"] ** 2)
        delta = now["score"] - then["score"]
        out.append(
            (
                f"uji perubahan {VALUE_NAMES[code]}",
                f"{fmt(delta, 2)} / √({fmt(now['se'], 2)}² + {fmt(then['se'], 2)}²)"
                f" = {fmt(delta / root, 2)}",
            )
        )
    out += _picks(data, unit)
    return out


def _picks(data: SurveyData, unit: dict) -> list[tuple[str, str]]:
    """Counts behind the Dinas's Energi Positif, and the Dinas's top-ten matches."""
    mine = data.unit == 0  # DISPUSIP is the first unit
    current = data.picks[1][mine]
    limiting = _limiting_indices()
    picked = int((current >= 0).sum())
    limiting_picks = int(np.isin(current, limiting).sum())
    labels = _pick_labels()
    matches = unit["pilihan_nilai"]["matches"]
    return [
        ("Energi Positif Dinas", f"{limiting_picks} dari {picked} pilihan"),
        ("Energi Positif Dinas", f"100 × (1 − {limiting_picks}/{picked})"),
        (
            "cocok antara sepuluh besar Saat Ini dan Harapan",
            ", ".join(labels[code] for code in matches["current_wanted"]),
        ),
        (
            "cocok antara sepuluh besar Pribadi dan Saat Ini",
            ", ".join(labels[code] for code in matches["personal_current"]),
        ),
    ]


def _limiting_indices() -> list[int]:
    """Return the positions of the potentially limiting values in the pick list."""
    pick_list = load_instrument(EDITION).pick_list
    return [i for i, option in enumerate(pick_list) if option.limiting]


def _pick_labels() -> dict[str, str]:
    """Return the Indonesian label of each entry of the pick list, by code."""
    return {option.code: option.label.id for option in load_instrument(EDITION).pick_list}


def _evaluation_rows(instrument) -> list[tuple[str, str]]:
    """Rows of the Dinas's evaluation table: weight, level and contribution per criterion."""
    out = []
    for criterion in instrument.rubric:
        level = UNIT_EVALUATION[criterion.code]
        contribution = 100 * criterion.weight * Fraction(level, criterion.max_level)
        row = f"| {criterion.name.id} | {fmt(float(100 * criterion.weight), 0)} % |"
        out.append((row, f"{level} dari {criterion.max_level}"))
        out.append((row, fmt(float(contribution), 2)))
    return out


def _kabupaten(ex: Example) -> list[tuple[str, str]]:
    """Units of Kabupaten Contoh (suppression, eligibility) and a peer comparison."""
    out = []
    institution = group(ex.results, "institution", INSTITUTION)
    below_k, complementary = [], []
    for code, name, roster, count, _ in UNITS:
        unit = group(ex.results, "unit", code)
        row = f"| {name} |"
        out.append((row, f"{fmt(roster)} | {fmt(count)} | {fmt(unit['minimum'])}"))
        if unit["suppressed"]:
            small = count < Method().threshold
            (below_k if small else complementary).append((name, count))
            out.append(
                (row, "disembunyikan (di bawah k)" if small else "disembunyikan (pelengkap)")
            )
        else:
            out.append((row, fmt(unit["implementasi"]["score"])))
            out.append((row, "ya" if unit["eligible"] else "belum"))
    # The suppression story of §12 of the document: one unit below k, one complementary.
    (small_name, small_n), (extra_name, extra_n) = below_k[0], complementary[0]
    out += [
        (f"{small_name} hanya punya", f"{small_n} responden"),
        (f"unit tampil terkecil, {extra_name} dengan", f"{extra_n} responden"),
        ("Kini yang tersembunyi berisi", f"{small_n + extra_n} responden"),
    ]
    out.append(("Kabupaten Contoh seluruhnya", f"{fmt(institution['population'])} pegawai"))
    out.append(("Kabupaten Contoh seluruhnya", f"{fmt(institution['n'])} responden"))
    out.append(("Kabupaten Contoh seluruhnya", f"minimal {fmt(institution['minimum'])}"))
    out.append(("Indeks BerAKHLAK Kabupaten Contoh", fmt(institution["indeks_berakhlak"]["score"])))
    out.append(("Indeks Evaluasi Kabupaten Contoh", fmt(institution["evaluasi"]["score"])))
    peer = group(ex.results, "unit", PEER_EXAMPLE_UNIT)
    bench = peer["benchmark"]["implementasi"]
    out += [
        ("pembanding Dinas Pendidikan", fmt(peer["implementasi"]["score"])),
        ("pembanding Dinas Pendidikan", f"median {fmt(bench['median'])}"),
        ("pembanding Dinas Pendidikan", f"persentil 75 {fmt(bench['p75'])}"),
        ("peringkat Dinas Pendidikan", f"{bench['rank']} dari {bench['of']}"),
        ("peringkat persentil", fmt(bench["percentile_rank"])),
    ]
    alpha = peer["values"]["BP"]["alpha"]
    out.append(("α Berorientasi Pelayanan Dinas Pendidikan", fmt(alpha["value"], 2)))
    out.append(("α Berorientasi Pelayanan Dinas Pendidikan", _interval(alpha, 2)))
    return out


def _public_figures() -> list[tuple[str, str]]:
    """The public reference figures, recomputed with the engine's rounding and Slovin."""
    national = sum(NATIONAL_2022_VALUES) / len(NATIONAL_2022_VALUES)
    p = PROBOLINGGO_2024
    headline = 0.8 * p["values_average"] + 0.2 * p["evaluation"]
    return [
        ("indeks nasional 2022", fmt(national)),
        ("Probolinggo 2024 =", fmt(headline)),
        ("Probolinggo 2024 =", f"{fmt(p['respondents'])} responden"),
        # Slovin for a roster the size of Probolinggo's respondents, as an illustration.
        ("untuk instansi dengan", f"{fmt(p['respondents'])} pegawai"),
        ("untuk instansi dengan", _slovin_quotient(p["respondents"])),
        ("untuk instansi dengan", f"minimal {fmt(slovin_minimum(p['respondents']))} responden"),
    ]


def _slovin_quotient(population: int) -> str:
    """Return N / (1 + N·e²) with two decimals, before it is rounded up."""
    e = Method().margin
    return fmt(float(Fraction(population) / (1 + population * e * e)), 2)


def _interval(score: dict, decimals: int = 1) -> str:
    """Return a 95 % interval as the document writes it: 'lo–hi'."""
    lo, hi = score["ci95"]
    return f"{fmt(lo, decimals)}–{fmt(hi, decimals)}"


def _signed(shown: float) -> str:
    """Return a change with its sign: +6,5, −1,2, 0,0."""
    text = fmt(round_shown(shown))
    if shown > 0:
        return f"+{text}"
    return text.replace("-", "−")


def main() -> None:
    """Print every number of the example next to the words it stands with in the document."""
    for words, number in example_numbers():
        print(f"{words}  →  {number}")


if __name__ == "__main__":
    main()

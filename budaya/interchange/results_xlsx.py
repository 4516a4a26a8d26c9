"""Write a results document (METHOD.md §11) as a workbook: Ringkasan, Nilai, Perilaku, Rincian,
Pendorong (drivers of engagement with priorities and strengths, METHOD.md §13) and Keterangan
(what each figure means: the glossary, budaya.interchange.glossary).

Rendered by the one exporter base (budaya.interchange.exporters): one table per sheet, frozen
header row, widths, '0.0' for scores, and its formula guard on every text cell.
"""

from pathlib import Path

from budaya.instruments import InstrumentError, load_instrument
from budaya.interchange import glossary
from budaya.interchange.exporters import (
    DECIMAL2,
    INTEGER,
    PERCENT,
    SCORE,
    Table,
    columns,
    label,
    write_xlsx,
)
from budaya.interchange.summary import eligibility_sentence, suppressed_label
from budaya.scoring.priorities import driver_priorities
from budaya.scoring.rounding import CATEGORY_NAMES, round_shown
from budaya.scoring.spec import BEHAVIOUR_CODES, VALUE_CODES, VALUE_NAMES

LEVEL_NAMES = {"nation": "nasional", "institution": "instansi", "unit": "unit"}
BREAKDOWN_NAMES = {
    "unit": "unit",
    "gender": "jenis kelamin",
    "employment_type": "jenis kepegawaian",
    "age_band": "kelompok usia",
}


def _shown(score: dict | None):
    return None if not score else score.get("shown")


def _category(score: dict | None) -> str | None:
    letter = None if not score else score.get("category")
    return f"{letter} {CATEGORY_NAMES[letter]}" if letter in CATEGORY_NAMES else letter


def _yes_no(flag) -> str | None:
    return None if flag is None else label("ya" if flag else "tidak")


def _group_rows(group: dict, hidden: str) -> tuple[list, list, list, list]:
    """Return one group's rows of the four sheets (Ringkasan, Nilai, Perilaku, Rincian)."""
    summary, values, behaviours, details = [], [], [], []
    level = label(LEVEL_NAMES.get(group.get("level"), group.get("level")))
    code = group.get("code")
    head = [
        level,
        code,
        group.get("parent"),
        group.get("n"),
        group.get("population"),
        group.get("response_rate"),
        group.get("minimum"),
        _yes_no(group.get("eligible")),
        _yes_no(group.get("suppressed")),
    ]
    if group.get("suppressed"):
        summary.append(head + [hidden] * 8)
        values.append([level, code, None, group.get("n"), hidden])
        behaviours.append([level, code, None, group.get("n"), hidden])
        return summary, values, behaviours, details
    headline = group.get("indeks_berakhlak")
    summary.append(
        head
        + [
            _shown(group.get("implementasi")),
            _shown(group.get("evaluasi")),
            _shown(headline),
            _category(headline),
            _shown(group.get("engagement")),
            _shown(group.get("energi_positif")),
            _shown(group.get("keselarasan_pribadi_organisasi")),
            _shown(group.get("keselarasan_saat_ini_harapan")),
        ]
    )
    for value_code in VALUE_CODES:
        score = (group.get("values") or {}).get(value_code)
        alpha = (score or {}).get("alpha") or {}
        favourable = (score or {}).get("favourable")
        values.append(
            [
                level,
                code,
                value_code,
                VALUE_NAMES[value_code],
                (score or {}).get("n"),
                _shown(score),
                _category(score),
                round_shown(favourable),
                round_shown(alpha.get("value"), 2),
                alpha.get("n"),
            ]
        )
    for behaviour in BEHAVIOUR_CODES:
        score = (group.get("behaviours") or {}).get(behaviour)
        behaviours.append(
            [level, code, behaviour, (score or {}).get("n"), _shown(score), _category(score)]
        )
    for breakdown, cells in (group.get("breakdowns") or {}).items():
        for cell_code, cell in cells.items():
            row = [
                code,
                BREAKDOWN_NAMES.get(breakdown, breakdown),
                cell_code,
                cell.get("n"),
                cell.get("population"),
                _yes_no(cell.get("suppressed")),
            ]
            if cell.get("suppressed"):
                row += [hidden] * (1 + len(VALUE_CODES))
            else:
                cell_values = cell.get("values") or {}
                row += [_shown(cell.get("implementasi"))]
                row += [_shown(cell_values.get(v)) for v in VALUE_CODES]
            details.append(row)
    return summary, values, behaviours, details


def _is_pulse(edition) -> bool:
    """Whether the document's instrument is a pulse edition of the catalogue (METHOD §15)."""
    try:
        return isinstance(edition, str) and load_instrument(edition).is_pulse
    except InstrumentError:
        return False


def _sheet_rows(results: dict, hidden: str, sheet: int):
    """Yield the rows of one sheet, a group at a time (the workbook is written streaming)."""
    for group in results.get("groups", []):
        yield from _group_rows(group, hidden)[sheet]


MARKS = {"priority": "prioritas perbaikan", "strength": "kekuatan"}


def _driver_rows(results: dict):
    """Yield the Pendorong sheet's rows: per shown group with drivers (METHOD.md §13), every
    behaviour by weight (share of R² in percent), its score and whether it is a priority or a
    strength (budaya.scoring.priorities)."""
    for group in results.get("groups", []):
        if group.get("suppressed") or not isinstance(group.get("drivers"), dict):
            continue
        found = driver_priorities(group["drivers"], group.get("behaviours"))
        if found is None:
            continue
        level = LEVEL_NAMES.get(group.get("level"), group.get("level"))
        for row in found["rows"]:
            yield [
                level,
                group.get("code"),
                found["n"],
                found["r2_shown"],
                row["rank"],
                row["code"],
                row["share_shown"],
                row["shown"],
                round_shown(found["median"]),
                MARKS.get(row["mark"], ""),
            ]


def write_results_xlsx(results: dict, path: Path, threshold: int) -> None:
    """Write the workbook of `results` to `path`; suppressed groups and cells show
    'kurang dari k responden' and no score."""
    hidden = suppressed_label(threshold)
    summary = Table(
        "Ringkasan",
        columns(
            "Tingkat",
            "Kode",
            "Induk",
            ("n", INTEGER),
            ("Populasi", INTEGER),
            ("Tingkat respons", PERCENT),
            ("Minimum", INTEGER),
            "Memenuhi syarat",
            "Disembunyikan",
            ("Indeks Implementasi", SCORE),
            ("Evaluasi", SCORE),
            ("Indeks BerAKHLAK", SCORE),
            "Kategori",
            ("Keterikatan Pegawai", SCORE),
            ("Energi Positif", SCORE),
            ("Keselarasan Pribadi–Organisasi", SCORE),
            ("Keselarasan Saat Ini–Harapan", SCORE),
        ),
    )
    values = Table(
        "Nilai",
        columns(
            "Tingkat",
            "Kode",
            "Nilai",
            "Nama nilai",
            ("n", INTEGER),
            ("Skor", SCORE),
            "Kategori",
            ("% favorabel", SCORE),
            ("Alpha", DECIMAL2),
            ("Alpha n", INTEGER),
        ),
    )
    behaviours = Table(
        "Perilaku",
        columns("Tingkat", "Kode", "Perilaku", ("n", INTEGER), ("Skor", SCORE), "Kategori"),
    )
    details = Table(
        "Rincian",
        columns(
            "Kelompok",
            "Rincian",
            "Sel",
            ("n", INTEGER),
            ("Populasi", INTEGER),
            "Disembunyikan",
            ("Implementasi", SCORE),
            *((code, SCORE) for code in VALUE_CODES),
        ),
    )
    tables = [summary, values, behaviours, details]
    for sheet, table in enumerate(tables):
        table.rows = _sheet_rows(results, hidden, sheet)
    pulse = _is_pulse(results.get("instrument"))
    if pulse:  # a pulse round has no behaviours, so no drivers either (METHOD §15)
        tables.remove(behaviours)
    drivers = Table(
        "Pendorong",
        columns(
            "Tingkat",
            "Kode",
            ("Responden lengkap", INTEGER),
            ("R² (%)", SCORE),
            ("Urutan bobot", INTEGER),
            "Perilaku",
            ("Bobot (% R²)", SCORE),
            ("Skor", SCORE),
            ("Median skor perilaku", SCORE),
            "Catatan",
        ),
        _driver_rows(results),
    )
    notes = Table(
        "Keterangan",
        columns("Istilah", "Arti"),
        [["Memenuhi syarat", eligibility_sentence(pulse)]]
        + [
            [term["title"], term["text"]]
            for section in glossary.entries()
            for term in section["terms"]
            if term["key"] != "memenuhi_syarat"
        ],
    )
    write_xlsx([*tables, *([] if pulse else [drivers]), notes], path)

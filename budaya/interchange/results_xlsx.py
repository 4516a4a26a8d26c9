"""Write a results document (METHOD.md §11) as a workbook: Ringkasan, Nilai, Perilaku, Rincian."""

from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from budaya.interchange.summary import suppressed_label
from budaya.scoring.rounding import CATEGORY_NAMES, round_shown
from budaya.scoring.spec import BEHAVIOUR_CODES, VALUE_CODES, VALUE_NAMES

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
LEVEL_NAMES = {"nation": "nasional", "institution": "instansi", "unit": "unit"}
BREAKDOWN_NAMES = {
    "unit": "unit",
    "gender": "jenis kelamin",
    "employment_type": "jenis kepegawaian",
    "age_band": "kelompok usia",
}


def safe_text(value):
    """Return a cell value that a spreadsheet shows as text, never runs as a formula.

    Text starting with = + - @ or a tab, CR or LF gets a leading apostrophe (so a unit code
    like '=HYPERLINK(...)' stays inert); characters XLSX cannot hold are removed. Other
    values pass unchanged.
    """
    if not isinstance(value, str):
        return value
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    if value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def _shown(score: dict | None):
    return None if not score else score.get("shown")


def _category(score: dict | None) -> str | None:
    letter = None if not score else score.get("category")
    return f"{letter} {CATEGORY_NAMES[letter]}" if letter in CATEGORY_NAMES else letter


def _yes_no(flag) -> str | None:
    return None if flag is None else ("ya" if flag else "tidak")


class _Sheet:
    """A write-only sheet whose every text cell goes through safe_text."""

    def __init__(self, workbook: Workbook, title: str, header: list[str]):
        self.sheet = workbook.create_sheet(title)
        self.sheet.freeze_panes = "A2"
        bold = Font(bold=True)
        cells = []
        for name in header:
            cell = WriteOnlyCell(self.sheet, value=safe_text(name))
            cell.font = bold
            cells.append(cell)
        self.sheet.append(cells)

    def append(self, values: list) -> None:
        self.sheet.append([safe_text(value) for value in values])


def write_results_xlsx(results: dict, path: Path, threshold: int) -> None:
    """Write the workbook of `results` to `path`; suppressed groups and cells show
    'kurang dari k responden' and no score."""
    hidden = suppressed_label(threshold)
    workbook = Workbook(write_only=True)
    summary = _Sheet(
        workbook,
        "Ringkasan",
        [
            "Tingkat",
            "Kode",
            "Induk",
            "n",
            "Populasi",
            "Tingkat respons",
            "Minimum",
            "Memenuhi syarat",
            "Disembunyikan",
            "Indeks Implementasi",
            "Evaluasi",
            "Indeks BerAKHLAK",
            "Kategori",
            "Keterikatan Pegawai",
            "Energi Positif",
            "Keselarasan Pribadi–Organisasi",
            "Keselarasan Saat Ini–Harapan",
        ],
    )
    values = _Sheet(
        workbook,
        "Nilai",
        ["Tingkat", "Kode", "Nilai", "Nama nilai", "n", "Skor", "Kategori", "% favorabel"]
        + ["Alpha", "Alpha n"],
    )
    behaviours = _Sheet(
        workbook, "Perilaku", ["Tingkat", "Kode", "Perilaku", "n", "Skor", "Kategori"]
    )
    details = _Sheet(
        workbook,
        "Rincian",
        ["Kelompok", "Rincian", "Sel", "n", "Populasi", "Disembunyikan", "Implementasi"]
        + list(VALUE_CODES),
    )
    for group in results.get("groups", []):
        level = LEVEL_NAMES.get(group.get("level"), group.get("level"))
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
            continue
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
    workbook.save(str(path))

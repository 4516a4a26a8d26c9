"""Write one institution's or unit's results as an Excel workbook or CSV files.

Both read the report dictionary of `budaya.results.presenters.build_report` (so they hold the
numbers the page shows, the engine's `shown` values, never re-rounded) and are rendered by the
one exporter base (budaya.interchange.exporters): formula guard on text cells, one table per
sheet with a frozen header, widths and '0.0' score formats; CSV as one file per table in a zip,
in the language's style (Indonesian: ';' and the decimal comma; English: ',' and the point).
Tables: Ringkasan (summary), Indeks (indices), Nilai (values), Perilaku (behaviours), Pendorong
(drivers of engagement with priorities and strengths, when the group has drivers), Rincian
(breakdowns), Unit (the institution's units); for a group that shows comments (METHOD.md §14)
Tema komentar (theme counts) and, in the workbook only, Komentar (the texts). Headers and table
names are translated by the exporter base; the summary's row names and the yes/no cells here
(gettext), so an English reader gets English words around the numbers.
"""

from django.utils.translation import gettext as _

from budaya.interchange.exporters import (
    DECIMAL2,
    INTEGER,
    NUMBER,
    PERCENT,
    SCORE,
    Cell,
    Exporter,
    Table,
    columns,
    csv_style,
)
from budaya.interchange.summary import eligibility_sentence
from budaya.scoring.rounding import round_shown
from budaya.scoring.spec import VALUE_CODES


def _yes_no(flag) -> str | None:
    return None if flag is None else (_("ya") if flag else _("tidak"))


def _change(row: dict):
    change = row.get("change")
    return None if not change else change["shown"]


def _significant(row: dict):
    change = row.get("change")
    return None if not change else _yes_no(change.get("significant"))


def tables(report: dict) -> list[Table]:
    """Return the tables of the report, one per sheet or CSV file (cells not yet guarded)."""
    group = report.get("group") or {}
    hidden = report["hidden_text"]
    code = report["unit"].code if report["unit"] else report["institution"].code
    summary = [
        [_("Periode"), report["period"].code],
        [_("Tingkat"), {"institution": _("instansi"), "unit": _("unit")}[report["level"]]],
        [_("Kode"), code],
        [_("Nama"), report["name"]],
        [_("Responden (n)"), group.get("n")],
        [_("Populasi"), group.get("population")],
        [_("Tingkat respons"), Cell(group.get("response_rate"), PERCENT)],
        [_("Minimum responden"), group.get("minimum")],
        [_("Memenuhi syarat"), _yes_no(group.get("eligible"))],
        [_("Arti memenuhi syarat"), eligibility_sentence(bool(report.get("pulse")))],
        [_("Disembunyikan"), _yes_no(group.get("suppressed"))],
    ]
    result_set = report.get("result_set")
    if result_set is not None:
        summary.append([_("Rilis"), result_set.version])
    carried = report.get("carried_over")
    if carried:
        # METHOD.md §12: survey scores kept from an earlier release (fewer than k changed).
        summary.append([_("Skor survei dibawa dari rilis"), carried.get("from_release")])
    summary_table = Table("Ringkasan", columns("Ukuran", ("Nilai", NUMBER)), summary)
    if not report.get("visible"):
        summary.append([_("Skor"), hidden])
        return [summary_table]
    indices = [
        [
            row["label"],
            row["shown"],
            row["category_label"],
            row["n"],
            _change(row),
            _significant(row),
        ]
        for row in report["indices"] + report["others"]
    ]
    if not report.get("pulse"):  # a pulse round has no values selection (METHOD.md §15)
        indices.append([_("Entropi budaya (100 − Energi Positif)"), report["entropy"]])
    values = [
        [
            row["code"],
            row["label"],
            row["shown"],
            row["category_label"],
            row["n"],
            round_shown(row["favourable"]),
            round_shown(row["alpha"], 2),
            _change(row),
            _significant(row),
            row["nation"],
        ]
        for row in report["values"]
    ]
    marks = {"strong": _("terkuat"), "weak": _("terlemah")}
    behaviours = [
        [
            row["rank"],
            row["code"],
            row["label"],
            row["value_name"],
            row["shown"],
            row["category_label"],
            marks.get(row["mark"], ""),
        ]
        for row in report["behaviours"]
    ]
    marks_drivers = {"priority": "prioritas perbaikan", "strength": "kekuatan"}
    drivers = report.get("drivers")
    driver_rows = [
        [
            row["rank"],
            row["code"],
            row["label"],
            row["share_shown"],
            row["shown"],
            marks_drivers.get(row["mark"], ""),
        ]
        for row in (drivers or {}).get("rows", [])
    ]
    details = []
    breakdowns = list(report["breakdowns"])
    if report["unit_rows"]:
        breakdowns.insert(0, {"title": _("Unit kerja"), "rows": report["unit_rows"]})
    for breakdown in breakdowns:
        for row in breakdown["rows"]:
            line = [breakdown["title"], row["code"], row["label"], row["n"], row["population"]]
            line.append(_yes_no(row["suppressed"]))
            if row["suppressed"]:
                line += [hidden] * (1 + len(VALUE_CODES))
            else:
                line += [row["implementasi"]["shown"]] + [v["shown"] for v in row["values"]]
            details.append(line)
    result = [
        summary_table,
        Table(
            "Indeks",
            columns(
                "Indeks",
                ("Skor", SCORE),
                "Kategori",
                ("n", INTEGER),
                ("Perubahan", SCORE),
                "Perubahan bermakna",
            ),
            indices,
        ),
        Table(
            "Nilai",
            columns(
                "Kode",
                "Nilai",
                ("Skor", SCORE),
                "Kategori",
                ("n", INTEGER),
                ("% favorabel", SCORE),
                ("Alpha", DECIMAL2),
                ("Perubahan", SCORE),
                "Perubahan bermakna",
                ("Nasional", SCORE),
            ),
            values,
        ),
        Table(
            "Perilaku",
            columns(
                ("Peringkat", INTEGER),
                "Kode",
                "Perilaku",
                "Nilai",
                ("Skor", SCORE),
                "Kategori",
                "Catatan",
            ),
            behaviours,
        ),
    ]
    if drivers:
        result.append(
            Table(
                "Pendorong",
                columns(
                    ("Urutan bobot", INTEGER),
                    "Kode",
                    "Perilaku",
                    ("Bobot (% R²)", SCORE),
                    ("Skor", SCORE),
                    "Catatan",
                ),
                driver_rows,
            )
        )
    result += [
        Table(
            "Rincian",
            columns(
                "Rincian",
                "Kode",
                "Sel",
                ("n", INTEGER),
                ("Populasi", INTEGER),
                "Disembunyikan",
                ("Implementasi", SCORE),
                *((code, SCORE) for code in VALUE_CODES),
            ),
            details,
        ),
    ]
    if report.get("pulse"):  # a pulse round has no behaviours (METHOD.md §15)
        result = [table for table in result if table.name != "Perilaku"]
    if report["level"] == "institution":
        units = [
            [
                row["rank"],
                row["code"],
                row["name"],
                row["shown"],
                row["category_label"],
                row["percentile_rank"],
                row["n"],
            ]
            for row in report["unit_ranking"]
        ]
        unit_columns = columns(
            ("Peringkat", INTEGER),
            "Kode",
            "Unit",
            ("Skor", SCORE),
            "Kategori",
            ("Peringkat persentil", SCORE),
            ("n", INTEGER),
        )
        result.append(Table("Unit", unit_columns, units))
    return result


def comment_tables(report: dict, with_texts: bool) -> list[Table]:
    """Return the comment tables of a group that may show comments (METHOD.md §14; nothing
    otherwise): "Tema komentar" (theme, count: only counts of at least k are released) and,
    with `with_texts` (the workbook only; CSV and PDF carry no comment text), "Komentar" in
    the release's random order."""
    comments = report.get("comments") if report.get("visible") else None
    if not comments:
        return []
    themes = [[theme["label"], theme["count"]] for theme in comments["themes"]]
    themes.append(["Responden yang menulis komentar", comments["commenters"]])
    result = [Table("Tema komentar", columns("Tema", ("Jumlah komentar", INTEGER)), themes)]
    if with_texts:
        texts = [[number, text] for number, text in enumerate(comments["texts"], start=1)]
        result.append(Table("Komentar", columns(("No.", INTEGER), "Komentar"), texts))
    return result


class ReportExporter(Exporter):
    """The results downloads of one institution or unit (`stem` names the files); comment
    texts only with `with_texts` (the workbook)."""

    def __init__(self, report: dict, stem: str, with_texts: bool = False):
        self.report = report
        self.stem = stem
        self.with_texts = with_texts

    def tables(self) -> list[Table]:
        return tables(self.report) + comment_tables(self.report, self.with_texts)


def workbook_bytes(report: dict) -> bytes:
    """Return the report's .xlsx workbook as bytes (one table per sheet, comments included)."""
    return ReportExporter(report, "hasil", with_texts=True).xlsx()[0]


def csv_download(report: dict, stem: str, language: str | None = None) -> tuple[bytes, str]:
    """Return (content, file name) of the report's CSV files: a zip of one CSV per table
    (`stem.zip`), or `stem.csv` when there is one table (a group whose scores are hidden)."""
    return ReportExporter(report, stem).csv(csv_style(language))

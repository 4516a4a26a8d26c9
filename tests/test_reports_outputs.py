"""PDF, workbook and CSV of an institution or unit: stored numbers, A4 pages, no hidden score."""
# ruff: noqa: F811 - pytest fixtures imported from tests are parameters here

import csv
import io
import re
import shutil
import subprocess
import zipfile

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from budaya.cli import main
from budaya.reports.press import press_summary
from budaya.results.store import latest_set
from budaya.scoring.rounding import format_number, round_shown
from budaya.scoring.spec import BEHAVIOUR_CODES, VALUE_CODES, VALUE_NAMES
from tests.test_results_support import computed, groups_of, pdf_text  # noqa: F401
from tests.web_fixtures import _fast_passwords, instrument, results_file, world  # noqa: F401

needs_poppler = pytest.mark.skipif(
    not shutil.which("pdftotext") or not shutil.which("pdftoppm"),
    reason="poppler-utils (pdftotext, pdftoppm) missing",
)
PLANTED = 3.1  # a score no real group here has; planted into hidden groups and cells
PLANTED_PATTERN = re.compile(r"(?<![\d.,])3[.,]1(?![\d])")


def workbook_cells(content: bytes) -> dict[str, list[list]]:
    book = load_workbook(io.BytesIO(content), read_only=True)
    return {sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)] for sheet in book}


def csv_files(content: bytes) -> dict[str, str]:
    """Return the CSV files of a results CSV download (a zip of one CSV per table): name →
    text (UTF-8 with a byte-order mark). A group whose scores are hidden has one table: one CSV."""
    if not zipfile.is_zipfile(io.BytesIO(content)):
        return {"hasil-ringkasan.csv": content.decode("utf-8-sig")}
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name).decode("utf-8-sig") for name in archive.namelist()}


def csv_table(files: dict[str, str], table: str) -> list[list[str]]:
    """Return the rows of the file of `table` (Indonesian style: ';' between cells)."""
    (text,) = [text for name, text in files.items() if name.endswith(f"-{table}.csv")]
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def download(client, name, args, fmt):
    response = results_file(client, reverse(name, args=[*args, fmt]))
    assert response.status_code == 200, response.status_code
    assert "attachment" in response["Content-Disposition"]
    return response.content


@needs_poppler
def test_the_pdf_holds_the_stored_numbers_on_a4_pages(client, computed, tmp_path):
    world, result_set, groups = computed
    group = groups[("institution", "INST-A")]
    client.force_login(world["admin_a"])
    content = download(client, "results_download", ["P-2026", "INST-A"], "pdf")
    assert content.startswith(b"%PDF")
    text = pdf_text(content, tmp_path)
    assert "Instansi A" in text and "Lampiran: metodologi singkat" in text
    assert f"Indeks Implementasi BerAKHLAK {format_number(group['implementasi']['shown'])}" in (
        re.sub(r"\s+", " ", text)
    )
    flat = re.sub(r"\s+", " ", text)
    for code in VALUE_CODES:
        shown = format_number(group["values"][code]["shown"])
        assert re.search(rf"{VALUE_NAMES[code]} {shown} ", flat), code
    assert "kurang dari 10 responden" in text


@needs_poppler
def test_the_pdf_renders_to_page_images_with_ink(client, computed, tmp_path):
    from PIL import Image

    world, _result_set, _groups = computed
    client.force_login(world["admin_a"])
    path = tmp_path / "r.pdf"
    path.write_bytes(download(client, "results_download", ["P-2026", "INST-A"], "pdf"))
    subprocess.run(["pdftoppm", "-r", "30", "-png", str(path), str(tmp_path / "p")], check=True)
    pages = sorted(tmp_path.glob("p-*.png"))
    assert len(pages) >= 2
    for page in pages:
        image = Image.open(page).convert("L")
        width, height = image.size
        assert 0.69 < width / height < 0.73  # A4 portrait: 210 × 297
        assert image.getextrema()[0] < 128  # something dark is drawn on every page
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
    assert re.search(r"Page size:\s+595\.\d* x 841\.\d* pts \(A4\)", info)


def test_the_workbook_holds_the_stored_numbers_with_its_five_sheets(client, computed):
    world, result_set, groups = computed
    group = groups[("institution", "INST-A")]
    client.force_login(world["evaluator_a"])
    sheets = workbook_cells(download(client, "results_download", ["P-2026", "INST-A"], "xlsx"))
    assert list(sheets) == [
        "Ringkasan",
        "Indeks",
        "Nilai",
        "Perilaku",
        "Pendorong",
        "Rincian",
        "Unit",
    ]
    values = {row[0]: row for row in sheets["Nilai"][1:]}
    for code in VALUE_CODES:
        stored = group["values"][code]
        assert values[code][2] == stored["shown"]
        assert values[code][5] == round_shown(stored["favourable"])
    behaviours = {row[1]: row[4] for row in sheets["Perilaku"][1:]}
    assert behaviours == {code: group["behaviours"][code]["shown"] for code in BEHAVIOUR_CODES}
    summary = {row[0]: row for row in sheets["Indeks"] if row}
    assert summary["Indeks Implementasi BerAKHLAK"][1] == group["implementasi"]["shown"]
    details = {(row[0], row[1]): row for row in sheets["Rincian"][1:]}
    assert details[("Unit kerja", "KECIL")][6] == "kurang dari 10 responden"
    besar = group["breakdowns"]["unit"]["BESAR"]
    assert details[("Unit kerja", "BESAR")][6] == besar["implementasi"]["shown"]


def test_exported_cells_are_neutralised_against_formula_injection(client, computed):
    world, _result_set, _groups = computed
    world["inst_a"].name = '=HYPERLINK("http://x","klik")'
    world["inst_a"].save()
    client.force_login(world["admin_a"])
    sheets = workbook_cells(download(client, "results_download", ["P-2026", "INST-A"], "xlsx"))
    names = [row[1] for row in sheets["Ringkasan"] if row and row[0] == "Nama"]
    assert names == ['\'=HYPERLINK("http://x","klik")']
    files = csv_files(download(client, "results_download", ["P-2026", "INST-A"], "csv"))
    assert ["Nama", '\'=HYPERLINK("http://x","klik")'] in csv_table(files, "ringkasan")
    for table in ("ringkasan", "indeks", "nilai", "perilaku", "rincian", "unit"):
        rows = csv_table(files, table)
        assert not any(cell.startswith("=") for row in rows for cell in row)


def plant_hidden_scores(result_set, institution="INST-A", units=("KECIL", "SEDANG")):
    """Put a distinctive score into every suppressed unit and cell, as a leak would."""
    fake = {"score": PLANTED, "shown": PLANTED, "category": "D", "ci95": [3.0, 3.2],
            "se": 0.05, "n": 4}  # fmt: skip
    scores = {
        "implementasi": fake,
        "indeks_berakhlak": fake,
        "evaluasi": fake,
        "engagement": {**fake, "eligible": False},
        "energi_positif": fake,
        "keselarasan_pribadi_organisasi": fake,
        "keselarasan_saat_ini_harapan": fake,
        "values": {code: {**fake, "favourable": PLANTED} for code in VALUE_CODES},
        "behaviours": {code: fake for code in BEHAVIOUR_CODES},
        "change": {"implementasi": {"delta": PLANTED, "shown": PLANTED, "significant": True}},
        "benchmark": {"implementasi": {"median": PLANTED, "p75": PLANTED, "rank": 1, "of": 1,
                                       "percentile_rank": PLANTED}},
    }  # fmt: skip
    document = result_set.document
    for group in document["groups"]:
        if group["level"] == "unit" and group["code"] in units:
            assert group["suppressed"]
            group.update(scores)
        if group["level"] == "institution" and group["code"] == institution:
            for code in units:
                cell = group["breakdowns"]["unit"][code]
                assert cell["suppressed"]
                cell.update(scores)
    from budaya.results.store import create_result_set

    # Stored as the next release through the one storing service.
    return create_result_set(
        result_set.period, result_set.version + 1, result_set.computed_on, "cli", document
    )


def test_no_output_shows_any_score_of_a_unit_below_k(client, computed, tmp_path, capsys):
    world, result_set, groups = computed
    assert groups[("unit", "KECIL")]["n"] < 10
    plant_hidden_scores(result_set)
    period, inst = world["period"], world["inst_a"]
    client.force_login(world["admin_a"])
    outputs = {}
    for name, args in (
        ("results", ["P-2026", "INST-A"]),
        ("unit_results", ["P-2026", "INST-A", "KECIL"]),
        ("unit_results", ["P-2026", "INST-A", "SEDANG"]),
    ):
        outputs[f"page {args}"] = client.get(reverse(name, args=args)).content.decode()
    for args, name in (
        (["P-2026", "INST-A"], "results_download"),
        (["P-2026", "INST-A", "KECIL"], "unit_results_download"),
    ):
        workbook = workbook_cells(download(client, name, args, "xlsx"))
        outputs[f"xlsx {args}"] = repr(workbook)
        outputs[f"csv {args}"] = repr(csv_files(download(client, name, args, "csv")))
        if shutil.which("pdftotext"):
            outputs[f"pdf {args}"] = pdf_text(download(client, name, args, "pdf"), tmp_path)
    current = latest_set(period)
    outputs["press"] = press_summary(period, current, inst)
    outputs["press unit"] = press_summary(period, current, inst, world["units"]["KECIL"])
    assert main(["report", "P-2026", "INST-A", "--unit", "KECIL", "--press"]) == 0
    outputs["cli press"] = capsys.readouterr().out
    for label, text in outputs.items():
        assert not PLANTED_PATTERN.search(text), f"a hidden score leaked into the {label}"
    assert "kurang dari 10 responden" in outputs["page ['P-2026', 'INST-A', 'KECIL']"]
    assert "tidak dipublikasikan" in outputs["press unit"]
    # The planted numbers are there to be found: the gate, not luck, keeps them out.
    assert PLANTED_PATTERN.search(repr(latest_set(period).groups.get(code="KECIL").data))


def test_the_cli_writes_pdf_workbook_and_csv_of_a_unit(computed, tmp_path):
    world, result_set, groups = computed
    besar = groups[("unit", "BESAR")]
    for flag in ("--xlsx", "--csv"):
        out = tmp_path / f"besar{flag.replace('--', '.')}"
        assert main(["report", "P-2026", "INST-A", "--unit", "BESAR", flag, str(out)]) == 0
    assert (tmp_path / "besar.xlsx").stat().st_size > 0
    # Several tables: one CSV per table in a zip, written next to the name given.
    assert not (tmp_path / "besar.csv").exists()
    files = csv_files((tmp_path / "besar.zip").read_bytes())
    values = {row[0]: row for row in csv_table(files, "nilai")[1:]}
    assert values["BP"][2] == format_number(besar["values"]["BP"]["shown"])  # decimal comma
    sheets = workbook_cells((tmp_path / "besar.xlsx").read_bytes())
    assert "Unit" not in sheets  # a unit has no units of its own


def test_the_cli_refuses_an_unknown_unit_and_a_missing_folder(computed, tmp_path, capsys):
    assert main(["report", "P-2026", "INST-A", "--unit", "NOPE", "--csv", "x.csv"]) == 1
    assert "NOPE" in capsys.readouterr().err
    missing = tmp_path / "nope" / "x.pdf"
    assert main(["report", "P-2026", "INST-A", "--pdf", str(missing)]) == 1
    assert "tidak ada" in capsys.readouterr().err

"""One sentence explains eligibility on the results page, in the PDF and in the workbooks."""
# ruff: noqa: F811 - pytest fixtures imported from tests are parameters here

import html
import re
import shutil

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from budaya.interchange.results_xlsx import write_results_xlsx
from budaya.interchange.summary import ELIGIBILITY_SENTENCE, eligibility_sentence
from tests.test_reports_outputs import download, workbook_cells
from tests.test_results_support import computed, pdf_text  # noqa: F401
from tests.web_fixtures import _fast_passwords, instrument, world  # noqa: F401

ENGLISH = (
    "Eligible means the number of respondents reaches the Slovin minimum, N / (1 + N·e²) "
    "rounded up (N: number of employees, e: the period's margin of error); a group that is not "
    "yet eligible is left out of rankings, benchmarks and public reports."
)
SENTENCES = {"id": ELIGIBILITY_SENTENCE, "en": ENGLISH}


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_the_sentence_is_translated_and_indonesian_by_default():
    with translation.override("id"):
        assert eligibility_sentence() == ELIGIBILITY_SENTENCE
    with translation.override("en"):
        assert eligibility_sentence() == ENGLISH
    assert "Slovin" in ELIGIBILITY_SENTENCE and "memenuhi syarat" in ELIGIBILITY_SENTENCE


@pytest.mark.parametrize("language", ["id", "en"])
def test_page_pdf_and_workbook_carry_exactly_the_one_sentence(client, computed, tmp_path, language):
    world, result_set, groups = computed
    sentence = SENTENCES[language]
    client.cookies["django_language"] = language
    client.force_login(world["admin_a"])
    page = client.get(reverse("results", args=["P-2026", "INST-A"])).content.decode()
    assert sentence in html.unescape(page)
    workbook = workbook_cells(download(client, "results_download", ["P-2026", "INST-A"], "xlsx"))
    # sheet and row names follow the reader's language too
    sheet, name = {
        "id": ("Ringkasan", "Arti memenuhi syarat"),
        "en": ("Summary", "What eligible means"),
    }[language]
    assert [name, sentence] in [row[:2] for row in workbook[sheet]]
    if shutil.which("pdftotext"):
        pdf = pdf_text(download(client, "results_download", ["P-2026", "INST-A"], "pdf"), tmp_path)
        assert sentence in flat(pdf)
    # The old, separate wordings are gone from all three.
    assert "Minimum responden mengikuti rumus Slovin" not in flat(page)
    with translation.override(language):
        path = tmp_path / "hasil.xlsx"
        write_results_xlsx({"groups": []}, path, threshold=10)
    notes_sheet = {"id": "Keterangan", "en": "Notes"}[language]
    notes = [list(row) for row in load_workbook(path)[notes_sheet].iter_rows(values_only=True)]
    assert ["Memenuhi syarat", sentence] in notes

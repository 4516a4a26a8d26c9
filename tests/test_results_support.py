"""Helpers shared by the results, reports and press tests (no tests here)."""
# ruff: noqa: F811 - pytest fixtures imported from tests.web_fixtures are parameters here

import re
import subprocess

import pytest

from tests.web_fixtures import _fast_passwords, instrument, release, world  # noqa: F401


def rows_of(html: str) -> dict[str, list[str]]:
    """Return table rows by their first cell's text, cells stripped of tags."""
    found = {}
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", html, flags=re.S):
        cells = [
            re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", cell)).strip()
            for cell in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, flags=re.S)
        ]
        if cells:
            found[cells[0]] = cells
    return found


def groups_of(document: dict) -> dict:
    """Return the document's groups by (level, code)."""
    return {(g["level"], g["code"]): g for g in document["groups"]}


def pdf_text(content: bytes, tmp_path) -> str:
    """Return the text of a PDF through Debian's pdftotext (poppler-utils)."""
    path = tmp_path / "report.pdf"
    path.write_bytes(content)
    done = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True
    )
    return done.stdout


@pytest.fixture
def computed(world):
    """Return (world, result set, groups by (level, code)) after computing the period."""
    result_set = release(world["period"])
    return world, result_set, groups_of(result_set.document)

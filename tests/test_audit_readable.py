"""The audit log speaks Indonesian and English and gives local times, on the page and in the CSV."""
# ruff: noqa: F811 - pytest fixtures imported from tests.web_fixtures are parameters here

import csv
import datetime as dt
import html
import io
import re

import pytest
from django.utils import translation

from budaya.audit.labels import ACTION_LABELS, action_label, detail_text
from budaya.audit.models import AuditEntry
from budaya.audit.services import log_action
from tests.web_fixtures import _fast_passwords, instrument, world  # noqa: F401

# 2026-03-01 23:30 UTC is 2026-03-02 06:30 in Asia/Jakarta (UTC+7).
MOMENT = dt.datetime(2026, 3, 1, 23, 30, 5, tzinfo=dt.UTC)

EXPECTED = {
    "id": {
        "label": "Hasil dirilis",
        "detail": "pemicu: Penutupan periode; versi: 3; skor dibawa dari rilis sebelumnya: tidak",
        "header": ["waktu", "pelaku", "tindakan", "kode tindakan", "instansi", "objek", "rincian"],
        "delimiter": ";",
    },
    "en": {
        "label": "Results released",
        "detail": "trigger: Period closing; version: 3; scores carried over from an earlier "
        "release: no",
        "header": ["time", "actor", "action", "action code", "institution", "object", "details"],
        "delimiter": ",",
    },
}


def released(world):
    entry = log_action(
        world["national"],
        "results.release",
        institution=world["inst_a"],
        target="P-2026 v3",
        detail={"trigger": "close", "version": 3, "carried_over": False},
    )
    AuditEntry.objects.filter(pk=entry.pk).update(created_at=MOMENT)
    return entry


def test_every_action_the_code_writes_has_a_translated_label():
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent / "budaya"
    written = set()
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "log_action":
                for sub in ast.walk(node.args[1]) if len(node.args) > 1 else ():
                    if isinstance(sub, ast.Constant) and isinstance(sub.value, str):
                        written.add(sub.value)
    assert written and written <= set(ACTION_LABELS), written - set(ACTION_LABELS)
    for action in ACTION_LABELS:
        with translation.override("en"):
            english = action_label(action)
        with translation.override("id"):
            indonesian = action_label(action)
        assert english != indonesian and "." not in english, action


def test_an_unknown_action_and_detail_key_are_shown_as_stored():
    with translation.override("en"):
        assert action_label("something.new") == "something.new"
        assert detail_text({"mystery": [1, 2], "note": None}) == "mystery: 1, 2; note: –"
    assert detail_text({}) == ""


@pytest.mark.parametrize("language", ["id", "en"])
def test_the_page_shows_labels_readable_details_and_local_time(client, world, language):
    released(world)
    expected = EXPECTED[language]
    client.cookies["django_language"] = language
    client.force_login(world["national"])
    page = html.unescape(client.get("/log-audit/").content.decode())
    row = re.search(r"<tr>\s*<td><time.*?</tr>", page, re.S).group(0)
    assert "2026-03-02 06:30" in row and "23:30" not in row
    assert 'datetime="2026-03-02T06:30:05+0700"' in row
    assert expected["label"] in row and expected["detail"] in row
    assert "{" not in row and "'trigger'" not in row  # no Python dict
    assert "Asia/Jakarta" in page
    assert f'<option value="results.release">{expected["label"]}</option>' in page


@pytest.mark.parametrize("language", ["id", "en"])
def test_the_csv_speaks_the_language_and_gives_local_time(client, world, language):
    released(world)
    expected = EXPECTED[language]
    client.cookies["django_language"] = language
    client.force_login(world["national"])
    response = client.get("/log-audit/ekspor.csv?action=results.release")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=expected["delimiter"]))
    assert rows[0] == expected["header"]
    (row,) = rows[1:]
    assert row[0] == "2026-03-02T06:30:05+07:00"
    assert row[2:5] == [expected["label"], "results.release", "INST-A"]
    assert row[6] == expected["detail"]

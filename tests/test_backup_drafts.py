"""Drafts are never in a backup (nor the shared link's codes and browser secrets), and a restore
never brings any back, even from a doctored archive."""

import json
import sqlite3
import zipfile

from django.test import Client

from budaya.backup.archive import MANIFEST, backed_up_models, write_backup
from budaya.survey.drafts import draft_key
from budaya.survey.models import Draft, SharedAccess, SharedCode
from budaya.survey.services import find_invitation, get_or_create_shared_link, save_draft
from tests import test_survey_support as support
from tests.test_backup_roundtrip import budaya, sqlite_url

instrument = support.instrument
world = support.world
LEFT_OUT = {"survey.draft", "survey.sharedcode", "survey.sharedaccess"}


def with_drafts_codes_and_secrets(world, instrument):
    from tests.test_survey_shared_link import admitted_client, ask_code

    period, institution, entries, tokens = world
    token = tokens[entries[0].pk]
    save_draft(find_invitation(token), support.full_draft(instrument), draft_key(token))
    link = get_or_create_shared_link(period, institution)
    admitted_client(link, entries[2])
    ask_code(Client(), link, "198001012005011999")
    assert Draft.objects.exists() and SharedCode.objects.exists() and SharedAccess.objects.exists()


def test_a_backup_holds_no_draft_code_or_browser_secret(world, instrument, tmp_path):
    with_drafts_codes_and_secrets(world, instrument)
    manifest = write_backup(tmp_path / "backup.zip")
    with zipfile.ZipFile(tmp_path / "backup.zip") as archive:
        names = archive.namelist()
        everything = b"".join(archive.read(name) for name in names)
    assert not LEFT_OUT & {entry["model"] for entry in manifest["models"]}
    assert not [name for name in names if any(model in name for model in LEFT_OUT)]
    assert b"survey.draft" not in everything and b"ciphertext" not in everything
    assert b"secret_hash" not in everything and b"code_hash" not in everything
    assert "data/survey.invitation.jsonl" in names  # the rest is there
    assert not LEFT_OUT & {model._meta.label_lower for model in backed_up_models()}


def test_a_restore_never_brings_drafts_back_even_from_a_doctored_archive(
    world, instrument, tmp_path
):
    with_drafts_codes_and_secrets(world, instrument)
    write_backup(tmp_path / "clean.zip")
    draft = Draft.objects.get()
    row = {
        "model": "survey.draft",
        "pk": draft.pk,
        "fields": {
            "period": draft.period_id,
            "locator": draft.locator,
            "ciphertext": "AAAA",
            "updated_on": draft.updated_on.isoformat(),
        },
    }
    doctored = tmp_path / "doctored.zip"
    with zipfile.ZipFile(tmp_path / "clean.zip") as old, zipfile.ZipFile(doctored, "w") as new:
        for item in old.infolist():
            data = old.read(item.filename)
            if item.filename == MANIFEST:
                manifest = json.loads(data)
                manifest["models"].append(
                    {"model": "survey.draft", "file": "data/survey.draft.jsonl", "count": 1}
                )
                data = json.dumps(manifest).encode()
            new.writestr(item, data)
        new.writestr("data/survey.draft.jsonl", json.dumps(row) + "\n")
    target = tmp_path / "restored.sqlite3"
    restored = budaya(sqlite_url(tmp_path, "restored.sqlite3"), tmp_path, "restore",
                      str(doctored), "--yes")  # fmt: skip
    assert restored.returncode == 0, restored.stderr
    with sqlite3.connect(target) as db:
        assert db.execute("SELECT count(*) FROM survey_draft").fetchone() == (0,)
        assert db.execute("SELECT count(*) FROM survey_invitation").fetchone() == (3,)

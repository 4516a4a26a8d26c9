"""The migration to encrypted drafts drops the plaintext drafts stored before it."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("survey", "0003_response_first_release")]
AFTER = [("survey", "0004_encrypted_drafts_shared_codes_and_access")]


@pytest.mark.django_db(transaction=True)
def test_plaintext_drafts_are_dropped_by_the_migration():
    executor = MigrationExecutor(connection)
    # Every other app stays at its newest migration (its tables are as the code has them).
    others = [node for node in executor.loader.graph.leaf_nodes() if node[0] != "survey"]
    before = BEFORE + others
    executor.migrate(BEFORE)
    old = executor.loader.project_state(before).apps
    period = old.get_model("periods", "Period").objects.create(
        code="MIG",
        instrument="berakhlak-2026",
        opens_on=dt.date(2026, 1, 1),
        closes_on=dt.date(2026, 2, 1),
        state="open",
        threshold=5,
    )
    institution = old.get_model("institutions", "Institution").objects.create(
        code="MIGI", name="Migrasi", kind="kementerian", region="pusat"
    )
    unit = old.get_model("institutions", "Unit").objects.create(
        institution=institution, code="U1", name="Unit"
    )
    entry = old.get_model("roster", "RosterEntry").objects.create(
        period=period,
        institution=institution,
        unit=unit,
        nip="199001012015031001",
        name="Pegawai",
        gender="L",
        employment_type="PNS",
        birth_date=dt.date(1990, 1, 1),
    )
    invitation = old.get_model("survey", "Invitation").objects.create(
        period=period, roster_entry=entry, token_hash="a" * 64, created_on=dt.date(2026, 1, 1)
    )
    old.get_model("survey", "Draft").objects.create(
        invitation=invitation,
        data={"answers": {"x": 5}, "comment": "RAHASIA"},
        updated_on=dt.date(2026, 1, 2),
    )
    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = MigrationExecutor(connection).loader.project_state(AFTER).apps
    assert not new.get_model("survey", "Draft").objects.exists()
    assert new.get_model("survey", "Invitation").objects.filter(pk=invitation.pk).exists()
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

"""The migration to encrypted drafts drops the plaintext drafts stored before it."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

# The periods app's latest migration is part of each target: the period table has its later
# columns whatever the survey app is migrated to, and the historical model must know them.
PERIODS = ("periods", "0004_period_name_previous")
BEFORE = [("survey", "0003_response_first_release"), PERIODS]
AFTER = [("survey", "0004_encrypted_drafts_shared_codes_and_access"), PERIODS]
BEFORE_MARKS = [("survey", "0004_encrypted_drafts_shared_codes_and_access"), PERIODS]
AFTER_MARKS = [("survey", "0005_submission_marks_and_drafts_without_invitation"), PERIODS]


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


@pytest.mark.django_db(transaction=True)
def test_used_flags_become_submission_marks_and_old_drafts_are_dropped():
    from budaya.survey.marks import submission_mark

    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE_MARKS)
    old = executor.loader.project_state(BEFORE_MARKS).apps
    period = old.get_model("periods", "Period").objects.create(
        code="MARK",
        instrument="berakhlak-2026",
        opens_on=dt.date(2026, 1, 1),
        closes_on=dt.date(2026, 2, 1),
        state="open",
        threshold=5,
    )
    institution = old.get_model("institutions", "Institution").objects.create(
        code="MARKI", name="Tanda", kind="kementerian", region="pusat"
    )
    unit = old.get_model("institutions", "Unit").objects.create(
        institution=institution, code="U1", name="Unit"
    )
    invitations = []
    for number in (1, 2):
        entry = old.get_model("roster", "RosterEntry").objects.create(
            period=period,
            institution=institution,
            unit=unit,
            nip=f"19900101201503100{number}",
            name=f"Pegawai {number}",
            gender="L",
            employment_type="PNS",
            birth_date=dt.date(1990, 1, 1),
        )
        invitations.append(
            old.get_model("survey", "Invitation").objects.create(
                period=period,
                roster_entry=entry,
                token_hash=str(number) * 64,
                created_on=dt.date(2026, 1, 1),
                used=number == 1,
            )
        )
    old.get_model("survey", "Draft").objects.create(
        invitation=invitations[1], ciphertext=b"x" * 40, updated_on=dt.date(2026, 1, 2)
    )
    executor = MigrationExecutor(connection)
    executor.migrate(AFTER_MARKS)
    new = MigrationExecutor(connection).loader.project_state(AFTER_MARKS).apps
    marks = set(new.get_model("survey", "SubmissionMark").objects.values_list("mark", flat=True))
    assert marks == {submission_mark(period.pk, invitations[0].pk)}
    assert not new.get_model("survey", "Draft").objects.exists()
    # And back: the flag comes back from the mark.
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE_MARKS)
    back = MigrationExecutor(connection).loader.project_state(BEFORE_MARKS).apps
    used = back.get_model("survey", "Invitation").objects.filter(used=True)
    assert list(used.values_list("pk", flat=True)) == [invitations[0].pk]
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

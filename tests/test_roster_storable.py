"""Roster checks match the database exactly: a NUL byte, a lone surrogate or an over-long
field is refused with its row and column, and every row the checks accept is stored, on
SQLite and PostgreSQL alike (the property test runs on PostgreSQL, which is the stricter)."""
# ruff: noqa: F811 - pytest fixtures imported from tests.web_fixtures are parameters here

from pathlib import Path

import pytest
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from budaya.interchange.roster_import import MAX_LENGTHS, check_table
from budaya.interchange.tables import Table
from budaya.roster.models import RosterEntry
from budaya.roster.services import RosterImportError, RosterPreview, import_roster, validate_roster
from tests.web_fixtures import _fast_passwords, draft_period  # noqa: F401

NIP_L = "198701012010011001"
HEADER = "nip,nama,jenis_kelamin,jenis_pegawai,unit,email,telepon\n"


def problems_of(period, institution, line: str):
    with pytest.raises(RosterImportError) as caught:
        validate_roster(period, institution, (HEADER + line + "\n").encode(), "r.csv")
    return [(p.row, p.column, p.message) for p in caught.value.problems]


@pytest.mark.parametrize(
    ("line", "column", "words"),
    [
        (f"{NIP_L},Bu\x00di,L,PNS,SETDA,,", "nama", "karakter NUL"),
        (f"{NIP_L},Budi,L,PNS,SETDA,,0812\x00345678", "telepon", "karakter NUL"),
        (f"{NIP_L},{'x' * 201},L,PNS,SETDA,,", "nama", "lebih dari 200 karakter"),
        (f"{NIP_L},Budi,L,PNS,SETDA,{'a' * 250}@b.id,", "email", "lebih dari 254 karakter"),
        (f"{NIP_L},Budi,L,PNS,SETDA,,+{'1' * 32}", "telepon", "bukan nomor telepon"),
    ],
)
def test_cells_the_database_cannot_store_are_refused_by_row_and_column(
    draft_period, line, column, words
):
    period, institution, _units = draft_period
    found = problems_of(period, institution, line)
    assert [(row, col) for row, col, _ in found] == [(2, column)]
    assert words in found[0][2]
    assert not RosterEntry.objects.exists()


def test_a_phone_with_a_line_break_in_a_quoted_cell_is_refused(draft_period):
    period, institution, _units = draft_period
    found = problems_of(period, institution, f'{NIP_L},Budi,L,PNS,SETDA,,"+62812\n{"1" * 25}"')
    assert found[0][1] == "telepon"


def test_a_lone_surrogate_is_refused():
    from budaya.interchange.roster_import import storable

    assert storable("Budi Santoso") and not storable("Bu\ud800di") and not storable("a\x00")


def test_values_at_the_stored_lengths_are_imported_on_this_database(draft_period):
    period, institution, _units = draft_period
    email = "a" * (MAX_LENGTHS["email"] - 5) + "@b.id"
    phone = "+" + "1" * (MAX_LENGTHS["phone"] - 1)
    line = f"{NIP_L},{'n' * MAX_LENGTHS['name']},L,PNS,SETDA,{email},{phone}"
    preview = validate_roster(period, institution, (HEADER + line + "\n").encode(), "r.csv")
    import_roster(preview)
    entry = RosterEntry.objects.get()
    assert (len(entry.name), entry.email, entry.phone) == (MAX_LENGTHS["name"], email, phone)


# Text the property test feeds into each cell: printable text, control characters, NUL,
# surrogates, and lengths around the stored limits.
cell_text = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec=None), min_size=195, max_size=260),
    st.sampled_from(["", " ", "\x00", "a\x00b", "\ud800", "+62 812-3456-7890\n", "0812345678"]),
)


@pytest.mark.postgres_only
@pytest.mark.django_db
@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(rows=st.lists(st.tuples(cell_text, cell_text, cell_text, cell_text), min_size=1, max_size=4))
def test_every_row_the_checks_accept_inserts_on_postgresql(draft_period, rows):
    if connection.vendor != "postgresql":
        pytest.skip("the property is about PostgreSQL; the PostgreSQL pass runs it")
    period, institution, units = draft_period
    header = ["nip", "nama", "jenis_kelamin", "jenis_pegawai", "unit", "email", "telepon"]
    cells = []
    for i, (name, email, phone, unit) in enumerate(rows):
        nip = f"19870101201001{'12'[i % 2]}{i:03d}"
        cells.append((i + 2, [nip, name, "LP"[i % 2], "PNS", unit or "SETDA", email, phone]))
    checked = check_table(
        Table(Path("p.csv"), header, iter(cells)), institution, list(units.values()), period.year
    )
    if not checked.rows:
        return
    preview = RosterPreview(period, institution, "p.csv", checked.rows, [], 0)
    with transaction.atomic():
        import_roster(preview)  # must not raise: accepted means storable
        stored = {
            e.nip: (e.name, e.email, e.phone) for e in RosterEntry.objects.filter(period=period)
        }
        expected = {row.nip: (row.name, row.email, row.phone) for row in checked.rows}
        assert stored == expected
        transaction.set_rollback(True)


def test_the_property_test_is_marked_for_the_postgresql_pass():
    marks = {
        mark.name for mark in test_every_row_the_checks_accept_inserts_on_postgresql.pytestmark
    }
    assert "postgres_only" in marks

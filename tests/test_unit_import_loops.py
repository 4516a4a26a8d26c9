"""`import-units` refuses parent loops, also those that run through units already stored,
and bad cells (NUL, over-long names), writing nothing."""
# ruff: noqa: F811 - pytest fixtures imported from tests.web_fixtures are parameters here

import pytest

from budaya.cli import main
from budaya.institutions.importing import TableImportError, import_units
from budaya.institutions.models import Institution, Unit


@pytest.fixture
def institution(db):
    institution = Institution.objects.create(
        code="KAB-X", name="Kabupaten X", kind="kabupaten", region="barat"
    )
    top = Unit.objects.create(institution=institution, code="A", name="A")
    Unit.objects.create(institution=institution, code="B", name="B", parent=top)
    return institution


def stored_tree(institution):
    return {
        unit.code: unit.parent.code if unit.parent_id else ""
        for unit in Unit.objects.filter(institution=institution).select_related("parent")
    }


def test_a_loop_through_a_stored_unit_is_refused_on_the_command_line(institution, tmp_path, capsys):
    before = stored_tree(institution)
    path = tmp_path / "units.csv"
    path.write_text("code,name,parent\nA,A,B\n")  # stored: B's parent is A; now A under B
    assert main(["import-units", "KAB-X", str(path)]) == 1
    err = capsys.readouterr().err
    assert "units.csv: Baris 2, kolom parent / row 2, column parent: susunan induk " in err
    assert "lingkaran (A → B → A)" in err and "parent loop (A → B → A)" in err
    assert stored_tree(institution) == before


def test_a_longer_loop_through_stored_units_is_refused(institution):
    Unit.objects.create(
        institution=institution, code="C", name="C", parent=Unit.objects.get(code="B")
    )
    before = stored_tree(institution)
    with pytest.raises(TableImportError) as caught:
        import_units(institution, b"code,name,parent\nA,A,C\n", "u.csv")
    assert "A → C → B → A" in str(caught.value)
    assert stored_tree(institution) == before


def test_moving_a_stored_unit_out_of_the_way_is_not_a_loop(institution):
    import_units(institution, b"code,name,parent\nB,B,\nA,A,B\n", "u.csv")
    assert stored_tree(institution) == {"A": "B", "B": ""}


def test_nul_bytes_and_long_names_in_a_units_file_are_refused(institution):
    content = ("code,name,parent\nC,Ca\x00r,\nD," + "x" * 201 + ",\n").encode()
    with pytest.raises(TableImportError) as caught:
        import_units(institution, content, "u.csv")
    message = str(caught.value)
    assert "Baris 2, kolom name / row 2, column name: berisi karakter NUL" in message
    assert "Baris 3, kolom name / row 3, column name: nama lebih dari 200 karakter" in message
    assert not Unit.objects.filter(code__in=["C", "D"]).exists()

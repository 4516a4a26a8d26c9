"""A result set is stored as a head and one row per group, and read back as the same document.

A national document's `groups` array does not fit one PostgreSQL jsonb value, so no stored
value may hold more than one group; every output of the whole document (the model's
`document`, `budaya results --out`) must be the §11 document the engine produced, to the byte
and in its key order (the head and the groups are stored as JSON text, not jsonb, which would
order the keys of every object). A result set stored before that, as one jsonb document, reads
back as that column gave it (`as_stored_whole`).
"""
# ruff: noqa: F811 - pytest fixtures imported from tests.web_fixtures are parameters here

import json

import orjson
import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from budaya.cli import main
from budaya.results import store
from budaya.results.document import institution_document
from budaya.results.models import ResultGroup, ResultSet
from budaya.results.services import previous_document
from budaya.survey.models import Response
from tests.web_fixtures import _fast_passwords, instrument, release, world  # noqa: F401


def as_stored_whole(document: dict) -> dict:
    """Return the document as the former single JSON column gave it back."""
    if connection.vendor != "postgresql":
        return json.loads(json.dumps(document))
    with connection.cursor() as cursor:
        cursor.execute("SELECT %s::jsonb::text", [store.to_json(document)])
        return json.loads(cursor.fetchone()[0])


def dumped(document: dict) -> str:
    return json.dumps(document, ensure_ascii=False, indent=1) + "\n"


@pytest.fixture
def computed(world):
    """The engine's document of the world's period, and its stored result set."""
    released = release(world["period"])
    engine = released.document
    assert len(engine["groups"]) > 3
    engine["branding_segments"] = {"note": "kunci tambahan / an added top-level key"}
    # Text that COPY and JSON must both escape: quotes, backslashes, tabs, newlines, non-ASCII.
    engine["groups"][1]["note"] = 'kutip " garis \\ tab \t baris \n ü € \\N'
    # Stored through the one storing service, as the next release.
    result_set = store.create_result_set(
        world["period"], released.version + 1, released.computed_on, "cli", engine
    )
    return world, engine, result_set


def test_the_reassembled_document_is_the_engine_document_to_the_byte(computed):
    world, engine, result_set = computed
    stored = ResultSet.objects.get(pk=result_set.pk)
    assert stored._document is None  # nothing read yet
    reassembled = stored.document
    assert reassembled == engine
    assert list(reassembled) == list(engine)  # "groups" keeps its place
    assert dumped(reassembled) == dumped(engine)
    # Every group's keys in the engine's order (jsonb would have ordered them by length).
    assert [list(group) for group in reassembled["groups"]] == [
        list(group) for group in engine["groups"]
    ]


def test_results_out_writes_the_stored_document_as_json_dumps_did(computed, tmp_path, capsys):
    world, engine, result_set = computed
    out = tmp_path / "all.json"
    assert main(["results", "P-2026", "--out", str(out)]) == 0
    assert out.read_text("utf-8") == dumped(engine)
    one = tmp_path / "a.json"
    assert main(["results", "P-2026", "--institution", "INST-A", "--out", str(one)]) == 0
    expected = institution_document(engine, "INST-A")
    assert len(expected["groups"]) >= 3  # nation, the institution and its units
    assert one.read_text("utf-8") == dumped(expected)
    assert f"({len(expected['groups'])} kelompok / groups)" in capsys.readouterr().out


def test_a_document_without_groups_is_written_as_it_is(computed, tmp_path):
    world, engine, result_set = computed
    empty = {"method_version": engine["method_version"], "period": "P-2026", "groups": []}
    result_set = store.create_result_set(
        world["period"], result_set.version + 1, result_set.computed_on, "cli", empty
    )
    out = tmp_path / "empty.json"
    assert main(["results", "P-2026", "--out", str(out)]) == 0
    assert out.read_text("utf-8") == dumped(empty)
    assert ResultSet.objects.get(pk=result_set.pk).document == empty


def test_no_stored_value_holds_more_than_one_group(computed):
    world, engine, result_set = computed
    stored = ResultSet.objects.get(pk=result_set.pk)
    assert stored.head["groups"] == []
    assert {k: v for k, v in stored.head.items() if k != "groups"} == {
        k: v for k, v in engine.items() if k != "groups"
    }
    rows = ResultGroup.objects.filter(result_set=stored)
    assert list(rows.order_by("position").values_list("data", flat=True)) == engine["groups"]
    # The largest JSON value written for the set is one group, not the document: a national
    # document (270 MB, 18,600 groups) is never one value.
    data = "data::text" if connection.vendor == "postgresql" else "data"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT max(length({data})) FROM results_resultgroup WHERE result_set_id = %s",
            [stored.pk],
        )
        largest = cursor.fetchone()[0]
    largest_group = max(len(store.to_json(group)) for group in engine["groups"])
    assert largest <= 1.2 * largest_group
    assert largest < 0.8 * len(store.to_json(engine))


def later_period(world):
    """A period a year after the world's, with copies of its roster and responses, open."""
    import uuid

    from budaya.periods.models import Period
    from budaya.roster.models import RosterEntry

    period = world["period"]
    later = Period.objects.create(
        code="P-2027",
        instrument=period.instrument,
        opens_on=period.opens_on.replace(year=period.opens_on.year + 1),
        closes_on=period.closes_on.replace(year=period.closes_on.year + 1),
    )
    entries = list(RosterEntry.objects.filter(period=period))
    for entry in entries:
        entry.pk, entry.period = None, later
    RosterEntry.objects.bulk_create(entries)
    responses = list(Response.objects.filter(period=period).order_by("id"))
    for n, response in enumerate(responses):
        response.pk, response.period = uuid.uuid4(), later
        if n % 3 == 0:  # some answers move, so the change figures are not all zero
            response.answers = "".join(str(min(5, int(c) + 1)) for c in response.answers)
    Response.objects.bulk_create(responses)
    later.state = Period.State.OPEN
    later.save()
    return later


def test_the_change_figures_from_the_previous_change_basis_equal_those_from_the_whole_document(
    computed, monkeypatch
):
    from budaya.results import services

    world, engine, result_set = computed
    later = later_period(world)
    basis = previous_document(later)
    assert basis["groups"] != engine["groups"]  # smaller: no behaviours, breakdowns, …
    assert [(g["level"], g["code"]) for g in basis["groups"]] == [
        (g["level"], g["code"]) for g in engine["groups"]
    ]
    from_basis = services.compute_document(later)
    monkeypatch.setattr(services, "previous_document", lambda period: engine)
    from_whole = services.compute_document(later)
    assert json.dumps(from_basis) == json.dumps(from_whole)
    changed = [g for g in from_basis["groups"] if (g.get("change") or {}).get("values")]
    assert changed  # the change figures were really computed


@pytest.mark.django_db(transaction=True)
def test_a_result_set_stored_as_one_document_is_split_by_the_migration(world):
    result_set = release(world["period"])
    engine = result_set.document
    executor = MigrationExecutor(connection)
    executor.migrate([("results", "0002_resultgroup")])
    try:
        old = executor.loader.project_state([("results", "0002_resultgroup")]).apps
        OldGroup = old.get_model("results", "ResultGroup")
        OldGroup.objects.all().delete()  # stored before per-group rows existed
        OldSet = old.get_model("results", "ResultSet")
        old_set = OldSet.objects.get(pk=result_set.pk)
        assert old_set.document == engine
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
    stored = ResultSet.objects.get(pk=result_set.pk)
    assert stored.document == engine
    assert dumped(stored.document) == dumped(as_stored_whole(engine))
    # One row per group; the top-level keys live in the head only (0005 drops the old row).
    assert ResultGroup.objects.filter(result_set=stored).count() == len(engine["groups"])
    assert not ResultGroup.objects.filter(level="document").exists()
    for group in engine["groups"]:
        assert store.group(stored, group["level"], group["code"], group.get("parent") or "") == (
            group
        )
    assert store.document_keys(stored) == {k: v for k, v in engine.items() if k != "groups"}


def test_orjson_reads_the_stored_text_as_the_json_module_does(computed):
    world, engine, result_set = computed
    texts = list(store.group_texts(result_set))
    assert [orjson.loads(text) for text in texts] == [json.loads(text) for text in texts]


def test_compute_with_timings_names_the_time_of_each_phase(world, capsys):
    release(world["period"])
    capsys.readouterr()
    assert main(["compute", "P-2026", "--timings"]) == 0
    err = capsys.readouterr().err
    phases = dict(
        (part.split()[0], float(part.split()[1]))
        for part in err.split("tahap / phases: ")[1].strip().split(", ")
    )
    assert {"load", "engine", "store"} <= phases.keys()
    assert all(seconds >= 0 for seconds in phases.values())
    assert main(["compute", "P-2026"]) == 0
    assert "tahap" not in capsys.readouterr().err


def test_a_key_that_is_not_text_is_stored_as_json_dumps_writes_it(computed):
    world, engine, result_set = computed
    engine["groups"][2]["extra"] = {1: "satu", "2": "dua"}
    stored_set = store.create_result_set(
        world["period"], result_set.version + 1, result_set.computed_on, "cli", engine
    )
    stored = ResultSet.objects.get(pk=stored_set.pk).document
    assert stored["groups"][2]["extra"] == {"1": "satu", "2": "dua"}
    assert stored["groups"][1]["note"] == engine["groups"][1]["note"]


@pytest.mark.parametrize(
    ("value", "field"),
    [
        (None, b"\\N"),
        ("\\N", b"\\\\N"),
        ("a\tb\nc\rd\\e", b"a\\tb\\nc\\rd\\\\e"),
        (b'{"k": "\\"x\\""}', b'{"k": "\\\\"x\\\\""}'),
        (12, b"12"),
        ("ü €", "ü €".encode()),
    ],
)
def test_a_copy_field_escapes_what_copy_text_format_reads_as_special(value, field):
    assert store.copy_field(value) == field


def test_the_head_the_summaries_and_the_data_are_json_text_columns(computed):
    world, engine, result_set = computed
    if connection.vendor != "postgresql":
        pytest.skip("column types of PostgreSQL")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid "
            "IN ('results_resultset'::regclass, 'results_resultgroup'::regclass) AND attname "
            "IN ('head', 'data', 'summary')"
        )
        types = dict(cursor.fetchall())
    assert types == {"head": "text", "data": "text", "summary": "text"}

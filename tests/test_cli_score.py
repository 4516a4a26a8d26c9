"""`budaya score`: reading the §11 files, refusing bad input cleanly, writing the results."""

import json
import sys
import types
from types import SimpleNamespace

import numpy as np
import pytest

from budaya.cli import main
from tests.test_interchange_evaluation import HEADER as EVALUATION_HEADER
from tests.test_interchange_responses import SPEC, response_row, write_csv
from tests.test_interchange_roster import NIP1, roster_rows, write_roster_csv

OLD = "hasil lama, jangan ditimpa\n"


@pytest.fixture
def fake_instrument(monkeypatch):
    """Score with the small hand-built spec instead of a catalogue edition."""
    instrument = SimpleNamespace(scoring_spec=lambda: SPEC, max_picks=5)
    monkeypatch.setattr("budaya.cli.score.load_instrument", lambda edition: instrument)
    return instrument


@pytest.fixture
def engine(monkeypatch):
    """Replace the engine by one that records its arguments and counts responses per group."""
    calls = []

    def compute_results(spec, method, data, **options):
        calls.append(SimpleNamespace(spec=spec, method=method, data=data, **options))
        groups = [
            {
                "level": "nation",
                "code": "ID",
                "parent": None,
                "n": data.n,
                "population": None,
                "minimum": None,
                "eligible": False,
                "suppressed": False,
                "implementasi": None,
                "evaluasi": None,
                "indeks_berakhlak": None,
            }
        ]
        for i, code in enumerate(data.institutions):
            units = [u for u, (inst, _) in enumerate(data.units) if inst == i]
            n = int(np.isin(data.unit, units).sum())
            groups.append(
                {
                    "level": "institution",
                    "code": code,
                    "parent": "ID",
                    "n": n,
                    "population": None,
                    "minimum": None,
                    "eligible": False,
                    "suppressed": n < method.threshold,
                }
            )
        return {
            "method_version": "1",
            "period": options["period"],
            "instrument": options["instrument"],
            "groups": groups,
        }

    monkeypatch.setitem(sys.modules, "budaya.scoring.engine", fake_engine(compute_results))
    return calls


def fake_engine(compute_results):
    """Return a stand-in for budaya.scoring.engine whose compute_results is the one given."""
    from budaya.scoring import engine as real_engine

    module = types.ModuleType("budaya.scoring.engine")
    module.compute_results = compute_results
    module.cyclic_gc_paused = real_engine.cyclic_gc_paused
    return module


@pytest.fixture
def files(tmp_path):
    """Write good responses, roster and evaluation files; return their paths and the outputs."""
    rows = [response_row(f"r{i}", "A01", "U1" if i % 2 else "U2") for i in range(12)]
    rows += [response_row(f"s{i}", "B02", "X", gender="P") for i in range(3)]
    paths = SimpleNamespace(
        responses=write_csv(tmp_path / "jawaban.csv", rows),
        roster=write_roster_csv(tmp_path / "pegawai.csv", roster_rows()),
        evaluation=write_csv(
            tmp_path / "evaluasi.csv",
            [
                dict(zip(EVALUATION_HEADER, r, strict=True))
                for r in (["A01", "", "C1", "4"], ["A01", "", "C2", "3"], ["A01", "U1", "C1", "1"])
            ],
            EVALUATION_HEADER,
        ),
        previous=tmp_path / "lalu.json",
        out=tmp_path / "hasil.json",
        xlsx=tmp_path / "hasil.xlsx",
        folder=tmp_path,
    )
    paths.previous.write_text(json.dumps({"method_version": "1", "groups": []}))
    return paths


def arguments(files, *extra, previous=True):
    argv = [
        "score",
        "--responses",
        str(files.responses),
        "--roster",
        str(files.roster),
        "--evaluation",
        str(files.evaluation),
        "--out",
        str(files.out),
        "--xlsx",
        str(files.xlsx),
        "--period",
        "2026-S1",
    ]
    if previous:
        argv += ["--previous", str(files.previous)]
    return argv + list(extra)


def rewrite(path, old, new):
    path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")


def test_it_passes_the_files_to_the_engine_and_writes_what_it_returns(
    files, fake_instrument, engine, capsys
):
    assert main(arguments(files, "--threshold", "7")) == 0
    call = engine[0]
    assert call.spec is SPEC
    assert call.method.threshold == 7 and call.method.max_picks == 5
    assert call.period == "2026-S1" and call.instrument == "berakhlak-2026"
    assert call.evaluations == {("A01", None): {"C1": 4, "C2": 3}, ("A01", "U1"): {"C1": 1}}
    assert call.previous == {"method_version": "1", "groups": []}
    data = call.data
    assert data.institutions == ["A01", "B02"]
    assert data.units == [(0, "U1"), (0, "U2"), (1, "X")]
    assert data.unit.tolist() == [1, 0] * 6 + [2] * 3
    assert data.roster_age_band.tolist() == [2, 1, 3]  # ages 41, 36 and 56 in 2026
    assert data.answers.shape == (15, len(SPEC.survey_items))
    document = json.loads(files.out.read_text(encoding="utf-8"))
    assert [g["code"] for g in document["groups"]] == ["ID", "A01", "B02"]
    assert document["period"] == "2026-S1"
    assert files.xlsx.stat().st_size > 0
    out = capsys.readouterr().out
    assert "A01" in out and "Nasional" in out
    assert "kurang dari 7 responden" in out  # B02 has 3 responses
    assert sorted(p.name for p in files.folder.iterdir() if p.name.startswith(".")) == []


def test_the_json_keeps_non_ascii_text_as_it_is(files, fake_instrument, engine):
    assert main(arguments(files, "--period", "2026 ganjil–é")) == 0
    text = files.out.read_text(encoding="utf-8")
    assert '"2026 ganjil–é"' in text


def test_it_runs_without_roster_evaluation_or_previous(files, fake_instrument, engine):
    argv = ["score", "--responses", str(files.responses), "--out", str(files.out)]
    assert main(argv) == 0
    call = engine[0]
    assert call.evaluations is None and call.previous is None
    assert call.method.threshold == 10
    assert not call.data.has_roster
    assert not files.xlsx.exists()


def test_a_missing_item_column_is_a_warning_not_an_error(files, fake_instrument, engine, capsys):
    rewrite(files.responses, ",KL3a,", ",KL3a_unused,")
    assert main(arguments(files)) == 1  # an unknown column is still an error
    rows = [response_row("r1")]
    del rows[0]["KL3a"]
    write_csv(files.responses, rows)
    argv = ["score", "--responses", str(files.responses), "--out", str(files.out)]
    capsys.readouterr()
    assert main(argv) == 0
    assert "KL3a" in capsys.readouterr().err


ERROR_CASES = {
    "bad answer": (
        "responses",
        ("r3,A01,U1,L,PNS,30-39,4", "r3,A01,U1,L,PNS,30-39,7"),
        "jawaban.csv: baris 5, kolom BP1a: jawaban '7' tidak sah",
    ),
    "unknown column": (
        "responses",
        ("HA1a", "HA1x"),
        "jawaban.csv: baris 1, kolom HA1x: kolom tidak dikenal; maksudnya HA1a?",
    ),
    "duplicate id": (
        "responses",
        ("r3,", "r2,"),
        "jawaban.csv: baris 5, kolom response_id: 'r2' sudah dipakai di baris 4",
    ),
    "bad gender": (
        "responses",
        ("s1,B02,X,P", "s1,B02,X,W"),
        "jawaban.csv: baris 15, kolom gender: 'W' tidak sah, harus L, P atau kosong",
    ),
    "bad employment": (
        "responses",
        ("s1,B02,X,P,PNS", "s1,B02,X,P,pns"),
        "jawaban.csv: baris 15, kolom employment_type: 'pns' tidak sah",
    ),
    "unknown pick": (
        "responses",
        ("BP1;AK1", "BP1;AK7"),
        "jawaban.csv: baris 2, kolom pick_personal: kode nilai tidak dikenal 'AK7'",
    ),
    "too many picks": (
        "responses",
        ("BP1;AK1", "BP1;AK1;AK2;AK3;KO1;KO2"),
        "baris 2, kolom pick_personal: 6 nilai berbeda dipilih, paling banyak 5",
    ),
    "empty responses": ("responses", None, "jawaban.csv: baris 1: berkas kosong"),
    "duplicate nip": (
        "roster",
        ("199001012019032001", NIP1),
        f"pegawai.csv: baris 3, kolom nip: NIP {NIP1} sudah ada di baris 2",
    ),
    "short nip": (
        "roster",
        ("199001012019032001", "1990010120190320"),
        "pegawai.csv: baris 3, kolom nip: NIP '1990010120190320' tidak sah, harus tepat 18",
    ),
    "unit not on roster": (
        "roster",
        ("A01,U2", "A01,U3"),
        "jawaban.csv: baris 2, kolom unit: instansi A01, unit U2 tidak ada di daftar pegawai",
    ),
    "unknown criterion": (
        "evaluation",
        ("C2", "C7"),
        "evaluasi.csv: baris 3, kolom criterion: kriteria 'C7' tidak ada",
    ),
    "level too high": (
        "evaluation",
        ("C2,3", "C2,4"),
        "evaluasi.csv: baris 3, kolom level: '4' tidak sah, harus bilangan bulat 0..3",
    ),
    "duplicate criterion": (
        "evaluation",
        ("A01,,C2", "A01,,C1"),
        "evaluasi.csv: baris 3, kolom criterion: kriteria C1 untuk A01/- sudah ada di baris 2",
    ),
    "unknown unit": (
        "evaluation",
        ("A01,U1", "A01,U7"),
        "evaluasi.csv: baris 4, kolom unit: unit 'U7' dari instansi A01 tidak ada",
    ),
    "previous not json": (
        "previous",
        ('"groups": []', '"groups": ['),
        "lalu.json: baris 1: bukan JSON yang sah",
    ),
    "previous without groups": (
        "previous",
        (', "groups": []', ""),
        "lalu.json: kolom groups: tidak ada atau bukan daftar",
    ),
}


@pytest.mark.parametrize("case", ERROR_CASES)
def test_each_bad_input_fails_cleanly_and_writes_nothing(
    files, fake_instrument, engine, capsys, case
):
    which, change, expected = ERROR_CASES[case]
    path = getattr(files, which)
    if change is None:
        path.write_text("")
    else:
        before = path.read_text(encoding="utf-8")
        rewrite(path, *change)
        assert path.read_text(encoding="utf-8") != before, "the test did not change the file"
    files.out.write_text(OLD)
    assert main(arguments(files)) == 1
    err = capsys.readouterr().err
    assert expected in err
    assert "tidak ada hasil yang ditulis" in err
    assert files.out.read_text() == OLD
    assert not files.xlsx.exists()
    assert engine == []
    assert not [p for p in files.folder.iterdir() if p.name.endswith(".tmp")]


def test_problems_of_several_files_are_reported_together(files, fake_instrument, engine, capsys):
    rewrite(files.responses, "s1,B02,X,P", "s1,B02,X,W")
    rewrite(files.evaluation, "C2", "C7")
    assert main(arguments(files)) == 1
    err = capsys.readouterr().err
    assert "2 masalah pada berkas masukan" in err
    assert "jawaban.csv: baris 15, kolom gender" in err
    assert "evaluasi.csv: baris 3, kolom criterion" in err


def test_a_threshold_below_five_is_refused(files, fake_instrument, engine, capsys):
    files.out.write_text(OLD)
    assert main(arguments(files, "--threshold", "4")) == 1
    assert "--threshold 4: ambang k paling kecil 5" in capsys.readouterr().err
    assert files.out.read_text() == OLD and engine == []


def test_an_unknown_instrument_is_refused_listing_the_editions(files, capsys):
    assert main(arguments(files, "--instrument", "berakhlak-1999")) == 1
    err = capsys.readouterr().err
    assert "berakhlak-1999" in err and "berakhlak-2026" in err
    assert not files.out.exists()


def test_a_missing_responses_file_is_named(files, fake_instrument, engine, capsys):
    files.responses.unlink()
    assert main(arguments(files)) == 1
    assert "jawaban.csv: berkas tidak ditemukan / file not found" in capsys.readouterr().err


def test_an_output_folder_that_does_not_exist_is_refused_before_reading(
    files, fake_instrument, engine, capsys
):
    argv = [
        "score",
        "--responses",
        str(files.responses),
        "--out",
        str(files.folder / "tidak-ada" / "hasil.json"),
    ]
    assert main(argv) == 1
    assert "folder tujuan tidak ada" in capsys.readouterr().err


def test_the_output_may_not_overwrite_an_input(files, fake_instrument, engine, capsys):
    argv = ["score", "--responses", str(files.responses), "--out", str(files.responses)]
    assert main(argv) == 1
    assert "akan menimpa berkas masukan" in capsys.readouterr().err


def test_an_engine_failure_leaves_the_old_outputs_and_no_temporary_file(
    files, fake_instrument, monkeypatch
):
    def broken(*args, **kwargs):
        raise RuntimeError("engine broke")

    monkeypatch.setitem(sys.modules, "budaya.scoring.engine", fake_engine(broken))
    files.out.write_text(OLD)
    with pytest.raises(RuntimeError):
        main(arguments(files))
    assert files.out.read_text() == OLD
    assert not files.xlsx.exists()
    assert not [p for p in files.folder.iterdir() if p.name.endswith(".tmp")]


def test_results_that_are_not_valid_json_are_refused_and_nothing_is_written(
    files, fake_instrument, monkeypatch, capsys
):
    module = fake_engine(lambda *a, **k: {"method_version": "1", "groups": [], "x": object()})
    monkeypatch.setitem(sys.modules, "budaya.scoring.engine", module)
    files.out.write_text(OLD)
    assert main(arguments(files)) == 1
    assert "hasil tidak dapat ditulis sebagai JSON" in capsys.readouterr().err
    assert files.out.read_text() == OLD
    assert not [p for p in files.folder.iterdir() if p.name.endswith(".tmp")]


# End to end: the real berakhlak-2026 catalogue edition and the real engine.


def real_files(tmp_path):
    """Write files for berakhlak-2026: A01 with 30 of 32 employees answering, every item
    scored 60 (answer 4 of 6, reverse-keyed 3), a complete evaluation at the top level; B02
    with 3 of 5 answering."""
    from budaya.instruments import load_instrument

    spec = load_instrument("berakhlak-2026").scoring_spec()
    answers = {item.code: "3" if item.reverse else "4" for item in spec.survey_items}
    rows = []
    for i in range(33):
        institution, unit = ("A01", "U1" if i % 2 else "U2") if i < 30 else ("B02", "X")
        row = {
            "response_id": f"r{i}",
            "institution": institution,
            "unit": unit,
            "gender": "LP"[i % 2],
            "employment_type": "PNS",
            "age_band": "30-39",
            **answers,
            "pick_personal": "BP1;AK1",
            "pick_current": "BP1;LIM_ABS",
            "pick_wanted": "AK1",
        }
        rows.append(row)
    roster = []
    for i in range(37):
        institution, unit = ("A01", "U1" if i % 2 else "U2") if i < 32 else ("B02", "X")
        roster.append(
            [
                f"19850101200501{'12'[i % 2]}{i:03d}",
                f"Pegawai {i}",
                "LP"[i % 2],
                "PNS",
                institution,
                unit,
                "1985",
            ]
        )
    evaluation = [
        dict(zip(EVALUATION_HEADER, ["A01", "", c.code, str(c.max_level)], strict=True))
        for c in spec.criteria
    ]
    return SimpleNamespace(
        responses=write_csv(tmp_path / "jawaban.csv", rows),
        roster=write_roster_csv(tmp_path / "pegawai.csv", roster),
        evaluation=write_csv(tmp_path / "evaluasi.csv", evaluation, EVALUATION_HEADER),
        out=tmp_path / "hasil.json",
        xlsx=tmp_path / "hasil.xlsx",
    )


def test_it_scores_real_files_end_to_end(tmp_path, capsys):
    files = real_files(tmp_path)
    argv = [
        "score",
        "--instrument",
        "berakhlak-2026",
        "--responses",
        str(files.responses),
        "--roster",
        str(files.roster),
        "--evaluation",
        str(files.evaluation),
        "--period",
        "2026",
        "--out",
        str(files.out),
        "--xlsx",
        str(files.xlsx),
    ]
    assert main(argv) == 0
    document = json.loads(files.out.read_text(encoding="utf-8"))
    assert document["method_version"] == "1"
    assert document["period"] == "2026" and document["instrument"] == "berakhlak-2026"
    groups = {g["code"]: g for g in document["groups"]}
    assert [g["level"] for g in document["groups"]][:3] == ["nation", "institution", "institution"]
    a01 = groups["A01"]
    assert (a01["n"], a01["population"], a01["minimum"], a01["eligible"]) == (30, 32, 30, True)
    assert a01["implementasi"]["shown"] == 60.0
    assert a01["evaluasi"]["shown"] == 100.0
    assert a01["indeks_berakhlak"]["shown"] == 68.0
    assert a01["indeks_berakhlak"]["category"] == "B"
    assert groups["B02"]["suppressed"] is True and "implementasi" not in groups["B02"]
    out = capsys.readouterr().out
    assert "68,0 B Cukup Sehat" in out
    assert "kurang dari 10 responden" in out
    assert "Nasional" in out

    from openpyxl import load_workbook

    workbook = load_workbook(files.xlsx, read_only=True)
    assert workbook.sheetnames == [
        "Ringkasan",
        "Nilai",
        "Perilaku",
        "Rincian",
        "Pendorong",
        "Keterangan",
    ]
    workbook.close()

    # The second period reads the first as --previous: no change at all.
    second = tmp_path / "hasil-2027.json"
    argv2 = argv[:-4] + ["--previous", str(files.out), "--out", str(second)]
    argv2[argv2.index("--period") + 1] = "2027"
    assert main(argv2) == 0
    again = {g["code"]: g for g in json.loads(second.read_text())["groups"]}
    assert again["A01"]["change"]["implementasi"]["delta"] == pytest.approx(0.0)


def test_outputs_get_ordinary_permissions_not_the_temporary_files_private_ones(
    files, fake_instrument, engine
):
    import os

    umask = os.umask(0o022)
    try:
        assert main(arguments(files)) == 0
    finally:
        os.umask(umask)
    assert files.out.stat().st_mode & 0o777 == 0o644
    assert files.xlsx.stat().st_mode & 0o777 == 0o644


def listed_problems(monkeypatch) -> list:
    """Collect, instead of raising them, the (problems, count of the rest) of each InputError
    made: each problem as (file, row, column, message)."""
    from budaya.interchange import InputError

    seen = []
    monkeypatch.setattr(
        InputError,
        "__init__",
        lambda self, items, more: seen.append(
            ([(p.file, p.row, p.column, str(p.message)) for p in items], more)
        ),
    )
    monkeypatch.setattr(InputError, "__str__", lambda self: "")
    return seen


def _sequential_problems(files, spec, max_picks):
    """Return the problems of reading the responses, then the roster, into one collection."""
    from budaya.interchange import Problems, read_responses, read_roster

    problems = Problems()
    read_responses(files.responses, spec, max_picks, problems)
    read_roster(files.roster, problems)
    return [(p.file, p.row, p.column, str(p.message)) for p in problems.items], problems.more


@pytest.mark.parametrize("bad_responses", [0, 3, 45], ids=["clean", "a-few", "past-the-limit"])
def test_files_read_side_by_side_report_the_problems_of_reading_them_in_turn(
    files, fake_instrument, monkeypatch, bad_responses
):
    """The roster is read in a thread beside the responses; the problems listed, their order,
    the limit of 50 and the count of the rest are those of reading one file after the other."""
    from budaya.cli import CommandError
    from budaya.cli import score as score_command

    rows = [response_row(f"r{i}", "A01", "U1") for i in range(60)]
    for i in range(bad_responses):
        rows[i]["gender"] = "W"
    write_csv(files.responses, rows)
    roster = roster_rows() + [
        [f"198503152010121{i + 100:03d}", "Nama", "X", "PNS", "A01", "U1", "1985"]
        for i in range(40)
    ]
    write_roster_csv(files.roster, roster)
    expected = _sequential_problems(files, SPEC, 5)
    seen = listed_problems(monkeypatch)
    args = SimpleNamespace(
        responses=files.responses, roster=files.roster, evaluation=None, previous=None
    )
    with pytest.raises(CommandError, match=f"{len(expected[0]) + expected[1]} masalah"):
        score_command.read_inputs(args, SPEC, 5)
    assert seen == [expected]
    assert len(expected[0]) == min(50, bad_responses + 40)  # the limit is reached or not


def threads_calling(monkeypatch, name: str) -> list[str]:
    """Record the name of the thread of each call of `budaya.interchange.<name>`."""
    import threading

    import budaya.interchange

    threads = []
    real = getattr(budaya.interchange, name)

    def recording(*args, **kwargs):
        threads.append(threading.current_thread().name)
        return real(*args, **kwargs)

    monkeypatch.setattr(budaya.interchange, name, recording)
    return threads


def read_arguments(files, evaluation=None) -> SimpleNamespace:
    return SimpleNamespace(
        responses=files.responses,
        roster=files.roster,
        evaluation=evaluation,
        previous=None,
        period="2026",
    )


def test_the_roster_is_read_in_a_thread_while_the_responses_are_read(
    files, fake_instrument, monkeypatch
):
    from budaya.cli import score as score_command

    threads = threads_calling(monkeypatch, "read_roster")
    data, *_ = score_command.read_inputs(read_arguments(files), SPEC, 5)
    assert threads and threads[0].startswith("budaya-roster")
    assert data.roster_unit.size == 3


def _in_turn(files, spec, max_picks):
    """Return (problems, more, evaluations) of reading the responses, the roster and the
    evaluation one after the other into one collection, as the command did before it read
    files side by side."""
    from budaya.interchange import Problems, read_evaluation, read_responses, read_roster
    from budaya.interchange.survey import check_units_on_roster

    problems = Problems()
    responses = read_responses(files.responses, spec, max_picks, problems)
    roster = read_roster(files.roster, problems)
    if responses is not None and roster is not None:
        check_units_on_roster(responses, roster, problems)
    known = set(responses.pairs if responses else ()) | set(roster.pairs if roster else ())
    evaluations = read_evaluation(files.evaluation, spec, known, problems)
    found = [(p.file, p.row, p.column, str(p.message)) for p in problems.items]
    return found, problems.more, evaluations


EVALUATION_CASES = {
    "clean": ([], 0, 0, 0),
    "bad-evaluation": ([], 0, 0, 3),
    "bad-responses": ([], 2, 0, 3),
    "bad-roster": ([], 0, 2, 3),
    "a-response-unit-off-the-roster": (["U9"], 0, 0, 3),
    "past-the-limit": ([], 0, 0, 60),
}


@pytest.mark.parametrize("case", list(EVALUATION_CASES))
def test_an_evaluation_read_beside_the_responses_gives_what_reading_in_turn_gives(
    files, fake_instrument, monkeypatch, case
):
    """The roster, then the evaluation, are read in a thread beside the responses, the
    evaluation's units checked against the roster's. Its problems, their order, the limit of
    50 and the count of the rest, and the evaluations read, are those of reading the files
    one after the other, where the known units are those of the responses and the roster."""
    from budaya.cli import CommandError
    from budaya.cli import score as score_command

    off_roster, bad_responses, bad_roster, bad_evaluation = EVALUATION_CASES[case]
    rows = [response_row(f"r{i}", "A01", "U1" if i % 2 else "U2") for i in range(12)]
    rows += [response_row(f"o{i}", "A01", unit) for i, unit in enumerate(off_roster)]
    for i in range(bad_responses):
        rows[i]["gender"] = "W"
    write_csv(files.responses, rows)
    roster = roster_rows()
    roster += [["19850315201012", "Nama", "L", "PNS", "A01", "U1", "1985"]] * bad_roster
    write_roster_csv(files.roster, roster)
    evaluation = [["A01", "", "C1", "4"], ["A01", "U1", "C1", "1"], ["A01", "U9", "C2", "2"]]
    evaluation = evaluation[: 2 + bool(off_roster)]
    evaluation += [["A01", "ZZ", "C1", "1"], ["A01", "U2", "C9", "1"], ["A01", "U2", "C1", "x"]] * (
        bad_evaluation // 3
    )
    write_csv(
        files.evaluation,
        [dict(zip(EVALUATION_HEADER, r, strict=True)) for r in evaluation],
        EVALUATION_HEADER,
    )
    expected, more, evaluations = _in_turn(files, SPEC, 5)
    assert bool(expected) == (case != "clean")
    seen = listed_problems(monkeypatch)
    args = read_arguments(files, evaluation=files.evaluation)
    if not expected:
        _, read, _, _ = score_command.read_inputs(args, SPEC, 5)
        assert read == evaluations and read
        return
    with pytest.raises(CommandError, match=f"{len(expected) + more} masalah"):
        score_command.read_inputs(args, SPEC, 5)
    assert seen == [(expected, more)]
    if case == "a-response-unit-off-the-roster":
        # U9 is known through the responses: only the roster's check names it.
        assert [column for _, _, column, _ in expected] == ["unit", *["unit", "criterion", "level"]]
    if case == "past-the-limit":
        assert len(expected) == 50 and more == 10


def test_the_evaluation_is_read_in_the_roster_s_thread(files, fake_instrument, monkeypatch):
    from budaya.cli import score as score_command

    threads = threads_calling(monkeypatch, "read_evaluation")
    arguments = read_arguments(files, evaluation=files.evaluation)
    _, evaluations, *_ = score_command.read_inputs(arguments, SPEC, 5)
    assert len(threads) == 1 and threads[0].startswith("budaya-roster")
    assert evaluations[("A01", "U1")]


def test_the_collector_is_paused_while_the_document_is_written_and_summarised(
    files, fake_instrument, engine, monkeypatch
):
    """A national document is a million objects: writing and summarising it with the cyclic
    collector on would make it go through all of them (docs/performance.md)."""
    import gc

    from budaya.cli import score as score_command
    from budaya.interchange import summary

    seen = []
    real_write, real_summary = score_command.write_outputs, summary.format_summary

    def writing(*args, **kwargs):
        seen.append(("write", gc.isenabled()))
        return real_write(*args, **kwargs)

    def summarising(*args, **kwargs):
        seen.append(("summary", gc.isenabled()))
        return real_summary(*args, **kwargs)

    monkeypatch.setattr(score_command, "write_outputs", writing)
    monkeypatch.setattr(summary, "format_summary", summarising)
    assert gc.isenabled()
    assert main(arguments(files)) == 0
    assert seen == [("write", False), ("summary", False)]
    assert gc.isenabled()


def test_the_document_is_let_go_of_before_the_collector_resumes(
    files, fake_instrument, engine, monkeypatch
):
    """Were the document alive when the collector resumed, the collector would go through its
    million objects before the command ends (docs/performance.md)."""
    import contextlib
    import weakref

    from budaya.scoring import engine as real_engine

    fake = sys.modules["budaya.scoring.engine"]
    produce = fake.compute_results
    documents, alive_after = [], []

    class Document(dict):
        """A dict that a weak reference can follow."""

    def compute_results(*args, **kwargs):
        document = Document(produce(*args, **kwargs))
        documents.append(weakref.ref(document))
        return document

    @contextlib.contextmanager
    def paused():
        with real_engine.cyclic_gc_paused():
            yield
            alive_after.append([reference() is not None for reference in documents])

    monkeypatch.setattr(fake, "compute_results", compute_results)
    monkeypatch.setattr(fake, "cyclic_gc_paused", paused)
    assert main(arguments(files)) == 0
    assert alive_after == [[False]]
    assert json.loads(files.out.read_text())["groups"]

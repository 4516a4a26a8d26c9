"""Synthetic demo data: deterministic, in the §11 formats, realistic enough to score."""

import csv
import datetime
import json

import numpy as np
import pytest

from budaya.cli import main
from budaya.demodata import generate
from budaya.demodata.files import write_demo
from budaya.instruments import load_instrument
from budaya.interchange import read_evaluation, read_responses, read_roster
from budaya.scoring.eligibility import slovin_minimums as slovin
from budaya.scoring.engine import compute_results
from budaya.scoring.spec import AGE_BANDS, VALUE_CODES, Method

INSTRUMENT = load_instrument("berakhlak-2026")
SPEC = INSTRUMENT.scoring_spec()


@pytest.fixture(scope="module")
def small():
    return generate(4, 3000, 11)


@pytest.fixture(scope="module")
def medium():
    return generate(12, 30000, 5, previous=False)


@pytest.fixture(scope="module")
def written(tmp_path_factory, small):
    directory = tmp_path_factory.mktemp("demo")
    write_demo(small, directory, seed=11)
    return directory


def _rows(path):
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_it_gives_the_same_data_for_the_same_seed(small):
    again = generate(4, 3000, 11)
    assert np.array_equal(again.responses.answers, small.responses.answers)
    assert np.array_equal(again.responses.picks, small.responses.picks)
    assert np.array_equal(again.roster.nip(), small.roster.nip())
    assert again.evaluations == small.evaluations
    assert np.array_equal(again.previous.responses.answers, small.previous.responses.answers)


def test_it_gives_different_data_for_another_seed(small):
    other = generate(4, 3000, 12)
    assert other.responses.n != small.responses.n or not np.array_equal(
        other.responses.answers, small.responses.answers
    )
    assert not np.array_equal(other.roster.nip()[:100], small.roster.nip()[:100])


def test_it_writes_the_same_files_for_the_same_seed(tmp_path, small, written):
    write_demo(generate(4, 3000, 11), tmp_path, seed=11)
    for name in ("roster.csv", "responses.csv", "evaluation.csv", "previous/responses.csv"):
        assert (tmp_path / name).read_bytes() == (written / name).read_bytes(), name


def test_it_shares_the_employees_out_over_the_institutions(small):
    assert small.roster.size == 3000
    assert len(small.structure.codes) == 4
    assert small.structure.codes == ["INS001", "INS002", "INS003", "INS004"]
    assert set(small.structure.kinds) <= {"kementerian", "lembaga", "provinsi", "kabupaten", "kota"}


def test_the_responses_file_has_the_columns_and_codes_of_the_instrument(written, small):
    rows = _rows(written / "responses.csv")
    items = [item.code for item in INSTRUMENT.survey_items]
    header = ["response_id", "institution", "unit", "gender", "employment_type", "age_band"]
    assert list(rows[0]) == header + items + ["pick_personal", "pick_current", "pick_wanted"]
    assert len(rows) == small.responses.n
    assert len({row["response_id"] for row in rows}) == len(rows)
    assert {row["gender"] for row in rows} == {"L", "P"}
    assert {row["employment_type"] for row in rows} == {"PNS", "PPPK"}
    assert {row["age_band"] for row in rows} <= set(AGE_BANDS)
    answers = {row[item] for row in rows for item in items}
    assert answers == {"", "1", "2", "3", "4", "5", "6"}
    missing = sum(row[item] == "" for row in rows for item in items) / (len(rows) * len(items))
    assert 0.015 < missing < 0.03
    codes = {option.code for option in INSTRUMENT.pick_list}
    for row in rows:
        for column in ("pick_personal", "pick_current", "pick_wanted"):
            picked = [code for code in row[column].split(";") if code]
            assert set(picked) <= codes and len(set(picked)) == len(picked) <= 5


def test_the_files_pass_the_readers_of_budaya_score(written, small):
    responses = read_responses(written / "responses.csv", SPEC, INSTRUMENT.max_picks)
    roster = read_roster(written / "roster.csv")
    assert responses.n == small.responses.n and roster.size == small.roster.size
    assert set(responses.pairs) <= set(roster.pairs)
    evaluations = read_evaluation(written / "evaluation.csv", SPEC, roster.pairs)
    assert evaluations == small.evaluations
    complete = [levels for levels in evaluations.values() if len(levels) == len(SPEC.criteria)]
    assert len(complete) >= len(evaluations) * 0.8


def test_each_nip_matches_the_birth_date_recruitment_and_gender(written):
    rows = _rows(written / "roster.csv")
    assert list(rows[0]) == [
        "nip",
        "name",
        "gender",
        "employment_type",
        "institution",
        "unit",
        "birth_year",
        "email",
        "phone",
    ]
    assert len({row["nip"] for row in rows}) == len(rows)
    for row in rows:
        nip = row["nip"]
        assert len(nip) == 18 and nip.isdigit()
        birth = datetime.date(int(nip[:4]), int(nip[4:6]), int(nip[6:8]))
        assert birth.year == int(row["birth_year"])
        recruited_year, recruited_month = int(nip[8:12]), int(nip[12:14])
        assert 1 <= recruited_month <= 12
        assert birth.year + 18 <= recruited_year <= 2026
        assert nip[14] == {"L": "1", "P": "2"}[row["gender"]]
        assert 21 <= 2026 - birth.year <= 59
        if row["employment_type"] == "PPPK":
            assert recruited_year >= 2019
        assert row["email"].endswith(f"@{row['institution'].lower()}.go.id")
        assert row["phone"].startswith("08") and len(row["phone"]) == 12


def test_the_age_band_of_a_response_follows_the_birth_year(small):
    responses, roster = small.responses, small.roster
    age = 2026 - roster.birth_year[responses.employee]
    expected = np.digitize(age, [30, 40, 50])
    assert np.array_equal(responses.age_band, expected)
    old = small.previous
    age = 2025 - old.roster.birth_year[old.responses.employee]
    assert np.array_equal(old.responses.age_band, np.digitize(age, [30, 40, 50]))


def test_some_units_are_small_or_silent_and_most_reach_their_minimum(medium):
    size = medium.structure.unit_size
    answered = np.bincount(medium.responses.unit, minlength=size.size)
    assert ((size >= 2) & (size <= 8)).sum() >= 3
    assert ((answered > 0) & (answered < 10)).sum() >= 3
    assert (answered == 0).sum() >= 1
    large = size >= 30
    assert (answered[large] >= slovin(size[large])).mean() > 0.7


def test_some_institutions_stay_below_their_minimum():
    data = generate(60, 60000, 2, previous=False)
    size = data.structure.institution_size()
    institution = data.structure.unit_institution[data.responses.unit]
    answered = np.bincount(institution, minlength=size.size)
    below = answered < slovin(size)
    assert 0.03 < below.mean() < 0.35
    assert np.array_equal(below, data.structure.low_participation)


def test_cronbach_alpha_of_each_value_lies_between_0_7_and_0_9(medium):
    method = Method(max_picks=INSTRUMENT.max_picks)
    results = compute_results(SPEC, method, medium.survey_data(), period="2026")
    checked = 0
    for group in results["groups"]:
        if group["level"] == "unit" or group.get("suppressed"):
            continue
        for code in VALUE_CODES:
            alpha = group["values"][code]["alpha"]
            if alpha and alpha["n"] >= 300:
                assert 0.7 <= alpha["value"] <= 0.9, (group["code"], code, alpha)
                checked += 1
    assert checked >= 7 * 5


def test_weak_units_pick_more_limiting_values_for_today(medium):
    responses = medium.responses
    limiting = np.array([value.limiting for value in SPEC.pick_values])
    current = responses.picks[1]
    picked = current >= 0
    limited = (limiting[np.maximum(current, 0)] & picked).sum(axis=1) / np.maximum(
        picked.sum(axis=1), 1
    )
    effect = (medium.structure.effect[medium.structure.unit_institution])[responses.unit]
    effect = effect + medium.structure.unit_effect[responses.unit]
    weak, strong = effect < -5, effect > 5
    assert limited[weak].mean() > limited[strong].mean() + 0.03
    personal = responses.picks[0]
    wanted = responses.picks[2]
    shared = [
        len(set(p[p >= 0]) & set(w[w >= 0]))
        for p, w in zip(personal[:500], wanted[:500], strict=True)
    ]
    assert np.mean(shared) >= 1.0


def test_the_previous_period_scores_a_little_lower(small):
    method = Method(max_picks=INSTRUMENT.max_picks)
    now = compute_results(SPEC, method, small.survey_data(), period="2026")
    before = compute_results(SPEC, method, small.previous.survey_data(), period="2025")
    pooled_now = _pooled_mean(small)
    pooled_before = _pooled_mean(small.previous)
    assert 1.0 < pooled_now - pooled_before < 6.0
    assert now["groups"][0]["code"] == before["groups"][0]["code"] == "ID"
    assert small.previous.roster.size < small.roster.size


def _pooled_mean(data):
    answers = data.responses.answers.astype(float)
    reverse = np.array([item.reverse for item in SPEC.survey_items])
    scores = np.where(answers == 0, np.nan, 20 * (answers - 1))
    scores[:, reverse] = 100 - scores[:, reverse]
    return np.nanmean(scores)


def test_previous_json_is_what_budaya_score_gives_for_the_previous_files(written):
    target = written / "check.json"
    code = main(
        [
            "score",
            "--period",
            "2025",
            "--responses",
            str(written / "previous" / "responses.csv"),
            "--roster",
            str(written / "previous" / "roster.csv"),
            "--evaluation",
            str(written / "previous" / "evaluation.csv"),
            "--out",
            str(target),
        ]
    )
    assert code == 0
    stored = json.loads((written / "previous.json").read_text(encoding="utf-8"))
    assert json.loads(target.read_text(encoding="utf-8")) == stored
    assert stored["period"] == "2025"


def test_the_readme_gives_the_score_command_that_works(written, capsys):
    readme = (written / "README.txt").read_text(encoding="utf-8")
    line = next(line.strip() for line in readme.splitlines() if "--period 2026" in line)
    arguments = line.split()[1:]
    assert main(arguments) == 0
    results = json.loads((written / "hasil-2026.json").read_text(encoding="utf-8"))
    nation = results["groups"][0]
    assert nation["code"] == "ID" and "change" in nation


def test_the_command_writes_the_files(tmp_path, capsys):
    out = tmp_path / "demo"
    assert main(["demo-data", "--institutions", "2", "--employees", "600", "--out", str(out)]) == 0
    for name in ("roster.csv", "responses.csv", "evaluation.csv", "previous.json", "README.txt"):
        assert (out / name).is_file(), name
    assert "budaya score" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--institutions", "0", "--out", "x"], "--institutions harus bilangan bulat positif"),
        (["--institutions", "-3", "--out", "x"], "must be a positive whole number, not -3"),
        (["--employees", "0", "--out", "x"], "--employees harus bilangan bulat positif"),
        (["--institutions", "10", "--employees", "5", "--out", "x"], "at least the number"),
        (["--institutions", "2"], "--out DIR wajib diisi / --out DIR is required"),
    ],
)
def test_the_command_rejects_bad_arguments_clearly(tmp_path, capsys, arguments, message):
    arguments = [str(tmp_path / a) if a == "x" else a for a in arguments]
    assert main(["demo-data", *arguments]) == 1
    error = capsys.readouterr().err
    assert message in error and error.startswith("budaya demo-data: ")
    assert not (tmp_path / "x").exists()


def test_the_command_refuses_a_file_as_output_folder(tmp_path, capsys):
    target = tmp_path / "file.txt"
    target.write_text("x")
    assert main(["demo-data", "--out", str(target)]) == 1
    assert "bukan folder / is not a folder" in capsys.readouterr().err


def test_nips_stay_unique_when_the_roster_is_written_in_chunks(tmp_path, monkeypatch):
    import csv

    import budaya.demodata.files as files
    from budaya.demodata import generate

    monkeypatch.setattr(files, "CHUNK", 500)
    data = generate(5, 3000, 1, previous=False)
    path = tmp_path / "roster.csv"
    files.write_roster(data, path)
    with path.open(encoding="utf-8") as handle:
        nips = [row["nip"] for row in csv.DictReader(handle)]
    assert len(nips) == data.roster.size
    assert len(set(nips)) == len(nips)

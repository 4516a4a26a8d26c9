"""docs/metodologi.md shows the numbers the engine gives for its worked example, and those
numbers agree with METHOD.md worked out by hand from the example's answers."""

import importlib.util
import math
import re
import statistics
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "metodologi.md"
SCRIPT = ROOT / "docs" / "examples" / "contoh_metodologi.py"
TOLERANCE = 1e-9
VALUE_CODES = ("BP", "AK", "KO", "HA", "LO", "AD", "KL")


def load_script():
    """Return the example script as a module (it lives outside the package)."""
    spec = importlib.util.spec_from_file_location("contoh_metodologi", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def contoh():
    return load_script()


@pytest.fixture(scope="module")
def example(contoh):
    return contoh.run_example()


@pytest.fixture(scope="module")
def numbers(contoh):
    return contoh.example_numbers()


# --- the document shows the script's numbers ------------------------------------------------


def passages(text: str) -> list[str]:
    """Return every line and every paragraph of a Markdown text, with emphasis marks removed
    and whitespace collapsed, so that a phrase wrapped over two lines is still one passage."""
    clean = [
        re.sub(r"\s+", " ", line.replace("**", "").replace("`", "")).strip()
        for line in text.splitlines()
    ]
    result = [line for line in clean if line]
    paragraph: list[str] = []
    for line in [*clean, ""]:
        if line:
            paragraph.append(line)
        elif paragraph:
            result.append(" ".join(paragraph))
            paragraph = []
    return result


def shows(passage: str, number: str) -> bool:
    """Return whether `number` stands in `passage` as a whole, not as part of a longer number."""
    pattern = r"(?<![\w.,])" + re.escape(number) + r"(?![\w]|[.,]\d)"
    return re.search(pattern, passage) is not None


def missing(text: str, pairs) -> list[tuple[str, str]]:
    """Return the (words, number) pairs for which no passage of `text` holds both."""
    found = passages(text)
    return [
        (words, number)
        for words, number in pairs
        if not any(words in passage and shows(passage, number) for passage in found)
    ]


def test_the_document_shows_every_number_of_the_worked_example_as_the_engine_gives_it(numbers):
    assert len(numbers) > 100
    absent = missing(DOC.read_text(encoding="utf-8"), numbers)
    assert absent == [], "docs/metodologi.md does not show, next to these words, the number:\n" + (
        "\n".join(f"  {words!r}: {number}" for words, number in absent)
    )


def test_the_check_notices_a_number_that_drifted_from_the_engine(numbers):
    text = DOC.read_text(encoding="utf-8")
    words, number = next(pair for pair in numbers if pair[0] == "Indeks BerAKHLAK Dinas")
    assert number in text
    drifted = text.replace(f"= {number},", "= 99,9,")
    assert missing(drifted, numbers) == [(words, number)]


def test_the_check_does_not_accept_a_number_inside_a_longer_one():
    assert shows("skor 75,2 (A)", "75,2")
    assert not shows("skor 175,2", "75,2")
    assert not shows("skor 75,25", "75,2")
    assert not shows("8.6070", "8.607")
    assert shows("| ya |", "ya") and not shows("hanya", "ya")


def test_the_script_prints_each_number_next_to_its_words(numbers):
    completed = subprocess.run(
        [sys.executable, str(SCRIPT)], cwd=ROOT, capture_output=True, text=True, check=True
    )
    printed = completed.stdout.splitlines()
    assert printed == [f"{words}  →  {number}" for words, number in numbers]


def test_the_document_quotes_the_public_reference_figures():
    text = " ".join(passages(DOC.read_text(encoding="utf-8")))
    for phrase in ("60,9", "78,0", "79,0", "74,0", "8.607", "78,05 menjadi 78,1", "k = 10"):
        assert phrase in text, phrase
    for name in ("Sehat", "Cukup Sehat", "Tidak Sehat", "Sangat Tidak Sehat"):
        assert f"| {name} |" in text, name


def test_the_document_describes_the_instrument_it_is_computed_with(example):
    text = " ".join(passages(DOC.read_text(encoding="utf-8")))
    instrument = example.instrument
    limiting = [option.label.id for option in instrument.pick_list if option.limiting]
    assert f"{len(limiting)} nilai yang berpotensi menghambat" in text
    for label in limiting:
        assert label in text, label
    assert f"paling banyak {instrument.max_picks} nilai" in text
    assert all(len(instrument.items_for(d)) == 6 for d in VALUE_CODES)
    assert "setiap nilai BerAKHLAK memiliki enam butir" in text
    assert len(instrument.items_for("engagement")) == 8 and "delapan butir keterikatan" in text
    assert len(instrument.branding_items) == 12 and "berisi 12 pernyataan" in text
    assert "level 0 sampai 4" in text
    for criterion in instrument.rubric:
        assert criterion.max_level == 4
        weight = f"{float(100 * criterion.weight):.0f} %"
        assert f"| {criterion.name.id} | {weight} |" in DOC.read_text(encoding="utf-8")


# --- the example's numbers agree with METHOD.md worked out by hand --------------------------


def half_up(x: float) -> float:
    """METHOD.md §6 rounding for x ≥ 0."""
    return math.floor(10 * x + 0.5 + 1e-9) / 10


def rows_of(contoh, data, unit_code):
    """Return the row numbers of one unit's respondents."""
    index = [code for code, *_ in contoh.UNITS].index(unit_code)
    return [r for r in range(data.n) if data.unit[r] == index]


def value_scores(instrument, data, rows, value):
    """Return {row: v[r,d]} for the respondents with a valid score of value d (§2)."""
    columns = [(j, item) for j, item in enumerate(instrument.survey_items) if item.value == value]
    needed = math.ceil(len(columns) / 2)
    result = {}
    for r in rows:
        scores = []
        for j, item in columns:
            x = int(data.answers[r, j])
            if x:
                s = Fraction(100 * (x - 1), item.points - 1)
                scores.append(100 - s if item.reverse else s)
        if len(scores) >= needed:
            result[r] = sum(scores) / len(scores)
    return result


def implementation(instrument, data, rows):
    """Return (value means D_d, I, {row: i[r]}) of a group, by hand (§2, §3)."""
    per_value = {d: value_scores(instrument, data, rows, d) for d in VALUE_CODES}
    means = {d: sum(v.values()) / len(v) for d, v in per_value.items()}
    complete = [r for r in rows if all(r in per_value[d] for d in VALUE_CODES)]
    i_r = {r: sum(per_value[d][r] for d in VALUE_CODES) / 7 for r in complete}
    return means, sum(means.values()) / 7, i_r


def standard_error(scores, population):
    """§7: sd/√n · √(1 − n/N), sd with ddof 1."""
    n = len(scores)
    sd = statistics.stdev(float(s) for s in scores)
    return sd / math.sqrt(n) * math.sqrt(max(0.0, 1 - n / population))


def test_the_worked_units_value_scores_and_implementation_index_follow_the_method(contoh, example):
    unit = contoh.group(example.results, "unit", contoh.EXAMPLE_UNIT)
    rows = rows_of(contoh, example.data, contoh.EXAMPLE_UNIT)
    means, index, i_r = implementation(example.instrument, example.data, rows)
    for d in VALUE_CODES:
        assert unit["values"][d]["score"] == pytest.approx(float(means[d]), abs=TOLERANCE)
    assert unit["values"]["BP"]["n"] == len(rows) - 1  # R04 answered too few BP items
    assert unit["implementasi"]["score"] == pytest.approx(float(index), abs=TOLERANCE)
    assert unit["implementasi"]["n"] == len(i_r) == 11
    assert unit["implementasi"]["shown"] == half_up(float(index))
    # Percent favourable counts every answer, R04's too: item score ≥ 100·(K−2)/(K−1) = 80.
    for d in VALUE_CODES:
        percents = []
        for j, item in enumerate(example.instrument.survey_items):
            if item.value != d:
                continue
            answers = [int(example.data.answers[r, j]) for r in rows if example.data.answers[r, j]]
            scores = [100 - 20 * (x - 1) if item.reverse else 20 * (x - 1) for x in answers]
            percents.append(100 * sum(s >= 80 for s in scores) / len(scores))
        assert unit["values"][d]["favourable"] == pytest.approx(sum(percents) / len(percents))


def test_the_worked_units_evaluation_and_headline_follow_the_method(contoh, example):
    unit = contoh.group(example.results, "unit", contoh.EXAMPLE_UNIT)
    evaluation = sum(
        100 * c.weight * Fraction(contoh.UNIT_EVALUATION[c.code], c.max_level)
        for c in example.instrument.rubric
    )
    assert evaluation == Fraction(7375, 100)
    assert unit["evaluasi"]["score"] == pytest.approx(float(evaluation), abs=TOLERANCE)
    assert unit["evaluasi"]["shown"] == 73.8 and unit["evaluasi"]["category"] == "B"
    headline = 0.8 * unit["implementasi"]["score"] + 0.2 * float(evaluation)
    assert unit["indeks_berakhlak"]["score"] == pytest.approx(headline, abs=TOLERANCE)
    assert unit["indeks_berakhlak"]["category"] == "A"


def test_the_worked_units_interval_and_minimum_follow_the_method(contoh, example):
    unit = contoh.group(example.results, "unit", contoh.EXAMPLE_UNIT)
    rows = rows_of(contoh, example.data, contoh.EXAMPLE_UNIT)
    _, index, i_r = implementation(example.instrument, example.data, rows)
    se = standard_error(list(i_r.values()), 14)
    assert unit["implementasi"]["se"] == pytest.approx(se, abs=TOLERANCE)
    low, high = unit["implementasi"]["ci95"]
    assert low == pytest.approx(float(index) - 1.96 * se, abs=TOLERANCE)
    assert high == pytest.approx(float(index) + 1.96 * se, abs=TOLERANCE)
    assert unit["indeks_berakhlak"]["se"] == pytest.approx(0.8 * se, abs=TOLERANCE)
    slovin = Fraction(14) / (1 + 14 * Fraction(5, 100) ** 2)
    assert unit["minimum"] == math.ceil(slovin) == 14
    assert unit["eligible"] is False and unit["suppressed"] is False


def test_the_worked_units_energi_positif_and_alignment_follow_the_method(contoh, example):
    unit = contoh.group(example.results, "unit", contoh.EXAMPLE_UNIT)
    rows = rows_of(contoh, example.data, contoh.EXAMPLE_UNIT)
    pick_list = example.instrument.pick_list

    def chosen(q, r):
        return {pick_list[i].code for i in example.data.picks[q, r] if i >= 0}

    current = [chosen(1, r) for r in rows]
    limiting = sum(1 for picks in current for code in picks if code.startswith("LIM_"))
    total = sum(len(picks) for picks in current)
    energi = 100 * (1 - limiting / total)
    assert unit["energi_positif"]["score"] == pytest.approx(energi, abs=TOLERANCE)
    assert unit["energi_positif"]["n"] == sum(1 for picks in current if picks)

    def alignment(a, b):
        overlaps = []
        for r in rows:
            first, second = chosen(a, r), chosen(b, r)
            if first and second:
                overlaps.append(len(first & second) / min(len(first), len(second)))
        return 100 * sum(overlaps) / len(overlaps)

    assert unit["keselarasan_pribadi_organisasi"]["score"] == pytest.approx(alignment(0, 1))
    assert unit["keselarasan_saat_ini_harapan"]["score"] == pytest.approx(alignment(1, 2))


def test_the_worked_units_change_and_its_significance_follow_the_method(contoh, example):
    unit = contoh.group(example.results, "unit", contoh.EXAMPLE_UNIT)
    last_year = contoh.build_data(example.instrument, last_year=True)
    rows = rows_of(contoh, example.data, contoh.EXAMPLE_UNIT)
    for d in VALUE_CODES:
        now = value_scores(example.instrument, example.data, rows, d)
        before = value_scores(example.instrument, last_year, rows, d)
        delta = float(sum(now.values()) / len(now) - sum(before.values()) / len(before))
        root = math.hypot(
            standard_error(list(now.values()), 14), standard_error(list(before.values()), 14)
        )
        change = unit["change"]["values"][d]
        assert change["delta"] == pytest.approx(delta, abs=TOLERANCE)
        assert change["significant"] is (abs(delta) / root > 1.96)
    _, index_now, i_now = implementation(example.instrument, example.data, rows)
    _, index_before, i_before = implementation(example.instrument, last_year, rows)
    delta = float(index_now - index_before)
    root = math.hypot(
        standard_error(list(i_now.values()), 14), standard_error(list(i_before.values()), 14)
    )
    assert unit["change"]["implementasi"]["delta"] == pytest.approx(delta, abs=TOLERANCE)
    assert unit["change"]["implementasi"]["significant"] is (abs(delta) / root > 1.96)
    # The evaluation has no standard error: its change carries no significance.
    assert unit["change"]["evaluasi"]["significant"] is None


def test_complementary_suppression_in_the_example_hides_the_smallest_shown_unit(contoh, example):
    k = 10
    sizes = {code: count for code, _, _, count, _ in contoh.UNITS}
    hidden = {code for code, n in sizes.items() if n < k}
    while 1 <= sum(sizes[c] for c in hidden) < k and len(hidden) < len(sizes):
        shown = sorted((n, code) for code, n in sizes.items() if code not in hidden)
        hidden.add(shown[0][1])
    assert hidden == {"KEC_SUKAMAJU", "SATPOLPP"}
    for code in sizes:
        assert contoh.group(example.results, "unit", code)["suppressed"] is (code in hidden)


def test_the_peer_comparison_in_the_example_follows_the_method(contoh, example):
    peers = {}
    for code, _, roster, count, _ in contoh.UNITS:
        minimum = math.ceil(Fraction(roster) / (1 + roster * Fraction(1, 400)))
        unit = contoh.group(example.results, "unit", code)
        if count >= minimum and count >= 10 and not unit["suppressed"]:
            rows = rows_of(contoh, example.data, code)
            peers[code] = float(implementation(example.instrument, example.data, rows)[1])
    assert sorted(peers) == ["BAPPEDA", "DINKES", "DISDIK", "RSUD"]
    scores = sorted(peers.values())
    own = half_up(peers[contoh.PEER_EXAMPLE_UNIT])
    shown = [half_up(s) for s in scores]
    below = sum(s < own for s in shown)
    equal = sum(s == own for s in shown)
    bench = contoh.group(example.results, "unit", contoh.PEER_EXAMPLE_UNIT)["benchmark"]
    assert bench["implementasi"]["median"] == pytest.approx(statistics.median(scores))
    assert bench["implementasi"]["p75"] == pytest.approx(float(np.percentile(scores, 75)))
    assert bench["implementasi"]["percentile_rank"] == 100 * (below + equal / 2) / len(scores)
    assert bench["implementasi"]["rank"] == sum(s > own for s in shown) + 1


def test_cronbachs_alpha_in_the_example_follows_the_method(contoh, example):
    rows = rows_of(contoh, example.data, contoh.PEER_EXAMPLE_UNIT)
    columns = [
        (j, item) for j, item in enumerate(example.instrument.survey_items) if item.value == "BP"
    ]
    complete = [r for r in rows if all(example.data.answers[r, j] for j, _ in columns)]
    matrix = np.array(
        [
            [
                (100 - 20 * (int(example.data.answers[r, j]) - 1))
                if item.reverse
                else 20 * (int(example.data.answers[r, j]) - 1)
                for j, item in columns
            ]
            for r in complete
        ],
        dtype=float,
    )
    k = len(columns)
    alpha = k / (k - 1) * (1 - matrix.var(axis=0, ddof=1).sum() / matrix.sum(axis=1).var(ddof=1))
    entry = contoh.group(example.results, "unit", contoh.PEER_EXAMPLE_UNIT)["values"]["BP"]
    assert entry["alpha"]["n"] == len(complete) >= 30
    assert entry["alpha"]["value"] == pytest.approx(alpha, abs=TOLERANCE)
    worked = contoh.group(example.results, "unit", contoh.EXAMPLE_UNIT)["values"]["BP"]
    assert worked["alpha"] is None  # fewer than 30 respondents

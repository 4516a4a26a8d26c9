"""The engine benchmarks run end to end on a tiny dataset and print every figure they promise."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(*arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *arguments], cwd=ROOT, capture_output=True, text=True, timeout=600
    )


def test_the_score_benchmark_prints_the_engine_document_baseline_and_csv_figures():
    done = run(
        "bench/score.py", "--sizes", "3000", "--repeat", "1", "--institutions", "5", "--units", "3"
    )
    assert done.returncode == 0, done.stderr
    for line in (
        "engine, in memory:",
        "polars group-by:",
        "engine / baseline:",
        "engine peak memory:",
        "+ §11 document:",
        "readers + document:",
        "polars CSV+group-by:",
        "the two alternated; each round's ratio: ",
        "CSV path peak:",
        "readers, each alone: responses ",
        "budaya score command:",
        "polars in a process:",
    ):
        assert line in done.stdout, line
    # Every phase wrapper found its step in the engine module (a renamed step would vanish).
    phases = next(line for line in done.stdout.splitlines() if line.startswith("engine phases"))
    for label in ("checks", "cell sums", "roster", "scores table", "decisions", "other"):
        assert f"{label} " in phases, label
    assert "; drivers " in phases and "in a thread of their own" in phases


def test_the_kernel_benchmark_times_as_many_warm_calls_as_asked():
    done = run("bench/kernel.py", "--size", "2000", "--calls", "3", "--pause", "0")
    assert done.returncode == 0, done.stderr
    warm = done.stdout.split("warm ", 1)[1].split(" s (pause", 1)[0]
    assert len(warm.split(", ")) == 2


def test_the_kernel_benchmark_refuses_fewer_than_two_calls():
    done = run("bench/kernel.py", "--size", "2000", "--calls", "1")
    assert done.returncode == 2
    assert "--calls must be at least 2" in done.stderr


def test_the_letters_benchmark_prints_its_timing():
    done = run("bench/letters.py", "--letters", "2")
    assert done.returncode == 0, done.stderr
    assert "2 letters:" in done.stdout and "s per letter" in done.stdout


def test_the_roster_import_benchmark_times_a_first_import_and_a_replacement():
    done = run("bench/roster_import.py", "--employees", "400")
    assert done.returncode == 0, done.stderr
    assert "400 employees" in done.stdout
    assert "first import (all new)" in done.stdout
    assert "second import (all updated)" in done.stdout

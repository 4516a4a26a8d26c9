"""The typed settings helpers: each returns its default, parses good values, and names the
variable and the expected form for a bad one."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from budaya import config

ROOT = Path(__file__).resolve().parents[1]
NAME = "BUDAYA_TEST_SETTING"


@pytest.fixture
def var(monkeypatch):
    def setter(value):
        if value is None:
            monkeypatch.delenv(NAME, raising=False)
        else:
            monkeypatch.setenv(NAME, value)

    return setter


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(None, True), ("", True), ("true", True), ("FALSE", False), (" 0 ", False), ("on", True),
     ("no", False), ("1", True)],
)  # fmt: skip
def test_env_bool_reads_true_and_false_words(var, raw, expected):
    var(raw)
    assert config.env_bool(NAME, True) is expected


def test_env_bool_names_the_variable_and_the_bad_value(var):
    var("yes please")
    with pytest.raises(ImproperlyConfigured) as error:
        config.env_bool(NAME, False)
    assert str(error.value) == f"{NAME} must be true or false, got 'yes please'"


def test_env_int_parses_and_refuses_words_and_numbers_below_the_minimum(var):
    var(None)
    assert config.env_int(NAME, 7) == 7
    var(" 42 ")
    assert config.env_int(NAME, 7) == 42
    var("4.5")
    with pytest.raises(ImproperlyConfigured, match=f"{NAME} must be a whole number, got '4.5'"):
        config.env_int(NAME, 7)
    var("0")
    with pytest.raises(ImproperlyConfigured, match=f"{NAME} must be a whole number of at least 1"):
        config.env_int(NAME, 7, minimum=1)


def test_env_float_parses_and_refuses_words(var):
    var("2.5")
    assert config.env_float(NAME, 1.0) == 2.5
    var("fast")
    with pytest.raises(ImproperlyConfigured, match=f"{NAME} must be a number"):
        config.env_float(NAME, 1.0)


def test_env_str_strips_and_falls_back(var):
    var(None)
    assert config.env_str(NAME, "x") == "x"
    var("  hello ")
    assert config.env_str(NAME, "x") == "hello"


def test_env_list_splits_on_commas_and_drops_blanks(var):
    var(None)
    assert config.env_list(NAME, ["a"]) == ["a"]
    var(" a.example , ,b.example,")
    assert config.env_list(NAME, []) == ["a.example", "b.example"]


def test_env_url_needs_a_scheme_and_a_host(var):
    var(None)
    assert config.env_url(NAME, "http://127.0.0.1:8000") == "http://127.0.0.1:8000"
    var("https://budaya.example.go.id/")
    assert config.env_url(NAME, "") == "https://budaya.example.go.id"
    for bad in ("budaya.example.go.id", "ftp://x.example", "https://"):
        var(bad)
        with pytest.raises(ImproperlyConfigured) as error:
            config.env_url(NAME, "")
        assert str(error.value).startswith(f"{NAME} must be an address like http://… or https://…")
        assert repr(bad) in str(error.value)
    var("redis://127.0.0.1:6379/5")
    assert config.env_url(NAME, "", schemes=("redis", "rediss")) == "redis://127.0.0.1:6379/5"


def test_env_rate_reads_requests_per_seconds(var):
    var("300/600")
    assert config.env_rate(NAME, "1/1") == (300, 600)
    var("300 per 600")
    with pytest.raises(ImproperlyConfigured, match=f"{NAME} must look like 300/600"):
        config.env_rate(NAME, "1/1")
    var("0/600")
    with pytest.raises(ImproperlyConfigured, match="both numbers must be positive"):
        config.env_rate(NAME, "1/1")


def test_env_choice_accepts_only_listed_values(var):
    var("info")
    assert config.env_choice(NAME, "WARNING", ("INFO", "WARNING")) == "INFO"
    var("loud")
    with pytest.raises(ImproperlyConfigured, match=f"{NAME} must be one of INFO, WARNING"):
        config.env_choice(NAME, "WARNING", ("INFO", "WARNING"))


READ = re.compile(
    r"os\.environ\.get\((?P<a>[^)]*)\)|os\.environ\[(?P<b>[^\]]*)\](?!\s*=[^=])|getenv\("
)


def test_no_module_but_the_helpers_reads_os_environ_for_settings():
    readers = []
    for path in (ROOT / "budaya").rglob("*.py"):
        if path.relative_to(ROOT).as_posix() == "budaya/config.py":
            continue
        for match in READ.finditer(path.read_text(encoding="utf-8")):
            what = (match.group("a") or match.group("b") or "getenv").split(",")[0].strip()
            readers.append(f"{path.relative_to(ROOT).as_posix()}: {what}")
    # numba's own cache folder is not a Budaya setting.
    allowed = {'budaya/scoring/kernel.py: "NUMBA_CACHE_DIR"'}
    assert sorted(set(readers) - allowed) == []


def test_a_bad_value_stops_the_command_with_one_line_naming_the_variable(tmp_path):
    env = {
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": str(ROOT),
        "BUDAYA_REQUIRE_TOTP": "yes please",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}",
    }
    result = subprocess.run(
        [sys.executable, "-m", "budaya", "check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stderr.strip() == (
        "budaya check: BUDAYA_REQUIRE_TOTP must be true or false, got 'yes please'"
    )

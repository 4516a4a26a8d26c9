"""A server process warms up before its first request (budaya/warmup.py, called by budaya.wsgi)."""

import logging

import pytest

from budaya import warmup
from budaya.instruments import list_instruments, load_instrument
from budaya.survey import flow


def test_warm_up_loads_every_instrument_and_its_survey_pages():
    load_instrument.cache_clear()
    flow._STEPS.clear()
    warmup.warm_up()
    assert load_instrument.cache_info().currsize == len(list_instruments()) >= 1
    assert len(flow._STEPS) == len(list_instruments())


def test_a_failing_warm_up_is_logged_and_does_not_stop_the_server(monkeypatch, caplog):
    def broken():
        raise OSError("instrument folder unreadable")

    monkeypatch.setattr("budaya.instruments.list_instruments", broken)
    with caplog.at_level(logging.ERROR, logger="budaya"):
        warmup.warm_up()
    assert "warm-up failed" in caplog.text and "instrument folder unreadable" in caplog.text


@pytest.mark.parametrize("setting, expected", [("1", True), ("0", False)])
def test_the_wsgi_module_warms_up_unless_told_not_to(monkeypatch, setting, expected):
    import importlib
    import sys

    calls = []
    monkeypatch.setenv("BUDAYA_WARM_UP", setting)
    monkeypatch.setattr(warmup, "warm_up", lambda: calls.append(1))
    sys.modules.pop("budaya.wsgi", None)
    importlib.import_module("budaya.wsgi")
    assert bool(calls) is expected

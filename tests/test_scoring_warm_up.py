"""A release loads the engine's compiled functions while the database counts the roster.

`warm_up` scores a tiny made-up period with the loaders' array types and drops the result; it
must work for every instrument of the catalogue, and a release whose warm-up fails still
releases the same numbers (the failure is only logged).
"""
# ruff: noqa: F811 - pytest fixtures imported from tests.web_fixtures are parameters here

import logging

import pytest

from budaya.instruments import load_instrument
from budaya.results import services, survey_data
from budaya.scoring import engine
from budaya.scoring.spec import Method
from tests.web_fixtures import _fast_passwords, instrument, release, world  # noqa: F401


@pytest.mark.parametrize("edition", ["berakhlak-2026", "berakhlak-pulse-2026"])
def test_the_warm_up_scores_a_made_up_period_of_every_instrument(edition, monkeypatch):
    loaded = load_instrument(edition)
    method = Method(**({"max_picks": loaded.max_picks} if loaded.max_picks else {}))
    scored = []
    real = engine.score_period
    monkeypatch.setattr(
        engine, "score_period", lambda *a, **k: scored.append(real(*a, **k)) or scored[-1]
    )
    engine.warm_up(loaded.scoring_spec(), method)
    (numbers,) = scored
    assert numbers.data.n == 24 and numbers.data.has_roster


def test_a_release_warms_the_engine_while_the_roster_is_counted(world, monkeypatch):
    calls = []
    real_counts = survey_data._roster_counts

    def counting(*args, **kwargs):
        calls.append("roster")
        return real_counts(*args, **kwargs)

    monkeypatch.setattr(survey_data, "_roster_counts", counting)
    monkeypatch.setattr(services, "warm_up", lambda spec, method: calls.append("warm up"))
    release(world["period"])
    assert sorted(calls) == ["roster", "warm up"]


def test_a_failing_warm_up_is_logged_and_changes_nothing(world, monkeypatch, caplog):
    release(world["period"])  # closes the period
    period = world["period"]
    period.refresh_from_db()
    expected = services.compute_document(period)

    def failing(spec, method):
        raise RuntimeError("made-up failure")

    monkeypatch.setattr(services, "warm_up", failing)
    with caplog.at_level(logging.WARNING, logger="budaya.scoring.engine"):
        document = services.compute_document(period)
    assert "made-up failure" in caplog.text
    assert document == expected

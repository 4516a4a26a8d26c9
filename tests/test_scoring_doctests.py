"""The examples in the scoring engine's docstrings run with the suite and must hold.

Each module of budaya/scoring is run through doctest (the same as `pytest --doctest-modules
budaya/scoring`, but inside the default testpaths, so `scripts/test` runs it on both databases).
"""

import doctest
import importlib
import pkgutil

import pytest

import budaya.scoring

MODULES = sorted(
    f"budaya.scoring.{info.name}" for info in pkgutil.iter_modules(budaya.scoring.__path__)
)
# Modules whose docstrings carry examples; a module losing its examples fails the test below.
WITH_EXAMPLES = {
    "budaya.scoring.eligibility",
    "budaya.scoring.indices",
    "budaya.scoring.rounding",
    "budaya.scoring.suppression",
    "budaya.scoring.document",
}


@pytest.mark.parametrize("name", MODULES)
def test_the_docstring_examples_of_each_scoring_module_hold(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, verbose=False, report=True, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0, f"{result.failed} docstring example(s) of {name} fail"
    if name in WITH_EXAMPLES:
        assert result.attempted > 0, f"{name} lost its docstring examples"


def test_every_module_with_examples_is_a_scoring_module():
    assert WITH_EXAMPLES <= set(MODULES)

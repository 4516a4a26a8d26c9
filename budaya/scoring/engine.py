"""The scoring engine's entry points: one period's responses in, its numbers out.

`score_period` computes every number of METHOD.md §2–§10 as arrays (a `PeriodScores`);
`compute_results` lays them out as the §11 results document.
"""

import functools
import gc
import logging
import threading
from collections.abc import Mapping
from contextlib import contextmanager

import numpy as np

from budaya.scoring.branding import branding_scores
from budaya.scoring.data import BrandingData, SurveyData
from budaya.scoring.drivers import period_drivers
from budaya.scoring.eligibility import slovin_minimum, slovin_minimums
from budaya.scoring.groups import BREAKDOWN_CATEGORIES, Later, PeriodScores
from budaya.scoring.indices import indeks_evaluasi
from budaya.scoring.kernel import accumulate_responses, count_roster
from budaya.scoring.layout import results_document
from budaya.scoring.spec import Method, ScoringSpec
from budaya.scoring.stats import Sums
from budaya.scoring.table import GroupTable
from budaya.scoring.validation import check_survey_data
from budaya.scoring.weighting import rake_and_trim

logger = logging.getLogger(__name__)

METHOD_VERSION = "1"
# Axes of the (institution, gender, employment, age band) cell array summed away per breakdown.
BREAKDOWN_AXES = {"gender": (2, 3), "employment_type": (1, 3), "age_band": (1, 2)}


def compute_results(
    spec: ScoringSpec,
    method: Method,
    data: SurveyData,
    *,
    period: str | None = None,
    instrument: str | None = None,
    **inputs,
) -> dict:
    """Return the METHOD.md §11 results document for the nation, institutions and units.

    `inputs` are `score_period`'s (evaluations, previous, branding); `period` and `instrument`
    are written at the head of the document.
    """
    scores = score_period(spec, method, data, **inputs)
    with cyclic_gc_paused():
        return results_document(
            scores, period=period, instrument=instrument, method_version=METHOD_VERSION
        )


def warm_up(spec: ScoringSpec, method: Method) -> None:
    """Score a tiny made-up period once and drop the result: the compiled (numba) functions
    that `score_period` calls are then loaded from numba's cache, which takes the first call
    of a process about 0.8 s.

    A release calls it in a thread while the database counts the roster, when this process
    would otherwise wait (budaya.results.services.compute_document). The made-up period has the
    loaders' array types (budaya.results.survey_data), so the same compiled versions are loaded.
    Its numbers are never used.
    """
    n = 24
    unit = np.arange(n, dtype=np.int32) % 2
    picks = np.full((3, n, max(int(method.max_picks or 0), 1)), -1, dtype=np.int16)
    if len(spec.pick_values):
        picks[:, :, 0] = 0
    categories = np.arange(n, dtype=np.int8)
    data = SurveyData(
        institutions=["A", "B"],
        units=[(0, "A1"), (1, "B1")],
        unit=unit,
        gender=categories % 2,
        employment=categories % 2,
        age_band=categories % 4,
        answers=np.ones((n, len(spec.survey_items)), dtype=np.uint8),
        picks=picks,
        roster_unit=np.repeat(unit, 2),
        roster_gender=np.repeat(categories % 2, 2),
        roster_employment=np.repeat(categories % 2, 2),
        roster_age_band=np.repeat(categories % 4, 2),
    )
    # Reading the drivers waits for their thread, which loads their compiled functions.
    score_period(spec, method, data, evaluations={}).drivers  # noqa: B018


@contextmanager
def in_background(work, meanwhile: str):
    """Run `work()` in a thread while the block runs; wait for it at the end.

    `work` may only be work done ahead of time (`warm_up`, a cache warmed): what it raises is
    logged, naming `meanwhile` (what the block was doing), not raised. None runs nothing.
    """
    if work is None:
        yield
        return

    def run():
        try:
            work()
        except Exception:  # noqa: BLE001 - ahead-of-time work; the caller does it again anyway
            logger.warning("work done %s failed", meanwhile, exc_info=True)

    thread = threading.Thread(target=run, name="budaya-meanwhile", daemon=True)
    thread.start()
    try:
        yield
    finally:
        thread.join()


@contextmanager
def cyclic_gc_paused():
    """Pause Python's cyclic garbage collector while the block runs (as it was after).

    A national document holds about a million small objects. While it is built, and while
    anything else allocates many objects beside it (a release counting and storing its groups),
    the collector would rescan them over and over, though none of them are cycles: a second
    or more each time (docs/performance.md). Memory is still freed as usual, by reference
    counting.
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def score_period(
    spec: ScoringSpec,
    method: Method,
    data: SurveyData,
    *,
    evaluations: Mapping[tuple[str, str | None], Mapping[str, int]] | None = None,
    previous: dict | None = None,
    branding: BrandingData | None = None,
) -> PeriodScores:
    """Return every number of METHOD.md §2–§10 for the period, as arrays.

    `evaluations` maps (institution code, unit code or None for the institution's own) to the
    finalised levels per criterion; `previous` is the previous period's results document;
    `branding` the public employer-branding answers. `compute_results` lays the numbers out
    as the §11 document.
    """
    check_survey_data(spec, method, data)
    n_institutions = len(data.institutions)
    n_units = len(data.units)
    unit_institution = np.array([i for i, _ in data.units], dtype=np.intp).reshape(n_units)
    weights = _weights(method, data, unit_institution)

    # The fused numba kernel; BUDAYA_SCORING_KERNEL=numpy selects the numpy reference path.
    # The numba kernel also sums the §13 drivers' moments per unit in the same pass.
    driver_moments: dict = {}
    unit_sums, cell_sums = accumulate_responses(
        spec,
        data,
        weights,
        unit_institution,
        n_institutions,
        method.max_picks,
        drivers_out=driver_moments,
    )
    unit_pop, cell_pop = _populations(data, unit_institution, n_institutions)

    institution_sums = Sums(cell_sums.columns, cell_sums.data.sum(axis=(1, 2, 3)))
    institution_pop = None if cell_pop is None else cell_pop.sum(axis=(1, 2, 3))
    unit_n = unit_sums["resp"].astype(np.int64)
    institution_n = institution_sums["resp"].astype(np.int64)
    unit_min = institution_min = None
    if unit_pop is not None and spec.pulse:
        # §15: no Slovin eligibility for a pulse round; every group with n ≥ k is shown, so
        # the minimum is k (a group of n ≥ k is eligible, one below k is suppressed anyway).
        unit_min = np.full(n_units, method.threshold, dtype=np.int64)
        institution_min = np.full(n_institutions, method.threshold, dtype=np.int64)
        institution_eligible = institution_n >= institution_min
    elif unit_pop is not None:
        unit_min = slovin_minimums(unit_pop, method.margin)
        institution_min = slovin_minimums(institution_pop, method.margin)
        institution_eligible = institution_n >= institution_min
    else:
        institution_eligible = np.zeros(n_institutions, dtype=bool)

    # Rows of one table: units, institutions, institution breakdown cells, then the pooled
    # nation (eligible institutions) and its breakdown cells.
    blocks = [
        ("unit", unit_sums.data, unit_pop),
        ("institution", institution_sums.data, institution_pop),
    ]
    for name in BREAKDOWN_CATEGORIES:
        axes = BREAKDOWN_AXES[name]
        cells = cell_sums.data.sum(axis=axes)[:, 1:]  # drop the "unknown" slot
        pops = None if cell_pop is None else cell_pop.sum(axis=axes)[:, 1:]
        blocks.append((f"institution:{name}", cells.reshape(-1, cells.shape[-1]), _flat(pops)))
        pooled = cells[institution_eligible].sum(axis=0)
        pooled_pop = None if pops is None else pops[institution_eligible].sum(axis=0)
        blocks.append((f"nation:{name}", pooled, pooled_pop))
    pooled_nation = institution_sums.data[institution_eligible].sum(axis=0, keepdims=True)
    nation_pop = (
        None
        if institution_pop is None
        else institution_pop[institution_eligible].sum(keepdims=True)
    )
    blocks.append(("nation", pooled_nation, nation_pop))

    offsets, data_rows, population_rows = {}, [], []
    start = 0
    for name, rows, pops in blocks:
        offsets[name] = start
        start += rows.shape[0]
        data_rows.append(rows)
        population_rows.append(
            np.full(rows.shape[0], np.nan) if pops is None else np.asarray(pops, dtype=float)
        )
    evaluation = np.full(start, np.nan)
    levels = evaluations or {}
    criteria = spec.criteria
    institution_code_index = {code: i for i, code in enumerate(data.institutions)}
    unit_index = {(data.institutions[i], code): u for u, (i, code) in enumerate(data.units)}
    scored: dict[tuple, float | None] = {}  # many groups share the same levels
    for (institution, unit), given in levels.items():
        key = tuple(given.items())
        try:
            score = scored[key]
        except KeyError:
            score = scored[key] = indeks_evaluasi(criteria, given)
        except TypeError:  # unhashable levels: scored (and checked) as they are
            score = indeks_evaluasi(criteria, given)
        if unit is None or unit == "":
            if institution not in institution_code_index:
                raise ValueError(f"evaluation for unknown institution {institution!r}")
            row = offsets["institution"] + institution_code_index[institution]
        else:
            if (institution, unit) not in unit_index:
                raise ValueError(f"evaluation for unknown unit {unit!r} of {institution!r}")
            row = offsets["unit"] + unit_index[(institution, unit)]
        evaluation[row] = np.nan if score is None else score

    stacked = Sums(unit_sums.columns, np.concatenate(data_rows, axis=0))
    table = GroupTable(
        spec, method, stacked, np.concatenate(population_rows), evaluation, weights is not None
    )

    nation_population = int(data.roster_unit.shape[0]) if data.has_roster else None
    nation_minimum = (
        slovin_minimum(nation_population, method.margin) if nation_population is not None else None
    )
    if spec.pulse and nation_population is not None:
        nation_minimum = method.threshold  # §15: no Slovin minimum
    scores = PeriodScores(
        spec=spec,
        method=method,
        data=data,
        table=table,
        offsets=offsets,
        unit_institution=unit_institution,
        unit_n=unit_n,
        unit_pop=unit_pop,
        unit_min=unit_min,
        institution_n=institution_n,
        institution_pop=institution_pop,
        institution_min=institution_min,
        institution_eligible=institution_eligible,
        nation_n=data.n,
        nation_population=nation_population,
        nation_minimum=nation_minimum,
        branding=branding_scores(
            spec,
            method,
            branding,
            n_institutions,
            institution_codes=data.institutions,
            hidden_institutions=institution_n < method.threshold,
        )
        if branding is not None
        else None,
        previous=previous,
    )
    # §13: drivers of engagement of every shown group, unweighted, from the respondents'
    # behaviour and engagement scores (the nation pools the eligible institutions). They are
    # computed in a thread, beside what the caller does next (laying out the document), and
    # `scores.drivers` waits for them.
    drivers = functools.partial(
        period_drivers,
        spec,
        data.answers,
        data.unit,
        unit_institution,
        n_institutions,
        unit_shown=~scores.unit_suppressed,
        institution_shown=~scores.institution_suppressed,
        institution_eligible=institution_eligible,
        nation_shown=not scores.nation_suppressed and scores.nation_has_peers,
        moments=driver_moments.get("units"),
    )
    scores.drivers = Later(drivers, "budaya-drivers")
    return scores


def _flat(array):
    return None if array is None else array.reshape(-1)


def _weights(method: Method, data: SurveyData, unit_institution: np.ndarray):
    """Return respondent weights: given ones, raked ones (§10) or None for plain means."""
    weights = None if data.weight is None else np.asarray(data.weight, dtype=float)
    if not method.weighting:
        return weights
    if not data.has_roster:
        raise ValueError("weighting needs the roster: its margins are the raking targets")
    base = np.ones(data.n) if weights is None else weights.copy()
    result = base.copy()
    respondent_institution = unit_institution[data.unit]
    roster_institution = unit_institution[data.roster_unit]
    for institution in np.unique(respondent_institution):
        mine = respondent_institution == institution
        roster = roster_institution == institution
        result[mine] = rake_and_trim(
            base[mine],
            [data.unit[mine], data.gender[mine], data.employment[mine]],
            [data.roster_unit[roster], data.roster_gender[roster], data.roster_employment[roster]],
        )
    return result


def _populations(data: SurveyData, unit_institution: np.ndarray, n_institutions: int):
    """Return roster counts per unit (U,) and per institution cell (I, 3, 3, 5), or Nones."""
    if not data.has_roster:
        return None, None
    return count_roster(data, unit_institution, n_institutions)

"""Synthetic, realistic survey data for demonstrations, tests and benchmarks.

`generate(institutions, employees, seed)` returns a `DemoData`: institutions with units of
varied size, a roster, the responses of the current period (2026) and of the previous one
(2025), and evaluations, all as arrays and deterministic for a seed. `DemoData.survey_data()`
gives the engine's `SurveyData` without any file; `write_demo` (in `budaya.demodata.files`)
writes the METHOD.md §11 files that `budaya score` reads.
"""

from dataclasses import dataclass

import numpy as np

from budaya.demodata.answers import ResponseArrays, build_evaluations, build_responses
from budaya.demodata.people import PREVIOUS_CUTOFF, RosterArrays, build_roster
from budaya.demodata.structure import Structure, build_structure
from budaya.scoring.data import SurveyData
from budaya.scoring.spec import ScoringSpec

EDITION = "berakhlak-2026"
PERIOD = "2026"
PREVIOUS_PERIOD = "2025"

Evaluations = dict[tuple[str, str | None], dict[str, int]]


@dataclass
class DemoData:
    """One period of synthetic data; `previous` is the period before (same institutions)."""

    spec: ScoringSpec
    max_picks: int
    period: str
    year: int
    structure: Structure
    roster: RosterArrays
    responses: ResponseArrays
    evaluations: Evaluations
    previous: "DemoData | None" = None

    def survey_data(self, *, with_roster: bool = True) -> SurveyData:
        """Return the engine's `SurveyData`, as `budaya score` builds it from the files.

        Like the readers, it lists only the units on the roster or in the responses (a unit
        whose employees all joined after the previous period has no entry then).
        """
        responses, roster = self.responses, self.roster
        n_units = len(self.structure.units)
        present = np.bincount(responses.unit, minlength=n_units) > 0
        if with_roster:
            present |= np.bincount(roster.unit, minlength=n_units) > 0
        renumber = np.cumsum(present, dtype=np.int64).astype(np.int32) - 1
        data = SurveyData(
            institutions=list(self.structure.codes),
            units=[unit for unit, keep in zip(self.structure.units, present, strict=True) if keep],
            unit=renumber[responses.unit],
            gender=responses.gender,
            employment=responses.employment,
            age_band=responses.age_band,
            answers=responses.answers,
            picks=responses.picks,
        )
        if with_roster:
            data.roster_unit = renumber[roster.unit]
            data.roster_gender = roster.gender
            data.roster_employment = roster.employment
            data.roster_age_band = roster.age_band(self.year)
        return data


def default_instrument():
    """Return the instrument edition the demo data answers."""
    from budaya.instruments import load_instrument

    return load_instrument(EDITION)


def generate(
    institutions: int,
    employees: int,
    seed: int,
    *,
    spec: ScoringSpec | None = None,
    max_picks: int | None = None,
    units_per_institution: float | None = None,
    previous: bool = True,
    progress=None,
) -> DemoData:
    """Return synthetic data for `institutions` institutions sharing `employees` employees.

    `spec` and `max_picks` default to the berakhlak-2026 instrument. `units_per_institution`
    fixes the mean number of units (else it grows with the institution's size). With
    `previous`, the 2025 period is generated too: the same units, the roster without those
    recruited since July 2025, and scores about three points lower.
    """
    if spec is None or max_picks is None:
        instrument = default_instrument()
        spec = spec or instrument.scoring_spec()
        max_picks = max_picks or instrument.max_picks
    year, previous_year = int(PERIOD), int(PREVIOUS_PERIOD)
    streams = [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(7)]
    structure = build_structure(
        streams[0],
        institutions,
        employees,
        units_per_institution=units_per_institution,
        progress=progress,
    )
    roster = build_roster(streams[1], structure, year)
    if progress:
        progress(f"daftar pegawai / roster: {roster.size:,}")
    responses = build_responses(
        streams[2], spec, max_picks, structure, roster, year, progress=progress
    )
    current = DemoData(
        spec=spec,
        max_picks=max_picks,
        period=PERIOD,
        year=year,
        structure=structure,
        roster=roster,
        responses=responses,
        evaluations=build_evaluations(streams[3], spec, structure),
    )
    if previous:
        rng = streams[4]
        change = rng.normal(3.0, 2.5, len(structure.codes))[structure.unit_institution]
        change = change + rng.normal(0.0, 2.0, structure.unit_size.size)
        old_roster = roster.subset(roster.recruited < PREVIOUS_CUTOFF)
        old_responses = build_responses(
            streams[5],
            spec,
            max_picks,
            structure,
            old_roster,
            previous_year,
            shift=-change,
            progress=progress,
        )
        current.previous = DemoData(
            spec=spec,
            max_picks=max_picks,
            period=PREVIOUS_PERIOD,
            year=previous_year,
            structure=structure,
            roster=old_roster,
            responses=old_responses,
            evaluations=build_evaluations(streams[6], spec, structure, shift=-0.05),
        )
    return current


__all__ = ["EDITION", "PERIOD", "PREVIOUS_PERIOD", "DemoData", "Evaluations", "generate"]

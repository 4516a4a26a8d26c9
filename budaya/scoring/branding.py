"""Indeks Employer Branding from the public survey (METHOD.md §3, §8, §9)."""

import math

import numpy as np

from budaya.scoring.data import BrandingData
from budaya.scoring.document import score_dict
from budaya.scoring.indices import indeks_employer_branding
from budaya.scoring.respondent import MeanBuilder, item_scores
from budaya.scoring.spec import Method, ScoringSpec
from budaya.scoring.suppression import suppressed_cells

# The cell of the national link's own respondents (and of links of institutions outside the
# survey) in the breakdown of the national score into link groups.
NATIONAL_LINK = "ID"


def branding_scores(
    spec: ScoringSpec,
    method: Method,
    branding: BrandingData,
    n_institutions,
    institution_codes: list[str] | None = None,
    hidden_institutions: np.ndarray | None = None,
):
    """Return {"nation": Score|None, institution index: Score|None} of the public survey.

    A respondent's score is the mean of answered item scores, valid with at least half the
    items answered; the nation pools every public respondent, an institution those who came
    through its own link. N is unknown (no roster). Groups whose score rests on fewer than k
    respondents get None.

    The nation's score is the parent of the link groups (each linked institution's, plus the
    national link's own), so complementary suppression (§8, §9 of 1.2) is applied to that
    breakdown: a link group below k, or of an institution in `hidden_institutions` (its survey
    group is suppressed, so it shows nothing), hides the smallest shown link group until the
    hidden ones hold at least k respondents; a hidden institution gets None. Otherwise the
    national score minus the shown institutions would give the hidden ones' score.
    """
    items = spec.branding_items
    n = branding.answers.shape[0]
    if branding.answers.shape != (n, len(items)):
        raise ValueError(
            f"branding answers must have shape ({n}, {len(items)}), not {branding.answers.shape}"
        )
    score, valid = respondent_branding_scores(spec, branding.answers)
    result = {"nation": _score(score[valid], method)}
    institution = np.asarray(branding.institution)
    linked = set(int(i) for i in branding.linked_institutions) | set(
        int(i) for i in np.unique(institution[institution >= 0])
    )
    for index in sorted(linked):
        if not 0 <= index < n_institutions:
            raise ValueError(f"branding response for unknown institution index {index}")
    codes = (
        list(institution_codes)
        if institution_codes is not None
        else [f"{i:09d}" for i in range(n_institutions)]
    )
    counts = np.bincount(institution[valid] + 1, minlength=n_institutions + 1)
    forced = set()
    if hidden_institutions is not None:
        forced = {codes[i] for i in linked if hidden_institutions[i]}
    hidden = hidden_links(
        {codes[i]: int(counts[i + 1]) for i in linked}, int(counts[0]), method.threshold, forced
    )
    for index in sorted(linked):
        if codes[index] in hidden:
            result[index] = None
        else:
            result[index] = _score(score[valid & (institution == index)], method)
    return result


def hidden_links(
    link_counts: dict[str, int], national_count: int, threshold: int, forced=frozenset()
) -> set[str]:
    """Return the institution codes whose employer-branding score must not be shown.

    The national score pools every public respondent: its breakdown is the institutions'
    link groups (`link_counts`, code → respondents with a valid score) plus the national
    link's own group (`national_count`, never shown on its own). Complementary suppression
    (§8) applies to it; `forced` codes are hidden anyway (their institution is suppressed).
    """
    cells = [(NATIONAL_LINK, national_count), *link_counts.items()]
    return suppressed_cells(cells, threshold, set(forced)) - {NATIONAL_LINK}


def respondent_branding_scores(spec: ScoringSpec, answers: np.ndarray):
    """Return (score, valid) of each public respondent (§2: valid with half the items)."""
    items = spec.branding_items
    n = answers.shape[0]
    if not items:
        return np.zeros(n), np.zeros(n, bool)
    builder = MeanBuilder(n)
    for column, item in enumerate(items):
        score, answered, _ = item_scores(answers[:, column], item.points, item.reverse)
        builder.add(score, answered)
    return builder.mean(math.ceil(len(items) / 2))


def _score(values: np.ndarray, method: Method):
    n = values.shape[0]
    if n < method.threshold or n == 0:
        return None
    return score_dict(*indeks_employer_branding(values))

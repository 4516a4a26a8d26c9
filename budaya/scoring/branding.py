"""Indeks Employer Branding from the public survey (METHOD.md §3)."""

import math

import numpy as np

from budaya.scoring.data import BrandingData
from budaya.scoring.document import score_dict
from budaya.scoring.respondent import MeanBuilder, item_scores
from budaya.scoring.spec import Method, ScoringSpec


def branding_scores(spec: ScoringSpec, method: Method, branding: BrandingData, n_institutions):
    """Return {"nation": Score|None, institution index: Score|None} of the public survey.

    A respondent's score is the mean of answered item scores, valid with at least half the
    items answered; the nation pools every public respondent, an institution those who came
    through its own link. Groups under the threshold k get None. N is unknown (no roster).
    """
    items = spec.branding_items
    n = branding.answers.shape[0]
    if branding.answers.shape != (n, len(items)):
        raise ValueError(
            f"branding answers must have shape ({n}, {len(items)}), not {branding.answers.shape}"
        )
    builder = MeanBuilder(n)
    for column, item in enumerate(items):
        score, answered, _ = item_scores(branding.answers[:, column], item.points, item.reverse)
        builder.add(score, answered)
    score, valid = (
        builder.mean(math.ceil(len(items) / 2)) if items else (np.zeros(n), np.zeros(n, bool))
    )
    result = {"nation": _score(score[valid], method)}
    institution = np.asarray(branding.institution)
    linked = set(int(i) for i in branding.linked_institutions) | set(
        int(i) for i in np.unique(institution[institution >= 0])
    )
    for index in sorted(linked):
        if not 0 <= index < n_institutions:
            raise ValueError(f"branding response for unknown institution index {index}")
        result[index] = _score(score[valid & (institution == index)], method)
    return result


def _score(values: np.ndarray, method: Method):
    n = values.shape[0]
    if n < method.threshold or n == 0:
        return None
    mean = float(values.mean())
    se = float(values.std(ddof=1) / math.sqrt(n)) if n >= 2 else None
    return score_dict(mean, se, n)

"""All scores of many groups at once, from their stacked sums (METHOD.md §3–§5, §7)."""

import numpy as np

from budaya.scoring import indices
from budaya.scoring.document import ScoreColumn
from budaya.scoring.respondent import MEASURES
from budaya.scoring.spec import BEHAVIOUR_CODES, VALUE_CODES, Method, ScoringSpec
from budaya.scoring.stats import Sums


def _nan_to_none(values: np.ndarray) -> list:
    return [value if value == value else None for value in values.tolist()]


class GroupTable:
    """Scores of every row of `sums` (one row per group or breakdown cell).

    `population` gives N per row (NaN where unknown), `evaluation` E per row (NaN where the row
    has no finalised evaluation of its own). Row scores are read with `scores(row)` as §11
    SCORE objects; rows are read many times (a unit is a group and a breakdown cell), so every
    object is built once and shared.
    """

    def __init__(
        self,
        spec: ScoringSpec,
        method: Method,
        sums: Sums,
        population: np.ndarray,
        evaluation: np.ndarray,
        weighted: bool,
    ):
        self.spec = spec
        self.method = method
        self.n = sums["resp"].astype(np.int64).tolist()
        self.population = [
            None if value != value else int(value) for value in np.asarray(population).tolist()
        ]
        measures = {}
        for name in MEASURES:
            mean, se, n = indices.mean_and_se(sums, name, population, weighted)
            measures[name] = (mean, se, n)
        self.columns = {name: ScoreColumn(*measures[name]) for name in MEASURES}
        value_means = np.stack([measures[f"v:{d}"][0] for d in VALUE_CODES], axis=-1)
        implementation = indices.implementation_index(value_means)
        _, imp_se, imp_n = measures["imp"]
        self.implementation = ScoreColumn(implementation, imp_se, imp_n)
        self.evaluation = ScoreColumn(
            evaluation, np.full_like(evaluation, np.nan), evaluation * np.nan
        )
        survey_weight = float(method.survey_weight)
        headline = survey_weight * implementation + float(method.evaluation_weight) * evaluation
        self.headline = ScoreColumn(headline, survey_weight * imp_se, imp_n)
        engagement_n = measures["eng"][2]
        self.engagement_eligible = (engagement_n >= method.engagement_minimum).tolist()
        self.favourable = {
            d: _nan_to_none(indices.value_favourable(spec, sums, d, weighted)) for d in VALUE_CODES
        }
        self.alpha = {}
        for d in VALUE_CODES:
            alpha, lo, hi, n = indices.value_alpha(spec, sums, d)
            self.alpha[d] = (alpha.tolist(), lo.tolist(), hi.tolist(), n.astype(np.int64).tolist())
        ep, ep_n = indices.energi_positif(sums)
        self.energi_positif = ScoreColumn(ep, np.full_like(ep, np.nan), ep_n)
        self.pilihan = indices.PickTops(spec, indices.pick_counts(spec, sums))
        self._cache: dict[tuple[int, bool], dict] = {}

    def _alpha(self, value: str, row: int):
        alpha, lo, hi, n = self.alpha[value]
        if alpha[row] != alpha[row]:  # NaN: fewer than 30 complete answers or no variance
            return None
        return {"value": alpha[row], "ci95": [lo[row], hi[row]], "n": n[row]}

    def scores(self, row: int, with_evaluation: bool = True) -> dict:
        """Return the scores of one row: index keys, `values`, `behaviours`, `pilihan_nilai`.

        `with_evaluation` False gives null evaluasi and indeks_berakhlak (breakdown cells other
        than units).
        """
        key = (row, with_evaluation)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        values = {
            d: self.columns[f"v:{d}"].get(
                row, favourable=self.favourable[d][row], alpha=self._alpha(d, row)
            )
            for d in VALUE_CODES
        }
        behaviours = {j: self.columns[f"b:{j}"].get(row) for j in BEHAVIOUR_CODES}
        engagement = self.columns["eng"].get(row)
        if engagement is not None:
            engagement["eligible"] = self.engagement_eligible[row]
        scores = {
            "values": values,
            "behaviours": behaviours,
            "implementasi": self.implementation.get(row),
            "evaluasi": self.evaluation.get(row) if with_evaluation else None,
            "indeks_berakhlak": self.headline.get(row) if with_evaluation else None,
            "engagement": engagement,
            "energi_positif": self.energi_positif.get(row),
            "keselarasan_pribadi_organisasi": self.columns["kpo"].get(row),
            "keselarasan_saat_ini_harapan": self.columns["kch"].get(row),
            "pilihan_nilai": self.pilihan.get(row),
        }
        self._cache[key] = scores
        return scores

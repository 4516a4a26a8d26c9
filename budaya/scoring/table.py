"""All scores of many groups at once, from their stacked sums (METHOD.md §3–§5, §7)."""

import numpy as np

from budaya.scoring import indices
from budaya.scoring.document import make_score
from budaya.scoring.respondent import MEASURES
from budaya.scoring.spec import BEHAVIOUR_CODES, VALUE_CODES, Method, ScoringSpec
from budaya.scoring.stats import Sums


class GroupTable:
    """Scores of every row of `sums` (one row per group or breakdown cell).

    `population` gives N per row (NaN where unknown), `evaluation` E per row (NaN where the row
    has no finalised evaluation of its own). Row scores are read with `scores(row)`.
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
        self.sums = sums
        self.n = sums["resp"].astype(np.int64).tolist()
        self.population = [
            None if value != value else int(value) for value in np.asarray(population).tolist()
        ]
        columns = {}
        for name in MEASURES:
            mean, se, n = indices.mean_and_se(sums, name, population, weighted)
            columns[name] = (mean.tolist(), se.tolist(), n.astype(np.int64).tolist())
        value_means = np.stack(
            [np.asarray(columns[f"v:{d}"][0], dtype=float) for d in VALUE_CODES], axis=-1
        )
        implementation = indices.implementation_index(value_means)
        self.implementation = implementation.tolist()
        survey_weight = float(method.survey_weight)
        evaluation_weight = float(method.evaluation_weight)
        headline = survey_weight * implementation + evaluation_weight * evaluation
        self.headline = headline.tolist()
        self.evaluation = evaluation.tolist()
        self.survey_weight = survey_weight
        self.columns = columns
        self.favourable = {
            d: indices.value_favourable(spec, sums, d, weighted).tolist() for d in VALUE_CODES
        }
        self.alpha = {}
        for d in VALUE_CODES:
            alpha, lo, hi, n = indices.value_alpha(spec, sums, d)
            self.alpha[d] = (alpha.tolist(), lo.tolist(), hi.tolist(), n.astype(np.int64).tolist())
        ep, ep_n = indices.energi_positif(sums)
        self.energi_positif = (ep.tolist(), ep_n.astype(np.int64).tolist())
        self.pick_counts = indices.pick_counts(spec, sums)

    def _measure(self, name: str, row: int, **extra):
        mean, se, n = self.columns[name]
        return make_score(mean[row], se[row], n[row], **extra)

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
        values = {}
        for d in VALUE_CODES:
            favourable = self.favourable[d][row]
            values[d] = self._measure(
                f"v:{d}",
                row,
                favourable=None if favourable != favourable else favourable,
                alpha=self._alpha(d, row),
            )
        behaviours = {j: self._measure(f"b:{j}", row) for j in BEHAVIOUR_CODES}
        _, imp_se, imp_n = self.columns["imp"]
        implementation = make_score(self.implementation[row], imp_se[row], imp_n[row])
        evaluation = headline = None
        if with_evaluation:
            evaluation = make_score(self.evaluation[row])
            headline_se = imp_se[row] * self.survey_weight if imp_se[row] == imp_se[row] else None
            headline = make_score(self.headline[row], headline_se, imp_n[row])
        engagement = self._measure("eng", row)
        if engagement is not None:
            engagement.extra["eligible"] = engagement.n >= self.method.engagement_minimum
        ep_score, ep_n = self.energi_positif
        return {
            "values": values,
            "behaviours": behaviours,
            "implementasi": implementation,
            "evaluasi": evaluation,
            "indeks_berakhlak": headline,
            "engagement": engagement,
            "energi_positif": make_score(ep_score[row], None, ep_n[row]),
            "keselarasan_pribadi_organisasi": self._measure("kpo", row),
            "keselarasan_saat_ini_harapan": self._measure("kch", row),
            "pilihan_nilai": indices.pilihan_nilai(self.spec, self.pick_counts[row]),
        }

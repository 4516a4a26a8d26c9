"""All scores of many groups at once, from their stacked sums (METHOD.md §3–§5, §7)."""

import numpy as np

from budaya.scoring import indices
from budaya.scoring.document import ScoreColumn
from budaya.scoring.spec import BEHAVIOUR_CODES, VALUE_CODES, Method, ScoringSpec
from budaya.scoring.stats import Sums


def _below_k_null(score: np.ndarray, n: np.ndarray, k: int) -> np.ndarray:
    """Return `score` with NaN (null) where its own n is below the threshold k (§8, 1.2)."""
    return np.where(np.asarray(n) >= k, score, np.nan)


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
        # §8 (1.2): a score resting on fewer than k respondents (its own n) is null, in a
        # shown group or cell too. Nulled here, every score built from it (I from the value
        # scores, the headline from I), its change, benchmark and national mean go with it.
        k = method.threshold
        self.columns = {}

        def column(name, found):
            score, se, n = found
            self.columns[name] = ScoreColumn(_below_k_null(score, n, k), se, n, raw=score)
            return score

        value_scores = [
            column(f"v:{d}", indices.skor_nilai(sums, d, population, weighted)) for d in VALUE_CODES
        ]
        for j in BEHAVIOUR_CODES:
            column(f"b:{j}", indices.skor_perilaku(sums, j, population, weighted))
        column("eng", indices.indeks_keterikatan(sums, population, weighted))
        column("kpo", indices.indeks_keselarasan_pribadi_organisasi(sums, population, weighted))
        column("kch", indices.indeks_keselarasan_saat_ini_harapan(sums, population, weighted))
        # I's own n (respondents with a valid i[r]) is at most each value's n.
        imp_se, imp_n = indices.implementasi_se(sums, population, weighted)
        raw_implementation = indices.indeks_implementasi(np.stack(value_scores, axis=-1))
        implementation = _below_k_null(raw_implementation, imp_n, k)
        self.implementation = ScoreColumn(implementation, imp_se, imp_n, raw=raw_implementation)
        self.evaluation = ScoreColumn(
            evaluation, np.full_like(evaluation, np.nan), evaluation * np.nan
        )
        # The headline follows I's null: computed from the nulled I, and from the raw I.
        weights = (method.survey_weight, method.evaluation_weight)
        headline, headline_se = indices.indeks_berakhlak(
            implementation, evaluation, imp_se, *weights
        )
        raw_headline, _ = indices.indeks_berakhlak(raw_implementation, evaluation, imp_se, *weights)
        self.headline = ScoreColumn(headline, headline_se, imp_n, raw=raw_headline)
        self.engagement_eligible = self.columns["eng"].n >= method.engagement_minimum
        self.favourable = {
            d: indices.value_favourable(spec, sums, d, weighted) for d in VALUE_CODES
        }
        # {value: (alpha, lo, hi, n)} arrays, NaN where α is undefined (or its n below k).
        self.alpha = indices.value_alphas(spec, sums, VALUE_CODES)
        for value, (alpha, lo, hi, alpha_n) in self.alpha.items():
            self.alpha[value] = (_below_k_null(alpha, alpha_n, k), lo, hi, alpha_n)
        raw_ep, ep_n = indices.energi_positif(sums)
        ep = _below_k_null(raw_ep, ep_n, k)
        self.energi_positif = ScoreColumn(ep, np.full_like(ep, np.nan), ep_n, raw=raw_ep)
        # A question's top ten (and the matches using it) is null when fewer than k
        # respondents picked anything in it.
        pickers = np.stack([sums["pk:P:n"], sums["ep:n"], sums["pk:H:n"]], axis=-1)
        self.pilihan = indices.PickTops(
            spec, indices.pick_counts(spec, sums), shown=np.asarray(pickers) >= k
        )
        self._cache: dict[tuple[int, bool], dict] = {}

    def _alpha_objects(self, value: str) -> list[dict | None]:
        alpha, lo, hi, n = self.alpha[value]
        alpha, lo, hi, n = alpha.tolist(), lo.tolist(), hi.tolist(), n.astype(np.int64).tolist()
        return [
            None if a != a else {"value": a, "ci95": [low, high], "n": count}
            for a, low, high, count in zip(alpha, lo, hi, n, strict=True)
        ]

    def _build_rows(self) -> None:
        """Build every row's SCORE objects at once, column by column."""
        value_columns = [
            self.columns[f"v:{d}"].all(
                favourable=_nan_to_none(self.favourable[d]), alpha=self._alpha_objects(d)
            )
            for d in VALUE_CODES
        ]
        self.row_values = [
            dict(zip(VALUE_CODES, row, strict=True)) for row in zip(*value_columns, strict=True)
        ]
        behaviour_columns = [self.columns[f"b:{j}"].all() for j in BEHAVIOUR_CODES]
        self.row_behaviours = [
            dict(zip(BEHAVIOUR_CODES, row, strict=True))
            for row in zip(*behaviour_columns, strict=True)
        ]
        self.row_engagement = self.columns["eng"].all(eligible=self.engagement_eligible.tolist())
        self.row_implementation = self.implementation.all()
        self.row_evaluation = self.evaluation.all()
        self.row_headline = self.headline.all()
        self.row_energi = self.energi_positif.all()
        self.row_kpo = self.columns["kpo"].all()
        self.row_kch = self.columns["kch"].all()

    def scores(self, row: int, with_evaluation: bool = True) -> dict:
        """Return the scores of one row: index keys, `values`, `behaviours`, `pilihan_nilai`.

        `with_evaluation` False gives null evaluasi and indeks_berakhlak (breakdown cells other
        than units). The objects are shared: callers must not change them.
        """
        key = (row, with_evaluation)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        if not hasattr(self, "row_values"):
            self._build_rows()
        scores = {
            "values": self.row_values[row],
            "behaviours": self.row_behaviours[row],
            "implementasi": self.row_implementation[row],
            "evaluasi": self.row_evaluation[row] if with_evaluation else None,
            "indeks_berakhlak": self.row_headline[row] if with_evaluation else None,
            "engagement": self.row_engagement[row],
            "energi_positif": self.row_energi[row],
            "keselarasan_pribadi_organisasi": self.row_kpo[row],
            "keselarasan_saat_ini_harapan": self.row_kch[row],
            "pilihan_nilai": self.pilihan.get(row),
        }
        self._cache[key] = scores
        return scores

"""Assembly of the groups of the results document: eligibility, suppression, the nation,
benchmarks, change and breakdowns (METHOD.md §8, §9, §7, §11)."""

import bisect
import math
from dataclasses import dataclass

import numpy as np

from budaya.scoring.document import INDEX_KEYS, change, score_dict
from budaya.scoring.spec import (
    AGE_BANDS,
    BEHAVIOUR_CODES,
    EMPLOYMENT_TYPES,
    GENDERS,
    VALUE_CODES,
    Method,
    ScoringSpec,
)
from budaya.scoring.suppression import suppressed_cells

BREAKDOWN_CATEGORIES = {
    "gender": GENDERS,
    "employment_type": EMPLOYMENT_TYPES,
    "age_band": AGE_BANDS,
}


@dataclass
class GroupAssembler:
    spec: ScoringSpec
    method: Method
    data: object
    table: object
    offsets: dict
    unit_n: np.ndarray
    unit_pop: np.ndarray | None
    unit_min: np.ndarray | None
    institution_n: np.ndarray
    institution_pop: np.ndarray | None
    institution_min: np.ndarray | None
    institution_eligible: np.ndarray
    nation_n: int
    nation_population: int | None
    nation_minimum: int | None
    branding: dict | None
    previous: dict | None

    def groups(self) -> list[dict]:
        """Return every group of the document: nation, institutions by code, units."""
        k = self.method.threshold
        data = self.data
        institutions = data.institutions
        order = sorted(range(len(institutions)), key=lambda i: institutions[i])
        units_of = {i: [] for i in range(len(institutions))}
        for u, (i, code) in enumerate(data.units):
            units_of[i].append((code, u))
        for members in units_of.values():
            members.sort()

        institution_scores = {}
        for i in range(len(institutions)):
            scores = self.table.scores(self.offsets["institution"] + i)
            if self.branding is not None and i in self.branding:
                scores["employer_branding"] = self.branding[i]
            institution_scores[i] = scores
        institution_suppressed = self.institution_n < k

        unit_suppressed = {}
        for i, members in units_of.items():
            if institution_suppressed[i]:
                hidden = {code for code, _ in members}
            else:
                hidden = suppressed_cells([(code, int(self.unit_n[u])) for code, u in members], k)
            for code, u in members:
                unit_suppressed[u] = code in hidden
        unit_scores = {
            u: self.table.scores(self.offsets["unit"] + u)
            for u in range(len(data.units))
            if not unit_suppressed[u]
        }
        unit_eligible = (
            self.unit_n >= self.unit_min
            if self.unit_min is not None
            else np.zeros(len(data.units), dtype=bool)
        )

        nation_scores = self._nation_scores(institution_scores)
        previous = _index_previous(self.previous)

        # Benchmarks: institutions among eligible, unsuppressed institutions; units among the
        # eligible, unsuppressed units of their institution.
        peers = [
            i
            for i in range(len(institutions))
            if self.institution_eligible[i] and not institution_suppressed[i]
        ]
        institution_bench = Benchmarks([institution_scores[i] for i in peers])

        documents = [self._nation_document(nation_scores, previous)]
        unit_documents = []
        for i in order:
            code = institutions[i]
            eligible = bool(self.institution_eligible[i])
            document = self._head(
                "institution",
                code,
                "ID",
                int(self.institution_n[i]),
                _maybe(self.institution_pop, i),
                _maybe(self.institution_min, i),
                eligible,
                bool(institution_suppressed[i]),
            )
            documents.append(document)
            members = units_of[i]
            unit_peers = [
                unit_scores[u] for _, u in members if unit_eligible[u] and not unit_suppressed[u]
            ]
            unit_bench = Benchmarks(unit_peers)
            if not institution_suppressed[i]:
                scores = institution_scores[i]
                self._fill(document, scores, previous.get(("institution", code, "ID")))
                if eligible:
                    document["benchmark"] = institution_bench.of(scores)
                breakdowns = {"unit": {}}
                for unit_code, u in members:
                    breakdowns["unit"][unit_code] = self._cell(
                        int(self.unit_n[u]),
                        _maybe(self.unit_pop, u),
                        unit_suppressed[u],
                        unit_scores.get(u),
                    )
                breakdowns.update(self._attribute_breakdowns("institution", i))
                document["breakdowns"] = breakdowns
            for unit_code, u in members:
                unit_document = self._head(
                    "unit",
                    unit_code,
                    code,
                    int(self.unit_n[u]),
                    _maybe(self.unit_pop, u),
                    _maybe(self.unit_min, u),
                    bool(unit_eligible[u]),
                    unit_suppressed[u],
                )
                if not unit_suppressed[u]:
                    scores = unit_scores[u]
                    self._fill(unit_document, scores, previous.get(("unit", unit_code, code)))
                    if unit_eligible[u]:
                        unit_document["benchmark"] = unit_bench.of(scores)
                unit_documents.append(unit_document)
        return documents + unit_documents

    # -- the nation -----------------------------------------------------------------------

    def _nation_scores(self, institution_scores) -> dict:
        """Return the nation's scores: means over eligible institutions (§9)."""
        eligible = [
            institution_scores[i]
            for i in range(len(self.data.institutions))
            if self.institution_eligible[i]
        ]
        pooled = self.table.scores(self.offsets["nation"])
        scores = {"values": {}, "behaviours": {}}
        for d in VALUE_CODES:
            parts = [s["values"][d] for s in eligible if s["values"][d] is not None]
            favourable = [p["favourable"] for p in parts if p["favourable"] is not None]
            pooled_value = pooled["values"][d]
            scores["values"][d] = _mean_of(
                parts,
                favourable=sum(favourable) / len(favourable) if favourable else None,
                alpha=pooled_value["alpha"] if pooled_value else None,
            )
        for j in BEHAVIOUR_CODES:
            scores["behaviours"][j] = _mean_of([s["behaviours"][j] for s in eligible])
        for key in INDEX_KEYS:
            if key == "employer_branding":
                continue
            parts = [s[key] for s in eligible]
            if key == "engagement":
                parts = [p for p in parts if p is not None and p["eligible"]]
                scores[key] = _mean_of(parts, eligible=True)
            else:
                scores[key] = _mean_of(parts)
        if self.branding is not None:
            scores["employer_branding"] = self.branding.get("nation")
        scores["pilihan_nilai"] = pooled["pilihan_nilai"]
        return scores

    def _nation_document(self, scores, previous) -> dict:
        suppressed = self.nation_n < self.method.threshold
        eligible = self.nation_minimum is not None and self.nation_n >= self.nation_minimum
        document = self._head(
            "nation",
            "ID",
            None,
            self.nation_n,
            self.nation_population,
            self.nation_minimum,
            eligible,
            suppressed,
        )
        if not suppressed:
            self._fill(document, scores, previous.get(("nation", "ID", None)))
            document["breakdowns"] = self._attribute_breakdowns("nation", None)
        return document

    # -- pieces of a group document ---------------------------------------------------------

    def _head(self, level, code, parent, n, population, minimum, eligible, suppressed) -> dict:
        rate = n / population if population else None
        return {
            "level": level,
            "code": code,
            "parent": parent,
            "n": int(n),
            "population": None if population is None else int(population),
            "response_rate": rate,
            "minimum": None if minimum is None else int(minimum),
            "eligible": bool(eligible),
            "suppressed": bool(suppressed),
        }

    def _fill(self, document: dict, scores: dict, before: dict | None) -> None:
        document.update(_scores_json(scores))
        if before is not None and not before.get("suppressed"):
            document["change"] = _changes(scores, before)

    def _cell(self, n, population, suppressed, scores) -> dict:
        cell = {
            "n": int(n),
            "population": None if population is None else int(population),
            "suppressed": bool(suppressed),
        }
        if not suppressed and scores is not None:
            cell.update(_scores_json(scores, cell=True))
        return cell

    def _attribute_breakdowns(self, level: str, institution: int | None) -> dict:
        """Return the gender, employment type and age band breakdowns of one parent."""
        k = self.method.threshold
        result = {}
        for name, categories in BREAKDOWN_CATEGORIES.items():
            base = self.offsets[f"{level}:{name}"]
            if institution is not None:
                base += institution * len(categories)
            rows = [(code, base + c) for c, code in enumerate(categories)]
            present = [(code, row) for code, row in rows if self.table.n[row] > 0]
            hidden = suppressed_cells([(code, self.table.n[row]) for code, row in present], k)
            cells = {}
            for code, row in present:
                suppressed = code in hidden
                scores = None if suppressed else self.table.scores(row, with_evaluation=False)
                cells[code] = self._cell(
                    self.table.n[row], self.table.population[row], suppressed, scores
                )
            result[name] = cells
        return result


class Benchmarks:
    """Peer statistics for §9: computed once per peer set, then read for each member."""

    def __init__(self, peer_scores: list[dict]):
        self.sets = {}
        for key, getter, _ in BENCHMARK_KEYS:
            scores = [getter(s) for s in peer_scores]
            if key == "engagement":
                scores = [s for s in scores if s is not None and s["eligible"]]
            scores = [s for s in scores if s is not None]
            if not scores:
                continue
            raw = sorted(s["score"] for s in scores)
            shown = sorted(s["shown"] for s in scores)
            # Rank and percentile rank of each shown value met so far (peers often share one).
            self.sets[key] = (_percentile(raw, 50), _percentile(raw, 75), shown, {})

    def of(self, scores: dict) -> dict:
        """Return the §11 `benchmark` object of one group among these peers."""
        values = {}
        result = {"values": values}
        for key, getter, value_code in BENCHMARK_KEYS:
            own = getter(scores)
            if own is None:
                continue
            peers = self.sets.get(key)
            if peers is None:
                continue
            if key == "engagement" and not own["eligible"]:
                continue
            median, p75, shown, placed = peers
            value = own["shown"]
            place = placed.get(value)
            if place is None:
                below = bisect.bisect_left(shown, value)
                above = len(shown) - bisect.bisect_right(shown, value)
                equal = len(shown) - below - above
                place = placed[value] = (100.0 * (below + 0.5 * equal) / len(shown), above + 1)
            entry = {
                "median": median,
                "p75": p75,
                "percentile_rank": place[0],
                "rank": place[1],
                "of": len(shown),
            }
            if value_code is not None:
                values[value_code] = entry
            else:
                result[key] = entry
        return result


def _percentile(ordered: list[float], q: float) -> float:
    """Return the q-th percentile of sorted values with linear interpolation (numpy's default)."""
    position = (len(ordered) - 1) * q / 100.0
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def _benchmark_keys():
    """Return (key, getter, value code or None) of every benchmarked score."""
    keys = [(key, lambda s, key=key: s.get(key), None) for key in INDEX_KEYS]
    keys += [(f"values:{d}", lambda s, d=d: s["values"][d], d) for d in VALUE_CODES]
    return keys


BENCHMARK_KEYS = _benchmark_keys()


def _mean_of(parts, **extra) -> dict | None:
    """Return the unweighted mean of SCOREs (n summed, SE = √ΣSE²/m), or None if none."""
    parts = [p for p in parts if p is not None]
    if not parts:
        return None
    m = len(parts)
    mean = sum(p["score"] for p in parts) / m
    n = sum(p["n"] for p in parts) if all(p["n"] is not None for p in parts) else None
    se = (
        math.sqrt(sum(p["se"] ** 2 for p in parts)) / m
        if all(p["se"] is not None for p in parts)
        else None
    )
    return score_dict(mean, se, n, **extra)


def _scores_json(scores: dict, cell: bool = False) -> dict:
    document = {"values": scores["values"], "behaviours": scores["behaviours"]}
    for key in INDEX_KEYS:
        if key == "employer_branding" and ("employer_branding" not in scores or cell):
            continue
        document[key] = scores.get(key)
    document["pilihan_nilai"] = scores["pilihan_nilai"]
    return document


def _changes(scores: dict, before: dict) -> dict:
    result = {}
    for key in INDEX_KEYS:
        now = scores.get(key)
        old = before.get(key)
        if now is not None and isinstance(old, dict) and old.get("score") is not None:
            result[key] = change(now, old)
    values = {}
    for d in VALUE_CODES:
        now = scores["values"][d]
        old = (before.get("values") or {}).get(d)
        if now is not None and isinstance(old, dict) and old.get("score") is not None:
            values[d] = change(now, old)
    result["values"] = values
    return result


def _index_previous(previous: dict | None) -> dict:
    if not previous:
        return {}
    return {
        (group.get("level"), group.get("code"), group.get("parent")): group
        for group in previous.get("groups", [])
    }


def _maybe(array, index):
    return None if array is None else int(array[index])

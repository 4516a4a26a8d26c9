"""The engine's decisions about groups and the §11 document built from them.

`PeriodScores` holds every number of one period (METHOD.md §2–§10) as arrays: the scores
table of every group and breakdown cell, eligibility, suppression with complementary
suppression (§8), the nation's means (§9), benchmarks and ranks (§9) and the change against
the previous period (§7). `PeriodScores.document()` lays those numbers out as the results
document of §11; it computes nothing new, it only turns arrays into Python objects.
"""

import math
from dataclasses import dataclass

import numpy as np

from budaya.scoring.benchmarks import PeerStatistics, peer_statistics
from budaya.scoring.document import INDEX_KEYS, Z95, round_shown_array, score_dict
from budaya.scoring.indices import hide_top_tens
from budaya.scoring.spec import (
    AGE_BANDS,
    BEHAVIOUR_CODES,
    EMPLOYMENT_TYPES,
    GENDERS,
    MINIMUM_PEERS,
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
# Every benchmarked and compared score: the index keys, then each value ("values:BP", …).
SCORE_KEYS = (*INDEX_KEYS, *(f"values:{d}" for d in VALUE_CODES))


@dataclass
class Column:
    """One score of the groups of one level: unrounded score, SE, n and shown value (NaN where
    missing or, §8 of 1.2, resting on fewer than k respondents), and whether each group may be
    a benchmark peer for it. `raw` is the score before that null (national means use it)."""

    score: np.ndarray
    se: np.ndarray
    n: np.ndarray
    shown: np.ndarray
    peer_ok: np.ndarray
    raw: np.ndarray | None = None


@dataclass
class Changes:
    """The §7 change of one score for the groups of one level (`defined` where it exists)."""

    defined: np.ndarray
    delta: np.ndarray
    shown: np.ndarray
    significant: np.ndarray  # 1 true, 0 false, -1 unknown


class PeriodScores:
    """Every number of one period, for the nation, institutions, units and breakdown cells."""

    def __init__(
        self,
        *,
        spec: ScoringSpec,
        method: Method,
        data,
        table,
        offsets: dict,
        unit_institution: np.ndarray,
        unit_n: np.ndarray,
        unit_pop: np.ndarray | None,
        unit_min: np.ndarray | None,
        institution_n: np.ndarray,
        institution_pop: np.ndarray | None,
        institution_min: np.ndarray | None,
        institution_eligible: np.ndarray,
        nation_n: int,
        nation_population: int | None,
        nation_minimum: int | None,
        branding: dict | None,
        previous: dict | None,
    ):
        self.spec = spec
        self.method = method
        self.data = data
        self.table = table
        self.offsets = offsets
        self.unit_n = unit_n
        self.unit_pop = unit_pop
        self.unit_min = unit_min
        self.institution_n = institution_n
        self.institution_pop = institution_pop
        self.institution_min = institution_min
        self.institution_eligible = np.asarray(institution_eligible, dtype=bool)
        self.nation_n = nation_n
        self.nation_population = nation_population
        self.nation_minimum = nation_minimum
        self.branding = branding
        n_institutions = len(data.institutions)
        n_units = len(data.units)
        self.unit_institution = np.asarray(unit_institution, dtype=np.int64)
        self.unit_eligible = (
            unit_n >= unit_min if unit_min is not None else np.zeros(n_units, dtype=bool)
        )
        # §8 (1.2): an institution's engagement is eligible only when the institution is.
        # Set before any SCORE object is built (the table builds them on first read).
        first = offsets["institution"]
        table.engagement_eligible[first : first + n_institutions] &= self.institution_eligible
        self._suppress(n_institutions)
        institution_rows = slice(offsets["institution"], offsets["institution"] + n_institutions)
        unit_rows = slice(offsets["unit"], offsets["unit"] + n_units)
        self.institution_columns = self._columns(institution_rows, institution_branding=True)
        self.unit_columns = self._columns(unit_rows, institution_branding=False)
        self.nation_scores = self._nation_scores()
        self.institution_benchmarks = self._benchmarks(
            self.institution_columns,
            np.zeros(n_institutions, dtype=np.int64),
            self.institution_eligible & ~self.institution_suppressed,
        )
        self.unit_benchmarks = self._benchmarks(
            self.unit_columns,
            self.unit_institution,
            self.unit_eligible & ~self.unit_suppressed,
        )
        self._compare(previous)

    # -- §8: suppression --------------------------------------------------------------------

    def _suppress(self, n_institutions: int) -> None:
        """Decide which institutions, units and breakdown cells are suppressed."""
        k = self.method.threshold
        self.institution_suppressed = self.institution_n < k
        self.units_of = [[] for _ in range(n_institutions)]
        for u, (i, code) in enumerate(self.data.units):
            self.units_of[i].append((code, u))
        unit_n = self.unit_n.tolist()
        self.unit_suppressed = np.zeros(len(self.data.units), dtype=bool)
        for i, members in enumerate(self.units_of):
            members.sort()
            if self.institution_suppressed[i]:
                hidden = {code for code, _ in members}
            else:
                hidden = suppressed_cells([(code, unit_n[u]) for code, u in members], k)
            for code, u in members:
                if code in hidden:
                    self.unit_suppressed[u] = True
        # Attribute breakdown cells (rows of the table): present when they hold respondents.
        # Respondents whose attribute was left out (1.2 §8) count in the parent and in no cell
        # of that attribute, so complementary suppression runs over the cells alone, as §8
        # gives it (docs/anonymity.md notes what parent − shown cells then tells).
        table_n = self.table.n
        self.cell_suppressed = np.zeros(len(table_n), dtype=bool)
        for level, parents in (("institution", n_institutions), ("nation", 1)):
            for name, categories in BREAKDOWN_CATEGORIES.items():
                base = self.offsets[f"{level}:{name}"]
                for parent in range(parents):
                    first = base + parent * len(categories)
                    present = [
                        (code, table_n[first + c])
                        for c, code in enumerate(categories)
                        if table_n[first + c] > 0
                    ]
                    hidden = suppressed_cells(present, k)
                    for c, code in enumerate(categories):
                        if code in hidden:
                            self.cell_suppressed[first + c] = True

    # -- scores of one level, by key --------------------------------------------------------

    def _columns(self, rows: slice, institution_branding: bool) -> dict[str, Column]:
        """Return every SCORE_KEYS score of the table rows `rows` (institutions or units)."""
        table = self.table
        sources = _sources(table)
        columns = {}
        for key in SCORE_KEYS:
            if key == "employer_branding":
                columns[key] = self._branding_column(rows, institution_branding)
                continue
            source = sources[key]
            score = source.score[rows]
            peer_ok = np.isfinite(score)
            if key == "engagement":
                peer_ok = peer_ok & table.engagement_eligible[rows]
            columns[key] = Column(
                score,
                source.se[rows],
                source.n[rows],
                source.shown[rows],
                peer_ok,
                source.raw[rows],
            )
        return columns

    def _branding_column(self, rows: slice, institution_branding: bool) -> Column:
        size = rows.stop - rows.start
        score, se, n, shown = (np.full(size, np.nan) for _ in range(4))
        if institution_branding and self.branding is not None:
            for i, found in self.branding.items():
                if i != "nation" and found is not None:
                    score[i] = found["score"]
                    se[i] = np.nan if found["se"] is None else found["se"]
                    n[i] = found["n"]
                    shown[i] = found["shown"]
        return Column(score, se, n, shown, np.isfinite(score))

    # -- §9: the nation ---------------------------------------------------------------------

    def _nation_scores(self) -> dict:
        """Return the nation's (score, se, n) per key, or None: the unweighted mean over the
        eligible institutions that have the score (for engagement: whose engagement is
        eligible); n is their sum, SE √(ΣSE²)/m. Values also carry the mean favourable."""
        eligible = self.institution_eligible
        rows = slice(self.offsets["institution"], self.offsets["institution"] + eligible.size)
        k = self.method.threshold
        scores = {}
        for key in SCORE_KEYS:
            if key == "employer_branding":
                continue
            column = self.institution_columns[key]
            # Every eligible institution that has the score, suppressed or not, and so also
            # when its score is not shown for resting on fewer than k respondents (§8, 1.2).
            mask = eligible & np.isfinite(column.raw)
            if key == "engagement":
                mask &= self.table.engagement_eligible[rows]
            scores[key] = _national(column.raw[mask], column.se[mask], column.n[mask], k)
            if key.startswith("values:"):
                favourable = self.table.favourable[key.split(":", 1)[1]][rows][mask]
                favourable = favourable[np.isfinite(favourable)].tolist()
                mean_favourable = sum(favourable) / len(favourable) if favourable else None
                scores[key] = (scores[key], mean_favourable)
        for j in BEHAVIOUR_CODES:
            column = self.table.columns[f"b:{j}"]
            score = column.raw[rows]
            mask = eligible & np.isfinite(score)
            scores[f"behaviours:{j}"] = _national(
                score[mask], column.se[rows][mask], column.n[rows][mask], k
            )
        return scores

    @property
    def nation_has_peers(self) -> bool:
        """Whether enough institutions are eligible for national scores (§9, 1.2)."""
        return int(np.count_nonzero(self.institution_eligible)) >= MINIMUM_PEERS

    # -- §9: benchmarks ---------------------------------------------------------------------

    def _benchmarks(self, columns, peer_set, peers) -> dict[str, PeerStatistics]:
        """Return the benchmark of each key for the groups of one level among their peers."""
        result = {}
        for key, column in columns.items():
            is_peer = peers & column.peer_ok
            # §9 (1.2): no benchmark from a peer set of fewer than MINIMUM_PEERS groups.
            sizes = np.bincount(peer_set[is_peer], minlength=int(peer_set.max(initial=0)) + 1)
            wants = is_peer & (sizes[peer_set] >= MINIMUM_PEERS)
            result[key] = peer_statistics(peer_set, column.score, column.shown, is_peer, wants)
        return result

    # -- §7: change -------------------------------------------------------------------------

    def _compare(self, previous: dict | None) -> None:
        """Compute the change of every shown group that was shown in the previous period."""
        groups = {}
        for group in (previous or {}).get("groups", []):
            groups[(group.get("level"), group.get("code"), group.get("parent"))] = group
        institutions = self.data.institutions
        before_institutions = [
            None if self.institution_suppressed[i] else groups.get(("institution", code, "ID"))
            for i, code in enumerate(institutions)
        ]
        before_units = [
            None if self.unit_suppressed[u] else groups.get(("unit", code, institutions[i]))
            for u, (i, code) in enumerate(self.data.units)
        ]
        self.institution_changes = _changes(self.institution_columns, before_institutions)
        self.unit_changes = _changes(self.unit_columns, before_units)
        nation = {}
        for key in SCORE_KEYS:
            found = self._nation_score(key)
            score = np.nan if found is None else found["score"]
            se = np.nan if found is None or found["se"] is None else found["se"]
            nation[key] = Column(*(np.array([x]) for x in (score, se, np.nan, np.nan, True)))
        self.nation_changes = _changes(nation, [groups.get(("nation", "ID", None))])

    def _nation_score(self, key: str) -> dict | None:
        """Return the nation's SCORE object of one key (None where it has none)."""
        if key == "employer_branding":
            return None if self.branding is None else self.branding.get("nation")
        found = self.nation_scores[key]
        if key.startswith("values:"):
            found = found[0]
        return None if found is None else score_dict(*found)

    # -- the §11 document ---------------------------------------------------------------------

    def document(self, *, period=None, instrument=None, method_version="1") -> dict:
        """Return the METHOD.md §11 results document of these numbers."""
        return {
            "method_version": method_version,
            "period": period,
            "instrument": instrument,
            "groups": self.groups(),
        }

    def groups(self) -> list[dict]:
        """Return every group of the document: nation, institutions by code, units."""
        data = self.data
        institutions = data.institutions
        order = sorted(range(len(institutions)), key=lambda i: institutions[i])
        table = self.table
        institution_base = self.offsets["institution"]
        unit_base = self.offsets["unit"]
        institution_scores = {}
        for i in range(len(institutions)):
            if self.institution_suppressed[i]:
                continue
            scores = table.scores(institution_base + i)
            if self.branding is not None and i in self.branding:
                scores = dict(scores, employer_branding=self.branding[i])
            institution_scores[i] = scores
        unit_scores = {
            u: table.scores(unit_base + u)
            for u in range(len(data.units))
            if not self.unit_suppressed[u]
        }
        institution_changes = ChangeObjects(self.institution_changes)
        unit_changes = ChangeObjects(self.unit_changes)
        institution_benchmarks = BenchmarkObjects(self.institution_benchmarks)
        unit_benchmarks = BenchmarkObjects(self.unit_benchmarks)
        documents = [self._nation_document()]
        unit_documents = []
        for i in order:
            code = institutions[i]
            suppressed = bool(self.institution_suppressed[i])
            eligible = bool(self.institution_eligible[i])
            document = _head(
                "institution",
                code,
                "ID",
                int(self.institution_n[i]),
                _maybe(self.institution_pop, i),
                _maybe(self.institution_min, i),
                eligible,
                suppressed,
            )
            documents.append(document)
            members = self.units_of[i]
            if not suppressed:
                scores = institution_scores[i]
                document.update(_scores_json(scores))
                change = institution_changes.of(i)
                if change is not None:
                    document["change"] = change
                if eligible:
                    document["benchmark"] = institution_benchmarks.of(i)
                units = {}
                for unit_code, u in members:
                    units[unit_code] = _cell(
                        int(self.unit_n[u]),
                        _maybe(self.unit_pop, u),
                        bool(self.unit_suppressed[u]),
                        unit_scores.get(u),
                    )
                breakdowns = {"unit": units}
                breakdowns.update(self._attribute_breakdowns("institution", i))
                document["breakdowns"] = breakdowns
            for unit_code, u in members:
                unit_suppressed = bool(self.unit_suppressed[u])
                unit_document = _head(
                    "unit",
                    unit_code,
                    code,
                    int(self.unit_n[u]),
                    _maybe(self.unit_pop, u),
                    _maybe(self.unit_min, u),
                    bool(self.unit_eligible[u]),
                    unit_suppressed,
                )
                if not unit_suppressed:
                    unit_document.update(_scores_json(unit_scores[u]))
                    change = unit_changes.of(u)
                    if change is not None:
                        unit_document["change"] = change
                    if self.unit_eligible[u]:
                        unit_document["benchmark"] = unit_benchmarks.of(u)
                unit_documents.append(unit_document)
        return documents + unit_documents

    def _nation_document(self) -> dict:
        suppressed = self.nation_n < self.method.threshold
        eligible = self.nation_minimum is not None and self.nation_n >= self.nation_minimum
        document = _head(
            "nation",
            "ID",
            None,
            self.nation_n,
            self.nation_population,
            self.nation_minimum,
            eligible,
            suppressed,
        )
        if suppressed:
            return document
        if not self.nation_has_peers:
            # §9 (1.2): fewer than 3 eligible institutions: no national score (the pooled ones
            # included: they would be those institutions' own); the public-survey pool is
            # ruled by its own complementary suppression (branding.py).
            scores = {
                "values": dict.fromkeys(VALUE_CODES),
                "behaviours": dict.fromkeys(BEHAVIOUR_CODES),
                **dict.fromkeys(key for key in INDEX_KEYS if key != "employer_branding"),
                "pilihan_nilai": hide_top_tens(
                    {"matches": {}}, personal=False, current=False, wanted=False
                ),
            }
            if self.branding is not None:
                scores["employer_branding"] = self.branding.get("nation")
            document.update(_scores_json(scores))
            document["breakdowns"] = self._attribute_breakdowns("nation", None)
            return document
        pooled = self.table.scores(self.offsets["nation"])
        scores = {"values": {}, "behaviours": {}}
        for d in VALUE_CODES:
            found, favourable = self.nation_scores[f"values:{d}"]
            pooled_value = pooled["values"][d]
            scores["values"][d] = (
                None
                if found is None
                else score_dict(
                    *found,
                    favourable=favourable,
                    alpha=pooled_value["alpha"] if pooled_value else None,
                )
            )
        for j in BEHAVIOUR_CODES:
            found = self.nation_scores[f"behaviours:{j}"]
            scores["behaviours"][j] = None if found is None else score_dict(*found)
        for key in INDEX_KEYS:
            if key == "engagement":
                found = self.nation_scores[key]
                scores[key] = None if found is None else score_dict(*found, eligible=True)
            elif key != "employer_branding":
                scores[key] = self._nation_score(key)
        if self.branding is not None:
            scores["employer_branding"] = self.branding.get("nation")
        scores["pilihan_nilai"] = pooled["pilihan_nilai"]
        document.update(_scores_json(scores))
        change = ChangeObjects(self.nation_changes).of(0)
        if change is not None:
            document["change"] = change
        document["breakdowns"] = self._attribute_breakdowns("nation", None)
        return document

    def _attribute_breakdowns(self, level: str, institution: int | None) -> dict:
        """Return the gender, employment type and age band breakdowns of one parent."""
        table = self.table
        result = {}
        for name, categories in BREAKDOWN_CATEGORIES.items():
            base = self.offsets[f"{level}:{name}"]
            if institution is not None:
                base += institution * len(categories)
            cells = {}
            for c, code in enumerate(categories):
                row = base + c
                n = table.n[row]
                if n <= 0:
                    continue
                suppressed = bool(self.cell_suppressed[row])
                if institution is None and not self.nation_has_peers:
                    suppressed = True  # pools fewer than 3 eligible institutions (§9, 1.2)
                scores = None if suppressed else table.scores(row, with_evaluation=False)
                cells[code] = _cell(n, table.population[row], suppressed, scores)
            result[name] = cells
        return result


def _sources(table) -> dict:
    """Return the table's score column of every SCORE_KEYS key but employer_branding."""
    sources = {
        "implementasi": table.implementation,
        "evaluasi": table.evaluation,
        "indeks_berakhlak": table.headline,
        "engagement": table.columns["eng"],
        "energi_positif": table.energi_positif,
        "keselarasan_pribadi_organisasi": table.columns["kpo"],
        "keselarasan_saat_ini_harapan": table.columns["kch"],
    }
    for d in VALUE_CODES:
        sources[f"values:{d}"] = table.columns[f"v:{d}"]
    return sources


def _national(score, se, n, k: int):
    """Return a national (score, se, n) from its institutions' scores, or None: fewer than
    MINIMUM_PEERS institutions have it (§9, 1.2), or it rests on fewer than k respondents."""
    if score.size < MINIMUM_PEERS:
        return None
    found = _mean_of(score, se, n)
    if found is not None and found[2] is not None and found[2] < k:
        return None
    return found


def _mean_of(score, se, n):
    """Return the unweighted mean of scores as (score, se, n), or None when there are none:
    n summed (None if any is unknown), SE = √ΣSE²/m (None if any is unknown)."""
    m = score.size
    if m == 0:
        return None
    mean = sum(score.tolist()) / m
    total_n = int(sum(n.astype(np.int64).tolist())) if np.isfinite(n).all() else None
    total_se = math.sqrt(sum(x**2 for x in se.tolist())) / m if np.isfinite(se).all() else None
    return mean, total_se, total_n


def _changes(columns: dict[str, Column], befores: list) -> dict[str, Changes]:
    """Return the §7 change of each key for groups whose previous group (`befores`, None where
    there is none or it was suppressed) is known: Δ = now − before from unrounded scores;
    significant when |Δ| / √(SE_now² + SE_before²) > 1.96 (Δ ≠ 0 when that root is 0),
    unknown when either SE is."""
    size = len(befores)
    known = np.array(
        [before is not None and not before.get("suppressed") for before in befores], dtype=bool
    ).reshape(size)
    result = {"_known": known}
    # Only groups with a previous group are read (none at all in a first period).
    previous = [(g, befores[g]) for g in np.flatnonzero(known).tolist()]
    for key, column in columns.items():
        before_score = np.full(size, np.nan)
        before_se = np.full(size, np.nan)
        value = key.split(":", 1)[1] if key.startswith("values:") else None
        for g, before in previous:
            old = (before.get("values") or {}).get(value) if value else before.get(key)
            if isinstance(old, dict) and old.get("score") is not None:
                before_score[g] = float(old["score"])
                se = old.get("se")
                if se is not None and se == se:
                    before_se[g] = float(se)
        defined = np.isfinite(column.score) & np.isfinite(before_score)
        with np.errstate(divide="ignore", invalid="ignore"):
            delta = column.score - before_score
            root = np.sqrt(column.se**2 + before_se**2)
            significant = np.where(root == 0, delta != 0, np.abs(delta) / root > Z95)
        significant = np.where(np.isfinite(root), significant.astype(np.int8), -1)
        result[key] = Changes(defined, delta, round_shown_array(delta), significant)
    return result


def _value_code(key: str) -> str | None:
    """Return the value code of a "values:BP" key, None for an index key."""
    return key.split(":", 1)[1] if key.startswith("values:") else None


class ChangeObjects:
    """Builds the §11 `change` objects of the groups of one level from their arrays.

    The arrays are turned into Python lists once; one object is then a few list reads.
    """

    def __init__(self, changes: dict):
        self.known = changes["_known"].tolist()
        self.keys = [
            (
                key,
                _value_code(key),
                changes[key].defined.tolist(),
                changes[key].delta.tolist(),
                changes[key].shown.tolist(),
                [None if x < 0 else bool(x) for x in changes[key].significant.tolist()],
            )
            for key in SCORE_KEYS
        ]

    def of(self, g: int) -> dict | None:
        """Return the `change` object of group g, or None when it has no previous group."""
        if not self.known[g]:
            return None
        result = {}
        values = {}
        for key, value, defined, delta, shown, significant in self.keys:
            if not defined[g]:
                continue
            entry = {"delta": delta[g], "shown": shown[g], "significant": significant[g]}
            if value is None:
                result[key] = entry
            else:
                values[value] = entry
        result["values"] = values
        return result


class BenchmarkObjects:
    """Builds the §11 `benchmark` objects of the groups of one level from their arrays."""

    def __init__(self, benchmarks: dict[str, PeerStatistics]):
        self.keys = [
            (
                key,
                _value_code(key),
                statistics.of.tolist(),
                statistics.median.tolist(),
                statistics.p75.tolist(),
                statistics.percentile_rank.tolist(),
                statistics.rank.tolist(),
            )
            for key, statistics in benchmarks.items()
        ]

    def of(self, g: int) -> dict:
        """Return the `benchmark` object of group g."""
        values = {}
        result = {"values": values}
        for key, value, of, median, p75, percentile_rank, rank in self.keys:
            peers = of[g]
            if not peers:
                continue
            entry = {
                "median": median[g],
                "p75": p75[g],
                "percentile_rank": percentile_rank[g],
                "rank": rank[g],
                "of": peers,
            }
            if value is None:
                result[key] = entry
            else:
                values[value] = entry
        return result


def _head(level, code, parent, n, population, minimum, eligible, suppressed) -> dict:
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


def _cell(n, population, suppressed, scores) -> dict:
    cell = {
        "n": int(n),
        "population": None if population is None else int(population),
        "suppressed": bool(suppressed),
    }
    if not suppressed and scores is not None:
        cell.update(_scores_json(scores, cell=True))
    return cell


def _scores_json(scores: dict, cell: bool = False) -> dict:
    document = {"values": scores["values"], "behaviours": scores["behaviours"]}
    for key in INDEX_KEYS:
        if key == "employer_branding" and ("employer_branding" not in scores or cell):
            continue
        document[key] = scores.get(key)
    document["pilihan_nilai"] = scores["pilihan_nilai"]
    return document


def _maybe(array, index):
    return None if array is None else int(array[index])

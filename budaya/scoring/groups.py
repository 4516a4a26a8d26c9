"""The engine's decisions about groups (METHOD.md §7–§9), as arrays.

`PeriodScores` holds every number of one period (METHOD.md §2–§10): the scores table of every
group and breakdown cell (`table.py`), eligibility, suppression with complementary suppression
(§8), the nation's means (§9), benchmarks and ranks (§9) and the change against the previous
period (§7). It lays nothing out: `layout.results_document` turns these numbers into the §11
document and decides nothing.
"""

import math
import threading
from dataclasses import dataclass

import numpy as np

from budaya.scoring.benchmarks import PeerStatistics, peer_statistics
from budaya.scoring.document import INDEX_KEYS, Z95, round_shown_array, score_dict
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


class Later:
    """A value computed in a thread from now on: `result()` waits for it and returns it, or
    raises what computing it raised.

    The engine computes the §13 drivers (compiled code that lets go of Python's lock) this way
    while the §11 document is laid out, which is Python and uses one core.
    """

    def __init__(self, work, name: str):
        self._value = self._error = None
        self._thread = threading.Thread(target=self._run, args=(work,), name=name, daemon=True)
        self._thread.start()

    def _run(self, work) -> None:
        try:
            self._value = work()
        except BaseException as error:  # noqa: BLE001 - raised again in the thread that waits
            self._error = error

    def result(self):
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._value


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
        # §13 drivers of engagement (drivers.GroupDrivers), set by engine.score_period, which
        # may compute them in a thread: reading `drivers` then waits for them.
        self._drivers = None
        self.nation_suppressed = nation_n < method.threshold
        self.nation_eligible = nation_minimum is not None and nation_n >= nation_minimum
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

    @property
    def drivers(self):
        """The §13 drivers (drivers.GroupDrivers) or None; waits for them when they are being
        computed in a thread (`Later`), and raises what that computation raised."""
        if isinstance(self._drivers, Later):
            self._drivers = self._drivers.result()
        return self._drivers

    @drivers.setter
    def drivers(self, value) -> None:
        self._drivers = value

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
        if not self.nation_has_peers:
            # §9 (1.2): the nation's cells pool fewer than 3 eligible institutions.
            for name, categories in BREAKDOWN_CATEGORIES.items():
                first = self.offsets[f"nation:{name}"]
                self.cell_suppressed[first : first + len(categories)] = True

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
            found = self.nation_score(key)
            score = np.nan if found is None else found["score"]
            se = np.nan if found is None or found["se"] is None else found["se"]
            nation[key] = Column(*(np.array([x]) for x in (score, se, np.nan, np.nan, True)))
        self.nation_changes = _changes(nation, [groups.get(("nation", "ID", None))])

    def nation_score(self, key: str) -> dict | None:
        """Return the nation's SCORE object of one key (None where it has none)."""
        if key == "employer_branding":
            return None if self.branding is None else self.branding.get("nation")
        found = self.nation_scores[key]
        if key.startswith("values:"):
            found = found[0]
        return None if found is None else score_dict(*found)


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

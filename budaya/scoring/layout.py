"""The §11 results document laid out from a period's numbers (METHOD.md §11).

`results_document(numbers)` turns a `PeriodScores` (groups.py: every number and every
decision of §2–§10 as arrays) into the results document of Python objects: the nation, the
institutions by code, then the units; each group's head, SCORE objects (`document.py`),
change, benchmark and breakdowns. It decides nothing: what is suppressed, eligible or
withheld, and every number, is read from `numbers`. At national scale it builds about a
million small objects, so it reads arrays turned into lists once (`ChangeObjects`,
`BenchmarkObjects`, `ScoreColumn.lists`).
"""

from budaya.scoring.benchmarks import PeerStatistics
from budaya.scoring.document import INDEX_KEYS, score_dict
from budaya.scoring.groups import BREAKDOWN_CATEGORIES, SCORE_KEYS, PeriodScores
from budaya.scoring.indices import hide_top_tens
from budaya.scoring.spec import BEHAVIOUR_CODES, VALUE_CODES


def results_document(
    numbers: PeriodScores, *, period=None, instrument=None, method_version="1"
) -> dict:
    """Return the METHOD.md §11 results document of these numbers."""
    return {
        "method_version": method_version,
        "period": period,
        "instrument": instrument,
        "groups": group_documents(numbers),
    }


def group_documents(numbers: PeriodScores) -> list[dict]:
    """Return every group of the document: nation, institutions by code, units."""
    data = numbers.data
    institutions = data.institutions
    order = sorted(range(len(institutions)), key=lambda i: institutions[i])
    table = numbers.table
    institution_base = numbers.offsets["institution"]
    unit_base = numbers.offsets["unit"]
    institution_scores = {}
    for i in range(len(institutions)):
        if numbers.institution_suppressed[i]:
            continue
        scores = table.scores(institution_base + i)
        if numbers.branding is not None and i in numbers.branding:
            scores = dict(scores, employer_branding=numbers.branding[i])
        institution_scores[i] = scores
    unit_scores = {
        u: table.scores(unit_base + u)
        for u in range(len(data.units))
        if not numbers.unit_suppressed[u]
    }
    institution_changes = ChangeObjects(numbers.institution_changes)
    unit_changes = ChangeObjects(numbers.unit_changes)
    institution_benchmarks = BenchmarkObjects(numbers.institution_benchmarks)
    unit_benchmarks = BenchmarkObjects(numbers.unit_benchmarks)
    # §13 drivers are each shown group's last key: they are added once every group is laid
    # out, as the engine may still be computing them in a thread (`_add_drivers`).
    drivers = []
    documents = [_nation_document(numbers, drivers)]
    unit_documents = []
    for i in order:
        code = institutions[i]
        suppressed = bool(numbers.institution_suppressed[i])
        eligible = bool(numbers.institution_eligible[i])
        document = _head(
            "institution",
            code,
            "ID",
            int(numbers.institution_n[i]),
            _maybe(numbers.institution_pop, i),
            _maybe(numbers.institution_min, i),
            eligible,
            suppressed,
        )
        documents.append(document)
        members = numbers.units_of[i]
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
                    int(numbers.unit_n[u]),
                    _maybe(numbers.unit_pop, u),
                    bool(numbers.unit_suppressed[u]),
                    unit_scores.get(u),
                )
            breakdowns = {"unit": units}
            breakdowns.update(_attribute_breakdowns(numbers, "institution", i))
            document["breakdowns"] = breakdowns
            drivers.append((document, "institution", i))
        for unit_code, u in members:
            unit_suppressed = bool(numbers.unit_suppressed[u])
            unit_document = _head(
                "unit",
                unit_code,
                code,
                int(numbers.unit_n[u]),
                _maybe(numbers.unit_pop, u),
                _maybe(numbers.unit_min, u),
                bool(numbers.unit_eligible[u]),
                unit_suppressed,
            )
            if not unit_suppressed:
                unit_document.update(_scores_json(unit_scores[u]))
                change = unit_changes.of(u)
                if change is not None:
                    unit_document["change"] = change
                if numbers.unit_eligible[u]:
                    unit_document["benchmark"] = unit_benchmarks.of(u)
                drivers.append((unit_document, "unit", u))
            unit_documents.append(unit_document)
    _add_drivers(numbers, drivers)
    return documents + unit_documents


def _add_drivers(numbers: PeriodScores, wanted: list[tuple[dict, str, int]]) -> None:
    """Add the §13 `drivers` object to each (document, level, index) of `wanted` (level
    "nation" with index -1: null, fewer than 3 eligible institutions), unless the period has
    none (numbers.drivers None)."""
    drivers = numbers.drivers  # waits for them when the engine computes them in a thread
    if drivers is None:
        return
    of = {
        "unit": drivers.of_unit,
        "institution": drivers.of_institution,
        "nation": lambda g: None if g < 0 else drivers.of_nation(),
    }
    for document, level, g in wanted:
        document["drivers"] = of[level](g)


def _nation_document(numbers: PeriodScores, drivers: list) -> dict:
    """Return the nation's document; add to `drivers` where its drivers go (`_add_drivers`)."""
    suppressed = numbers.nation_suppressed
    eligible = numbers.nation_eligible
    document = _head(
        "nation",
        "ID",
        None,
        numbers.nation_n,
        numbers.nation_population,
        numbers.nation_minimum,
        eligible,
        suppressed,
    )
    if suppressed:
        return document
    if not numbers.nation_has_peers:
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
        if numbers.branding is not None:
            scores["employer_branding"] = numbers.branding.get("nation")
        document.update(_scores_json(scores))
        document["breakdowns"] = _attribute_breakdowns(numbers, "nation", None)
        drivers.append((document, "nation", -1))  # fewer than 3 eligible institutions: null
        return document
    pooled = numbers.table.scores(numbers.offsets["nation"])
    scores = {"values": {}, "behaviours": {}}
    for d in VALUE_CODES:
        found, favourable = numbers.nation_scores[f"values:{d}"]
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
        found = numbers.nation_scores[f"behaviours:{j}"]
        scores["behaviours"][j] = None if found is None else score_dict(*found)
    for key in INDEX_KEYS:
        if key == "engagement":
            found = numbers.nation_scores[key]
            scores[key] = None if found is None else score_dict(*found, eligible=True)
        elif key != "employer_branding":
            scores[key] = numbers.nation_score(key)
    if numbers.branding is not None:
        scores["employer_branding"] = numbers.branding.get("nation")
    scores["pilihan_nilai"] = pooled["pilihan_nilai"]
    document.update(_scores_json(scores))
    change = ChangeObjects(numbers.nation_changes).of(0)
    if change is not None:
        document["change"] = change
    document["breakdowns"] = _attribute_breakdowns(numbers, "nation", None)
    drivers.append((document, "nation", 0))
    return document


def _attribute_breakdowns(numbers: PeriodScores, level: str, institution: int | None) -> dict:
    """Return the gender, employment type and age band breakdowns of one parent."""
    table = numbers.table
    result = {}
    for name, categories in BREAKDOWN_CATEGORIES.items():
        base = numbers.offsets[f"{level}:{name}"]
        if institution is not None:
            base += institution * len(categories)
        cells = {}
        for c, code in enumerate(categories):
            row = base + c
            n = table.n[row]
            if n <= 0:
                continue
            suppressed = bool(numbers.cell_suppressed[row])
            scores = None if suppressed else table.scores(row, with_evaluation=False)
            cells[code] = _cell(n, table.population[row], suppressed, scores)
        result[name] = cells
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

"""k-anonymous raw exports: generalise (unit, gender, employment type, age band) combinations.

Every record starts at level 0 with its full combination. Level by level, records whose
combination at that level is held by fewer than k records move up one level: age band → "*",
then employment type → "*", then gender → "*", then unit → the institution level ("*"). Records
that moved up merge with others that did, so rare combinations pool until each has ≥ k. Records
still in a group of fewer than k at the institution level are left out of the export.
"""

from collections import Counter

STAR = "*"
LEVELS = 5  # 0 full, 1 no age band, 2 no employment type, 3 no gender, 4 institution only


def key_at(combination: tuple, level: int) -> tuple:
    """Return (institution, unit, gender, employment_type, age_band) generalised to `level`."""
    institution, unit, gender, employment, age = combination
    if level >= 1:
        age = STAR
    if level >= 2:
        employment = STAR
    if level >= 3:
        gender = STAR
    if level >= 4:
        unit = STAR
    return (institution, unit, gender, employment, age)


def generalisation(counts: dict[tuple, int], k: int) -> dict[tuple, tuple | None]:
    """Return {combination: released combination, or None when left out} for counts per
    (institution, unit, gender, employment_type, age_band).

    Works on counts only (a few thousand combinations at most), never on the records.
    """
    if k < 1:
        raise ValueError(f"k must be at least 1, not {k}")
    level_of = dict.fromkeys(counts, 0)
    for level in range(LEVELS):
        at_level = Counter()
        for combination, count in counts.items():
            if level_of[combination] == level:
                at_level[key_at(combination, level)] += count
        for combination in counts:
            if level_of[combination] == level and at_level[key_at(combination, level)] < k:
                level_of[combination] = level + 1
    released = {}
    for combination, level in level_of.items():
        released[combination] = None if level >= LEVELS else key_at(combination, level)
    return released


def released_counts(counts: dict[tuple, int], mapping: dict[tuple, tuple | None]) -> Counter:
    """Return how many records each released combination holds (left-out ones excluded)."""
    totals = Counter()
    for combination, count in counts.items():
        if mapping[combination] is not None:
            totals[mapping[combination]] += count
    return totals


def generalisation_levels(columns, counts, k: int):
    """Return the level each combination ends at (LEVELS when left out), the same as
    `generalisation` decides, for combinations given as numpy arrays: `columns` (m, 5) integer
    codes of (institution, unit, gender, employment_type, age_band), none of them -1, and
    `counts` (m,) records per combination. Memory grows with the combinations, not the records.
    """
    import numpy as np

    if k < 1:
        raise ValueError(f"k must be at least 1, not {k}")
    columns = np.asarray(columns, dtype=np.int64)
    counts = np.asarray(counts, dtype=np.int64)
    level_of = np.zeros(len(counts), dtype=np.int8)
    for level in range(LEVELS):
        rows = np.flatnonzero(level_of == level)
        if not len(rows):
            continue
        keys = columns[rows].copy()
        # key_at: age band, then employment type, then gender, then unit become the star (-1).
        keys[:, LEVELS - level :] = -1
        _, inverse = np.unique(keys, axis=0, return_inverse=True)
        inverse = inverse.reshape(-1)
        totals = np.bincount(inverse, weights=counts[rows])
        level_of[rows[totals[inverse] < k]] = level + 1
    return level_of


# Stored demographics of a response (METHOD §8, 1.2): the unit is always kept, so only the first
# three generalisation levels apply within one unit; level 3 keeps the unit alone.
UNIT_ONLY = 3


def _unit_key(cell: tuple, level: int) -> tuple:
    gender, employment, age = cell
    return (
        gender if level < 3 else STAR,
        employment if level < 2 else STAR,
        age if level < 1 else STAR,
    )


def stored_levels(counts: dict[tuple, int], k: int) -> dict[tuple, int]:
    """Return {(gender, employment_type, age_band): level 0..3} for one unit's roster counts.

    METHOD.md §8 (1.2): a response stores its respondent's gender, employment type and age band
    only while the respondent's roster cell (unit × gender × employment type × age band) holds at
    least k people; otherwise the age band is left out first, then the employment type, then the
    gender, until the remaining cell does. Level 0 stores all three attributes, 1 leaves out the
    age band, 2 also the employment type, 3 also the gender (the unit alone). "The remaining
    cell" is the roster cell of the attributes still stored (unit × gender × employment type,
    then unit × gender), counted over the whole roster of the unit.

    >>> stored_levels({("L", "PNS", "<30"): 12, ("L", "PNS", "50+"): 3, ("P", "PPPK", "<30"): 4}, 10)
    {('L', 'PNS', '<30'): 0, ('L', 'PNS', '50+'): 1, ('P', 'PPPK', '<30'): 3}
    """
    if k < 1:
        raise ValueError(f"k must be at least 1, not {k}")
    totals = [Counter() for _ in range(UNIT_ONLY)]
    for cell, count in counts.items():
        for level in range(UNIT_ONLY):
            totals[level][_unit_key(cell, level)] += count
    levels = {}
    for cell, count in counts.items():
        if count <= 0:
            continue
        level = 0
        while level < UNIT_ONLY and totals[level][_unit_key(cell, level)] < k:
            level += 1
        levels[cell] = level
    return levels


def stored_cell(cell: tuple, level: int) -> tuple:
    """Return (gender, employment_type, age_band) as stored at `level`: "" for a left-out one."""
    return tuple("" if value == STAR else value for value in _unit_key(cell, level))

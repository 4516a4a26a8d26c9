"""Additive group statistics: per-cell sums that merge by addition.

Respondents are binned into cells (unit × gender × employment type × age band, with a slot for
each unknown attribute). Every statistic the engine needs is a sum over respondents of a
per-respondent quantity (counts, Σx, Σx², Σw·x, ...), so a cell's sums add up to its unit's, the
units' to their institution's, and the eligible institutions' to the nation's. Nothing is ever
recomputed from rows once the sums exist.

Integer quantities (flags and small counts) are packed several to one 64-bit word before the
single pass over the rows, which keeps the pass count low at national scale; each field's width
is chosen so that no cell's sum can overflow into its neighbour.
"""

from dataclasses import dataclass

import numpy as np

from budaya.scoring.spec import AGE_BANDS, EMPLOYMENT_TYPES, GENDERS

# Attribute slots per cell: index 0 of each attribute is "unknown".
N_GENDER = len(GENDERS) + 1
N_EMPLOYMENT = len(EMPLOYMENT_TYPES) + 1
N_AGE = len(AGE_BANDS) + 1
CELLS_PER_UNIT = N_GENDER * N_EMPLOYMENT * N_AGE
# Packed integer fields are summed through bincount's float64 accumulator: 53 exact bits.
_EXACT_BITS = 53


def cell_keys(unit, gender, employment, age_band) -> np.ndarray:
    """Return each respondent's cell index: unit × gender × employment × age band."""
    key = unit.astype(np.intp) * CELLS_PER_UNIT
    key += (gender.astype(np.intp) + 1) * (N_EMPLOYMENT * N_AGE)
    key += (employment.astype(np.intp) + 1) * N_AGE
    key += age_band.astype(np.intp) + 1
    return key


@dataclass
class Sums:
    """Named columns of sums for a set of groups: `data[..., column]`."""

    columns: dict[str, int]
    data: np.ndarray  # (..., n_columns)

    def __getitem__(self, name: str) -> np.ndarray:
        return self.data[..., self.columns[name]]

    def get(self, name: str, default=None):
        index = self.columns.get(name)
        return default if index is None else self.data[..., index]

    def rows(self, selector) -> "Sums":
        """Return the sums of the selected groups (an index, mask or slice on the first axis)."""
        return Sums(self.columns, self.data[selector])

    def total(self, axis=0) -> "Sums":
        """Return the sums added up over one axis (merging those groups into one)."""
        return Sums(self.columns, self.data.sum(axis=axis))

    def merge(self, group_of: np.ndarray, n_groups: int) -> "Sums":
        """Return the sums merged into `n_groups` groups; `group_of[i]` is row i's group."""
        out = np.zeros((n_groups,) + self.data.shape[1:], dtype=self.data.dtype)
        np.add.at(out, group_of, self.data)
        return Sums(self.columns, out)


class CellAccumulator:
    """Accumulates per-respondent quantities into unit sums and institution × attribute sums.

    `add_float` sums a float quantity at once; `add_count` queues a small non-negative integer
    quantity for packing. `finish()` returns (unit sums (U, C), institution cell sums
    (I, N_GENDER, N_EMPLOYMENT, N_AGE, C)).
    """

    def __init__(self, keys: np.ndarray, unit_institution: np.ndarray, n_institutions: int):
        self.keys = keys
        self.n_units = int(unit_institution.shape[0])
        self.n_bins = self.n_units * CELLS_PER_UNIT
        # Units ordered by institution, so an institution's units are one contiguous block.
        self.unit_order = np.argsort(unit_institution, kind="stable")
        ordered = unit_institution[self.unit_order]
        self.institution_starts = np.searchsorted(ordered, np.arange(n_institutions))
        self.institution_present = np.isin(np.arange(n_institutions), ordered)
        self.n_institutions = n_institutions
        # The largest cell bounds every integer field's sum.
        self.max_cell = int(np.bincount(keys, minlength=1).max()) if keys.size else 0
        self.columns: dict[str, int] = {}
        self._unit_blocks: list[np.ndarray] = []
        self._cell_blocks: list[np.ndarray] = []
        self._pending: list[tuple[str, np.ndarray, int]] = []
        self._pending_bits = 0

    def _store(self, name: str, binned: np.ndarray) -> None:
        if name in self.columns:
            raise ValueError(f"statistic {name!r} accumulated twice")
        per_unit = binned.reshape(self.n_units, N_GENDER, N_EMPLOYMENT, N_AGE)
        self.columns[name] = len(self._unit_blocks)
        self._unit_blocks.append(per_unit.sum(axis=(1, 2, 3)))
        per_institution = np.zeros((self.n_institutions, N_GENDER, N_EMPLOYMENT, N_AGE))
        if self.n_units:
            ordered = per_unit[self.unit_order]
            starts = self.institution_starts[self.institution_present]
            per_institution[self.institution_present] = np.add.reduceat(ordered, starts, axis=0)
        self._cell_blocks.append(per_institution)

    def add_float(self, name: str, values: np.ndarray) -> None:
        """Accumulate Σ values per cell (callers put 0 where a quantity does not count)."""
        binned = np.bincount(self.keys, weights=values, minlength=self.n_bins)
        self._store(name, binned)

    def add_count(self, name: str, values: np.ndarray, max_value: int) -> None:
        """Queue Σ values per cell for a non-negative integer quantity at most `max_value`."""
        bits = max(1, int(max_value * max(self.max_cell, 1)).bit_length())
        if bits > _EXACT_BITS:
            self.add_float(name, values.astype(np.float64))
            return
        if self._pending_bits + bits > _EXACT_BITS:
            self._flush()
        self._pending.append((name, values, bits))
        self._pending_bits += bits

    def _flush(self) -> None:
        if not self._pending:
            return
        if len(self._pending) == 1:
            name, values, _ = self._pending[0]
            self._store(name, np.bincount(self.keys, weights=values, minlength=self.n_bins))
        else:
            word = np.zeros(self.keys.shape[0], dtype=np.int64)
            shift = 0
            for _, values, bits in self._pending:
                word |= values.astype(np.int64) << shift
                shift += bits
            packed = np.bincount(self.keys, weights=word, minlength=self.n_bins).astype(np.int64)
            shift = 0
            for name, _, bits in self._pending:
                field = (packed >> shift) & ((1 << bits) - 1)
                self._store(name, field.astype(np.float64))
                shift += bits
        self._pending = []
        self._pending_bits = 0

    def finish(self) -> tuple[Sums, Sums]:
        """Return (unit sums, institution × gender × employment × age-band sums)."""
        self._flush()
        if self._unit_blocks:
            units = np.stack(self._unit_blocks, axis=-1)
            cells = np.stack(self._cell_blocks, axis=-1)
        else:
            units = np.zeros((self.n_units, 0))
            cells = np.zeros((self.n_institutions, N_GENDER, N_EMPLOYMENT, N_AGE, 0))
        return Sums(dict(self.columns), units), Sums(dict(self.columns), cells)

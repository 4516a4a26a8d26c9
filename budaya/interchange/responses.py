"""Read the responses CSV of METHOD.md §11 into arrays, and encode values-selection picks."""

import math
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import repeat
from operator import itemgetter
from pathlib import Path

import numpy as np

from budaya.interchange.columnar import kind_of, read_clean, text_table_of_parquet
from budaya.interchange.errors import Problems
from budaya.interchange.tables import check_header, open_table, row_width_problem
from budaya.language import Message, localized
from budaya.scoring.spec import AGE_BANDS, EMPLOYMENT_TYPES, GENDERS, PickValue, ScoringSpec

REQUIRED_COLUMNS = ("response_id", "institution", "unit", "gender", "employment_type", "age_band")
PICK_COLUMNS = ("pick_personal", "pick_current", "pick_wanted")
_BAD = 255  # marks an answer text that is not 1..K or empty during the fast row loop


@dataclass
class Responses:
    """The responses of one file, as arrays in file order.

    `pair[r]` indexes `pairs`, the (institution, unit) codes in order of first appearance;
    `pair_first_row` and `pair_rows` give, for each pair, its first row and its number of rows.
    Other arrays follow `SurveyData`: -1 for an unknown category, answers 0 for missing.
    """

    path: Path
    pairs: list[tuple[str, str]]
    pair_first_row: list[int]
    pair_rows: list[int]
    pair: np.ndarray  # (n,) int32
    gender: np.ndarray  # (n,) int8
    employment: np.ndarray  # (n,) int8
    age_band: np.ndarray  # (n,) int8
    answers: np.ndarray  # (n, items) uint8
    picks: np.ndarray  # (3, n, P) int16
    weight: np.ndarray | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def n(self) -> int:
        return int(self.pair.shape[0])


class PickError(ValueError):
    """A pick list holding an unknown code or more distinct codes than allowed."""


def _pick_codes(pick_values: Sequence[PickValue | str]) -> list[str]:
    return [value if isinstance(value, str) else value.code for value in pick_values]


def _pick_indices(codes: Iterable[str], index: dict[str, int], max_picks: int) -> list[int]:
    """Return the distinct pick indices of `codes` in order; raise PickError when invalid."""
    picked: dict[int, None] = {}
    for raw in codes:
        code = raw.strip()
        if not code:
            continue
        position = index.get(code)
        if position is None:
            raise PickError(Message("kode nilai tidak dikenal '{code}'", code=code))
        picked[position] = None
    if len(picked) > max_picks:
        raise PickError(
            Message(
                "{count} nilai berbeda dipilih, paling banyak {max_picks}",
                count=len(picked),
                max_picks=max_picks,
            )
        )
    return list(picked)


def encode_pick_question(
    code_lists: Iterable[Iterable[str]], pick_values: Sequence[PickValue | str], max_picks: int
) -> np.ndarray:
    """Return an (n, max_picks) int16 array of indices into `pick_values`, -1 padded.

    Each entry of `code_lists` is one respondent's codes for one question; a repeated code
    counts once. Raises PickError naming the (0-based) respondent on an unknown code or more
    than `max_picks` distinct codes.
    """
    index = {code: position for position, code in enumerate(_pick_codes(pick_values))}
    rows = []
    for respondent, codes in enumerate(code_lists):
        try:
            picked = _pick_indices(codes, index, max_picks)
        except PickError as error:
            raise PickError(f"respondent {respondent}: {localized(error, 'en')}") from None
        rows.append(picked + [-1] * (max_picks - len(picked)))
    if not rows:
        return np.full((0, max_picks), -1, dtype=np.int16)
    return np.array(rows, dtype=np.int16)


def encode_picks(
    personal: Iterable[Iterable[str]],
    current: Iterable[Iterable[str]],
    wanted: Iterable[Iterable[str]],
    pick_values: Sequence[PickValue | str],
    max_picks: int,
) -> np.ndarray:
    """Return the (3, n, max_picks) int16 picks array of `SurveyData` from three code lists."""
    questions = [
        encode_pick_question(codes, pick_values, max_picks) for codes in (personal, current, wanted)
    ]
    if len({question.shape[0] for question in questions}) != 1:
        raise ValueError("personal, current and wanted must list the same respondents")
    return np.stack(questions)


def read_responses(
    path: Path, spec: ScoringSpec, max_picks: int, problems: Problems | None = None
) -> Responses | None:
    """Return the responses of a CSV or Parquet file; record each problem (raise them when no
    collector). A clean file is read column by column (budaya.interchange.columnar); any other
    is read row by row, which names every problem with its row and column.

    Returns None when the file cannot be read at all (missing, empty, missing columns).
    """
    own = problems is None
    problems = Problems() if own else problems
    result = _read(Path(path), spec, max_picks, problems)
    if own:
        problems.raise_if_any()
    return result


def _missing_column_warnings(path, columns, item_codes, spec) -> list[str]:
    """Return the warnings for item and values-selection columns the file lacks."""
    warnings = []
    missing = [code for code in item_codes if code not in columns]
    if missing:
        warnings.append(
            f"{path}: kolom butir tidak ada, semua jawabannya dianggap kosong / item columns "
            f"missing, all their answers treated as missing: {', '.join(missing)}"
        )
    missing_picks = [name for name in PICK_COLUMNS if name not in columns]
    if missing_picks and spec.pick_values:
        warnings.append(
            f"{path}: kolom pilihan nilai tidak ada, dianggap kosong / values-selection "
            f"columns missing, treated as empty: {', '.join(missing_picks)}"
        )
    return warnings


def _read_columnar(path: Path, spec: ScoringSpec, max_picks: int) -> Responses | None:
    """Return the responses of a clean file read column by column, or None (budaya.interchange
    .columnar: the row reader then reads it and reports every problem)."""
    found = read_clean(
        path, spec, max_picks, REQUIRED_COLUMNS, PICK_COLUMNS, _pick_codes(spec.pick_values)
    )
    if found is None:
        return None
    items = spec.survey_items
    item_codes = [item.code for item in items]
    given, present = found["given"], found["present"]
    if present and found["top"] > min(items[i].points for i in present):
        scale_problems = Problems()
        rows = np.arange(2, given.shape[0] + 2)
        _check_item_scales(given, present, items, rows, path, scale_problems)
        if scale_problems:
            return None
    if present == list(range(len(items))):
        answers = given
    else:
        answers = np.zeros((given.shape[0], len(items)), dtype=np.uint8)
        for k, i in enumerate(present):
            answers[:, i] = given[:, k]
    return Responses(
        path=path,
        pairs=found["pairs"],
        pair_first_row=found["pair_first_row"],
        pair_rows=found["pair_rows"],
        pair=found["pair"],
        gender=found["gender"],
        employment=found["employment"],
        age_band=found["age_band"],
        answers=answers,
        picks=found["picks"],
        weight=found["weight"],
        warnings=_missing_column_warnings(path, found["columns"], item_codes, spec),
    )


def _read(path: Path, spec: ScoringSpec, max_picks: int, problems: Problems) -> Responses | None:
    if kind_of(path) == "parquet":
        # Parquet holds typed cells; the row reader reads their text, as polars writes it.
        responses = _read_columnar(path, spec, max_picks)
        if responses is not None:
            return responses
        table = text_table_of_parquet(path, problems)
    else:
        responses = _read_columnar(path, spec, max_picks) if kind_of(path) else None
        if responses is not None:
            return responses
        table = open_table(path, problems)
    if table is None:
        return None
    items = spec.survey_items
    item_codes = [item.code for item in items]
    columns = check_header(
        table, REQUIRED_COLUMNS, ("weight", *PICK_COLUMNS, *item_codes), problems
    )
    if columns is None:
        for _ in table.rows:  # still report unreadable rows further down
            pass
        return None
    warnings = _missing_column_warnings(path, columns, item_codes, spec)
    present = [i for i, code in enumerate(item_codes) if code in columns]

    top = max((items[i].points for i in present), default=1)
    answer_of = {"": 0, **{str(x): x for x in range(1, top + 1)}}
    present_columns = [columns[item_codes[i]] for i in present]
    if len(present_columns) > 1:
        get_answers = itemgetter(*present_columns)
    elif present_columns:
        only = present_columns[0]

        def get_answers(cells):
            return (cells[only],)
    else:

        def get_answers(cells):
            return ()

    pick_index = {code: i for i, code in enumerate(_pick_codes(spec.pick_values))}
    pick_positions = [(q, columns[name]) for q, name in enumerate(PICK_COLUMNS) if name in columns]
    # An empty cell: the attribute was left out (METHOD.md 1.2 §8, stored demographics are
    # k-anonymous): the response counts in every parent and in no cell of that breakdown.
    gender_of = {"": -1, **{code: i for i, code in enumerate(GENDERS)}}
    employment_of = {"": -1, **{code: i for i, code in enumerate(EMPLOYMENT_TYPES)}}
    age_of = {"": -1, **{code: i for i, code in enumerate(AGE_BANDS)}}
    c_id, c_inst, c_unit = columns["response_id"], columns["institution"], columns["unit"]
    c_gender, c_employment, c_age = (
        columns["gender"],
        columns["employment_type"],
        columns["age_band"],
    )
    c_weight = columns.get("weight")

    seen_ids: dict[str, int] = {}
    pair_of: dict[tuple[str, str], int] = {}
    pairs, pair_first_row, pair_rows = [], [], []
    rows = array("i")
    pair = array("i")
    gender, employment, age_band = array("b"), array("b"), array("b")
    answers = bytearray()
    picks = [array("h") for _ in PICK_COLUMNS]
    empty_picks = [-1] * max_picks
    weights = array("d")

    def add(number, column, message):
        problems.add(path, number, column, message)

    for number, cells in table.rows:
        if row_width_problem(table, number, cells, problems):
            continue
        codes = list(map(answer_of.get, get_answers(cells), repeat(_BAD)))
        if _BAD in codes:
            for k, i in enumerate(present):
                if codes[k] == _BAD:
                    text = cells[present_columns[k]]
                    value = answer_of.get(text.strip(), _BAD)
                    if value == _BAD:
                        add(
                            number,
                            item_codes[i],
                            Message(
                                "jawaban '{text}' tidak sah, harus 1..{points} atau kosong",
                                text=text,
                                points=items[i].points,
                            ),
                        )
                        value = 0
                    codes[k] = value

        response_id = cells[c_id].strip()
        if not response_id:
            add(number, "response_id", Message("kosong"))
        elif response_id in seen_ids:
            add(
                number,
                "response_id",
                Message(
                    "'{response_id}' sudah dipakai di baris {first_row}",
                    response_id=response_id,
                    first_row=seen_ids[response_id],
                ),
            )
        else:
            seen_ids[response_id] = number

        institution, unit = cells[c_inst].strip(), cells[c_unit].strip()
        if not institution:
            add(number, "institution", Message("kode instansi kosong"))
        if not unit:
            add(number, "unit", Message("kode unit kosong"))
        key = (institution, unit)
        p = pair_of.get(key)
        if p is None:
            p = pair_of[key] = len(pairs)
            pairs.append(key)
            pair_first_row.append(number)
            pair_rows.append(0)
        pair_rows[p] += 1

        g = gender_of.get(cells[c_gender].strip(), -2)
        if g == -2:
            add(
                number,
                "gender",
                Message(
                    "'{value}' tidak sah, harus L, P atau kosong",
                    value=cells[c_gender],
                ),
            )
            g = -1
        e = employment_of.get(cells[c_employment].strip(), -2)
        if e == -2:
            add(
                number,
                "employment_type",
                Message(
                    "'{value}' tidak sah, harus PNS, PPPK atau kosong",
                    value=cells[c_employment],
                ),
            )
            e = -1
        a = age_of.get(cells[c_age].strip(), -2)
        if a == -2:
            add(
                number,
                "age_band",
                Message(
                    "'{value}' tidak sah, harus <30, 30-39, 40-49, 50+ atau kosong",
                    value=cells[c_age],
                ),
            )
            a = -1

        if c_weight is not None:
            text = cells[c_weight].strip()
            try:
                w = float(text)
            except ValueError:
                w = math.nan
            if not (math.isfinite(w) and w > 0):
                add(
                    number,
                    "weight",
                    Message("'{text}' tidak sah, harus bilangan positif", text=text),
                )
                w = 1.0
            weights.append(w)

        row_picks = [empty_picks] * len(PICK_COLUMNS)
        for q, position in pick_positions:
            text = cells[position]
            if not text:
                continue
            parts = text.split(";")
            picked = list(map(pick_index.get, parts))
            # Fast path: clean codes, no repeats, within the limit; else trim and check fully.
            if None in picked or len(set(picked)) != len(picked) or len(picked) > max_picks:
                try:
                    picked = _pick_indices(parts, pick_index, max_picks)
                except PickError as error:
                    add(number, PICK_COLUMNS[q], error.args[0])
                    continue
            row_picks[q] = picked + empty_picks[len(picked) :]
        for q in range(len(PICK_COLUMNS)):
            picks[q].extend(row_picks[q])

        rows.append(number)
        pair.append(p)
        gender.append(g)
        employment.append(e)
        age_band.append(a)
        answers.extend(codes)

    n = len(rows)
    if n == 0 and not problems:
        add(None, None, Message("tidak ada baris jawaban"))
    given = _array(answers, np.uint8).reshape(n, len(present))
    if present and top > min(items[i].points for i in present):
        _check_item_scales(given, present, items, rows, path, problems)
    answer_array = np.zeros((n, len(items)), dtype=np.uint8)
    answer_array[:, present] = given
    return Responses(
        path=path,
        pairs=pairs,
        pair_first_row=pair_first_row,
        pair_rows=pair_rows,
        pair=_array(pair, np.int32),
        gender=_array(gender, np.int8),
        employment=_array(employment, np.int8),
        age_band=_array(age_band, np.int8),
        answers=answer_array,
        picks=np.stack([_array(q, np.int16).reshape(n, max_picks) for q in picks]),
        weight=_array(weights, np.float64) if c_weight is not None else None,
        warnings=warnings,
    )


def _array(buffer, dtype) -> np.ndarray:
    """Return a writable numpy copy of an array.array or bytearray (fast, via its buffer)."""
    if len(buffer) == 0:
        return np.zeros(0, dtype=dtype)
    return np.frombuffer(buffer, dtype=dtype).copy()


def _check_item_scales(given, present, items, rows, path, problems) -> None:
    """Record answers above their own item's K when items of one file differ in K."""
    points = np.array([items[i].points for i in present], dtype=np.uint8)
    bad_rows, bad_columns = np.nonzero(given > points)
    for r, k in zip(bad_rows[: problems.limit], bad_columns[: problems.limit], strict=True):
        item = items[present[k]]
        problems.add(
            path,
            rows[r],
            item.code,
            Message(
                "jawaban '{value}' tidak sah, harus 1..{points} atau kosong",
                value=given[r, k],
                points=item.points,
            ),
        )
        given[r, k] = 0

"""Decode a period's responses from PostgreSQL's binary COPY stream in compiled code.

`ResponseRows` holds the fields of the COPY query in `COLUMNS` order; `parse` reads as many
whole rows as a buffer holds, straight from the bytes into numpy arrays (numba): no Python
object per response. A row the compiled code does not decode in full is flagged, and its
caller decodes that one row with the generic loader's own functions (budaya.results.survey_data),
which give the same arrays and the same errors: a blank or whitespace-padded pick code, a
repeated code or too many codes, an unknown demographic or pick code, answers that are not
`width` digits.

Binary COPY (PostgreSQL documentation, "COPY", "Binary Format"): an 11-byte signature, a 32-bit
flags field and a 32-bit header extension length (then the extension), then per row a 16-bit
field count and per field a 32-bit length (-1 for NULL) followed by that many bytes, all in
network byte order; a field count of -1 ends the data. An int8 field is 8 bytes, an int2 field
2 bytes, a `tid` 6 (block number, line number); a text field its UTF-8 bytes (never a zero
byte).
"""

import numpy as np
from numba import njit  # noqa: E402  (after the kernel module set up numba's cache)

import budaya.scoring.kernel  # noqa: F401  (points numba's cache at a writable folder first)
from budaya.interchange.compiled import trie  # noqa: F401  (the code tries of the decoder)

SIGNATURE = b"PGCOPY\n\xff\r\n\x00"
HEADER = len(SIGNATURE) + 8  # signature, flags, extension length

# The COPY query's columns, in order; `survey_data` builds the query from these.
COLUMNS = (
    "ctid",
    "unit_id",
    "institution_id",
    "first_release",
    "gender",
    "employment_type",
    "age_band",
    "answers",
    "picks_personal",
    "picks_current",
    "picks_wanted",
)
FIELDS = len(COLUMNS)
TEXTS = 4  # index of the first text column (gender)

OK, NEED_MORE, FLAGGED, END, BAD = 0, 1, 2, 3, 4


class CopyFormatError(ValueError):
    """The COPY stream is not the binary layout the query asks for (should never happen)."""


def header_length(buffer: bytes) -> int | None:
    """Return the length of the binary COPY header at the start of `buffer` (None: not all of
    it arrived yet); raise CopyFormatError when it is not one."""
    if len(buffer) < HEADER:
        return None
    if bytes(buffer[: len(SIGNATURE)]) != SIGNATURE:
        raise CopyFormatError("not a binary COPY stream")
    extension = int.from_bytes(buffer[len(SIGNATURE) + 4 : HEADER], "big")
    return None if len(buffer) < HEADER + extension else HEADER + extension


@njit(cache=True, inline="always")
def _int(buffer, at, size):
    """Return the signed big-endian integer of `size` bytes at `at`."""
    value = np.int64(0)
    for i in range(size):
        value = (value << 8) | np.int64(buffer[at + i])
    top = np.int64(1) << (8 * size - 1)
    return (value ^ top) - top


@njit(cache=True, inline="always")
def _match(buffer, start, length, transitions, accept, k):
    """Return the index of the field's bytes in code set k (-1: empty; -2: no code)."""
    if length == 0:
        return accept[0, k] if accept[0, k] >= 0 else -1
    state = 0
    for i in range(start, start + length):
        state = transitions[state, buffer[i]]
    found = accept[state, k]
    return found if found >= 0 else -2


@njit(cache=True)
def _picks(buffer, start, length, transitions, accept, out, max_picks):
    """Write the distinct pick codes of a ';'-joined field into `out` (-1 padded); return False
    when the field needs the generic decoder (an unknown code, a blank-padded code, too many)."""
    for k in range(max_picks):
        out[k] = -1
    count = 0
    state = 0
    token = start
    end = start + length
    for i in range(start, end + 1):
        if i < end and buffer[i] != 59:  # ';'
            state = transitions[state, buffer[i]]
            continue
        if i > token:  # a blank code (two ';' in a row, or at an end) is skipped
            code = accept[state, 0]
            if code < 0:
                return False
            seen = False
            for k in range(count):
                if out[k] == code:
                    seen = True
            if not seen:
                if count == max_picks:
                    return False
                out[count] = code
                count += 1
        state = 0
        token = i + 1
    return True


@njit(cache=True, nogil=True)
def parse(
    buffer,
    position,
    row,
    capacity,
    width,
    max_picks,
    demographic_transitions,
    demographic_accept,
    pick_transitions,
    pick_accept,
    order,
    unit,
    institution,
    first,
    gender,
    employment,
    age_band,
    answers,
    personal,
    current,
    wanted,
):
    """Decode whole rows from `buffer[position:]` into row `row` onwards (at most up to
    `capacity`). Return (status, position after the last decoded row, next row):

    - OK: every whole row decoded and the buffer ends at a row boundary or mid-row;
    - NEED_MORE: the arrays are full (grow them and call again);
    - FLAGGED: the row at the returned position needs the generic decoder (its arrays' row is
      the returned next row, not yet filled);
    - END: the end marker was read (position after it);
    - BAD: the row at the returned position does not have the query's layout.

    The demographic trie has three code sets (genders, employment types, age bands); their
    arrays get the code's index (-1 for ""); `order` gets the row's ctid as block << 16 | line,
    `unit` and `institution` the ids, `first` the first release (-1 for NULL), the three pick
    arrays (n, max_picks) the pick indices (-1 padded).
    """
    size = buffer.shape[0]
    demographics = (gender, employment, age_band)
    picks = (personal, current, wanted)
    while True:
        if position + 2 > size:
            return OK, position, row
        fields = _int(buffer, position, 2)
        if fields == -1:
            return END, position + 2, row
        if fields != 11:
            return BAD, position, row
        # Find the row's end (and check that every field is there) before decoding it.
        at = position + 2
        whole = True
        for _ in range(11):
            if at + 4 > size:
                whole = False
                break
            length = _int(buffer, at, 4)
            at += 4 + (length if length > 0 else 0)
            if at > size:
                whole = False
                break
        if not whole:
            return OK, position, row
        if row >= capacity:
            return NEED_MORE, position, row
        end = at
        at = position + 2
        # ctid: block (4 bytes), line (2 bytes)
        if _int(buffer, at, 4) != 6:
            return BAD, position, row
        order[row] = (_int(buffer, at + 4, 4) << 16) | _int(buffer, at + 8, 2)
        at += 10
        if _int(buffer, at, 4) != 8:
            return BAD, position, row
        unit[row] = _int(buffer, at + 4, 8)
        at += 12
        if _int(buffer, at, 4) != 8:
            return BAD, position, row
        institution[row] = _int(buffer, at + 4, 8)
        at += 12
        length = _int(buffer, at, 4)
        if length == -1:
            first[row] = -1
            at += 4
        elif length == 2:
            first[row] = _int(buffer, at + 4, 2)
            at += 6
        else:
            return BAD, position, row
        ok = True
        for k in range(3):
            length = _int(buffer, at, 4)
            if length < 0:
                return BAD, position, row
            found = _match(buffer, at + 4, length, demographic_transitions, demographic_accept, k)
            if found == -2:
                ok = False
            demographics[k][row] = found
            at += 4 + length
        length = _int(buffer, at, 4)
        if length != width:
            ok = False
        else:
            for i in range(width):
                digit = np.int64(buffer[at + 4 + i]) - 48
                if digit < 0 or digit > 9:
                    ok = False
                answers[row, i] = digit
        at += 4 + (length if length > 0 else 0)
        for q in range(3):
            length = _int(buffer, at, 4)
            if length < 0:
                return BAD, position, row
            if not _picks(
                buffer, at + 4, length, pick_transitions, pick_accept, picks[q][row], max_picks
            ):
                ok = False
            at += 4 + length
        if at != end:
            return BAD, position, row
        if not ok:
            return FLAGGED, position, row
        position = end
        row += 1


def row_fields(buffer, position: int) -> tuple[list, int]:
    """Return (the row's fields at `position` as Python values: ints for the integer columns,
    None for NULL, str for text, the position after the row) for the generic decoder."""
    view = memoryview(buffer)
    count = int.from_bytes(view[position : position + 2], "big", signed=True)
    at = position + 2
    values = []
    for index in range(count):
        length = int.from_bytes(view[at : at + 4], "big", signed=True)
        at += 4
        if length < 0:
            values.append(None)
            continue
        raw = bytes(view[at : at + length])
        at += length
        if index == 0:
            values.append((int.from_bytes(raw[:4], "big") << 16) | int.from_bytes(raw[4:], "big"))
        elif index < TEXTS:
            values.append(int.from_bytes(raw, "big", signed=True))
        else:
            values.append(raw.decode("utf-8"))
    return values, at

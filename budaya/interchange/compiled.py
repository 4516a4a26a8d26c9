"""Compiled (numba) helpers of the columnar file readers (budaya.interchange.columnar).

Imported only when a clean file is read, never when the interchange package is: a web process
that does not read such a file does not load numba. The compiled functions are cached on disk
(`cache=True`, in the folder budaya.scoring.kernel sets up).
"""

import numpy as np
from numba import njit  # noqa: E402  (after the kernel module set up numba's cache)

import budaya.scoring.kernel  # noqa: F401  (points numba's cache at a writable folder first)


def trie(*code_sets) -> tuple[np.ndarray, np.ndarray]:
    """Return (transitions (states, 256) int32, accept (states, len(code_sets)) int32) matching
    the codes' UTF-8 bytes exactly: state 0 is the start, state 1 a dead end; `accept[s, k]`
    gives the index of the code ending in state s in set k (the last one for a code listed
    twice, as a dict built from the list keeps), else -1."""
    transitions = [[1] * 256, [1] * 256]
    accept = [[-1] * len(code_sets), [-1] * len(code_sets)]
    for k, codes in enumerate(code_sets):
        for index, code in enumerate(codes):
            state = 0
            for byte in str(code).encode():
                if transitions[state][byte] == 1:
                    transitions.append([1] * 256)
                    accept.append([-1] * len(code_sets))
                    transitions[state][byte] = len(transitions) - 1
                state = transitions[state][byte]
            accept[state][k] = index
    return np.array(transitions, dtype=np.int32), np.array(accept, dtype=np.int32)


@njit(cache=True, nogil=True)
def count_bytes(data):
    """Return (commas, line feeds, carriage returns, carriage returns followed by a line feed)
    of a byte array, in one pass."""
    commas = 0
    newlines = 0
    returns = 0
    pairs = 0
    # Sums of comparisons rather than branches, and no value carried from one byte to the
    # next: the compiler vectorises the loop (about 3.5 × faster on a national responses file,
    # docs/performance.md).
    if data.shape[0]:
        commas += data[0] == 44
        newlines += data[0] == 10
        returns += data[0] == 13
    for i in range(1, data.shape[0]):
        byte = data[i]
        commas += byte == 44  # ","
        newlines += byte == 10
        returns += byte == 13
        pairs += (byte == 10) & (data[i - 1] == 13)
    return commas, newlines, returns, pairs


@njit(cache=True, nogil=True)
def split_picks(data, ends, transitions, accept, max_picks, out):
    """Fill `out` (n, max_picks) with the indices of the codes of each cell (cell i is
    data[ends[i - 1]:ends[i]], codes separated by ";", matched through the trie of `trie`);
    return the first cell that is not a clean list (an empty, unknown or repeated code, too
    many codes), or -1. An empty cell has no codes."""
    start = 0
    for row in range(ends.shape[0]):
        end = ends[row]
        if start < end:  # a given cell
            position = 0
            state = 0
            token = start
            for i in range(start, end + 1):
                if i < end and data[i] != 59:  # ";"
                    state = transitions[state, data[i]]
                    continue
                found = accept[state, 0] if i > token else -1  # an empty code matches none
                if found < 0 or position >= max_picks:
                    return row
                for earlier in range(position):
                    if out[row, earlier] == found:
                        return row
                out[row, position] = found
                position += 1
                state = 0
                token = i + 1
        start = end
    return -1


# What `parse_responses` does with each column of a responses file (`roles`), and where it
# writes the cell (`slots`): ANSWER, a column of `given`; CODE, a row of `codes` (gender,
# employment type, age band); PICKS, a list of `picks`; TEXT, a pair of columns of `spans`
# (response_id, institution, unit: the cell's first byte and the byte after its last).
ANSWER, CODE, PICKS, TEXT = 0, 1, 2, 3


@njit(cache=True, nogil=True, inline="always")
def _cell_end(data, p):
    """Return where the plain cell starting at byte p ends (its comma or line end, or the end
    of the data), or -1 when it holds a byte that is not printable ASCII, or a quote."""
    size = data.shape[0]
    while p < size:
        byte = data[p]
        if byte == 44 or byte == 10 or byte == 13:  # "," "\n" "\r"
            return p
        if byte < 32 or byte > 126 or byte == 34:  # control, non-ASCII, '"'
            return -1
        p += 1
    return p


@njit(cache=True, nogil=True, inline="always")
def _after_line(data, p):
    """Return where the next line starts after the last cell of a line, ending at byte p:
    past its "\n" or "\r\n" (or p, at the end of the data); -1 when the line holds more cells
    or a carriage return alone."""
    size = data.shape[0]
    if p == size:
        return p
    if data[p] == 10:
        return p + 1
    if data[p] == 13 and p + 1 < size and data[p + 1] == 10:
        return p + 2
    return -1


@njit(cache=True, nogil=True, inline="always")
def _span(data, begin, end, spans, row, slot):
    """Write where a TEXT cell lies to spans[row, 2 * slot:2 * slot + 2]; return False, and
    write nothing, when it is empty or begins or ends with a space."""
    if end == begin or data[begin] == 32 or data[end - 1] == 32:
        return False
    spans[row, 2 * slot] = begin
    spans[row, 2 * slot + 1] = end
    return True


@njit(cache=True, nogil=True)
def parse_responses(
    data, start, roles, slots, code_transitions, code_accept, pick_transitions, pick_accept,
    top, given, codes, picks, spans,
):  # fmt: skip
    """Read the rows of a plain responses file, `data` from byte `start` (after the header),
    into the arrays, in one pass; return -1, or the first row (0-based) that is not plain.

    Plain: every line ends in "\\n" or "\\r\\n" (the last may end the file) and holds exactly
    one cell per role; every cell byte is printable ASCII other than the quote; an answer is
    empty (0) or one digit 1..`top`; a code is empty (-1) or exactly one of its set (the trie
    of `trie(*sets)`); a values selection is as `split_picks` wants it; a TEXT cell is not
    empty and neither begins nor ends with a space. `given` (n, answers) uint8, `codes`
    (3, n) int8, `picks` (3, n, max picks) int16 filled with -1 and `spans` (n, 6) int64 are
    written; n rows are read, and the file must end with the n-th."""
    size = data.shape[0]
    width = roles.shape[0]
    max_picks = picks.shape[2]
    p = start
    for row in range(given.shape[0]):
        for c in range(width):
            role = roles[c]
            slot = slots[c]
            if role == ANSWER:  # the common cell: empty or one digit, on its own short path
                byte = data[p] if p < size else 10
                if byte == 44 or byte == 10 or byte == 13:  # "," "\n" "\r": empty
                    given[row, slot] = 0
                elif 49 <= byte <= 48 + top:
                    given[row, slot] = byte - 48
                    p += 1
                else:
                    return row
            else:
                begin = p
                p = end = _cell_end(data, p)
                if end < 0:
                    return row
                if role == CODE:
                    if end == begin:
                        codes[slot, row] = -1
                    else:
                        state = 0
                        for i in range(begin, end):
                            state = code_transitions[state, data[i]]
                        found = code_accept[state, slot]
                        if found < 0:
                            return row
                        codes[slot, row] = found
                elif role == PICKS:
                    if begin < end:
                        position = 0
                        state = 0
                        token = begin
                        for i in range(begin, end + 1):
                            if i < end and data[i] != 59:  # ";"
                                state = pick_transitions[state, data[i]]
                                continue
                            found = pick_accept[state, 0] if i > token else -1
                            if found < 0 or position >= max_picks:
                                return row
                            for earlier in range(position):
                                if picks[slot, row, earlier] == found:
                                    return row
                            picks[slot, row, position] = found
                            position += 1
                            state = 0
                            token = i + 1
                elif not _span(data, begin, end, spans, row, slot):  # TEXT
                    return row
            if c < width - 1:  # a comma between cells
                if p >= size or data[p] != 44:
                    return row
                p += 1
            else:
                p = _after_line(data, p)
                if p < 0:
                    return row
    return -1 if p == size else given.shape[0]


@njit(cache=True, nogil=True)
def hash_cells(data, spans, first, count, out):
    """Write to `out` a 64-bit hash (FNV-1a, then a final mix) of each row's cells
    spans[:, first:first + 2 * count] (each cell a (begin, end) pair of columns), taken
    together: rows whose cells hold equal bytes get equal hashes."""
    prime = np.uint64(1099511628211)
    for row in range(spans.shape[0]):
        h = np.uint64(14695981039346656037)
        for k in range(count):
            for i in range(spans[row, first + 2 * k], spans[row, first + 2 * k + 1]):
                h = (h ^ np.uint64(data[i])) * prime
            h = (h ^ np.uint64(0xFF)) * prime  # between cells: a byte no plain cell holds
        h ^= h >> np.uint64(31)
        h *= np.uint64(0x7FB5D329728EA185)
        h ^= h >> np.uint64(27)
        out[row] = h


@njit(cache=True, nogil=True)
def group_cells(data, spans, first, count, hashes, group, firsts):
    """Number the distinct values of the rows' cells spans[:, first:first + 2 * count] (their
    `hash_cells`), in order of first appearance: write each row's number to `group` and each
    number's first row to `firsts`; return how many there are. Rows with equal hashes are
    compared byte by byte, so two rows share a number exactly when their cells are equal. The
    hash table grows with the groups (a few thousand units stay in the processor's cache)."""
    slots = 1024
    table = np.full(slots, -1, dtype=np.int64)
    group_hash = np.empty(firsts.shape[0], dtype=np.uint64)
    groups = 0
    for row in range(spans.shape[0]):
        h = hashes[row]
        mask = np.uint64(slots - 1)
        at = h & mask
        while True:
            g = table[at]
            if g < 0:
                table[at] = groups
                group_hash[groups] = h
                firsts[groups] = row
                group[row] = groups
                groups += 1
                break
            if group_hash[g] == h and _same_cells(data, spans, first, count, row, firsts[g]):
                group[row] = g
                break
            at = (at + np.uint64(1)) & mask
        if 2 * groups > slots:  # keep the table at most half full
            slots *= 4
            table = np.full(slots, -1, dtype=np.int64)
            mask = np.uint64(slots - 1)
            for g in range(groups):
                at = group_hash[g] & mask
                while table[at] >= 0:
                    at = (at + np.uint64(1)) & mask
                table[at] = g
    return groups


@njit(cache=True, nogil=True, inline="always")
def _same_cells(data, spans, first, count, a, b):
    """Whether rows a and b hold the same bytes in the cells of `group_cells`."""
    for k in range(count):
        column = first + 2 * k
        a_begin, a_end = spans[a, column], spans[a, column + 1]
        b_begin, b_end = spans[b, column], spans[b, column + 1]
        if a_end - a_begin != b_end - b_begin:
            return False
        for i in range(a_end - a_begin):
            if data[a_begin + i] != data[b_begin + i]:
                return False
    return True


@njit(cache=True, nogil=True)
def nips_agree(number, birth_year, gender):
    """Return whether every 18-digit NIP (`number`, int64) begins with a real birth date
    (YYYYMMDD of year 1 or later, as Python's dates) of the row's `birth_year`, and has 1 or 2
    as its 15th digit, agreeing with the row's `gender` code (0 for 1). One pass, stopping at
    the first row that does not."""
    for i in range(number.shape[0]):
        value = number[i]
        born = value // 10_000_000_000
        year, month, day = born // 10_000, born // 100 % 100, born % 100
        if year < 1 or month < 1 or month > 12 or day < 1 or year != birth_year[i]:
            return False
        if month == 2:
            leap = (year % 4 == 0 and year % 100 != 0) or year % 400 == 0
            days = 29 if leap else 28
        elif month == 4 or month == 6 or month == 9 or month == 11:
            days = 30
        else:
            days = 31
        digit = value // 1000 % 10
        if day > days or (digit != 1 and digit != 2) or digit - 1 != gender[i]:
            return False
    return True


# The roles of a roster file's columns for `parse_roster` (CODE and TEXT as above, the slots
# of CODE: 0 gender, 1 employment type; of TEXT: 0 institution, 1 unit).
NIP, YEAR, NAME, FREE = 4, 5, 6, 7


@njit(cache=True, nogil=True)
def parse_roster(data, start, roles, slots, code_transitions, code_accept, number, year, codes,
                 spans):  # fmt: skip
    """Read the rows of a plain roster file, `data` from byte `start` (after the header), in
    one pass; return -1, or the first row (0-based) that is not plain.

    Plain, beside the line rules of `parse_responses` (printable ASCII but the quote, one
    cell per column): a NIP of exactly 18 digits (its value written to `number`), a birth year
    of exactly 4 digits (`year`), a gender and an employment type among their codes (`codes`,
    none empty), a name with a byte other than a space, institution and unit cells not empty
    and neither beginning nor ending with a space (`spans`, (n, 4)); e-mail and phone (FREE)
    may hold any plain text."""
    size = data.shape[0]
    width = roles.shape[0]
    p = start
    for row in range(number.shape[0]):
        for c in range(width):
            role = roles[c]
            slot = slots[c]
            begin = p
            p = end = _cell_end(data, p)
            if end < 0:
                return row
            if role == NIP or role == YEAR:
                if end - begin != (18 if role == NIP else 4):
                    return row
                value = 0
                for i in range(begin, end):
                    digit = data[i] - 48
                    if digit < 0 or digit > 9:
                        return row
                    value = value * 10 + digit
                if role == NIP:
                    number[row] = value
                else:
                    year[row] = value
            elif role == CODE:
                state = 0
                for i in range(begin, end):
                    state = code_transitions[state, data[i]]
                found = code_accept[state, slot] if end > begin else -1
                if found < 0:
                    return row
                codes[slot, row] = found
            elif role == NAME:
                blank = True
                for i in range(begin, end):
                    if data[i] != 32:
                        blank = False
                        break
                if blank:
                    return row
            elif role == TEXT and not _span(data, begin, end, spans, row, slot):
                return row
            if c < width - 1:  # a comma between cells
                if p >= size or data[p] != 44:
                    return row
                p += 1
            else:
                p = _after_line(data, p)
                if p < 0:
                    return row
    return -1 if p == size else number.shape[0]

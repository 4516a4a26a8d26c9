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

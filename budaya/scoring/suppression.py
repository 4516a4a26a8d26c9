"""Small-group suppression with complementary suppression (METHOD.md §8)."""


def suppressed_cells(
    cells: list[tuple[str, int]], threshold: int, hidden: frozenset | set = frozenset()
) -> set[str]:
    """Return the codes of the cells of one breakdown that must not be shown.

    `cells` are (code, n). A cell with n < k is suppressed, and so is every cell whose code is
    in `hidden` (cells not shown for another reason). Then, while the suppressed cells
    together hold at least one and fewer than k respondents, the smallest shown cell (ties: lower
    code first) is suppressed too, until they hold at least k or every cell is suppressed.

    >>> sorted(suppressed_cells([("A", 3), ("B", 40), ("C", 12), ("D", 12)], 10))
    ['A', 'C']
    """
    suppressed = {code for code, n in cells if n < threshold or code in hidden}
    while True:
        held = sum(n for code, n in cells if code in suppressed)
        if held == 0 or held >= threshold:
            return suppressed
        shown = [(n, code) for code, n in cells if code not in suppressed]
        if not shown:
            return suppressed
        suppressed.add(min(shown)[1])

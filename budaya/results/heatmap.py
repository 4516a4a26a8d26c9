"""Heat maps of groups × (headline index and the seven values): an institution's units on its
results page, the institutions on the national dashboard.

Every figure is a stored one (budaya.results.display): the shown score and its CHANGE against
the previous period with its significance (METHOD.md §7, §11). The only arithmetic is the
"Selisih" column, the group's headline minus its parent's (unrounded, then rounded as METHOD.md
§6 rounds a shown value): a plain difference, no statistic. Rows sort by any column through
`?sort=<column>&dir=asc|desc` links (no JavaScript); groups without the figure (suppressed, not
eligible, no score) always come last, so sorting never places a hidden group by its score.
"""

from urllib.parse import urlencode

from django.utils.translation import gettext as _

from budaya.results import charts
from budaya.results import display as d
from budaya.scoring.rounding import round_shown
from budaya.scoring.spec import VALUE_CODES, VALUE_NAMES

DIFFERENCE = "selisih"
SORTABLE = ("nama", "n", "indeks", DIFFERENCE, *VALUE_CODES)
DIRECTIONS = ("asc", "desc")


def headline_key(groups: list[dict], parent: dict | None) -> str:
    """Return 'indeks_berakhlak' when the parent or any group has it shown, else
    'implementasi' (the headline falls back to it without a finalised evaluation)."""
    for holder in [parent, *groups]:
        if d.score(holder, "indeks_berakhlak") is not None:
            return "indeks_berakhlak"
    return "implementasi"


def _cell(holder: dict, key: str, code: str | None = None) -> dict:
    found = d.score(holder, key, code)
    shown = d.shown(found)
    return {
        "code": code or "indeks",
        "shown": shown,
        "text": d.number(shown),
        "shade": charts.heat_shade(shown),
        "category": (found or {}).get("category") or "",
        "change": d.change_view(d.change(holder, key, code)),
    }


def heat_rows(
    groups: list[dict], parent: dict | None, key: str, names: dict, *, eligible_only: bool = False
) -> list[dict]:
    """Return one row per group: code, name, n, eligible, `hidden` (why no score is shown:
    '' or 'suppressed' or 'ineligible'), the headline cell, the difference to the parent's
    headline and the seven value cells."""
    parent_score = d.score(parent, key)
    rows = []
    for group in groups:
        code = group.get("code")
        row = {
            "code": code,
            "name": names.get(code, code),
            "n": group.get("n"),
            "eligible": bool(group.get("eligible")),
            "hidden": "",
        }
        if not d.visible(group):
            row["hidden"] = "suppressed"
        elif eligible_only and not group.get("eligible"):
            row["hidden"] = "ineligible"
        if row["hidden"]:
            rows.append(row)
            continue
        row["headline"] = _cell(group, key)
        own = d.score(group, key)
        difference = None
        if own is not None and parent_score is not None:
            difference = round_shown(float(own["score"]) - float(parent_score["score"]))
        row[DIFFERENCE] = difference
        row["difference_text"] = (
            "–"
            if difference is None
            else ("+" if difference > 0 else ("−" if difference < 0 else "±"))
            + d.number(abs(difference))
        )
        row["values"] = [_cell(group, "values", code) for code in VALUE_CODES]
        rows.append(row)
    return rows


def _sort_value(row: dict, column: str):
    if column == "nama":
        return str(row["name"]).casefold()
    if column == "n":
        return row["n"]
    if row["hidden"]:
        return None
    if column == "indeks":
        return row["headline"]["shown"]
    if column == DIFFERENCE:
        return row[DIFFERENCE]
    return row["values"][VALUE_CODES.index(column)]["shown"]


def sort_rows(rows: list[dict], column: str, direction: str) -> list[dict]:
    """Return the rows sorted by `column` ('nama', 'n', 'indeks', 'selisih' or a value code)
    in `direction`; rows without the figure last, ties by code."""
    present = [r for r in rows if _sort_value(r, column) is not None]
    absent = [r for r in rows if _sort_value(r, column) is None]
    present.sort(key=lambda r: str(r["code"]))
    present.sort(key=lambda r: _sort_value(r, column), reverse=direction == "desc")
    absent.sort(key=lambda r: str(r["code"]))
    return present + absent


def read_sort(query, default: str = "nama") -> tuple[str, str, str]:
    """Return (column, direction, problem) from a request's GET: an unknown column or
    direction falls back to the default and `problem` says what was wrong ('' when nothing)."""
    column = query.get("sort") or default
    direction = query.get("dir") or ("asc" if column == "nama" else "desc")
    problems = []
    if column not in SORTABLE:
        problems.append(_("kolom urutan “%(value)s” tidak dikenal") % {"value": column})
        column = default
    if direction not in DIRECTIONS:
        problems.append(_("arah urutan “%(value)s” tidak dikenal") % {"value": direction})
        direction = "asc"
    return column, direction, "; ".join(problems)


def heat_map(
    groups: list[dict],
    parent: dict | None,
    names: dict,
    query,
    index_labels: dict,
    *,
    keep: dict | None = None,
    eligible_only: bool = False,
    key: str | None = None,
) -> dict:
    """Return what the heat map template shows: headers with their sort links, rows sorted as
    the query asks, the headline key and label, and the problem with the query (or '')."""
    key = key or headline_key(groups, parent)
    column, direction, problem = read_sort(query)
    rows = sort_rows(heat_rows(groups, parent, key, names, eligible_only=eligible_only), column,
                     direction)  # fmt: skip
    labels = {
        "nama": _("Nama"),
        "n": "n",
        "indeks": index_labels[key],
        DIFFERENCE: _("Selisih"),
        **{code: code for code in VALUE_CODES},
    }
    headers = []
    for name in SORTABLE:
        active = name == column
        # The first click sorts names A–Z and figures highest first; a second click reverses.
        if active:
            next_direction = "desc" if direction == "asc" else "asc"
        else:
            next_direction = "asc" if name == "nama" else "desc"
        params = {**(keep or {}), "sort": name, "dir": next_direction}
        headers.append(
            {
                "name": name,
                "label": labels[name],
                "title": VALUE_NAMES.get(name, ""),
                "query": "?" + urlencode({k: v for k, v in params.items() if v}),
                "active": active,
                "direction": direction if active else "",
                "aria_sort": (
                    ("ascending" if direction == "asc" else "descending") if active else ""
                ),
            }
        )
    return {
        "key": key,
        "key_label": index_labels[key],
        "rows": rows,
        "headers": headers,
        "sort": column,
        "dir": direction,
        "problem": problem,
        "legend": charts.heat_legend(_("Skala warna peta panas, 0 sampai 100")),
        "value_names": [(code, VALUE_NAMES[code]) for code in VALUE_CODES],
        "parent_label": parent.get("code") if parent else "",
    }

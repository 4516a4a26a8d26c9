"""Release, not recompute (METHOD.md §12): which groups of a new release keep their survey scores.

A release recomputes the whole document from the closed period's responses (`fresh`), then,
group by group, decides whether the fresh survey scores may be shown or the scores of the
release shown before are carried over:

- Each stored group row has a `basis`: the release whose responses its survey scores rest on
  (`release`), how many responses the group had then (`n`) and how many each of its cells had
  (`cells`). A response records the release that first counted it (`Response.first_release`),
  nothing more; it is written when the period is reopened (budaya.periods.services), and a
  response still without one is first counted in release `Period.release_base + 1` (so a
  release writes nothing to the responses table). So the number of responses of a group (or cell) that changed since its basis is
  `added + |basis n − present|`: `present` counts the group's responses first counted in the
  basis release or before, `added` the others (counted later, or not yet). Removed responses
  show as `basis n − present`; a response that moved into the group counts as added.
- A **unit** gets fresh survey scores when at least k of its responses changed.
- An **institution** gets fresh survey scores when at least k of its responses changed, every
  cell of its breakdowns (units, genders, employment types, age bands, and per attribute the
  responses that leave it out) changed by 0 or at least k responses, and each of its units whose
  responses changed at all gets fresh scores too. Otherwise the fresh pooled scores minus the
  fresh scores of the other cells would give the scores of a cell that changed by fewer than k.
- The **nation** likewise: at least k changed, every national cell (institutions, genders,
  employment types, age bands) changed by 0 or at least k, and each institution whose responses
  changed gets fresh scores (the national scores are means of the institutions').
- A carried-over group keeps the previous group as stored (breakdowns included) and is marked
  `"carried_over": {"from_release": s}`; its basis stays. Evaluation scores are not about
  persons (§5): it takes the fresh `evaluasi` (and the unit cells of an institution their
  unit's), recombines `indeks_berakhlak` = w_s·I + w_e·E from its carried-over I, and takes the
  fresh change and benchmark of `evaluasi`; the change of `indeks_berakhlak` is recomputed
  against the previous period, and its benchmark is dropped when the headline moved (a rank
  among peers' fresh scores would not match the carried-over score).
- The public employer-branding answers carry no release mark; their count per link is stored in
  the basis (`"branding": {"release", "n"}`) of the nation and of each institution. A freshly
  computed group whose public answers count changed by fewer than k keeps the previous
  `employer_branding` score and segment summary (`branding_segments`), marked
  `"employer_branding_carried_over": {"from_release": s}`. A count is a safe lower bound: fewer
  than k apart means the scores may differ by fewer than k answers, so they are kept; k or
  more apart means at least k answers changed.
"""

import math
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count

from budaya.institutions.models import Institution, Unit
from budaya.public.models import BrandingResponse
from budaya.results.store import group_key
from budaya.scoring.document import score_dict
from budaya.scoring.indices import indeks_berakhlak
from budaya.scoring.rounding import round_shown
from budaya.survey.models import Response

ATTRIBUTES = ("gender", "employment_type", "age_band")
Z95 = 1.96


@dataclass
class Counts:
    """Responses of the period by (institution, unit, gender, employment type, age band,
    first release), read once per release."""

    rows: list = field(default_factory=list)  # (inst, unit, gender, emp, age, release, count)
    by_institution: dict = field(default_factory=lambda: defaultdict(list))
    by_unit: dict = field(default_factory=lambda: defaultdict(list))

    def add(self, row: tuple) -> None:
        self.rows.append(row)
        self.by_institution[row[0]].append(row)
        self.by_unit[(row[0], row[1])].append(row)

    def group_rows(self, level: str, parent: str, code: str) -> list:
        """Return the count rows of one group."""
        if level == "nation":
            return self.rows
        if level == "institution":
            return self.by_institution.get(code, [])
        return self.by_unit.get((parent, code), [])


def response_counts(period) -> Counts:
    """Return the period's responses counted by group, demographics and first release (a
    response not yet marked is first counted in release `period.release_base + 1`)."""
    # Grouped by ids (no join over the responses), codes looked up afterwards.
    query = (
        Response.objects.filter(period=period)
        .order_by()
        .values_list(
            "institution_id", "unit_id", "gender", "employment_type", "age_band", "first_release"
        )
        .annotate(count=Count("pk"))
    )
    rows = list(query)
    institutions = dict(
        Institution.objects.filter(pk__in={row[0] for row in rows}).values_list("pk", "code")
    )
    units = dict(Unit.objects.filter(pk__in={row[1] for row in rows}).values_list("pk", "code"))
    return counts_of(
        (
            (institutions[inst], units[unit], gender or "", employment or "", age or "", first, n)
            for inst, unit, gender, employment, age, first, n in rows
        ),
        period,
    )


def counts_of(rows, period) -> Counts:
    """Return the Counts of rows (institution code, unit code, gender, employment type, age
    band, first release or None, count): a response not yet marked is first counted in release
    `period.release_base + 1`. The rows come from `response_counts`'s query, or from the
    responses the release loaded (budaya.results.survey_data.count_rows)."""
    counts = Counts()
    unmarked = int(period.release_base) + 1
    for *row, first, count in rows:
        counts.add((*row, unmarked if first is None else first, count))
    return counts


def _cell_keys(level: str, row: tuple) -> list[str]:
    """Return the cell keys a count row belongs to within a group of `level`."""
    inst, unit, gender, employment, age = row[:5]
    keys = [f"gender:{gender}", f"employment_type:{employment}", f"age_band:{age}"]
    if level == "institution":
        keys.append(f"unit:{unit}")
    elif level == "nation":
        keys.append(f"institution:{inst}")
    return keys


def _cell_counts(level: str, rows) -> dict[str, int]:
    """Return the responses of count rows per cell key (`_cell_keys`), summed per attribute
    value first: one key text per cell rather than per row."""
    by_value: list[dict] = [defaultdict(int) for _ in range(4)]
    other = 1 if level == "institution" else 0  # unit cells, or the nation's institution cells
    for row in rows:
        count = row[6]
        by_value[0][row[2]] += count
        by_value[1][row[3]] += count
        by_value[2][row[4]] += count
        by_value[3][row[other]] += count
    names = ["gender", "employment_type", "age_band"]
    if level in ("institution", "nation"):
        names.append("unit" if level == "institution" else "institution")
    cells: dict[str, int] = defaultdict(int)
    for name, values in zip(names, by_value, strict=False):
        for value, count in values.items():
            cells[f"{name}:{value}"] += count
    return cells


def current_basis(level: str, rows: list, release: int) -> dict:
    """Return the basis of fresh survey scores computed now, in release `release`."""
    total = sum(row[6] for row in rows)
    cells = _cell_counts(level, rows) if level != "unit" else {}
    return {"release": release, "n": total, "cells": dict(sorted(cells.items()))}


def changed(level: str, rows: list, basis: dict) -> tuple[int, dict[str, int]]:
    """Return (responses of the group changed since its basis, the same per cell)."""
    since = int(basis["release"])
    present, added = 0, 0
    cell_present: dict[str, int] = defaultdict(int)
    cell_added: dict[str, int] = defaultdict(int)
    for row in rows:
        first, count = row[5], row[6]
        old = first is not None and first <= since
        if old:
            present += count
        else:
            added += count
        if level != "unit":
            for key in _cell_keys(level, row):
                if old:
                    cell_present[key] += count
                else:
                    cell_added[key] += count
    total = added + abs(int(basis.get("n", 0)) - present)
    old_cells = basis.get("cells") or {}
    cells = {
        key: cell_added.get(key, 0) + abs(int(old_cells.get(key, 0)) - cell_present.get(key, 0))
        for key in set(old_cells) | set(cell_present) | set(cell_added)
    }
    return total, cells


@dataclass
class Decision:
    """What a new release does with each group: key -> (carried over?, basis, changed)."""

    carried: dict = field(default_factory=dict)  # key -> from release
    bases: dict = field(default_factory=dict)  # key -> basis stored with the new release
    changes: dict = field(default_factory=dict)  # key -> responses changed since the basis


def decide(groups: list[dict], previous_bases: dict, counts: Counts, threshold: int, release: int):
    """Return the Decision for the fresh document's `groups` (keys (level, parent, code)),
    given the previous release's bases (None when there is no previous release)."""
    decision = Decision()
    keys = [group_key(group) for group in groups]
    cell_changes = {}
    for key in keys:
        level, parent, code = key
        rows = counts.group_rows(level, parent, code)
        basis = (previous_bases or {}).get(key)
        if basis is None:
            decision.bases[key] = current_basis(level, rows, release)
            continue
        total, cells = changed(level, rows, basis)
        decision.changes[key] = total
        cell_changes[key] = cells

    def fresh_ok(key) -> bool:
        return key not in decision.carried

    def cells_ok(key) -> bool:
        return all(n == 0 or n >= threshold for n in cell_changes.get(key, {}).values())

    children = defaultdict(list)  # institution code -> unit keys; "" -> institution keys
    for key in keys:
        if key[0] == "unit":
            children[key[1]].append(key)
        elif key[0] == "institution":
            children[""].append(key)

    # Units first, then institutions (which need their units), then the nation.
    for wanted in ("unit", "institution", "nation"):
        for key in keys:
            level, parent, code = key
            if level != wanted or key not in decision.changes:
                continue
            total = decision.changes[key]
            ok = total >= threshold and cells_ok(key)
            if ok and level in ("institution", "nation"):
                ok = all(
                    fresh_ok(child)
                    for child in children[code if level == "institution" else ""]
                    if decision.changes.get(child)
                )
            rows = counts.group_rows(level, parent, code)
            if ok:
                decision.bases[key] = current_basis(level, rows, release)
            else:
                basis = previous_bases[key]
                decision.carried[key] = int(basis["release"])
                decision.bases[key] = basis
    return decision


def headline(implementasi: dict | None, evaluasi: dict | None, period) -> dict | None:
    """Return the Indeks BerAKHLAK SCORE w_s·I + w_e·E of a SCORE I and a SCORE E (§5, §7:
    its SE is w_s·SE(I), its n the n of I), None when either is missing."""
    if not implementasi or not evaluasi:
        return None
    se = implementasi.get("se")
    score, se = indeks_berakhlak(
        implementasi["score"],
        evaluasi["score"],
        math.nan if se is None else se,
        period.survey_weight,
        period.evaluation_weight,
    )
    return score_dict(score, se, implementasi.get("n"))


def change_of(now: dict | None, before: dict | None) -> dict | None:
    """Return the §7 CHANGE between two SCOREs, None when either is missing."""
    if not now or not before:
        return None
    delta = now["score"] - before["score"]
    se_now, se_before = now.get("se"), before.get("se")
    if se_now is None or se_before is None:
        significant = None
    else:
        root = (se_now**2 + se_before**2) ** 0.5
        significant = delta != 0 if root == 0 else abs(delta) / root > Z95
    return {"delta": delta, "shown": round_shown(delta), "significant": significant}


def _with_evaluation(target: dict, evaluasi, period) -> bool:
    """Give a carried-over group or cell the fresh evaluation and the recombined headline;
    return True when the headline changed."""
    old = target.get("indeks_berakhlak")
    target["evaluasi"] = evaluasi
    target["indeks_berakhlak"] = headline(target.get("implementasi"), evaluasi, period)
    return (old or {}).get("score") != (target["indeks_berakhlak"] or {}).get("score")


def carry_over(old: dict, fresh: dict, from_release: int, period, previous_group: dict | None):
    """Return the group of the new release that keeps `old`'s survey scores (see module doc)."""
    group = dict(old)
    group["carried_over"] = {"from_release": from_release}
    if group.get("suppressed") or fresh.get("suppressed"):
        return group
    moved = _with_evaluation(group, fresh.get("evaluasi"), period)
    if isinstance(group.get("change"), dict):
        change = dict(group["change"])
        change["evaluasi"] = (fresh.get("change") or {}).get("evaluasi")
        before = (previous_group or {}).get("indeks_berakhlak")
        if previous_group and previous_group.get("suppressed"):
            before = None
        change["indeks_berakhlak"] = change_of(group["indeks_berakhlak"], before)
        group["change"] = change
    if isinstance(group.get("benchmark"), dict):
        benchmark = dict(group["benchmark"])
        benchmark["evaluasi"] = (fresh.get("benchmark") or {}).get("evaluasi")
        if moved:
            benchmark["indeks_berakhlak"] = None
        group["benchmark"] = benchmark
    unit_cells = (group.get("breakdowns") or {}).get("unit")
    fresh_cells = (fresh.get("breakdowns") or {}).get("unit") or {}
    if isinstance(unit_cells, dict):
        cells = {}
        for code, cell in unit_cells.items():
            cell = dict(cell)
            if not cell.get("suppressed") and code in fresh_cells:
                _with_evaluation(cell, fresh_cells[code].get("evaluasi"), period)
            cells[code] = cell
        group["breakdowns"] = {**group["breakdowns"], "unit": cells}
    return group


def branding_counts(period) -> dict[str, int]:
    """Return the number of public employer-branding answers of the nation ("ID", all) and of
    each institution with its own link."""
    rows = (
        BrandingResponse.objects.filter(period=period)
        .order_by()
        .values_list("institution__code")
        .annotate(count=Count("pk"))
    )
    counts = {"ID": 0}
    for code, count in rows:
        counts["ID"] += count
        if code:
            counts[code] = count
    return counts


def branding_decision(groups, previous_bases, counts, decision, threshold, release) -> dict:
    """Add the branding basis to each nation and institution basis of `decision`; return
    {key: from release} of the groups that keep their previous employer branding (their public
    answers count changed by fewer than k), whether their survey scores are fresh or not."""
    keep = {}
    for group in groups:
        if group.get("level") not in ("nation", "institution"):
            continue
        key = group_key(group)
        count = counts.get("ID" if key[0] == "nation" else key[2], 0)
        old = ((previous_bases or {}).get(key) or {}).get("branding")
        basis = dict(decision.bases[key])
        if old is not None and (count or old["n"]) and abs(count - int(old["n"])) < threshold:
            keep[key] = int(old["release"])
            basis["branding"] = old
        else:
            basis["branding"] = {"release": release, "n": count}
        decision.bases[key] = basis
    return keep


def apply_branding(document, keep, old_groups, old_segments, fresh_branding) -> None:
    """Give the kept groups their previous employer-branding score and segment summary, marked;
    give the other carried-over groups their fresh employer-branding score."""
    segments = document.get("branding_segments")
    for group in document.get("groups", []):
        key = group_key(group)
        if key in keep:
            old = old_groups[key]
            if not group.get("suppressed") and not old.get("suppressed"):
                if "employer_branding" in old or "employer_branding" in group:
                    group["employer_branding"] = old.get("employer_branding")
            group["employer_branding_carried_over"] = {"from_release": keep[key]}
            code = "ID" if key[0] == "nation" else key[2]
            if isinstance(segments, dict) and code in segments:
                if code in old_segments:
                    segments[code] = old_segments[code]
                else:
                    del segments[code]
        elif key in fresh_branding and not group.get("suppressed"):
            if fresh_branding[key] is not None or "employer_branding" in group:
                group["employer_branding"] = fresh_branding[key]
            group.pop("employer_branding_carried_over", None)

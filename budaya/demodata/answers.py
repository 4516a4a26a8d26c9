"""Return who answered, their Likert answers, their value picks and the evaluations.

Answers come from a latent model in score points (0–100): for respondent r and value d,
`z = 68 + institution + unit + value_d + f_r + g_rd`, with a general factor `f` (sd 11) and a
value-specific factor `g` (sd 8). An item's answer is `z + behaviour + item + noise` mapped to
1..K; a reverse-keyed item is answered from the same latent, reversed. The noise is set from
the number of items per value so that Cronbach's α of each value is about 0.8.
"""

from dataclasses import dataclass

import numpy as np

from budaya.demodata.people import RosterArrays
from budaya.demodata.structure import Structure
from budaya.scoring.eligibility import slovin_minimums
from budaya.scoring.spec import VALUE_CODES, ScoringSpec

BASE = 68.0
SD_GENERAL = 11.0
SD_VALUE = 8.0
TARGET_ALPHA = 0.8
MISSING = 0.02  # share of unanswered items
SKIP_BLOCK = 0.005  # share of respondents who skip one whole value
# Value-level effects: Harmonis and Loyal high, Adaptif low (as in the public reports).
VALUE_EFFECT = {"BP": -2.0, "AK": 3.0, "KO": 0.0, "HA": 6.0, "LO": 5.0, "AD": -7.0, "KL": -1.0}
ENGAGEMENT_EFFECT = 2.0
# How often each value's behaviours are picked (Akuntabel most, Adaptif least).
PICK_POPULARITY = {"BP": 0.2, "AK": 0.6, "KO": 0.1, "HA": 0.3, "LO": 0.2, "AD": -0.5, "KL": 0.0}
CHUNK = 200_000


@dataclass
class ResponseArrays:
    """Responses: the roster entry that answered (never written out), attributes, answers
    (0 missing, else 1..K, columns in `spec.survey_items` order) and picks (3, n, P)."""

    employee: np.ndarray  # (n,) int64 into the roster
    unit: np.ndarray  # (n,) int32
    gender: np.ndarray  # (n,) int8
    employment: np.ndarray  # (n,) int8
    age_band: np.ndarray  # (n,) int8
    answers: np.ndarray  # (n, items) uint8
    picks: np.ndarray  # (3, n, P) int16, -1 padded at the end
    response_id: np.ndarray  # (n,) uint64, random

    @property
    def n(self) -> int:
        return int(self.unit.shape[0])


def respondent_counts(
    rng: np.random.Generator, structure: Structure, size: np.ndarray
) -> np.ndarray:
    """Return how many of the `size[u]` employees of each unit answered.

    Most units reach their minimum; about one in eight falls short and about one in thirty has
    no respondent. Institutions marked `low_participation` end below their own minimum.
    """
    minimum = slovin_minimums(size)
    draw = rng.random(size.size)
    good = minimum + np.floor(rng.random(size.size) ** 0.7 * (size - minimum + 1))
    weak = np.floor(rng.uniform(0.3, 1.0, size.size) * minimum)
    counts = np.where(draw < 0.03, 0, np.where(draw < 0.15, weak, good))
    counts = np.minimum(counts, size).astype(np.int64)
    institution_size = np.bincount(structure.unit_institution, size, len(structure.codes))
    institution_size = institution_size.astype(np.int64)
    for i in np.flatnonzero(structure.low_participation):
        units = np.flatnonzero(structure.unit_institution == i)
        target = rng.uniform(0.45, 0.92) * slovin_minimums(institution_size[i])
        counts[units] = rng.binomial(size[units], min(1.0, target / institution_size[i]))
        excess = counts[units].sum() - (slovin_minimums(institution_size[i]) - 1)
        while excess > 0:  # trim the largest unit until the institution is below its minimum
            largest = units[np.argmax(counts[units])]
            cut = min(excess, counts[largest])
            counts[largest] -= cut
            excess -= cut
    return counts


def choose_respondents(
    rng: np.random.Generator, roster: RosterArrays, counts: np.ndarray
) -> np.ndarray:
    """Return the roster indices of the respondents, `counts[u]` at random from each unit,
    in random order."""
    key = rng.random(roster.size)
    order = np.lexsort((key, roster.unit))
    unit_sorted = roster.unit[order]
    starts = np.searchsorted(unit_sorted, np.arange(counts.size))
    rank = np.arange(order.size) - starts[unit_sorted]
    chosen = order[rank < counts[unit_sorted]]
    return chosen[rng.permutation(chosen.size)]


def _item_layout(spec: ScoringSpec):
    """Return per survey item: its group (value index, 7 for engagement), behaviour index
    (-1 for engagement), reverse flag and K; and the noise sd giving α ≈ 0.8."""
    items = spec.survey_items
    group = np.array(
        [VALUE_CODES.index(item.value) if item.value else len(VALUE_CODES) for item in items]
    )
    behaviour = np.array([int(item.target[2]) - 1 if item.value else -1 for item in items])
    reverse = np.array([item.reverse for item in items])
    points = np.array([item.points for item in items])
    per_value = [int((group == d).sum()) for d in range(len(VALUE_CODES))]
    k = max(2.0, float(np.mean([m for m in per_value if m])) if any(per_value) else 2.0)
    rho = TARGET_ALPHA / (k - (k - 1) * TARGET_ALPHA)
    common = SD_GENERAL**2 + SD_VALUE**2
    # Rounding to K points adds noise of its own (a step of 100/(K-1) points): allow for it,
    # and for the loss of correlation from clipping at both ends.
    step = 100.0 / (max(int(points.min()), 2) - 1) if items else 20.0
    noise = common * (1 - rho) / rho - step**2 / 12
    sd_noise = float(np.sqrt(max(noise, 1.0)))
    return group, behaviour, reverse, points, sd_noise


def _pick_weights(rng: np.random.Generator, spec: ScoringSpec):
    """Return base log-weights of the pick list and its limiting mask."""
    limiting = np.array([value.limiting for value in spec.pick_values])
    base = rng.normal(0.0, 0.3, limiting.size)
    for p, value in enumerate(spec.pick_values):
        base[p] += PICK_POPULARITY.get(value.code[:2], 0.0) if not value.limiting else 0.0
    return base.astype(np.float32), limiting


def _top_picks(rng, log_weights: np.ndarray, count: np.ndarray, max_picks: int) -> np.ndarray:
    """Return up to `max_picks` distinct indices per row drawn with the row's weights
    (Gumbel top-k), the first `count[r]` kept and the rest -1."""
    width = log_weights.shape[1]
    take = min(max_picks, width)
    uniform = np.maximum(rng.random(log_weights.shape, dtype=np.float32), np.float32(1e-30))
    keys = log_weights - np.log(-np.log(uniform))
    top = np.argpartition(-keys, take - 1, axis=1)[:, :take] if take < width else None
    if top is None:
        top = np.argsort(-keys, axis=1)
    out = np.full((log_weights.shape[0], max_picks), -1, dtype=np.int16)
    out[:, :take] = top
    out[np.arange(max_picks)[None, :] >= count[:, None]] = -1
    return out


def _pick_counts(rng, rows: int, max_picks: int) -> np.ndarray:
    """Return how many values each respondent picks: mostly all, some fewer, a few none."""
    draw = rng.random(rows)
    fewer = rng.integers(1, max_picks, rows) if max_picks > 1 else np.ones(rows, np.int64)
    return np.where(draw < 0.02, 0, np.where(draw < 0.15, fewer, max_picks))


def build_responses(
    rng: np.random.Generator,
    spec: ScoringSpec,
    max_picks: int,
    structure: Structure,
    roster: RosterArrays,
    year: int,
    *,
    shift: np.ndarray | None = None,
    progress=None,
) -> ResponseArrays:
    """Return the responses of one period; `shift[u]` moves every answer of unit u (the
    previous period is the current one shifted down)."""
    size = np.bincount(roster.unit, minlength=structure.unit_size.size)
    counts = respondent_counts(rng, structure, size)
    employee = choose_respondents(rng, roster, counts)
    n = employee.size
    unit = roster.unit[employee]
    effect = structure.effect[structure.unit_institution] + structure.unit_effect
    if shift is not None:
        effect = effect + shift
    group, behaviour, reverse, points, sd_noise = _item_layout(spec)
    group_effect = np.array([VALUE_EFFECT[v] for v in VALUE_CODES] + [ENGAGEMENT_EFFECT])
    behaviour_effect = rng.normal(0.0, 3.0, (len(VALUE_CODES), 3))
    item_offset = rng.normal(0.0, 3.0, group.size) + group_effect[group]
    item_offset += np.where(behaviour >= 0, behaviour_effect[np.minimum(group, 6), behaviour], 0)
    base_logw, limiting = _pick_weights(rng, spec)
    answers = np.zeros((n, group.size), dtype=np.uint8)
    picks = np.full((3, n, max_picks), -1, dtype=np.int16)
    for start in range(0, n, CHUNK):
        stop = min(n, start + CHUNK)
        if progress and n > CHUNK:
            progress(f"jawaban / answers {start:,}/{n:,}")
        rows = stop - start
        general = rng.normal(0.0, SD_GENERAL, rows).astype(np.float32)
        own = BASE + effect[unit[start:stop]].astype(np.float32) + general
        latent = own[:, None] + rng.normal(0.0, SD_VALUE, (rows, len(VALUE_CODES) + 1)).astype(
            np.float32
        )
        score = latent[:, group] + item_offset.astype(np.float32)
        score += rng.standard_normal((rows, group.size), dtype=np.float32) * sd_noise
        answer = np.floor(1 + (points - 1) * score / 100 + 0.5)
        answer = np.clip(answer, 1, points)
        answer = np.where(reverse, points + 1 - answer, answer).astype(np.uint8)
        answer[rng.random((rows, group.size), dtype=np.float32) < MISSING] = 0
        skip = np.flatnonzero(rng.random(rows) < SKIP_BLOCK)
        skipped_value = rng.integers(0, len(VALUE_CODES), skip.size)
        answer[skip[:, None], np.arange(group.size)[None, :]] *= (
            group[None, :] != skipped_value[:, None]
        ).astype(np.uint8)
        answers[start:stop] = answer
        # Picks: weak units and low scorers name limiting values more often; the wanted
        # culture overlaps the personal values.
        mood = (own - BASE).astype(np.float32)
        personal_w = base_logw[None, :] + np.where(limiting, -2.5, 0.0).astype(np.float32)
        lean = np.clip(-1.3 - 0.07 * mood, -4.0, 1.0)[:, None]
        current_w = base_logw[None, :] + np.where(limiting[None, :], lean, 0).astype(np.float32)
        personal_count = _pick_counts(rng, rows, max_picks)
        personal_w = np.broadcast_to(personal_w, (rows, limiting.size))
        personal = _top_picks(rng, personal_w, personal_count, max_picks)
        current = _top_picks(rng, current_w, _pick_counts(rng, rows, max_picks), max_picks)
        chosen = np.zeros((rows, limiting.size), dtype=bool)
        valid = personal >= 0
        chosen[np.nonzero(valid)[0], personal[valid]] = True
        wanted_w = base_logw[None, :] + np.where(limiting, -4.0, 0.0).astype(np.float32)
        wanted_w = wanted_w + chosen.astype(np.float32) * 1.3
        wanted = _top_picks(rng, wanted_w, _pick_counts(rng, rows, max_picks), max_picks)
        picks[0, start:stop], picks[1, start:stop], picks[2, start:stop] = (
            personal,
            current,
            wanted,
        )
    return ResponseArrays(
        employee=employee,
        unit=unit,
        gender=roster.gender[employee],
        employment=roster.employment[employee],
        age_band=roster.age_band(year)[employee],
        answers=answers,
        picks=picks,
        response_id=rng.integers(0, 2**63, n, dtype=np.int64).astype(np.uint64),
    )


def build_evaluations(
    rng: np.random.Generator, spec: ScoringSpec, structure: Structure, *, shift: float = 0.0
) -> dict[tuple[str, str | None], dict[str, int]]:
    """Return {(institution, unit or None): {criterion: level}} for most institutions and
    many units; about one in twenty lacks a criterion. Levels follow the group's effect."""
    criteria = spec.criteria
    evaluations: dict[tuple[str, str | None], dict[str, int]] = {}
    if not criteria:
        return evaluations
    top = np.array([c.max_level for c in criteria])

    def levels(effect: float) -> dict[str, int]:
        quality = 0.72 + 0.015 * effect + shift + rng.normal(0.0, 0.12, top.size)
        level = np.clip(np.floor(np.clip(quality, 0, 1) * top + 0.5), 0, top).astype(int)
        result = {c.code: int(v) for c, v in zip(criteria, level, strict=True)}
        if rng.random() < 0.05:
            del result[criteria[int(rng.integers(top.size))].code]
        return result

    for i, code in enumerate(structure.codes):
        has_own = rng.random() < 0.85
        if has_own:
            evaluations[(code, None)] = levels(structure.effect[i])
        unit_share = 0.65 if has_own else 0.15
        for u in np.flatnonzero(structure.unit_institution == i):
            if rng.random() < unit_share:
                effect = structure.effect[i] + structure.unit_effect[u]
                evaluations[(code, structure.units[u][1])] = levels(effect)
    return evaluations

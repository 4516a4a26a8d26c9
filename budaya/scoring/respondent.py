"""Respondent scores (METHOD.md §2) and their accumulation into additive cell sums.

Names of the accumulated statistics:
- a measure M (`v:BP` value, `b:BP1` behaviour, `imp` implementation, `eng` engagement, `kpo`
  and `kch` the two alignment overlaps, `eb` employer branding): `M:n` respondents with a valid
  score, `M:w` their total weight (weighted runs only), `M:s1` Σ w·score, `M:s2` Σ w·score²;
- an item: `i:CODE:a` answers, `i:CODE:f` favourable answers (`:wa`/`:wf` weighted);
- Cronbach's α of a value d over respondents who answered all its items: `a:d:n`, `a:d:CODE`
  Σ item score, `a:d:q` Σ Σ item score², `a:d:t1` Σ total, `a:d:t2` Σ total²;
- values selection: `p:Q:CODE` respondents picking CODE in question Q (P, C, H); `ep:n`
  respondents with a pick in C; `ep:lim` and `ep:tot` limiting and all picks in C (weighted);
  `pk:P:n` and `pk:H:n` respondents with a pick in P and in H (a top ten's respondents, §8).
"""

import math

import numpy as np

from budaya.scoring.spec import BEHAVIOUR_CODES, VALUE_CODES, ScoringSpec
from budaya.scoring.stats import CellAccumulator

QUESTIONS = ("P", "C", "H")
MEASURES = (
    tuple(f"v:{d}" for d in VALUE_CODES)
    + tuple(f"b:{j}" for j in BEHAVIOUR_CODES)
    + ("imp", "eng", "kpo", "kch")
)


class MeanBuilder:
    """Collects the answered item scores of one target (value, behaviour, module) per row."""

    def __init__(self, n: int):
        self.total = np.zeros(n)
        self.answered = np.zeros(n, dtype=np.int16)
        self.items = 0

    def add(self, score: np.ndarray, answered: np.ndarray) -> None:
        self.total += score
        self.answered += answered
        self.items += 1

    def mean(self, minimum: int) -> tuple[np.ndarray, np.ndarray]:
        """Return (score, valid) with score 0 where fewer than `minimum` items are answered."""
        valid = self.answered >= max(minimum, 1)
        score = np.divide(self.total, self.answered, out=np.zeros_like(self.total), where=valid)
        return score, valid


def item_scores(answers: np.ndarray, points: int, reverse: bool):
    """Return (s, answered, favourable) for one item's answers (0 = missing, else 1..K).

    s = 100·(x − 1)/(K − 1), mirrored for a reverse-keyed item; favourable when
    s ≥ 100·(K − 2)/(K − 1), i.e. the keyed answer is one of the top two points.
    """
    answered = answers > 0
    keyed = answers.astype(np.int16)
    if reverse:
        keyed = np.where(answered, points + 1 - keyed, 0)
    steps = np.where(answered, keyed - 1, 0)
    score = steps * (100.0 / (points - 1))
    favourable = answered & (steps >= points - 2)
    return score, answered, favourable


def add_measure(acc: CellAccumulator, name: str, score, valid, weight) -> None:
    """Accumulate count, weight, Σw·x and Σw·x² of a respondent-level measure."""
    acc.add_count(f"{name}:n", valid.view(np.uint8), 1)
    if weight is None:
        x = np.where(valid, score, 0.0)
        acc.add_float(f"{name}:s1", x)
        acc.add_float(f"{name}:s2", x * x)
    else:
        w = np.where(valid, weight, 0.0)
        acc.add_float(f"{name}:w", w)
        acc.add_float(f"{name}:s1", w * score)
        acc.add_float(f"{name}:s2", w * score * score)


def accumulate_survey(
    spec: ScoringSpec, answers, picks, weight, acc: CellAccumulator, max_picks: int
) -> None:
    """Compute every respondent score and accumulate the cell sums listed in the module doc."""
    n = answers.shape[0]
    items = spec.survey_items
    value_means = {d: MeanBuilder(n) for d in VALUE_CODES}
    behaviour_means = {j: MeanBuilder(n) for j in BEHAVIOUR_CODES}
    engagement = MeanBuilder(n)
    # Item scores of each value, kept for Cronbach's alpha on complete cases.
    value_items: dict[str, list[tuple[str, np.ndarray, np.ndarray]]] = {d: [] for d in VALUE_CODES}

    for column, item in enumerate(items):
        score, answered, favourable = item_scores(answers[:, column], item.points, item.reverse)
        acc.add_count(f"i:{item.code}:a", answered.view(np.uint8), 1)
        acc.add_count(f"i:{item.code}:f", favourable.view(np.uint8), 1)
        if weight is not None:
            acc.add_float(f"i:{item.code}:wa", np.where(answered, weight, 0.0))
            acc.add_float(f"i:{item.code}:wf", np.where(favourable, weight, 0.0))
        if item.target == "engagement":
            engagement.add(score, answered)
        elif item.value is not None:
            value_means[item.value].add(score, answered)
            if item.behaviour is not None:  # a pulse item measures its value only (§15)
                behaviour_means[item.target].add(score, answered)
            value_items[item.value].append((item.code, score, answered))

    value_scores = []
    for d in VALUE_CODES:
        builder = value_means[d]
        score, valid = builder.mean(math.ceil(builder.items / 2))
        add_measure(acc, f"v:{d}", score, valid, weight)
        value_scores.append((score, valid))
        _accumulate_alpha(acc, d, value_items[d], n)
    for j in BEHAVIOUR_CODES:
        score, valid = behaviour_means[j].mean(1)
        add_measure(acc, f"b:{j}", score, valid, weight)
    all_valid = np.logical_and.reduce([valid for _, valid in value_scores])
    implementation = sum(score for score, _ in value_scores) / len(VALUE_CODES)
    add_measure(acc, "imp", implementation, all_valid, weight)
    score, valid = engagement.mean(math.ceil(engagement.items / 2))
    if engagement.items == 0:
        valid = np.zeros(n, dtype=bool)
    add_measure(acc, "eng", score, valid, weight)
    accumulate_picks(spec, picks, weight, acc, max_picks)


def _accumulate_alpha(acc: CellAccumulator, value: str, items, n: int) -> None:
    if not items:
        acc.add_count(f"a:{value}:n", np.zeros(n, dtype=np.uint8), 1)
        return
    complete = np.logical_and.reduce([answered for _, _, answered in items])
    acc.add_count(f"a:{value}:n", complete.view(np.uint8), 1)
    total = np.zeros(n)
    squares = np.zeros(n)
    for code, score, _ in items:
        kept = np.where(complete, score, 0.0)
        acc.add_float(f"a:{value}:{code}", kept)
        total += kept
        squares += kept * kept
    acc.add_float(f"a:{value}:q", squares)
    acc.add_float(f"a:{value}:t1", total)
    acc.add_float(f"a:{value}:t2", total * total)


def accumulate_picks(spec: ScoringSpec, picks, weight, acc: CellAccumulator, max_picks: int):
    """Accumulate pick counts, Energi Positif sums and the two overlap measures (§4)."""
    n = picks.shape[1]
    n_values = len(spec.pick_values)
    limiting = np.array([value.limiting for value in spec.pick_values], dtype=bool)
    chosen = []  # per question: (n, n_values) bool
    for q, question in enumerate(QUESTIONS):
        matrix = np.zeros((n, n_values), dtype=bool)
        rows, slots = np.nonzero(picks[q] >= 0)
        matrix[rows, picks[q][rows, slots]] = True
        chosen.append(matrix)
        for v, value in enumerate(spec.pick_values):
            acc.add_count(f"p:{question}:{value.code}", matrix[:, v].view(np.uint8), 1)
    counts = [matrix.sum(axis=1) for matrix in chosen]
    current = chosen[1]
    total_current = counts[1]
    limiting_current = current[:, limiting].sum(axis=1) if limiting.any() else np.zeros(n, int)
    has_current = total_current > 0
    acc.add_count("ep:n", has_current.view(np.uint8), 1)
    acc.add_count("pk:P:n", (counts[0] > 0).view(np.uint8), 1)
    acc.add_count("pk:H:n", (counts[2] > 0).view(np.uint8), 1)
    if weight is None:
        acc.add_count("ep:lim", limiting_current, max_picks)
        acc.add_count("ep:tot", total_current, max_picks)
    else:
        acc.add_float("ep:lim", weight * limiting_current)
        acc.add_float("ep:tot", weight * total_current)
    for name, a, b in (("kpo", 0, 1), ("kch", 1, 2)):
        common = (chosen[a] & chosen[b]).sum(axis=1)
        smaller = np.minimum(counts[a], counts[b])
        valid = smaller > 0
        overlap = np.divide(100.0 * common, smaller, out=np.zeros(n), where=valid)
        add_measure(acc, name, overlap, valid, weight)

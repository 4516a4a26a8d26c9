"""Return the public survey's answers as engine input, and its segment and reason summaries.

The Indeks Employer Branding itself is computed by the engine (METHOD.md §3, key
`employer_branding` of the nation and of each institution with its own link). This module
adds what the engine does not: per segment option the respondent count and the mean score
(cells under k suppressed, with complementary suppression as in §8), and the most chosen
reasons to join and not to join. It is stored in the results document under the top-level key
`branding_segments`, keyed by "ID" (all public respondents) and by institution code.
"""

import math

import numpy as np

from budaya.public.models import BrandingLink, BrandingResponse
from budaya.scoring import BrandingData
from budaya.scoring.branding import hidden_links
from budaya.scoring.document import score_dict
from budaya.scoring.respondent import MeanBuilder, item_scores
from budaya.scoring.suppression import suppressed_cells

NATION = "ID"


def _rows(period, width: int):
    """Return (institution codes or None, answers array, segments, join, not_join) lists."""
    codes, answers, segments, join, not_join = [], [], [], [], []
    for code, text, segs, r_join, r_not in (
        BrandingResponse.objects.filter(period=period)
        .order_by()
        .values_list("institution__code", "answers", "segments", "reasons_join", "reasons_not_join")
        .iterator(chunk_size=5000)
    ):
        if len(text) != width or not text.isdigit():
            raise ValueError(
                f"jawaban publik tersimpan berisi {len(text)} karakter, seharusnya {width} / "
                f"a stored public response has {len(text)} answer characters, expected {width}"
            )
        codes.append(code)
        answers.append(text)
        segments.append(segs or {})
        join.append([c for c in r_join.split(";") if c])
        not_join.append([c for c in r_not.split(";") if c])
    n = len(answers)
    if n:
        raw = np.frombuffer("".join(answers).encode("ascii"), dtype=np.uint8)
        array = (raw.reshape(n, width) - ord("0")).astype(np.uint8)
    else:
        array = np.zeros((0, width), dtype=np.uint8)
    return codes, array, segments, join, not_join


def branding_data(period, instrument, institution_codes: list[str]) -> BrandingData | None:
    """Return the engine's BrandingData of the period, or None when it has no public link.

    Institutions are indices into `institution_codes` (the survey's institutions). Answers
    through the link of an institution outside that list count for the nation only.
    """
    links = list(BrandingLink.objects.filter(period=period).select_related("institution"))
    if not links:
        return None
    index = {code: i for i, code in enumerate(institution_codes)}
    codes, answers, _s, _j, _n = _rows(period, len(instrument.branding_items))
    linked = sorted(
        index[link.institution.code]
        for link in links
        if link.institution_id and link.institution.code in index
    )
    return BrandingData(
        institution=np.array([index.get(code, -1) if code else -1 for code in codes], np.int32),
        answers=answers,
        linked_institutions=tuple(linked),
    )


def respondent_scores(instrument, answers: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return (score, valid): each respondent's mean branding item score, valid with at least
    half the items answered (METHOD.md §2)."""
    items = instrument.branding_items
    builder = MeanBuilder(answers.shape[0])
    for column, item in enumerate(items):
        score, answered, _fav = item_scores(answers[:, column], item.points, item.reverse)
        builder.add(score, answered)
    return builder.mean(math.ceil(len(items) / 2))


def _cell(scores: np.ndarray, threshold: int) -> dict | None:
    """Return the SCORE of a segment cell, None when it rests on fewer than k respondents
    with a valid score (METHOD.md 1.2 §8)."""
    n = scores.shape[0]
    if n == 0 or n < threshold:
        return None
    se = float(scores.std(ddof=1) / math.sqrt(n)) if n >= 2 else None
    return score_dict(float(scores.mean()), se, n)


def _top(lists: list[list[str]], options) -> list[dict]:
    counts = {option.code: 0 for option in options}
    for chosen in lists:
        for code in set(chosen):
            if code in counts:
                counts[code] += 1
    order = {option.code: i for i, option in enumerate(options)}
    ranked = sorted((c for c in counts if counts[c]), key=lambda c: (-counts[c], order[c]))
    return [{"code": code, "count": counts[code]} for code in ranked]


def summarise(instrument, threshold: int, score, valid, segments, join, not_join) -> dict:
    """Return one group's summary: n, per-segment cells and reason counts (k-suppressed)."""
    n = len(segments)
    if n < threshold:
        return {"n": n, "suppressed": True}
    result = {"n": n, "suppressed": False, "segments": {}}
    for question in instrument.branding_segments:
        members = {option.code: [] for option in question.options}
        for row, chosen in enumerate(segments):
            code = chosen.get(question.code)
            if code in members:
                members[code].append(row)
        # As attribute breakdowns (METHOD.md §8): the options present among the respondents.
        members = {code: rows for code, rows in members.items() if rows}
        hidden = suppressed_cells([(code, len(rows)) for code, rows in members.items()], threshold)
        cells = {}
        for code, rows in members.items():
            cell = {"n": len(rows), "suppressed": code in hidden}
            if code not in hidden:
                picked = np.array(rows, dtype=np.intp)
                cell["employer_branding"] = _cell(score[picked][valid[picked]], threshold)
            cells[code] = cell
        result["segments"][question.code] = cells
    result["reasons_join"] = _top(join, instrument.branding_reasons_join)
    result["reasons_not_join"] = _top(not_join, instrument.branding_reasons_not_join)
    return result


def branding_segments(period, instrument, threshold: int) -> dict:
    """Return {"ID": summary, institution code: summary} for the nation and linked institutions."""
    links = list(BrandingLink.objects.filter(period=period).select_related("institution"))
    if not links:
        return {}
    codes, answers, segments, join, not_join = _rows(period, len(instrument.branding_items))
    score, valid = respondent_scores(instrument, answers)
    result = {NATION: summarise(instrument, threshold, score, valid, segments, join, not_join)}
    institution_links = sorted(
        (lk for lk in links if lk.institution_id), key=lambda lk: lk.institution.code
    )
    # The nation is the parent of the link groups (METHOD.md 1.2 §9): an institution whose
    # score complementary suppression hides shows no segments either (they would add up to it).
    valid_of = {}
    for code, ok in zip(codes, valid.tolist(), strict=True):
        valid_of[code] = valid_of.get(code, 0) + int(ok)
    hidden = hidden_links(
        {lk.institution.code: valid_of.get(lk.institution.code, 0) for lk in institution_links},
        sum(count for code, count in valid_of.items() if code is None),
        threshold,
    )
    for link in institution_links:
        code = link.institution.code
        rows = [i for i, c in enumerate(codes) if c == code]
        if code in hidden:
            result[code] = {"n": len(rows), "suppressed": True}
            continue
        picked = np.array(rows, dtype=np.intp)
        result[code] = summarise(
            instrument,
            threshold,
            score[picked],
            valid[picked],
            [segments[i] for i in rows],
            [join[i] for i in rows],
            [not_join[i] for i in rows],
        )
    return result

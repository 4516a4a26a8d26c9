"""Return the national dashboard's context from stored institution summaries (no arithmetic
beyond counting institutions per stored category)."""

from budaya.institutions.models import Institution
from budaya.results import charts, store
from budaya.results import display as d
from budaya.results.presenters import (
    INDEX_LABELS,
    PULSE_KEYS,
    is_pulse,
    national_reason,
    ranking_key,
    ranking_rows,
    score_row,
)
from budaya.scoring.rounding import CATEGORY_NAMES

RANKED_KEYS = ("indeks_berakhlak", "implementasi")


def national_view(result_set, region: str = "", kind: str = "", key: str = "") -> dict:
    """Return nation figures, category spread and the (filtered) ranking of institutions."""
    nation = (store.summaries(result_set, "nation") or [None])[0]
    institutions = store.summaries(result_set, "institution")
    known = {
        row["code"]: row for row in Institution.objects.values("code", "name", "kind", "region")
    }
    # A pulse round (METHOD.md §15) defines Indeks Implementasi and engagement only.
    pulse = is_pulse(result_set.period.instrument)
    ranked_keys = tuple(k for k in RANKED_KEYS if not pulse or k in PULSE_KEYS)
    if key not in ranked_keys:
        key = ranking_key(institutions)
    names = {code: row["name"] for code, row in known.items()}
    ranking = ranking_rows(institutions, key, names)
    for row in ranking:
        meta = known.get(row["code"], {})
        row["region"] = meta.get("region", "")
        row["kind"] = meta.get("kind", "")
    region_names = dict(Institution.Region.choices)
    kind_names = dict(Institution.Kind.choices)
    for row in ranking:
        row["region_label"] = region_names.get(row["region"], row["region"])
        row["kind_label"] = kind_names.get(row["kind"], row["kind"])
    shown_rows = [
        row
        for row in ranking
        if (not region or row["region"] == region) and (not kind or row["kind"] == kind)
    ]
    eligible = [s for s in institutions if s.get("eligible")]
    spread = {letter: 0 for letter in CATEGORY_NAMES}
    for summary in eligible:
        letter = (d.score(summary, key) or {}).get("category")
        if letter in spread:
            spread[letter] += 1
    spread_rows = [(letter, CATEGORY_NAMES[letter], spread[letter]) for letter in spread]
    mark = ranking[0]["benchmark"] if ranking else None
    return {
        "nation": nation,
        "key": key,
        "key_label": INDEX_LABELS[key],
        "keys": [(k, INDEX_LABELS[k]) for k in ranked_keys],
        "national_index": score_row(nation, key, INDEX_LABELS[key]),
        "national_indices": [
            score_row(nation, k, INDEX_LABELS[k])
            for k in ("indeks_berakhlak", "implementasi", "evaluasi", "engagement")
            if not pulse or k in PULSE_KEYS
        ],
        "institution_count": len(institutions),
        "eligible_count": len(eligible),
        "national_reason": national_reason(len(eligible)),
        "spread": spread_rows,
        "spread_chart": charts.category_chart(
            spread_rows, f"Sebaran instansi yang memenuhi syarat per kategori {INDEX_LABELS[key]}"
        ),
        "median": None if not mark else mark.get("median"),
        "p75": None if not mark else mark.get("p75"),
        "ranking": shown_rows,
        "ranked_count": len(ranking),
        "region": region,
        "kind": kind,
        "regions": Institution.Region.choices,
        "kinds": Institution.Kind.choices,
    }

"""Return the national dashboard's context from stored institution summaries: no arithmetic
beyond counting institutions per stored category and per 5-point bin of their shown index (the
histogram), and the heat map's difference to the national score (budaya.results.heatmap)."""

from django.utils.translation import gettext as _

from budaya.institutions.models import Institution
from budaya.results import charts, store
from budaya.results import display as d
from budaya.results.heatmap import heat_map
from budaya.results.presenters import (
    INDEX_LABELS,
    PULSE_KEYS,
    behaviour_labels_of,
    drivers_view,
    is_pulse,
    national_reason,
    ranking_key,
    ranking_rows,
    score_row,
)
from budaya.scoring.rounding import CATEGORY_NAMES

RANKED_KEYS = ("indeks_berakhlak", "implementasi")


def national_view(result_set, region: str = "", kind: str = "", key: str = "", query=None) -> dict:
    """Return nation figures, category spread, the (filtered) heat map of institutions with
    the histogram of their index, and the (filtered) ranking of institutions. `query` (a
    request's GET) sorts the heat map."""
    nation = (store.summaries(result_set, "nation") or [None])[0]
    institutions = store.summaries(result_set, "institution")
    known = {
        row["code"]: row for row in Institution.objects.values("code", "name", "kind", "region")
    }
    # A pulse round (METHOD.md §15) defines Indeks Implementasi and engagement only.
    pulse = is_pulse(result_set.period.instrument)
    ranked_keys = tuple(k for k in RANKED_KEYS if not pulse or k in PULSE_KEYS)
    problems = []
    if region and region not in Institution.Region.values:
        problems.append(_("wilayah “%(value)s” tidak dikenal") % {"value": region})
        region = ""
    if kind and kind not in Institution.Kind.values:
        problems.append(_("jenis “%(value)s” tidak dikenal") % {"value": kind})
        kind = ""
    if key and key not in ranked_keys:
        problems.append(_("indeks “%(value)s” tidak dikenal") % {"value": key})
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
    # The heat map: institutions of the chosen kind and region (eligible ones with scores; the
    # others named with why they are not compared), the national score as the parent.
    chosen = {
        code
        for code, row in known.items()
        if (not region or row["region"] == region) and (not kind or row["kind"] == kind)
    }
    heat_groups = [g for g in store.summaries(result_set, "institution") if g["code"] in chosen]
    heat = heat_map(
        heat_groups,
        nation,
        names,
        query or {},
        INDEX_LABELS,
        keep={"wilayah": region, "jenis": kind, "indeks": key},
        eligible_only=True,
        key=key,
    )
    shown_scores = [row["headline"]["shown"] for row in heat["rows"] if not row["hidden"]]
    bins = charts.histogram_bins(shown_scores)
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
        "pulse": pulse,
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
        "heat": heat,
        # The nation's drivers of engagement (METHOD.md §13; null below 3 eligible institutions)
        "drivers": drivers_view(
            store.nation(result_set) if d.drivers(nation) else None,
            behaviour_labels_of(result_set.period.instrument),
        ),
        "filter_problem": "; ".join(problems),
        "histogram_bins": bins,
        "histogram_count": len([v for v in shown_scores if v is not None]),
        "histogram": charts.histogram(
            bins,
            _("Sebaran %(index)s instansi yang memenuhi syarat, per 5 poin")
            % {"index": INDEX_LABELS[key]},
        ),
        "ranked_count": len(ranking),
        "region": region,
        "kind": kind,
        "regions": Institution.Region.choices,
        "kinds": Institution.Kind.choices,
    }

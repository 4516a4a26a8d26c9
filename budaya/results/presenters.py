"""Return what a results page, PDF, workbook or CSV shows of one institution or unit.

Every score comes from the stored group through `budaya.results.display` (the one place that
respects `suppressed`); nothing here computes a score. The same report dictionary feeds the
page, the PDF and the exports, so their numbers agree by construction.
"""

from django.utils.translation import gettext_lazy as _

from budaya.instruments import InstrumentError, load_instrument
from budaya.results import charts, store
from budaya.results import display as d
from budaya.results.comments import comments_view
from budaya.results.display import change_view
from budaya.results.heatmap import heat_map
from budaya.scoring.priorities import driver_priorities
from budaya.scoring.rounding import format_number
from budaya.scoring.spec import BEHAVIOUR_CODES, MINIMUM_PEERS, VALUE_CODES, VALUE_NAMES

INDEX_LABELS = {
    "indeks_berakhlak": "Indeks BerAKHLAK",
    "implementasi": "Indeks Implementasi BerAKHLAK",
    "evaluasi": "Indeks Evaluasi Budaya Kerja",
    "engagement": "Indeks Keterikatan Pegawai",
    "energi_positif": "Energi Positif",
    "keselarasan_pribadi_organisasi": "Indeks Keselarasan Nilai Pribadi–Organisasi",
    "keselarasan_saat_ini_harapan": "Indeks Keselarasan Budaya Saat Ini–Harapan",
    "employer_branding": "Indeks Employer Branding",
}
HEADLINE_KEYS = ("indeks_berakhlak", "implementasi", "evaluasi")
OTHER_KEYS = (
    "engagement",
    "energi_positif",
    "keselarasan_pribadi_organisasi",
    "keselarasan_saat_ini_harapan",
    "employer_branding",
)
CATEGORY_MEANINGS = {
    "A": _("Sehat: nilai-nilai BerAKHLAK sudah menjadi kebiasaan kerja sehari-hari."),
    "B": _(
        "Cukup Sehat: nilai-nilai BerAKHLAK sudah dijalankan, tetapi belum merata dan konsisten."
    ),
    "C": _("Tidak Sehat: nilai-nilai BerAKHLAK baru sebagian kecil dijalankan."),
    "D": _("Sangat Tidak Sehat: nilai-nilai BerAKHLAK belum tampak dalam perilaku kerja."),
}
BREAKDOWN_TITLES = {
    "unit": _("Unit kerja"),
    "gender": _("Jenis kelamin"),
    "employment_type": _("Jenis kepegawaian"),
    "age_band": _("Kelompok usia"),
}
CELL_LABELS = {
    "gender": {"L": _("Laki-laki"), "P": _("Perempuan")},
    "employment_type": {"PNS": "PNS", "PPPK": "PPPK"},
    "age_band": {
        "<30": _("di bawah 30 tahun"),
        "30-39": _("30–39 tahun"),
        "40-49": _("40–49 tahun"),
        "50+": _("50 tahun ke atas"),
    },
}
SELECTION_TITLES = (
    ("personal", _("Nilai pribadi")),
    ("current", _("Budaya organisasi saat ini")),
    ("wanted", _("Budaya organisasi yang diharapkan")),
)
MATCH_TITLES = (
    ("personal_current", _("Pribadi dan saat ini")),
    ("current_wanted", _("Saat ini dan harapan")),
    ("personal_wanted", _("Pribadi dan harapan")),
)
MARKED = 3  # how many behaviours are marked strongest and weakest
# METHOD.md 1.2 §9: national scores and benchmarks need 3 eligible institutions (unit
# benchmarks: 3 eligible units); pages say why a national or benchmark figure is missing.
NOT_ENOUGH_INSTITUTIONS = _("belum cukup instansi")
NOT_ENOUGH_UNITS = _("belum cukup unit")


def national_reason(eligible_institutions: int) -> str:
    """Return why the national column is empty ("belum cukup instansi"), or ''."""
    return str(NOT_ENOUGH_INSTITUTIONS) if eligible_institutions < MINIMUM_PEERS else ""


def eligible_institutions(result_set) -> int:
    """Return how many institutions of a result set are eligible (from their summaries)."""
    institutions = store.summaries(result_set, "institution")
    return sum(1 for summary in institutions if summary.get("eligible"))


def benchmark_reason(group: dict | None, key: str, level: str) -> str:
    """Return why an eligible, shown group has no benchmark for `key` (fewer than 3 peers),
    or '' (it has one, or is not benchmarked at all: not eligible or suppressed)."""
    if not d.visible(group) or not group.get("eligible") or d.benchmark(group, key):
        return ""
    return str(NOT_ENOUGH_UNITS if level == "unit" else NOT_ENOUGH_INSTITUTIONS)


def score_row(holder: dict | None, key: str, label: str, code: str | None = None) -> dict:
    """Return one row of a score: shown value, text, category, interval, n, change, benchmark."""
    found = d.score(holder, key, code)
    ci = (found or {}).get("ci95")
    return {
        "key": code or key,
        "label": label,
        "score": found,
        "shown": d.shown(found),
        "text": d.number(d.shown(found)),
        "category": (found or {}).get("category") or "",
        "category_label": d.category_label(found),
        "ci_text": f"{d.number(ci[0])}–{d.number(ci[1])}" if ci else "",
        "n": (found or {}).get("n"),
        "change": change_view(d.change(holder, key, code)),
        "benchmark": d.benchmark(holder, key, code),
    }


def behaviour_labels_of(edition: str) -> dict:
    """Return the instrument edition's behaviour short labels by code ({} when unknown)."""
    return _labels(edition)[0]


def is_pulse(edition: str) -> bool:
    """Whether a period's instrument edition is a pulse edition (METHOD.md §15); a pulse round
    defines only the seven values, Indeks Implementasi and engagement, so its pages, PDF and
    workbook show nothing else."""
    try:
        return load_instrument(edition).is_pulse
    except InstrumentError:
        return False


PULSE_KEYS = ("implementasi", "engagement")  # the indices a pulse round defines (§15)


def _labels(edition: str) -> tuple[dict, dict]:
    """Return behaviour short labels and pick-list entries {code: (label, limiting)}."""
    try:
        instrument = load_instrument(edition)
    except InstrumentError:
        return {}, {}
    behaviours = {b.code: b.short.id for b in instrument.behaviours}
    picks = {o.code: (o.label.id, o.limiting) for o in instrument.pick_list}
    return behaviours, picks


def _behaviours(group: dict | None, labels: dict) -> list[dict]:
    rows = []
    for code in BEHAVIOUR_CODES:
        row = score_row(group, "behaviours", labels.get(code, code), code)
        row["value_name"] = VALUE_NAMES[code[:2]]
        row["code"] = code
        rows.append(row)
    shown_rows = [r for r in rows if r["shown"] is not None]
    shown_rows.sort(key=lambda r: -r["shown"])  # stable: ties keep BP1..KL3 order
    rank = 0
    for position, row in enumerate(shown_rows, start=1):
        if position == 1 or row["shown"] != shown_rows[position - 2]["shown"]:
            rank = position
        row["rank"] = rank
        row["mark"] = ""
    if len(shown_rows) > 2 * MARKED:
        for row in shown_rows[:MARKED]:
            row["mark"] = "strong"
        for row in shown_rows[-MARKED:]:
            row["mark"] = "weak"
    return shown_rows


def _selection(group: dict | None, picks: dict, hidden_text: str = "") -> dict | None:
    stored = d.selection(group)
    if stored is None:
        return None

    def titled(title, codes):
        # A null top ten or match (METHOD.md 1.2 §8: fewer than k respondents picked) says why.
        return f"{title} ({hidden_text})" if codes is None and hidden_text else str(title)

    def entries(codes):
        return [
            {"code": c, "label": picks.get(c, (c, False))[0], "limiting": picks.get(c, ("", 0))[1]}
            for c in codes or []
        ]

    matches = stored.get("matches") or {}
    return {
        "lists": [
            (titled(title, stored.get(key)), entries(stored.get(key)))
            for key, title in SELECTION_TITLES
        ],
        "matches": [
            (titled(title, matches.get(key)), entries(matches.get(key)))
            for key, title in MATCH_TITLES
        ],
    }


def breakdown_rows(group: dict | None, key: str, names: dict | None = None) -> list[dict]:
    """Return the cells of one breakdown: n, population and (unless hidden) the scores."""
    if not d.visible(group):
        return []
    cells = (group.get("breakdowns") or {}).get(key) or {}
    labels = names if names is not None else CELL_LABELS.get(key, {})
    rows = []
    for code, cell in cells.items():
        rows.append(
            {
                "code": code,
                "label": str(labels.get(code, code)),
                "n": cell.get("n"),
                "population": cell.get("population"),
                "suppressed": not d.visible(cell),
                "implementasi": score_row(cell, "implementasi", "Implementasi"),
                "indeks_berakhlak": score_row(cell, "indeks_berakhlak", "Indeks BerAKHLAK"),
                "values": [score_row(cell, "values", VALUE_NAMES[v], v) for v in VALUE_CODES],
                "heat": [charts.heat_class(d.score(cell, "values", v)) for v in VALUE_CODES],
            }
        )
    return rows


def ranking_key(summaries: list[dict]) -> str:
    """Return the index ranked: Indeks BerAKHLAK when any peer has its rank, else Implementasi."""
    for summary in summaries:
        mark = d.benchmark(summary, "indeks_berakhlak")
        if summary.get("eligible") and mark and mark.get("rank") is not None:
            return "indeks_berakhlak"
    return "implementasi"


def ranking_rows(summaries: list[dict], key: str, names: dict) -> list[dict]:
    """Return eligible, shown groups with a stored rank for `key`, best first (ties share)."""
    rows = []
    for summary in summaries:
        mark = d.benchmark(summary, key)
        if not summary.get("eligible") or not mark or mark.get("rank") is None:
            continue
        row = score_row(summary, key, INDEX_LABELS[key])
        row.update(
            code=summary["code"],
            name=names.get(summary["code"], summary["code"]),
            n=summary.get("n"),
            population=summary.get("population"),
            response_rate=summary.get("response_rate"),
            rank=mark["rank"],
            of=mark.get("of"),
            percentile_rank=mark.get("percentile_rank"),
        )
        rows.append(row)
    rows.sort(key=lambda r: (r["rank"], r["code"]))
    return rows


def build_report(period, result_set, institution, unit=None, query=None) -> dict:
    """Return everything an institution's or unit's results page, PDF and exports show.

    `query` (a request's GET) sorts the institution's unit heat map (`?sort=&dir=`)."""
    threshold = period.threshold
    nation = store.nation(result_set) if result_set else None
    if result_set is None:
        group = None
    elif unit is None:
        group = store.group(result_set, "institution", institution.code)
    else:
        group = store.group(result_set, "unit", unit.code, institution.code)
    report = {
        "period": period,
        "institution": institution,
        "unit": unit,
        "name": unit.name if unit else institution.name,
        "level": "unit" if unit else "institution",
        "threshold": threshold,
        "hidden_text": d.suppressed_text(threshold),
        "result_set": result_set,
        "group": group,
        "visible": d.visible(group),
        "nation": nation,
        "carried_over": (group or {}).get("carried_over"),
    }
    if group is None:
        return report
    behaviour_labels, pick_labels = _labels(period.instrument)
    reason = national_reason(eligible_institutions(result_set))
    report["national_reason"] = reason
    headline_key = "indeks_berakhlak" if d.score(group, "indeks_berakhlak") else "implementasi"
    headline = score_row(group, headline_key, INDEX_LABELS[headline_key])
    headline["meaning"] = str(CATEGORY_MEANINGS.get(headline["category"], ""))
    values = []
    for code in VALUE_CODES:
        row = score_row(group, "values", VALUE_NAMES[code], code)
        found = row["score"] or {}
        alpha = found.get("alpha") or {}
        row.update(
            code=code,
            favourable=found.get("favourable"),
            favourable_text=d.number(found.get("favourable")),
            alpha=alpha.get("value"),
            alpha_text=_alpha_text(alpha.get("value")),
            alpha_ci_text=(
                f"{_alpha_text(alpha['ci95'][0])}–{_alpha_text(alpha['ci95'][1])}"
                if alpha.get("ci95")
                else ""
            ),
            alpha_n=alpha.get("n"),
            nation=d.shown(d.score(nation, "values", code)),
            nation_text=(
                reason
                if reason and d.score(nation, "values", code) is None
                else d.number(d.shown(d.score(nation, "values", code)))
            ),
        )
        values.append(row)
    pulse = is_pulse(period.instrument)
    report["pulse"] = pulse
    behaviours = [] if pulse else _behaviours(group, behaviour_labels)
    energi = score_row(group, "energi_positif", INDEX_LABELS["energi_positif"])
    unit_names = dict(institution.units.values_list("code", "name"))
    report.update(
        headline=headline,
        headline_key=headline_key,
        benchmark_reason=benchmark_reason(group, headline_key, report["level"]),
        indices=[
            score_row(group, key, INDEX_LABELS[key])
            for key in HEADLINE_KEYS
            if not pulse or key in PULSE_KEYS
        ],
        others=[
            row
            for row in (
                score_row(group, key, INDEX_LABELS[key])
                for key in OTHER_KEYS
                if not pulse or key in PULSE_KEYS
            )
            if row["score"] is not None or row["key"] != "employer_branding"
        ],
        engagement_eligible=(d.score(group, "engagement") or {}).get("eligible"),
        energi=energi,
        entropy=d.entropy_shown(energi["score"]),
        entropy_text=d.number(d.entropy_shown(energi["score"])),
        values=values,
        values_chart=charts.bar_chart(
            [{"label": r["label"], "shown": r["shown"]} for r in values],
            "Skor tujuh nilai BerAKHLAK dengan pita kategori A–D",
        ),
        behaviours=behaviours,
        behaviours_chart=charts.bar_chart(
            [
                {"label": f"{r['code']} {r['label']}", "shown": r["shown"], "mark": r["mark"]}
                for r in behaviours
            ],
            "21 perilaku BerAKHLAK diurutkan dari skor tertinggi",
            label_width=260,
        ),
        selection=None if pulse else _selection(group, pick_labels, d.suppressed_text(threshold)),
        breakdowns=[
            {"key": key, "title": str(BREAKDOWN_TITLES[key]), "rows": breakdown_rows(group, key)}
            for key in ("gender", "employment_type", "age_band")
            if (group.get("breakdowns") or {}).get(key)
        ],
        unit_rows=breakdown_rows(group, "unit", unit_names) if unit is None else [],
        value_codes=VALUE_CODES,
        value_legend=[(code, VALUE_NAMES[code]) for code in VALUE_CODES],
        drivers=drivers_view(group, behaviour_labels),
    )
    # METHOD.md §14: only what the release stored for a group that may show comments.
    report["comments"] = comments_view(
        result_set,
        report["level"],
        unit.code if unit else institution.code,
        institution.code if unit else "",
        period.instrument,
    )
    if unit is None:
        summaries = store.summaries(result_set, "unit", institution.code)
        key = ranking_key(summaries)
        report["unit_ranking_key"] = key
        report["unit_ranking_label"] = INDEX_LABELS[key]
        report["unit_ranking"] = ranking_rows(summaries, key, unit_names)
        report["heat"] = heat_map(
            store.summaries(result_set, "unit", institution.code),
            group,
            unit_names,
            query or {},
            INDEX_LABELS,
        )
    else:
        key = "indeks_berakhlak" if d.benchmark(group, "indeks_berakhlak") else "implementasi"
        report["own_rank"] = d.benchmark(group, key) if group.get("eligible") else None
        report["own_rank_label"] = INDEX_LABELS[key]
    return report


MARK_LABELS = {"priority": _("prioritas perbaikan"), "strength": _("kekuatan")}


def drivers_view(group: dict | None, labels: dict) -> dict | None:
    """Return the group's drivers of engagement as shown (METHOD.md §13): every behaviour's
    weight as a share of R² with its score, and the priorities and strengths chosen by
    `budaya.scoring.priorities.driver_priorities`; None for a hidden group or one without
    drivers (fewer than 30 complete cases)."""
    stored = d.drivers(group)
    if stored is None:
        return None
    behaviours = {code: d.score(group, "behaviours", code) for code in BEHAVIOUR_CODES}
    found = driver_priorities(stored, behaviours)
    if found is None:
        return None
    for row in found["rows"]:
        row.update(
            label=labels.get(row["code"], row["code"]),
            value_name=VALUE_NAMES[row["code"][:2]],
            share_text=d.number(row["share_shown"]),
            text=d.number(row["shown"]),
            mark_label=str(MARK_LABELS.get(row["mark"], "")),
        )
    found["r2_text"] = d.number(found["r2_shown"])
    found["median_text"] = d.number(found["median_shown"])
    return found


def _alpha_text(value) -> str:
    """Return Cronbach's α with two decimals in Indonesian notation, '–' without one."""
    return "–" if value is None else format_number(float(value), 2)

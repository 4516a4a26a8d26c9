"""The evaluation and employer-branding sections of an institution's results page.

The page's view calls these and passes their dictionaries to the template (the templates
`evaluation/_results_evaluation.html` and `public/_results_branding.html` only read them):
both read the stored per-group rows, never the whole document, and every score goes through
the results' one suppression gate (budaya.results.display).
"""

from django.utils import translation

from budaya.evaluation import access
from budaya.evaluation.models import Evaluation
from budaya.instruments import InstrumentError, load_instrument
from budaya.results import display, store
from budaya.results.document import find_group


def evaluation_section(result_set, institution, user) -> dict:
    """Return the institution's and its units' evaluation index from the stored results, with
    the evaluations' current status and whether `user` may open the evaluation overview."""
    if result_set is None or institution is None:
        return {"show": False}
    # Stored per-group rows (not the whole document, which can be hundreds of MB); scores go
    # through the results' one suppression gate.
    group = store.group(result_set, "institution", institution.code)
    names = dict(institution.units.values_list("code", "name"))
    states = {
        (unit or ""): state
        for unit, state in Evaluation.objects.filter(
            period=result_set.period, institution=institution
        ).values_list("unit__code", "state")
    }
    labels = dict(Evaluation.State.choices)
    rows = [
        {"code": "", "name": institution.name, "score": display.score(group, "evaluasi"),
         "state": labels.get(states.get(""), None)}
    ]  # fmt: skip
    for unit in store.summaries(result_set, "unit", institution.code):
        rows.append({"code": unit["code"], "name": names.get(unit["code"], unit["code"]),
                     "score": display.score(unit, "evaluasi"),
                     "state": labels.get(states.get(unit["code"]), None)})  # fmt: skip
    return {
        "show": True,
        "rows": rows,
        "period": result_set.period,
        "institution": institution,
        "can_open": bool(user and access.can_view(user, institution)),
    }


def _lang() -> str:
    code = (translation.get_language() or "id")[:2]
    return code if code in ("id", "en") else "id"


def branding_context(document: dict, institution_code: str, edition: str) -> dict:
    """Return the section's context: scores of the institution and the nation, segments and
    reasons of the institution's own link when it has one, else of the nation."""
    summaries = document.get("branding_segments") or {}
    if not summaries:
        return {"show": False}
    try:
        instrument = load_instrument(edition)
    except InstrumentError:
        return {"show": False}
    lang = _lang()
    own = institution_code in summaries
    summary = summaries.get(institution_code) or summaries.get("ID") or {}
    group = find_group(document, "institution", institution_code) or {}
    nation = find_group(document, "nation", "ID") or {}
    segments = []
    for question in instrument.branding_segments:
        cells = (summary.get("segments") or {}).get(question.code) or {}
        rows = [
            {"label": option.label.get(lang), "code": option.code, **cells[option.code]}
            for option in question.options
            if option.code in cells and cells[option.code].get("n")
        ]
        segments.append({"code": question.code, "text": question.text.get(lang), "rows": rows})
    labels = {
        o.code: o.label.get(lang)
        for o in instrument.branding_reasons_join + instrument.branding_reasons_not_join
    }
    return {
        "show": True,
        "own": own,
        "summary": summary,
        "institution_score": group.get("employer_branding"),
        "nation_score": nation.get("employer_branding"),
        "segments": segments,
        "reasons_join": [
            {"label": labels.get(r["code"], r["code"]), **r}
            for r in summary.get("reasons_join", [])
        ][:5],
        "reasons_not_join": [
            {"label": labels.get(r["code"], r["code"]), **r}
            for r in summary.get("reasons_not_join", [])
        ][:5],
    }


def branding_section(result_set, institution) -> dict:
    """Return the employer-branding section of `institution`'s results page."""
    if result_set is None or institution is None:
        return {"show": False}
    # The stored per-group rows, not the whole document (hundreds of MB for a nation).
    document = store.light_document(result_set, institution.code)
    data = branding_context(document, institution.code, result_set.period.instrument)
    data["threshold"] = result_set.period.threshold
    return data

"""The employer-branding section of a results page, read from the stored results document."""

from django import template
from django.utils import translation

from budaya.results.document import find_group

register = template.Library()


def _lang() -> str:
    code = (translation.get_language() or "id")[:2]
    return code if code in ("id", "en") else "id"


def branding_context(document: dict, institution_code: str, edition: str) -> dict:
    """Return the section's context: scores of the institution and the nation, segments and
    reasons of the institution's own link when it has one, else of the nation."""
    from budaya.instruments import InstrumentError, load_instrument

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


@register.inclusion_tag("public/_results_branding.html", takes_context=True)
def branding_section(context, result_set, institution):
    """Render the employer-branding section of `institution`'s results page."""
    if result_set is None or institution is None:
        return {"show": False}
    from budaya.results.store import light_document

    # The stored per-group rows, not the whole document (hundreds of MB for a nation).
    document = light_document(result_set, institution.code)
    data = branding_context(document, institution.code, result_set.period.instrument)
    data["threshold"] = result_set.period.threshold
    return data

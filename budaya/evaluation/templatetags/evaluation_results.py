"""The Evaluasi Budaya Kerja section of a results page: stored scores and the live status."""

from django import template

from budaya.evaluation import access
from budaya.evaluation.models import Evaluation
from budaya.results import display, store

register = template.Library()


@register.inclusion_tag("evaluation/_results_evaluation.html", takes_context=True)
def evaluation_section(context, result_set, institution):
    """Render the institution's and its units' evaluation index from the stored results, with
    the evaluations' current status and a link to the overview for those who may see it."""
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
    request = context.get("request")
    user = getattr(request, "user", None)
    return {
        "show": True,
        "rows": rows,
        "period": result_set.period,
        "institution": institution,
        "can_open": bool(user and access.can_view(user, institution)),
    }

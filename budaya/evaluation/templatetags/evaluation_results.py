"""The Evaluasi Budaya Kerja section of a results page: stored scores and the live status."""

from django import template

from budaya.evaluation import access
from budaya.evaluation.models import Evaluation
from budaya.results.document import find_group

register = template.Library()


@register.inclusion_tag("evaluation/_results_evaluation.html", takes_context=True)
def evaluation_section(context, result_set, institution):
    """Render the institution's and its units' evaluation index from the stored results, with
    the evaluations' current status and a link to the overview for those who may see it."""
    if result_set is None or institution is None:
        return {"show": False}
    document = result_set.document
    group = find_group(document, "institution", institution.code) or {}
    names = dict(institution.units.values_list("code", "name"))
    states = {
        (unit or ""): state
        for unit, state in Evaluation.objects.filter(
            period=result_set.period, institution=institution
        ).values_list("unit__code", "state")
    }
    labels = dict(Evaluation.State.choices)
    rows = [
        {"code": "", "name": institution.name, "score": group.get("evaluasi"),
         "state": labels.get(states.get(""), None)}
    ]  # fmt: skip
    for unit in document.get("groups", []):
        if unit.get("level") == "unit" and unit.get("parent") == institution.code:
            rows.append({"code": unit["code"], "name": names.get(unit["code"], unit["code"]),
                         "score": unit.get("evaluasi"),
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

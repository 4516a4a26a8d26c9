"""The plans section of an institution's or unit's PDF report (budaya.reports.pdf includes
`actions/_pdf_plans.html` with what `plans_for_report` returns). Owners are not named: the PDF
sits next to the results, and change agents never appear next to response data."""

from django.utils import timezone

from budaya.actions.models import Action, Plan
from budaya.scoring.spec import VALUE_NAMES


def plans_for_report(report: dict, today=None) -> list[dict]:
    """Return the plans of the report's period and scope, each with its actions' titles,
    due dates and statuses (Indonesian, as the PDF is)."""
    today = today or timezone.localdate()
    plans = (
        Plan.objects.filter(
            period=report["period"], institution=report["institution"], unit=report.get("unit")
        )
        .prefetch_related("actions")
        .order_by("id")
    )
    rows = []
    for plan in plans:
        actions = list(plan.actions.all())
        rows.append(
            {
                "title": plan.title,
                "focus": plan.focus,
                "value": VALUE_NAMES.get(plan.value, plan.value),
                "done": sum(1 for a in actions if a.status == Action.Status.DONE),
                "total": sum(1 for a in actions if a.status != Action.Status.CANCELLED),
                "actions": [
                    {
                        "title": a.title,
                        "due_on": a.due_on,
                        "status": a.status.capitalize(),  # the value is the Indonesian label
                        "overdue": a.is_overdue(today),
                    }
                    for a in actions
                ],
            }
        )
    return rows

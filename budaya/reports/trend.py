"""The trend page of an institution or unit (METHOD.md §15): its released scores over the
annual periods and the pulse rounds, year by year, with the change between consecutive rounds.

Every number is read from a released result set (`store.latest_set`, so an open or reopened
period shows nothing) through `budaya.results.display`, which returns nothing of a suppressed
group; the changes come from `budaya.scoring.trend` (§7's definition). A suppressed round, or
a score that cannot be shown, is a gap: the suppression note in the table, a break in the line
of the chart, never a zero.
"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from budaya.institutions.access import (
    can_view_institution,
    require_institution_access,
    require_unit_access,
)
from budaya.institutions.models import Institution, Unit
from budaya.periods.models import Period
from budaya.results import display as d
from budaya.results import store
from budaya.results.charts import BANDS, FONT
from budaya.results.presenters import INDEX_LABELS, change_view, is_pulse
from budaya.scoring.spec import VALUE_CODES, VALUE_NAMES
from budaya.scoring.trend import series_changes

# (key, value code or None, label): what both an annual period and a pulse round define.
MEASURES = (
    ("implementasi", None, INDEX_LABELS["implementasi"]),
    *(("values", code, VALUE_NAMES[code]) for code in VALUE_CODES),
    ("engagement", None, INDEX_LABELS["engagement"]),
)
LINE = "#25516e"


def released_points(level: str, code: str, parent: str = "") -> list[dict]:
    """Return one point per released period in which the group exists, in date order: the
    period, its kind, the release, whether the group is suppressed, and its stored group."""
    points = []
    for period in Period.objects.filter(state=Period.State.CLOSED).order_by("opens_on", "code"):
        result_set = store.latest_set(period)
        if result_set is None:
            continue
        group = store.group(result_set, level, code, parent)
        if group is None:
            continue
        points.append(
            {
                "period": period,
                "year": period.opens_on.year,
                "pulse": is_pulse(period.instrument),
                "release": result_set.version,
                "suppressed": not d.visible(group),
                "hidden_text": d.suppressed_text(period.threshold),
                "group": group,
            }
        )
    return points


def year_series(points: list[dict]) -> list[dict]:
    """Return one section per year (latest first): the year's rounds and, per measure, the
    cells of the table and the line chart (§15: the series of a year's annual period and pulse
    rounds, with the change between consecutive rounds)."""
    years: dict[int, list[dict]] = {}
    for point in points:
        years.setdefault(point["year"], []).append(point)
    sections = []
    for year in sorted(years, reverse=True):
        rounds = years[year]
        rows = []
        for key, code, label in MEASURES:
            scores = [d.score(point["group"], key, code) for point in rounds]
            changes = series_changes(scores)
            cells = []
            for point, score, change in zip(rounds, scores, changes, strict=True):
                cells.append(
                    {
                        "suppressed": point["suppressed"],
                        "hidden_text": point["hidden_text"],
                        "shown": d.shown(score),
                        "text": d.number(d.shown(score)),
                        "category": (score or {}).get("category") or "",
                        "change": change_view(change),
                    }
                )
            rows.append(
                {
                    "key": code or key,
                    "label": str(label),
                    "cells": cells,
                    "chart": line_chart(
                        [point["period"].code for point in rounds],
                        [cell["shown"] for cell in cells],
                        _("%(label)s, %(year)s: skor per putaran") % {"label": label, "year": year},
                    ),
                }
            )
        sections.append({"year": year, "rounds": rounds, "rows": rows})
    return sections


def line_chart(labels: list[str], values: list[float | None], title: str) -> SafeString:
    """Return a small SVG line chart over the A–D bands: one point per round, the line broken
    wherever a round has no shown value (a gap, never a zero)."""
    width, height = 320, 130
    left, right, top, bottom = 30, 10, 8, 30
    plot_w, plot_h = width - left - right, height - top - bottom
    count = max(len(values), 1)

    inset = 34  # the first and last round's labels stay inside the chart

    def x_of(i: int) -> float:
        span = plot_w - 2 * inset
        return left + inset + (span / 2 if count == 1 else span * i / (count - 1))

    def y_of(v: float) -> float:
        return top + plot_h * (1 - max(0.0, min(100.0, float(v))) / 100)

    body = []
    for start, end, letter, fill in BANDS:
        y_top, y_end = y_of(end), y_of(start)
        body.append(
            f'<rect x="{left}" y="{y_top:.1f}" width="{plot_w}" height="{y_end - y_top:.1f}" '
            f'fill="{fill}"/>'
            f'<text x="{left - 4}" y="{(y_top + y_end) / 2 + 4:.1f}" text-anchor="end" '
            f'font-size="9" fill="#555">{letter}</text>'
        )
    runs, run = [], []
    for i, value in enumerate(values):
        if value is None:
            if run:
                runs.append(run)
            run = []
        else:
            run.append((x_of(i), y_of(value)))
    if run:
        runs.append(run)
    for run in runs:
        if len(run) > 1:
            points = " ".join(f"{x:.1f},{y:.1f}" for x, y in run)
            body.append(
                f'<polyline points="{points}" fill="none" stroke="{LINE}" stroke-width="2" '
                f'class="trend-line"/>'
            )
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        x = x_of(i)
        short = label if len(label) <= 11 else label[:10] + "…"
        body.append(
            f'<text x="{x:.1f}" y="{height - 16}" text-anchor="middle" font-size="9" '
            f'fill="#333">{escape(short)}</text>'
        )
        if value is None:
            body.append(
                f'<text x="{x:.1f}" y="{height - 4}" text-anchor="middle" font-size="9" '
                f'fill="#555" class="trend-gap">{escape(_("celah"))}</text>'
            )
            continue
        y = y_of(value)
        body.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{LINE}"/>'
            f'<text x="{x:.1f}" y="{max(y - 6, 9):.1f}" text-anchor="middle" font-size="10" '
            f'font-weight="bold">{d.number(value)}</text>'
        )
    label = escape(title)
    return mark_safe(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-label="{label}" class="chart trend-chart" '
        f'font-family="{FONT}" font-size="12"><title>{label}</title>' + "".join(body) + "</svg>"
    )


def _render(request, institution, unit=None):
    if unit is None:
        points = released_points("institution", institution.code)
    else:
        points = released_points("unit", unit.code, institution.code)
    return render(
        request,
        "reports/trend.html",
        {
            "institution": institution,
            "unit": unit,
            "sections": year_series(points),
            "institution_link": unit is not None
            and can_view_institution(request.user, institution),
        },
    )


@login_required
def institution_trend(request, institution_code):
    """Render an institution's trend over its released annual periods and pulse rounds."""
    institution = get_object_or_404(Institution, code=institution_code)
    require_institution_access(request, institution)
    return _render(request, institution)


@login_required
def unit_trend(request, institution_code, unit_code):
    """Render a unit's trend (for its liaison and the institution's staff)."""
    unit = get_object_or_404(
        Unit.objects.select_related("institution"),
        institution__code=institution_code,
        code=unit_code,
    )
    require_unit_access(request, unit)
    return _render(request, unit.institution, unit)

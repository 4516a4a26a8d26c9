"""Return charts as inline SVG drawn on the server: the same markup on the page and in the PDF.

No script, no external font or image: text uses the system's DejaVu Sans (what WeasyPrint and
Chromium both find), colours are inline attributes. Each chart is labelled for screen readers
and its numbers are printed in a table next to it by the templates.
"""

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from budaya.results.display import number

FONT = "DejaVu Sans, Verdana, sans-serif"
# Category bands of METHOD.md §6 on the 0–100 scale: (from, to, letter, fill).
BANDS = (
    (0.0, 25.0, "D", "#f6d5d1"),
    (25.0, 50.0, "C", "#fbe6c6"),
    (50.0, 75.0, "B", "#e6efd2"),
    (75.0, 100.0, "A", "#cfe8d8"),
)
BAR = "#25516e"
STRONG = "#1d7a46"
WEAK = "#b4452f"
CATEGORY_FILL = {"A": "#2e8b57", "B": "#8fb04a", "C": "#e0a030", "D": "#c8553d"}


def _svg(width: int, height: int, title: str, body: list[str]) -> SafeString:
    label = escape(title)
    return mark_safe(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-label="{label}" class="chart" '
        f'font-family="{FONT}" font-size="12"><title>{label}</title>' + "".join(body) + "</svg>"
    )


def bar_chart(rows: list[dict], title: str, *, label_width: int = 190) -> SafeString:
    """Return horizontal bars over the A–D bands; each row has 'label', 'shown', 'mark'.

    'shown' is the stored shown value (None draws no bar: a hidden or missing score); 'mark' is
    '', 'strong' or 'weak' and colours the bar.
    """
    plot = 400
    width = label_width + plot + 60
    row_h = 24
    top = 22
    height = top + row_h * len(rows) + 8
    body = []
    for start, end, letter, fill in BANDS:
        x = label_width + plot * start / 100
        w = plot * (end - start) / 100
        body.append(
            f'<rect x="{x:.1f}" y="{top - 4}" width="{w:.1f}" height="{height - top}" '
            f'fill="{fill}"/>'
            f'<text x="{x + w / 2:.1f}" y="14" text-anchor="middle" fill="#555">{letter}</text>'
        )
    for tick in (0, 25, 50, 75, 100):
        x = label_width + plot * tick / 100
        body.append(
            f'<text x="{x:.1f}" y="{height}" text-anchor="middle" font-size="9" '
            f'fill="#777">{tick}</text>'
        )
    for i, row in enumerate(rows):
        y = top + i * row_h
        body.append(
            f'<text x="{label_width - 6}" y="{y + 15}" text-anchor="end">'
            f"{escape(row['label'])}</text>"
        )
        value = row.get("shown")
        if value is None:
            body.append(f'<text x="{label_width + 4}" y="{y + 15}" fill="#777">–</text>')
            continue
        colour = {"strong": STRONG, "weak": WEAK}.get(row.get("mark") or "", BAR)
        w = plot * max(0.0, min(100.0, float(value))) / 100
        body.append(
            f'<rect x="{label_width}" y="{y + 4}" width="{w:.1f}" height="{row_h - 8}" '
            f'fill="{colour}"/>'
            f'<text x="{label_width + w + 4:.1f}" y="{y + 15}" font-weight="bold">'
            f"{number(value)}</text>"
        )
    return _svg(width, height, title, body)


def category_chart(counts: list[tuple[str, str, int]], title: str) -> SafeString:
    """Return vertical bars of how many groups fall in each category: (letter, name, count)."""
    width, height, base = 480, 200, 160
    most = max([count for _l, _n, count in counts] + [1])
    slot = width / max(1, len(counts))
    body = []
    for i, (letter, name, count) in enumerate(counts):
        h = (base - 30) * count / most
        x = i * slot + slot * 0.2
        body.append(
            f'<rect x="{x:.1f}" y="{base - h:.1f}" width="{slot * 0.6:.1f}" height="{h:.1f}" '
            f'fill="{CATEGORY_FILL.get(letter, BAR)}"/>'
            f'<text x="{x + slot * 0.3:.1f}" y="{base - h - 6:.1f}" text-anchor="middle" '
            f'font-weight="bold">{number(int(count))}</text>'
            f'<text x="{x + slot * 0.3:.1f}" y="{base + 16}" text-anchor="middle">'
            f"{escape(letter)}</text>"
            f'<text x="{x + slot * 0.3:.1f}" y="{base + 32}" text-anchor="middle" '
            f'font-size="10" fill="#555">{escape(name)}</text>'
        )
    return _svg(width, height + 10, title, body)


def heat_class(score_: dict | None) -> str:
    """Return the CSS class colouring a heat-map cell by the score's category ('' when none)."""
    letter = (score_ or {}).get("category")
    return f"heat-{letter.lower()}" if letter in CATEGORY_FILL else "heat-none"


# The heat maps' continuous colour scale (light to dark as the score rises, yellow-green-blue:
# readable without red/green), one CSS class per whole point 0..100 ("hs-74" for 74.0–74.9),
# since the site's Content-Security-Policy allows no inline style. heat.css is generated from
# these stops by `heat_css()` (tests/test_results_heatmap.py checks the file matches).
HEAT_STOPS = ((0, "#ffffd9"), (25, "#c7e9b4"), (50, "#41b6c4"), (75, "#225ea8"), (100, "#081d58"))
DARK_INK, LIGHT_INK = "#000000", "#ffffff"


def _rgb(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))


def heat_colour(point: int) -> str:
    """Return the fill of a whole point 0..100, interpolated between the stops."""
    point = max(0, min(100, int(point)))
    for (start, low), (end, high) in zip(HEAT_STOPS, HEAT_STOPS[1:], strict=False):
        if start <= point <= end:
            t = (point - start) / (end - start)
            mixed = [round(a + (b - a) * t) for a, b in zip(_rgb(low), _rgb(high), strict=True)]
            return "#" + "".join(f"{c:02x}" for c in mixed)
    return HEAT_STOPS[-1][1]


def luminance(colour: str) -> float:
    """Return the WCAG relative luminance of '#rrggbb'."""

    def channel(c: int) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in _rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """Return the WCAG contrast ratio of two colours."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def heat_ink(colour: str) -> str:
    """Return black or white, whichever contrasts more with `colour` (always ≥ 4.5:1)."""
    return DARK_INK if contrast(colour, DARK_INK) >= contrast(colour, LIGHT_INK) else LIGHT_INK


def heat_shade(shown) -> str:
    """Return the heat-map class of a shown score ('hs-74'), '' when there is none."""
    if shown is None:
        return ""
    return f"hs-{max(0, min(100, int(float(shown))))}"


def heat_css() -> str:
    """Return heat.css: one rule per whole point with its fill and its text colour."""
    lines = ["/* Generated by budaya.results.charts.heat_css(); do not edit by hand. */"]
    for point in range(101):
        fill = heat_colour(point)
        lines.append(f".hs-{point} {{ background: {fill}; color: {heat_ink(fill)}; }}")
    return "\n".join(lines) + "\n"


def heat_legend(title: str) -> SafeString:
    """Return the colour scale 0–100 as an SVG bar with ticks (the heat maps' legend)."""
    width, left, plot = 420, 10, 400
    body = []
    step = plot / 101
    for point in range(101):
        body.append(
            f'<rect x="{left + point * step:.2f}" y="4" width="{step + 0.3:.2f}" height="18" '
            f'fill="{heat_colour(point)}"/>'
        )
    for tick in (0, 25, 50, 75, 100):
        x = left + plot * tick / 100
        body.append(
            f'<line x1="{x:.1f}" y1="22" x2="{x:.1f}" y2="27" stroke="#333"/>'
            f'<text x="{x:.1f}" y="40" text-anchor="middle" fill="#333">{tick}</text>'
        )
    return _svg(width, 46, title, body)


HISTOGRAM_WIDTH = 5  # points per bar: the category limits 25, 50 and 75 fall on bar edges


def histogram_bins(shown_values: list) -> list[tuple[int, int, int]]:
    """Return (from, to, count) of the shown values in bars of 5 points (the last holds 100)."""
    counts = [0] * (100 // HISTOGRAM_WIDTH)
    for value in shown_values:
        if value is None:
            continue
        index = min(len(counts) - 1, max(0, int(float(value) // HISTOGRAM_WIDTH)))
        counts[index] += 1
    return [
        (i * HISTOGRAM_WIDTH, (i + 1) * HISTOGRAM_WIDTH, count) for i, count in enumerate(counts)
    ]


def histogram(bins: list[tuple[int, int, int]], title: str) -> SafeString:
    """Return vertical bars of how many groups fall in each bin, over the A–D bands."""
    left, plot, base, top = 30, 440, 170, 20
    width, height = left + plot + 10, base + 34
    most = max([count for _f, _t, count in bins] + [1])
    body = []
    for start, end, letter, fill in BANDS:
        x = left + plot * start / 100
        w = plot * (end - start) / 100
        body.append(
            f'<rect x="{x:.1f}" y="{top}" width="{w:.1f}" height="{base - top}" fill="{fill}"/>'
            f'<text x="{x + w / 2:.1f}" y="{top - 6}" text-anchor="middle" fill="#555">'
            f"{letter}</text>"
        )
    slot = plot / max(1, len(bins))
    for i, (_start, _end, count) in enumerate(bins):
        if not count:
            continue
        h = (base - top - 16) * count / most
        x = left + i * slot
        body.append(
            f'<rect x="{x + 1:.1f}" y="{base - h:.1f}" width="{slot - 2:.1f}" height="{h:.1f}" '
            f'fill="{BAR}"/>'
            f'<text x="{x + slot / 2:.1f}" y="{base - h - 3:.1f}" text-anchor="middle" '
            f'font-size="10" font-weight="bold">{number(int(count))}</text>'
        )
    for tick in (0, 25, 50, 75, 100):
        x = left + plot * tick / 100
        body.append(
            f'<text x="{x:.1f}" y="{base + 16}" text-anchor="middle" font-size="10" '
            f'fill="#555">{tick}</text>'
        )
    return _svg(width, height, title, body)

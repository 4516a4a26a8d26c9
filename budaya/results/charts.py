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

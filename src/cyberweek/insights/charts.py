"""Charts for the PDF report, drawn as SVG in Python from the same figures the dashboard
shows (ECharts draws the page's charts in the browser and cannot run on the server).

Each bar carries its label and value as data attributes, so a test can read the numbers a
chart shows and compare them with the page's."""

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH = 640
BAR = 18
GAP = 6
LABEL_WIDTH = 190
VALUE_WIDTH = 70
COLOURS = ("#0d6efd", "#198754")


def bar_chart(*, title: str, bars: list[tuple[str, int]], colour: int = 0) -> SafeString:
    """A horizontal bar chart: one bar per (label, value), longest bar to scale."""
    top = 28
    height = top + len(bars) * (BAR + GAP) + 8
    most = max((value for _, value in bars), default=0) or 1
    room = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="{WIDTH}" '
        f'height="{height}" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-label="{escape(title)}">',
        f'<text x="0" y="16" font-size="13" font-weight="bold">{escape(title)}</text>',
    ]
    for number, (label, value) in enumerate(bars):
        y = top + number * (BAR + GAP)
        length = round(room * value / most, 1)
        parts.append(
            f'<g class="bar" data-label="{escape(label)}" data-value="{int(value)}">'
            f'<text x="{LABEL_WIDTH - 6}" y="{y + BAR - 5}" font-size="11" '
            f'text-anchor="end">{escape(label)}</text>'
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{length}" height="{BAR}" '
            f'fill="{COLOURS[colour % len(COLOURS)]}"/>'
            f'<text x="{LABEL_WIDTH + length + 4}" y="{y + BAR - 5}" font-size="11">'
            f"{int(value):,}</text></g>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 (every text above is escaped)

"""Inline SVG bar charts drawn on the server: no chart library, nothing fetched at run time.

Only numbers and formatted dates go into the markup, so building it with f-strings is safe and
fast enough for fifty sparklines a page.
"""

from collections.abc import Sequence
from datetime import datetime

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

SPARK_WIDTH = 96
SPARK_HEIGHT = 24
CHART_WIDTH = 720
CHART_HEIGHT = 140
AXIS = 18


def _height(value: int, peak: int, room: float) -> float:
    if value <= 0:
        return 0.0
    return max(1.5, round(value / peak * room, 1))


def sparkline(values: Sequence[int], label: str) -> SafeString:
    """Bars for one stream row; empty buckets leave a faint baseline."""
    peak = max(values, default=0) or 1
    slot = SPARK_WIDTH / max(len(values), 1)
    bar = max(slot - 1, 1)
    rects = []
    for n, value in enumerate(values):
        height = _height(value, peak, SPARK_HEIGHT - 2)
        if not height:
            continue
        y = SPARK_HEIGHT - height
        rects.append(f'<rect x="{n * slot:.1f}" y="{y}" width="{bar:.1f}" height="{height}"/>')
    return mark_safe(  # noqa: S308 (numbers only, the label is escaped)
        f'<svg class="spark" viewBox="0 0 {SPARK_WIDTH} {SPARK_HEIGHT}" width="{SPARK_WIDTH}" '
        f'height="{SPARK_HEIGHT}" role="img" aria-label="{escape(label)}">'
        f'<line x1="0" y1="{SPARK_HEIGHT - 0.5}" x2="{SPARK_WIDTH}" y2="{SPARK_HEIGHT - 0.5}"/>'
        f"{''.join(rects)}</svg>"
    )


def occurrence_chart(buckets: Sequence[tuple[datetime, int]], date_format: str) -> SafeString:
    """The error page's chart: one bar per bucket, a tooltip each, peak and time labels."""
    peak = max((count for _, count in buckets), default=0)
    room = CHART_HEIGHT - AXIS - 8
    slot = CHART_WIDTH / max(len(buckets), 1)
    parts = []
    for n, (start, count) in enumerate(buckets):
        height = _height(count, peak or 1, room)
        y = CHART_HEIGHT - AXIS - height
        tip = f"{start.strftime(date_format)}: {count:,}"
        parts.append(
            f'<rect x="{n * slot + 1:.1f}" y="{y}" width="{max(slot - 2, 1):.1f}" '
            f'height="{height}"><title>{escape(tip)}</title></rect>'
        )
    labels = []
    for n in sorted({0, len(buckets) // 2, len(buckets) - 1}) if buckets else []:
        anchor = "start" if n == 0 else "end" if n == len(buckets) - 1 else "middle"
        x = n * slot + (0 if anchor == "start" else slot if anchor == "end" else slot / 2)
        text = escape(buckets[n][0].strftime(date_format))
        labels.append(
            f'<text x="{x:.1f}" y="{CHART_HEIGHT - 4}" text-anchor="{anchor}">{text}</text>'
        )
    baseline = CHART_HEIGHT - AXIS + 0.5
    return mark_safe(  # noqa: S308 (numbers and escaped dates only)
        f'<svg class="chart" viewBox="0 0 {CHART_WIDTH} {CHART_HEIGHT}" '
        f'role="img" aria-label="Occurrences over time">'
        f'<text class="peak" x="0" y="10">peak {peak:,}</text>'
        f'<line x1="0" y1="{baseline}" x2="{CHART_WIDTH}" y2="{baseline}"/>'
        f"{''.join(parts)}{''.join(labels)}</svg>"
    )

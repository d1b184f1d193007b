"""Server-rendered SVG line charts by session: readable on a tablet, no JavaScript.

Pure functions over plain data; every label is escaped.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

PALETTE = (
    "#1f77b4",
    "#d62728",
    "#2ca02c",
    "#9467bd",
    "#ff7f0e",
    "#17becf",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
    "#393b79",
    "#637939",
)
WIDTH, HEIGHT = 720, 320
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 24, 64


@dataclasses.dataclass(frozen=True)
class Series:
    label: str
    # (x index into the chart's x labels, value); gaps are simply missing.
    points: tuple[tuple[int, float], ...]


@dataclasses.dataclass(frozen=True)
class Marker:
    """Something that happened at one x (an adverse event): drawn under the axis."""

    x: int
    label: str
    severe: bool = False


def _fmt(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".") if value % 1 else str(int(value))


def line_chart(
    *,
    title: str,
    x_labels: Sequence[str],
    series: Sequence[Series],
    y_min: float,
    y_max: float,
    y_label: str,
    markers: Sequence[Marker] = (),
    lower_is_better: bool = False,
) -> SafeString:
    """An SVG line chart: one coloured line per series, a legend, markers under the axis."""
    if y_max <= y_min:
        y_max = y_min + 1
    count = max(len(x_labels), 1)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x_at(i: int) -> float:
        return LEFT + (plot_w * (i + 0.5) / count)

    def y_at(v: float) -> float:
        v = min(max(v, y_min), y_max)
        return TOP + plot_h * (1 - (v - y_min) / (y_max - y_min))

    legend_rows = (len(series) + 2) // 3
    legend_top = HEIGHT + 12
    height = legend_top + 22 * legend_rows
    out = [
        f'<svg class="outcome-chart" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
        f'<rect x="{LEFT}" y="{TOP}" width="{plot_w}" height="{plot_h}" '
        'fill="#fafafa" stroke="#ccc"/>',
    ]
    for step in range(5):
        value = y_min + (y_max - y_min) * step / 4
        y = y_at(value)
        out.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e5e5e5"/>'
        )
        out.append(
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="12">'
            f"{_fmt(value)}</text>"
        )
    out.append(
        f'<text x="14" y="{TOP + plot_h / 2:.0f}" font-size="12" text-anchor="middle" '
        f'transform="rotate(-90 14 {TOP + plot_h / 2:.0f})">{escape(y_label)}'
        f"{' (lower is better)' if lower_is_better else ''}</text>"
    )
    for i, label in enumerate(x_labels):
        out.append(
            f'<text x="{x_at(i):.1f}" y="{TOP + plot_h + 16}" text-anchor="middle" '
            f'font-size="12">{escape(label)}</text>'
        )
    for n, s in enumerate(series):
        colour = PALETTE[n % len(PALETTE)]
        pts = [(x_at(i), y_at(v)) for i, v in s.points if 0 <= i < count]
        if len(pts) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in pts)
            out.append(
                f'<polyline class="series" data-series="{escape(s.label)}" points="{path}" '
                f'fill="none" stroke="{colour}" stroke-width="2.5"/>'
            )
        for (i, v), (x, y) in zip((p for p in s.points if 0 <= p[0] < count), pts, strict=True):
            out.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4.5" fill="{colour}">'
                f"<title>{escape(s.label)}, {escape(x_labels[i])}: {_fmt(v)}</title></circle>"
            )
    marker_y = TOP + plot_h + 34
    for m in markers:
        if 0 <= m.x < count:
            colour = "#b00020" if m.severe else "#e07000"
            x = x_at(m.x)
            out.append(
                f'<g class="adverse-marker"><path d="M{x:.1f},{marker_y - 9} l8,14 h-16 z" '
                f'fill="{colour}"/><title>{escape(m.label)}</title></g>'
            )
    if markers:
        out.append(
            f'<text x="{LEFT}" y="{marker_y + 20}" font-size="11" fill="#b00020">'
            "▲ adverse event at that session</text>"
        )
    for n, s in enumerate(series):
        row, col = divmod(n, 3)
        x, y = LEFT + col * 220, legend_top + 22 * row
        colour = PALETTE[n % len(PALETTE)]
        out.append(f'<rect x="{x}" y="{y - 10}" width="14" height="4" fill="{colour}"/>')
        out.append(f'<text x="{x + 20}" y="{y - 4}" font-size="12">{escape(s.label)}</text>')
    out.append("</svg>")
    return mark_safe("".join(out))

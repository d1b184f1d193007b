"""The face chart: an SVG of the canonical face with every facial point on both sides.

Positions come from the acuface.vision point recipes run on the canonical face layout, the same
1000 x 1250 chart frame (x right, y down; the client's right side on the viewer's left) that the
photo overlay uses. Points no recipe can place (tragus row, hairline) use the chart-only
position stored in the atlas, drawn with a dashed ring: they are never photo positions.

Reused by the plan editor, the session page and the photo overlay:

    render_face_chart(states={("ST2", "right"): "planned"}, interactive=True, tap_url=...)

and `static/atlas/face_chart.js` turns taps, Enter and Space on a point into a `facechart:tap`
event and, when the chart has a `data-tap-url`, an HTMX POST of `code`, `side` and `version`.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from html import escape

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from acuface.atlas.models import Point
from acuface.atlas.rules import SIDE_LABELS

STATES = ("available", "planned", "excluded", "needled", "removed")
STATE_LABELS = {
    "available": "not in the plan",
    "planned": "planned",
    "excluded": "excluded",
    "needled": "needled",
    "removed": "removed",
}
VIEWBOX = (40.0, 110.0, 920.0, 1010.0)  # the part of the 1000 x 1250 frame the face occupies
POINT_RADIUS = 13
HIT_RADIUS = 30  # a touch target's radius where no neighbour is close
HIT_GAP = 1.0  # chart units kept between two neighbours' touch targets
# Drawn only to show where chart-only points are; not landmarks.
HAIRLINE_PATH = "M 190 300 Q 500 130 810 300"
EAR_PATHS = (
    "M 126 470 C 70 455 60 560 80 620 C 92 660 118 668 130 650",
    "M 874 470 C 930 455 940 560 920 620 C 908 660 882 668 870 650",
)

StateMap = Mapping[tuple[str, str], str]


@dataclass(frozen=True)
class ChartPoint:
    code: str
    name: str
    side: str
    x: float
    y: float
    is_chart_only: bool


@functools.lru_cache(maxsize=1)
def recipe_positions() -> dict[tuple[str, str], tuple[float, float]]:
    """(code, side) → chart position from the vision recipes on the canonical face."""
    from acuface.vision.canonical import load_canonical
    from acuface.vision.points import place_points

    placed = place_points(load_canonical().as_landmarks())
    return {(p.code, p.side): p.xy for p in placed.points if p.xy is not None}


def chart_points(points: Iterable[Point]) -> list[ChartPoint]:
    """Every facial point on each of its sides, at its chart position."""
    from acuface.vision.canonical import CHART_WIDTH

    positions = recipe_positions()
    found: list[ChartPoint] = []
    for point in points:
        if not point.is_facial:
            continue
        for side in point.sides:
            xy = positions.get((point.code, side)) if point.recipe_id else None
            chart_only = xy is None
            if xy is None:
                if point.chart_x is None or point.chart_y is None:
                    continue  # nowhere to draw it; the atlas test makes sure this never happens
                x = CHART_WIDTH - point.chart_x if side == "left" else point.chart_x
                xy = (x, point.chart_y)
            found.append(ChartPoint(point.code, point.pinyin, side, xy[0], xy[1], chart_only))
    return found


def hit_radii(placed: Sequence[ChartPoint]) -> dict[tuple[str, str], float]:
    """Each point's touch-target radius: HIT_RADIUS, less where a neighbour is closer.

    Two targets never overlap, so a tap between two close points (ST1 and EX-HN7 are 30 chart
    units apart) lands on one of them, never on both.
    """
    radii: dict[tuple[str, str], float] = {}
    for point in placed:
        nearest = min(
            (
                math.hypot(point.x - other.x, point.y - other.y)
                for other in placed
                if other is not point
            ),
            default=2 * HIT_RADIUS,
        )
        radii[(point.code, point.side)] = max(min(HIT_RADIUS, nearest / 2 - HIT_GAP / 2), 1.0)
    return radii


@functools.lru_cache(maxsize=1)
def _chart_hit_radii() -> dict[tuple[str, str], float]:
    """The touch-target radii on the face chart (atlas data: fixed between two load_atlas)."""
    return hit_radii(chart_points(Point.objects.filter(is_facial=True)))


def point_label(code: str, name: str, side: str, state: str) -> str:
    """What a screen reader says for a point: "ST2 Sibai, client's right, planned"."""
    return f"{code} {name}, {SIDE_LABELS.get(side, side)}, {STATE_LABELS.get(state, state)}"


def _outline_paths() -> SafeString:
    from acuface.vision.canonical import load_canonical

    layout = load_canonical()
    parts: list[tuple[str, str]] = []
    for name, paths in layout.outline_points().items():
        for path in paths:
            d = "M " + " L ".join(f"{x:.1f} {y:.1f}" for x, y in path)
            parts.append((name.replace("_", "-"), d))
    return format_html_join("", '<path class="fc-outline fc-{}" d="{}"/>', parts)


@functools.lru_cache(maxsize=1)
def _face_drawing() -> str:
    outlines = _outline_paths()
    ears = format_html_join("", '<path class="fc-guide fc-ear" d="{}"/>', ((d,) for d in EAR_PATHS))
    hairline = format_html('<path class="fc-guide fc-hairline" d="{}"/>', HAIRLINE_PATH)
    return str(
        format_html('<g class="fc-face" aria-hidden="true">{}{}{}</g>', hairline, ears, outlines)
    )


# Where a label goes when the default (away from the midline) would cover a neighbour.
LABEL_PLACEMENT = {
    "EX-HN3": "above",
    "ST1": "medial",
    "ST3": "below",
    "ST4": "below",
    "ST7": "medial",
}


def _label_position(point: ChartPoint) -> tuple[float, float, str]:
    placement = LABEL_PLACEMENT.get(point.code, "lateral")
    gap = POINT_RADIUS + 5
    if placement == "above":
        return point.x, point.y - gap - 4, "middle"
    if placement == "below":
        return point.x, point.y + gap + 18, "middle"
    towards_viewer_left = (point.side == "right") == (placement == "lateral")
    if towards_viewer_left:
        return point.x - gap, point.y + 6, "end"
    return point.x + gap, point.y + 6, "start"


def point_element_id(chart_id: str, code: str, side: str) -> str:
    """The id of a point's element on a chart, so a page can replace that one point."""
    return f"{chart_id}-{code}-{side}"


def _render_point(
    point: ChartPoint,
    state: str,
    title: str,
    interactive: bool,
    show_labels: bool,
    chart_id: str,
    extra: str = "",
    hit_radius: float = HIT_RADIUS,
) -> str:
    # One f-string with every text escaped: the chart draws about a hundred of these per page,
    # and format_html's per-argument escaping was most of the session page's drawing time.
    label = point_label(point.code, point.name, point.side, state)
    classes = f"pt pt--{state}" + (" pt--chart-only" if point.is_chart_only else "")
    role = ' role="button" tabindex="0"' if interactive else ' role="img"'
    code, side = escape(point.code), escape(point.side)
    x, y = f"{point.x:.1f}", f"{point.y:.1f}"
    strike = ""
    if state in ("excluded", "removed"):
        r = POINT_RADIUS + 3
        strike = (
            f'<line class="pt-strike" x1="{point.x - r:.1f}" y1="{point.y + r:.1f}" '
            f'x2="{point.x + r:.1f}" y2="{point.y - r:.1f}"/>'
        )
    text = ""
    if show_labels:
        tx, ty, anchor = _label_position(point)
        text = (
            f'<text class="pt-label" x="{tx:.1f}" y="{ty:.1f}" text-anchor="{anchor}" '
            f'aria-hidden="true">{code}</text>'
        )
    tooltip = f"{label}. {title}" if title else label
    return (
        f'<g id="{escape(point_element_id(chart_id, point.code, point.side))}"{extra} '
        f'class="{escape(classes)}" data-code="{code}" data-side="{side}" '
        f'data-state="{escape(state)}"{role} aria-label="{escape(label)}">'
        f"<title>{escape(tooltip)}</title>"
        f'<circle class="pt-hit" cx="{x}" cy="{y}" r="{hit_radius:.1f}"/>'
        f'<circle class="pt-dot" cx="{x}" cy="{y}" r="{POINT_RADIUS}"/>{strike}{text}</g>'
    )


def _data_attributes(
    *, interactive: bool, tap_url: str, tap_target: str, version: int | None
) -> SafeString:
    attrs = [("data-face-chart", ""), ("data-interactive", "true" if interactive else "false")]
    if tap_url:
        attrs.append(("data-tap-url", tap_url))
    if tap_target:
        attrs.append(("data-tap-target", tap_target))
    if version is not None:
        attrs.append(("data-version", str(version)))
    return format_html_join("", ' {}="{}"', attrs)


def render_face_chart(
    *,
    states: StateMap,
    interactive: bool = False,
    points: Sequence[Point] | None = None,
    titles: Mapping[tuple[str, str], str] | None = None,
    tap_url: str = "",
    tap_target: str = "",
    version: int | None = None,
    show_labels: bool = True,
    chart_id: str = "face-chart",
    caption: str = "Face chart, front view: the client's right side is on your left.",
    positions: Mapping[tuple[str, str], tuple[float, float]] | None = None,
    viewbox: tuple[float, float, float, float] | None = None,
    background_href: str = "",
) -> SafeString:
    """The face chart as inline SVG.

    `states` maps (code, side) to one of STATES; points not in it are "available". `titles`
    adds a sentence to a point's tooltip (e.g. why it is excluded). With `interactive`, every
    point is a keyboard-reachable button; `tap_url`, `tap_target` and `version` configure the
    HTMX POST that face_chart.js sends on a tap.

    Over a photo: pass `positions` ((code, side) to pixel position; a point without one is not
    drawn, never guessed), `viewbox` = (0, 0, width, height) of the photo and `background_href`
    (the photo's authorized URL); the canonical face drawing is then left out.
    """
    if points is None:
        points = list(Point.objects.filter(is_facial=True))
    titles = titles or {}
    placed = chart_points(points)
    if positions is not None:
        placed = [
            ChartPoint(p.code, p.name, p.side, *positions[(p.code, p.side)], False)
            for p in placed
            if (p.code, p.side) in positions
        ]
    radii = hit_radii(placed) if positions is not None else _chart_hit_radii()
    rendered = [
        _render_point(
            p,
            _state(states.get((p.code, p.side), "available")),
            titles.get((p.code, p.side), ""),
            interactive,
            show_labels,
            chart_id,
            hit_radius=radii.get((p.code, p.side), HIT_RADIUS),
        )
        for p in placed
    ]
    x, y, w, h = viewbox or VIEWBOX
    if background_href:
        drawing = format_html(
            '<image class="fc-photo" href="{}" x="{}" y="{}" width="{}" height="{}"/>',
            background_href,
            x,
            y,
            w,
            h,
        )
    elif positions is not None:
        drawing = SafeString("")
    else:
        drawing = mark_safe(_face_drawing())  # built with format_html from numbers and constants
    return format_html(
        '<svg id="{}" class="face-chart" viewBox="{} {} {} {}" xmlns="http://www.w3.org/2000/svg"'
        ' role="group" aria-label="{}"{}>{}<g class="fc-points">{}</g></svg>',
        chart_id,
        x,
        y,
        w,
        h,
        caption,
        _data_attributes(
            interactive=interactive, tap_url=tap_url, tap_target=tap_target, version=version
        ),
        drawing,
        mark_safe("".join(rendered)),  # every text in each part is escaped
    )


def render_chart_point(
    point: Point,
    side: str,
    *,
    state: str,
    title: str = "",
    interactive: bool = False,
    chart_id: str = "face-chart",
    swap_oob: bool = False,
) -> SafeString:
    """One point as `render_face_chart` draws it (a facial point's `<g>`, a body point's `<li>`).

    With `swap_oob`, the element carries `hx-swap-oob`, so an htmx answer can replace just that
    point on a chart already on the page.
    """
    extra = ' hx-swap-oob="true"' if swap_oob else ""
    state = _state(state)
    if not point.is_facial:
        return _render_body_point(point, side, state, title, interactive, chart_id, extra)
    for placed in chart_points([point]):
        if placed.side == side:
            radius = _chart_hit_radii().get((placed.code, side), HIT_RADIUS)
            drawn = _render_point(
                placed, state, title, interactive, True, chart_id, extra, hit_radius=radius
            )
            return mark_safe(drawn)  # every text in it is escaped
    raise ValueError(f"{point.code} has no {side} side on the chart")


def _render_body_point(
    point: Point, side: str, state: str, title: str, interactive: bool, chart_id: str, extra: str
) -> SafeString:
    label = point_label(point.code, point.pinyin, side, state)
    tag = "button" if interactive else "span"
    pressed = (
        format_html(' type="button" aria-pressed="{}"', "true" if state == "planned" else "false")
        if interactive
        else ""
    )
    # The name a screen reader says begins with the words on the button ("LI4 R"), then the
    # rest of the label, hidden from sight: a spoken "LI4 R" command finds the button.
    spoken = label.removeprefix(f"{point.code} ")
    return format_html(
        '<li id="{}"{}><{} class="pt pt--{}" data-code="{}" data-side="{}" data-state="{}"'
        ' title="{}"{}><span class="pt-code">{}</span> '
        '<span class="pt-side">{}</span><span class="visually-hidden">: {}</span></{}></li>',
        point_element_id(chart_id, point.code, side),
        mark_safe(extra),
        tag,
        state,
        point.code,
        side,
        state,
        f"{label}. {title}" if title else label,
        pressed,
        point.code,
        {"right": "R", "left": "L", "midline": "mid"}[side],
        spoken,
        tag,
    )


def render_body_points(
    *,
    states: StateMap,
    interactive: bool = False,
    points: Sequence[Point] | None = None,
    titles: Mapping[tuple[str, str], str] | None = None,
    tap_url: str = "",
    tap_target: str = "",
    version: int | None = None,
    chart_id: str = "face-chart",
) -> SafeString:
    """Body points as a list of buttons with the same data attributes as the face chart."""
    if points is None:
        points = list(Point.objects.filter(is_facial=False))
    titles = titles or {}
    items = [
        _render_body_point(
            point,
            side,
            _state(states.get((point.code, side), "available")),
            titles.get((point.code, side), ""),
            interactive,
            chart_id,
            "",
        )
        for point in points
        if not point.is_facial
        for side in point.sides
    ]
    return format_html(
        '<ul class="body-points" aria-label="Body points"{}>{}</ul>',
        _data_attributes(
            interactive=interactive, tap_url=tap_url, tap_target=tap_target, version=version
        ),
        mark_safe("".join(items)),
    )


def _state(value: str) -> str:
    return value if value in STATES else "available"


__all__ = [
    "STATES",
    "ChartPoint",
    "chart_points",
    "point_element_id",
    "point_label",
    "recipe_positions",
    "render_body_points",
    "render_chart_point",
    "render_face_chart",
]

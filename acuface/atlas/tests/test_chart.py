"""The face chart SVG: every facial point exactly once per side, at the vision positions."""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from collections import Counter

import pytest

from acuface.atlas.chart import recipe_positions, render_body_points, render_face_chart
from acuface.atlas.models import Point

SVG = "{http://www.w3.org/2000/svg}"


def _points(svg: str) -> list[ET.Element]:
    root = ET.fromstring(svg)  # noqa: S314 (our own output)
    return [g for g in root.iter(f"{SVG}g") if g.get("data-code")]


@pytest.mark.django_db
def test_every_facial_point_appears_exactly_once_per_side() -> None:
    svg = str(render_face_chart(states={}, interactive=True))
    seen = Counter((g.get("data-code"), g.get("data-side")) for g in _points(svg))
    expected = {(p.code, side) for p in Point.objects.filter(is_facial=True) for side in p.sides}
    assert set(seen) == expected
    assert set(seen.values()) == {1}
    assert len(expected) == 47  # 21 bilateral + 5 midline facial points of CLINICAL.md section 5


@pytest.mark.django_db
def test_points_are_keyboard_reachable_labelled_buttons() -> None:
    svg = str(render_face_chart(states={("ST2", "right"): "planned"}, interactive=True))
    for g in _points(svg):
        assert g.get("role") == "button"
        assert g.get("tabindex") == "0"
        assert g.get("aria-label", "").startswith(f"{g.get('data-code')} ")
    st2 = next(
        g for g in _points(svg) if g.get("data-code") == "ST2" and g.get("data-side") == "right"
    )
    assert st2.get("aria-label") == "ST2 Sibai, client's right, planned"
    assert "pt--planned" in (st2.get("class") or "")


@pytest.mark.django_db
def test_a_static_chart_has_no_buttons() -> None:
    svg = str(render_face_chart(states={}, interactive=False))
    assert all(g.get("role") == "img" and g.get("tabindex") is None for g in _points(svg))


@pytest.mark.django_db
@pytest.mark.parametrize("state", ["planned", "excluded", "needled", "removed", "available"])
def test_each_state_shows_as_a_class(state: str) -> None:
    svg = str(render_face_chart(states={("GB1", "left"): state}))
    gb1 = next(
        g for g in _points(svg) if g.get("data-code") == "GB1" and g.get("data-side") == "left"
    )
    assert f"pt--{state}" in (gb1.get("class") or "")
    struck = gb1.find(f"{SVG}line") is not None
    assert struck is (state in ("excluded", "removed"))


@pytest.mark.django_db
def test_positions_come_from_the_vision_recipes_and_the_right_side_is_on_the_viewers_left() -> None:
    svg = str(render_face_chart(states={}))
    positions = recipe_positions()
    for g in _points(svg):
        dot = g.find(f"{SVG}circle[@class='pt-dot']")
        assert dot is not None
        xy = (float(dot.get("cx", "nan")), float(dot.get("cy", "nan")))
        key = (g.get("data-code"), g.get("data-side"))
        if key in positions:
            assert xy == pytest.approx(positions[key], abs=0.06)  # rounded to 0.1 in the SVG
            assert "pt--chart-only" not in (g.get("class") or "")
        else:
            assert "pt--chart-only" in (g.get("class") or ""), key
        if key[1] == "right":
            assert xy[0] < 500
        elif key[1] == "left":
            assert xy[0] > 500


@pytest.mark.django_db
def test_hostile_text_in_titles_and_urls_is_escaped() -> None:
    hostile = '<script>alert("x")</script>'
    svg = str(
        render_face_chart(
            states={("ST2", "left"): "excluded"},
            titles={("ST2", "left"): hostile},
            tap_url='/x/"><script>',
            interactive=True,
        )
    )
    assert "<script>" not in svg
    ET.fromstring(svg)  # noqa: S314 (our own output, still well-formed)
    body = str(
        render_body_points(states={("LI4", "left"): "excluded"}, titles={("LI4", "left"): hostile})
    )
    assert "<script>" not in body and "&lt;script&gt;" in body


@pytest.mark.django_db
def test_unknown_states_are_drawn_as_available() -> None:
    svg = str(render_face_chart(states={("ST2", "left"): 'bogus" onload="x'}))
    st2 = next(
        g for g in _points(svg) if g.get("data-code") == "ST2" and g.get("data-side") == "left"
    )
    assert st2.get("data-state") == "available"


@pytest.mark.django_db
def test_body_points_are_listed_once_per_side() -> None:
    html = str(render_body_points(states={}, interactive=True))
    body = Point.objects.filter(is_facial=False)
    for point in body:
        for side in point.sides:
            assert html.count(f'data-code="{point.code}" data-side="{side}"') == 1


def test_importing_the_chart_does_not_load_mediapipe() -> None:
    code = (
        "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'config.settings');"
        "django.setup(); import sys, acuface.atlas.chart as c; c.recipe_positions();"
        "print('mediapipe' in sys.modules)"
    )
    out = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert out.stdout.strip().endswith("False")


@pytest.mark.django_db
def test_over_a_photo_only_points_with_a_photo_position_are_drawn() -> None:
    positions = {("ST2", "right"): (812.5, 930.25), ("EX-HN3", "midline"): (1000.0, 640.0)}
    svg = str(
        render_face_chart(
            states={("ST2", "right"): "needled"},
            positions=positions,
            viewbox=(0, 0, 2000, 2500),
            background_href="/photos/1/image/?a=1&b=2",
            interactive=True,
        )
    )
    root = ET.fromstring(svg)  # noqa: S314 (our own output)
    drawn = {(g.get("data-code"), g.get("data-side")) for g in _points(svg)}
    assert drawn == set(positions)
    assert root.get("viewBox") == "0 0 2000 2500"
    assert root.find(f"{SVG}image") is not None and "fc-outline" not in svg
    st2 = next(g for g in _points(svg) if g.get("data-code") == "ST2")
    dot = st2.find(f"{SVG}circle[@class='pt-dot']")
    assert dot is not None and (dot.get("cx"), dot.get("cy")) == ("812.5", "930.2")
    assert "pt--needled" in (st2.get("class") or "")


def _targets(svg: str) -> list[tuple[str, float, float, float]]:
    found = []
    for g in _points(svg):
        hit = g.find(f"{SVG}circle[@class='pt-hit']")
        assert hit is not None
        name = f"{g.get('data-code')} {g.get('data-side')}"
        found.append((name, float(hit.get("cx")), float(hit.get("cy")), float(hit.get("r"))))
    return found


@pytest.mark.django_db
def test_no_two_touch_targets_overlap() -> None:
    import itertools
    import math

    targets = _targets(str(render_face_chart(states={}, interactive=True)))
    overlapping = [
        (a[0], b[0])
        for a, b in itertools.combinations(targets, 2)
        if math.hypot(a[1] - b[1], a[2] - b[2]) < a[3] + b[3]
    ]
    assert not overlapping
    # Only a crowded point gets a smaller target: one with a neighbour just beyond its edge.
    for name, x, y, r in targets:
        if r < 30:
            nearest = min(math.hypot(x - ox, y - oy) for n, ox, oy, _ in targets if n != name)
            assert nearest <= 2 * r + 1.2, (name, r, nearest)
    assert sum(r == 30 for *_, r in targets) >= 20  # most points keep the full target


@pytest.mark.django_db
def test_a_single_point_keeps_the_target_of_the_whole_chart() -> None:
    from acuface.atlas.chart import render_chart_point

    whole = {t[0]: t[3] for t in _targets(str(render_face_chart(states={}, interactive=True)))}
    st1 = Point.objects.get(code="ST1")
    drawn = render_chart_point(st1, "right", state="planned", interactive=True)
    one = f'<svg xmlns="http://www.w3.org/2000/svg">{drawn}</svg>'
    assert _targets(one)[0][3] == whole["ST1 right"] < 30

"""The face chart: point recipes run on the canonical face, and its outline polylines.

The Django face chart is an SVG whose ``viewBox`` is ``0 0 1000 1250`` (the canonical frame of
:mod:`acuface.vision.canonical`: ``x`` right, ``y`` down, client's right pupil at (330, 480)).
:func:`chart_points` places the same recipes used on photos on the canonical layout, so a point
on the chart and the same point on a photo differ only by the similarity transform returned by
:func:`photo_to_chart`.
"""

from __future__ import annotations

import functools

import numpy as np
import numpy.typing as npt

from acuface.vision.canonical import (
    CHART_HEIGHT,
    CHART_LEFT_PUPIL,
    CHART_RIGHT_PUPIL,
    CHART_WIDTH,
    load_canonical,
)
from acuface.vision.geometry import similarity_from_pupils
from acuface.vision.landmarks import FaceLandmarks
from acuface.vision.points import Gv26Variant, PointSet, place_points

FloatArray = npt.NDArray[np.float64]

__all__ = [
    "CHART_HEIGHT",
    "CHART_WIDTH",
    "chart_outline_paths",
    "chart_outlines",
    "chart_points",
    "photo_to_chart",
]


@functools.lru_cache(maxsize=2)
def chart_points(gv26_variant: Gv26Variant = "who_midpoint") -> PointSet:
    """Every facial point placed on the canonical face (chart units, ``x`` right, ``y`` down)."""
    return place_points(load_canonical().as_landmarks(), gv26_variant=gv26_variant)


def chart_outlines() -> dict[str, list[list[tuple[float, float]]]]:
    """Polylines to draw the chart face, in chart units.

    Returns
    -------
    dict
        ``face_oval``, ``lips``, ``right_eye``, ``left_eye``, ``right_eyebrow``,
        ``left_eyebrow``, ``right_iris``, ``left_iris``, ``nose`` -> list of polylines, each a
        list of ``(x, y)``. Closed outlines repeat their first point at the end.
    """
    layout = load_canonical()
    return {
        name: [[(round(float(x), 1), round(float(y), 1)) for x, y in line] for line in lines]
        for name, lines in layout.outline_points().items()
    }


def chart_outline_paths() -> dict[str, str]:
    """The outlines as SVG path data (``d`` attributes), one string per feature."""
    paths: dict[str, str] = {}
    for name, lines in chart_outlines().items():
        parts = []
        for line in lines:
            head, *rest = line
            parts.append(f"M{head[0]:g},{head[1]:g}" + "".join(f"L{x:g},{y:g}" for x, y in rest))
        paths[name] = " ".join(parts)
    return paths


def photo_to_chart(face: FaceLandmarks) -> FloatArray:
    """Similarity matrix (2 x 3) from a photo's pixels to chart units, on the pupils.

    ``apply_transform(photo_to_chart(face), xy)`` gives a photo point's place on the chart.
    """
    return similarity_from_pupils(face.points, CHART_RIGHT_PUPIL, CHART_LEFT_PUPIL)

"""Skin regions as landmark-index polygons.

Each region is a polygon of MediaPipe landmark indices (optionally minus other polygons, e.g. the
lips are cut out of the perioral ring). Bilateral regions are written for the client's right side
and mirrored with the canonical mirror pairing; midline regions are written as a right half-path
from one midline landmark to another and closed through the mirrored half. Indices were chosen on
the canonical layout (drawn with its index labels) to match CLINICAL.md section 7's regions.

Each region also carries the wrinkle orientation it expects (used to weight the ridge filter in
:mod:`acuface.vision.metrics`):

``"horizontal"`` / ``"vertical"``
    Lines running across / up-down the face (in the levelled standard face).
``"radial"``
    Lines radiating from a centre landmark (crow's feet from the outer eye corner, lip lines
    from the mouth centre).
``"along"``
    Lines running along the direction between two landmarks (the nasolabial fold).
``"any"``
    No preference.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import cv2
import numpy as np
import numpy.typing as npt

from acuface.vision.canonical import load_canonical

Orientation = Literal["horizontal", "vertical", "radial", "along", "any"]
RegionSide = Literal["right", "left", "midline"]

__all__ = ["REGIONS", "REGION_NAMES", "Region", "region_mask"]


@dataclass(frozen=True)
class Region:
    """One skin region.

    Attributes
    ----------
    region_id : str
        ``"forehead"``, ``"crows_feet_right"``...
    label : str
        Name for people.
    side : {"right", "left", "midline"}
    polygon : tuple of int
        Landmark indices, in order around the region.
    excluded : tuple of tuple of int
        Polygons cut out of it.
    orientation : str
        Expected wrinkle orientation (see module docstring).
    reference : tuple of int
        Landmarks for the orientation: the centre for ``"radial"``, two ends for ``"along"``.
    """

    region_id: str
    label: str
    side: RegionSide
    polygon: tuple[int, ...]
    excluded: tuple[tuple[int, ...], ...]
    orientation: Orientation
    reference: tuple[int, ...] = ()


LIPS_OUTER = (
    61,
    185,
    40,
    39,
    37,
    0,
    267,
    269,
    270,
    409,
    291,
    375,
    321,
    405,
    314,
    17,
    84,
    181,
    91,
    146,
)


def _mirror(indices: tuple[int, ...]) -> tuple[int, ...]:
    mirror = load_canonical().mirror
    return tuple(int(mirror[i]) for i in indices)


def _symmetric(half: tuple[int, ...]) -> tuple[int, ...]:
    """Close a right half-path (midline to midline) through its mirror image."""
    return half + tuple(reversed(_mirror(half[1:-1])))


def _build() -> dict[str, Region]:
    bilateral: list[tuple[str, str, tuple[int, ...], Orientation, tuple[int, ...]]] = [
        ("crows_feet", "crow's feet", (124, 156, 139, 143, 111, 31, 226, 113), "radial", (33,)),
        ("under_eye", "under-eye", (110, 24, 23, 22, 26, 121, 120, 119, 118), "horizontal", ()),
        ("cheek", "cheek", (117, 118, 101, 36, 205, 187, 147, 123, 116), "any", ()),
        # A band centred on the fold line 203-206-216-212 (checked on the shared photos), so a
        # small landmark drift does not move the fold across the region's edge.
        (
            "nasolabial",
            "nasolabial fold",
            (36, 205, 207, 214, 212, 57, 186, 92, 165, 203),
            "along",
            (203, 212),
        ),
        ("jowl", "jowl / marionette", (214, 212, 202, 204, 211, 170, 150, 136, 135), "any", ()),
    ]
    regions: dict[str, Region] = {
        "forehead": Region(
            "forehead",
            "forehead",
            "midline",
            _symmetric((151, 108, 69, 104, 68, 54, 103, 67, 109, 10)),
            (),
            "horizontal",
        ),
        "glabella": Region(
            "glabella",
            "frown area (glabella)",
            "midline",
            _symmetric((151, 108, 107, 55, 193, 168)),
            (),
            "vertical",
        ),
        "perioral": Region(
            "perioral",
            "around the mouth (perioral)",
            "midline",
            _symmetric((164, 167, 165, 92, 186, 57, 43, 106, 182, 83, 18)),
            (LIPS_OUTER,),
            "radial",
            (13, 14),
        ),
        "chin": Region(
            "chin",
            "chin",
            "midline",
            _symmetric((18, 83, 201, 208, 171, 148, 152)),
            (),
            "any",
        ),
    }
    for rid, label, polygon, orientation, reference in bilateral:
        regions[f"{rid}_right"] = Region(
            f"{rid}_right", f"{label} (right)", "right", polygon, (), orientation, reference
        )
        regions[f"{rid}_left"] = Region(
            f"{rid}_left",
            f"{label} (left)",
            "left",
            _mirror(polygon),
            (),
            orientation,
            _mirror(reference),
        )
    return regions


#: Region id -> region, forehead first.
REGIONS: dict[str, Region] = _build()
#: Region id -> label.
REGION_NAMES: dict[str, str] = {rid: r.label for rid, r in REGIONS.items()}


def region_mask(
    region: Region, points: npt.NDArray[np.float64], shape: tuple[int, int]
) -> npt.NDArray[np.bool_]:
    """Pixels inside a region.

    Parameters
    ----------
    region : Region
    points : ndarray, shape (478, 2), dtype float64
        Landmarks in the pixels of the target image (``x`` right, ``y`` down).
    shape : tuple of int
        ``(H, W)`` of the target image.

    Returns
    -------
    ndarray, shape (H, W), dtype bool
    """
    mask = np.zeros(shape, dtype=np.uint8)
    cv2.fillPoly(mask, [np.round(points[list(region.polygon)]).astype(np.int32)], (1.0,))
    for hole in region.excluded:
        cv2.fillPoly(mask, [np.round(points[list(hole)]).astype(np.int32)], (0.0,))
    return mask > 0

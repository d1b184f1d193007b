"""Facial acupuncture points placed from landmarks by anatomical proportion.

Each recipe works in the face frame (:class:`acuface.vision.geometry.FaceFrame`: origin between
the pupils, ``u`` towards the client's left, ``v`` down the face, unit = pupil distance), so the
result turns and scales with the face. Positions returned are image pixels (``x`` right, ``y``
down). "Right/left" are the client's. Locations follow CLINICAL.md section 5 (WHO standard
locations, paraphrased). Every position is a suggestion the practitioner confirms or moves.

Proportional unit (cun)
    Facial cun are bone-proportional (glabella to front hairline = 3 cun; between the two ST8 =
    9 cun), but neither the hairline nor ST8 is visible to the mesh. The cun is therefore
    estimated from the pupil distance, which the mesh measures most precisely: with adult averages
    (pupil distance ~63 mm, glabella-hairline ~55-60 mm / 3 cun and ST8-ST8 ~140-150 mm / 9 cun,
    i.e. 1 cun ~ 16-19 mm) one cun is taken as ``pupil distance / 3.7`` (~17 mm).

Mesh indices checked against CLINICAL.md's starting recipes by drawing them on the shared photos:

- Brow points: 107/336 and 105/334 lie on the *upper* edge of the brow; the brow's centre line
  is the midpoint of the upper (70 63 105 66 107) and lower (46 53 52 65 55) brow contours, so
  BL2 is mid(107, 55), Yuyao is that centre line at the pupil, TE23 is mid(70, 46).
- CV24: 17 -> 152 runs to the bottom of the chin; the mentolabial groove lies between 17 (lower
  lip) and 18, so CV24 = 40% of the way from 17 to 18.
- GV25: 4 (MediaPipe's most forward point) lies on the upper part of the nasal tip and 1 on its
  lower part, just above the columella; the tip's centre, where GV25 is, is mid(4, 1).
- Jaw angle: 172/397 confirmed as the frontal jaw corner on the face contour.

Decisions where sources differ:

- GB14 is placed (status ``"estimated"``): 1 cun above the brow centre over the pupil, with the cun
  from the pupil distance, because the hairline that defines the B-cun is not in the mesh.
- ST7 is placed as ``"estimated"``: the jaw-joint depression needs a side view to be exact.
- LI19 is level with GV26 as CLINICAL.md says, so it follows the GV26 variant (WHO 2008 puts LI19
  at the upper third of the philtrum even though its GV26 is at the midpoint).
- SI19/TE21/GB2 (tragus) and GV24/ST8 (hairline) are never placed: status ``"not_locatable"``.

Right-side landmark indices are written here; the left side uses the mirror pairing stored with the
canonical layout (e.g. 33 -> 263, 61 -> 291).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from acuface.vision.anchors import MeshAnchor, anchor_points
from acuface.vision.canonical import load_canonical
from acuface.vision.geometry import FaceFrame
from acuface.vision.landmarks import FaceLandmarks
from acuface.vision.recipes import (
    CUN,
    CUN_PER_PUPIL_DISTANCE,
    FaceGeometry,
    Recipe,
    Side,
    bl2,
    cv24,
    gb1,
    gb14,
    gv25,
    gv26,
    li19,
    li20,
    qiuhou,
    si18,
    st1,
    st2,
    st3,
    st4,
    st5,
    st6,
    st7,
    taiyang,
    te23,
    yintang,
    yuyao,
)

FloatArray = npt.NDArray[np.float64]
PointStatus = Literal["located", "estimated", "not_locatable"]
Gv26Variant = Literal["who_midpoint", "classical_upper_third"]

__all__ = [
    "CUN_PER_PUPIL_DISTANCE",
    "POINT_NAMES",
    "POINT_RECIPES",
    "RECIPES",
    "PlacedPoint",
    "PointRecipe",
    "PointSet",
    "place_points",
]

NOT_FRONTAL = "not locatable from a frontal photo"

#: Code -> English/pinyin name.
POINT_NAMES: dict[str, str] = {
    "EX-HN3": "Yintang",
    "BL2": "Cuanzhu",
    "EX-HN4": "Yuyao",
    "TE23": "Sizhukong",
    "GB14": "Yangbai",
    "GB1": "Tongziliao",
    "EX-HN5": "Taiyang",
    "ST1": "Chengqi",
    "ST2": "Sibai",
    "EX-HN7": "Qiuhou",
    "ST3": "Juliao",
    "SI18": "Quanliao",
    "LI20": "Yingxiang",
    "LI19": "Kouheliao",
    "GV25": "Suliao",
    "GV26": "Shuigou",
    "ST4": "Dicang",
    "CV24": "Chengjiang",
    "ST5": "Daying",
    "ST6": "Jiache",
    "ST7": "Xiaguan",
    "SI19": "Tinggong",
    "TE21": "Ermen",
    "GB2": "Tinghui",
    "GV24": "Shenting",
    "ST8": "Touwei",
}

#: Codes without a recipe, with the reason.
NOT_LOCATABLE: dict[str, str] = {
    "SI19": "tragus row: the ear is not in the face mesh; needs a side view",
    "TE21": "tragus row: the ear is not in the face mesh; needs a side view",
    "GB2": "tragus row: the ear is not in the face mesh; needs a side view",
    "GV24": "0.5 cun inside the hairline: the hairline is not in the face mesh",
    "ST8": "forehead corner at the hairline: the hairline is not in the face mesh",
}
BILATERAL_NOT_LOCATABLE = frozenset({"SI19", "TE21", "GB2", "ST8"})


@dataclass(frozen=True)
class PointRecipe:
    """How one point is placed.

    Attributes
    ----------
    recipe_id : str
        Stable identifier the atlas refers to (``"yintang"``, ``"bl2"``...).
    code : str
        Point code (``"EX-HN3"``).
    is_bilateral : bool
        True: a right and a left position; False: one midline position.
    status : str
        ``"located"``, or ``"estimated"`` when the frontal view can only approximate it.
    note : str
        How it is placed, in words.
    function : callable
        ``(face, side) -> face-frame position``; internal.
    """

    recipe_id: str
    code: str
    is_bilateral: bool
    status: PointStatus
    note: str
    function: Recipe


def _r(
    rid: str, code: str, bilateral: bool, fn: Recipe, note: str, est: bool = False
) -> PointRecipe:
    return PointRecipe(rid, code, bilateral, "estimated" if est else "located", note, fn)


#: Recipe id -> recipe, in chart order (forehead to jaw).
RECIPES: dict[str, PointRecipe] = {
    r.recipe_id: r
    for r in (
        _r("yintang", "EX-HN3", False, yintang, "midway between the inner ends of the brows"),
        _r("bl2", "BL2", True, bl2, "inner end of the brow, centre of the brow head"),
        _r("yuyao", "EX-HN4", True, yuyao, "middle of the brow, above the pupil"),
        _r("te23", "TE23", True, te23, "outer end of the brow"),
        _r(
            "gb14",
            "GB14",
            True,
            gb14,
            "1 cun above the brow over the pupil; hairline unseen, cun from pupil distance",
            est=True,
        ),
        _r("gb1", "GB1", True, gb1, "0.5 cun lateral to the outer eye corner"),
        _r(
            "taiyang",
            "EX-HN5",
            True,
            taiyang,
            "a finger-breadth behind the brow-end/eye-corner midpoint",
        ),
        _r("st1", "ST1", True, st1, "below the pupil, 0.3 cun below the lower lid margin"),
        _r("st2", "ST2", True, st2, "1 cun below the pupil"),
        _r("qiuhou", "EX-HN7", True, qiuhou, "lower orbital rim at its outer quarter"),
        _r("st3", "ST3", True, st3, "below the pupil, level with the lower border of the ala"),
        _r("si18", "SI18", True, si18, "below the outer eye corner, level with the ala base"),
        _r("li20", "LI20", True, li20, "beside the middle of the nostril wing, in the groove"),
        _r("li19", "LI19", True, li19, "below the nostril's outer edge, level with GV26"),
        _r("gv25", "GV25", False, gv25, "tip of the nose"),
        _r("gv26", "GV26", False, gv26, "philtrum: midpoint (WHO) or upper third (classical)"),
        _r("st4", "ST4", True, st4, "0.4 cun lateral to the mouth corner"),
        _r("cv24", "CV24", False, cv24, "centre of the groove between lower lip and chin"),
        _r("st5", "ST5", True, st5, "jaw line 1 cun in front of the jaw angle"),
        _r("st6", "ST6", True, st6, "a finger-breadth up and forward from the jaw angle"),
        _r(
            "st7",
            "ST7",
            True,
            st7,
            "below the zygomatic arch in front of the jaw joint; a side view is exact",
            est=True,
        ),
    )
}

#: Every facial point code -> its recipe id, or None when it cannot be found on a frontal photo.
POINT_RECIPES: dict[str, str | None] = {
    code: next((r.recipe_id for r in RECIPES.values() if r.code == code), None)
    for code in POINT_NAMES
}


@dataclass(frozen=True)
class PlacedPoint:
    """One point on one side.

    Attributes
    ----------
    code, name : str
        ``"ST2"``, ``"Sibai"``.
    side : {"right", "left", "midline"}
        The client's side.
    status : {"located", "estimated", "not_locatable"}
    recipe_id : str or None
    xy : tuple of 2 float or None
        Pixels (``x`` right, ``y`` down); None when not locatable.
    anchor : MeshAnchor or None
        The same position on the mesh (to carry it to later photos).
    note : str
        How it was placed, or why it could not be.
    """

    code: str
    name: str
    side: Side
    status: PointStatus
    recipe_id: str | None
    xy: tuple[float, float] | None
    anchor: MeshAnchor | None
    note: str

    def to_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "name": self.name,
            "side": self.side,
            "status": self.status,
            "recipe_id": self.recipe_id,
            "xy": list(self.xy) if self.xy is not None else None,
            "anchor": self.anchor.to_dict() if self.anchor is not None else None,
            "note": self.note,
        }


@dataclass(frozen=True)
class PointSet:
    """All facial points of one face.

    Attributes
    ----------
    points : tuple of PlacedPoint
        Located and estimated points, then the ones not locatable (no position).
    gv26_variant : str
    cun_px : float
        The proportional unit used, in pixels.
    """

    points: tuple[PlacedPoint, ...]
    gv26_variant: Gv26Variant
    cun_px: float

    def get(self, code: str, side: Side = "midline") -> PlacedPoint:
        """The point with this code on this side (``KeyError`` if absent)."""
        for p in self.points:
            if p.code == code and p.side == side:
                return p
        raise KeyError((code, side))

    def located(self) -> tuple[PlacedPoint, ...]:
        """Points that have a position."""
        return tuple(p for p in self.points if p.xy is not None)

    def positions(self) -> FloatArray:
        """Positions of :meth:`located` points, shape ``(N, 2)``, pixels."""
        return np.array([p.xy for p in self.located()], dtype=np.float64).reshape(-1, 2)

    def to_dict(self) -> dict[str, object]:
        return {
            "gv26_variant": self.gv26_variant,
            "cun_px": self.cun_px,
            "points": [p.to_dict() for p in self.points],
        }


GV26_FRACTIONS: dict[Gv26Variant, float] = {
    "who_midpoint": 0.5,
    "classical_upper_third": 1.0 / 3.0,
}


def place_points(
    face: FaceLandmarks | FloatArray, *, gv26_variant: Gv26Variant = "who_midpoint"
) -> PointSet:
    """Place every facial point on one face.

    Parameters
    ----------
    face : FaceLandmarks or ndarray, shape (478, 2), dtype float64
        Landmarks in pixels (``x`` right, ``y`` down).
    gv26_variant : {"who_midpoint", "classical_upper_third"}
        GV26 (and LI19, level with it) at the middle of the philtrum (WHO 2008) or at its upper
        third (classical texts).

    Returns
    -------
    PointSet
    """
    pts = face.points if isinstance(face, FaceLandmarks) else np.asarray(face, dtype=np.float64)
    frame = FaceFrame.from_points(pts)
    helper = FaceGeometry(frame.to_face(pts), load_canonical().mirror, GV26_FRACTIONS[gv26_variant])
    located: list[tuple[PointRecipe, Side, FloatArray]] = []
    for recipe in RECIPES.values():
        sides: tuple[Side, ...] = ("right", "left") if recipe.is_bilateral else ("midline",)
        for side in sides:
            located.append((recipe, side, frame.to_image(recipe.function(helper, side))))
    anchors = anchor_points(pts, np.array([xy for _, _, xy in located]))
    placed = [
        PlacedPoint(
            code=recipe.code,
            name=POINT_NAMES[recipe.code],
            side=side,
            status=recipe.status,
            recipe_id=recipe.recipe_id,
            xy=(float(xy[0]), float(xy[1])),
            anchor=anchor,
            note=recipe.note,
        )
        for (recipe, side, xy), anchor in zip(located, anchors, strict=True)
    ]
    for code, reason in NOT_LOCATABLE.items():
        no_sides: tuple[Side, ...] = (
            ("right", "left") if code in BILATERAL_NOT_LOCATABLE else ("midline",)
        )
        for side in no_sides:
            placed.append(
                PlacedPoint(
                    code,
                    POINT_NAMES[code],
                    side,
                    "not_locatable",
                    None,
                    None,
                    None,
                    f"{NOT_FRONTAL}: {reason}",
                )
            )
    return PointSet(tuple(placed), gv26_variant, frame.pupil_distance * CUN)

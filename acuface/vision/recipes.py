"""Recipe functions placing each facial point in the face frame (see :mod:`acuface.vision.points`).

Every function takes the face's landmarks in face-frame units (:class:`FaceGeometry`: origin
between the pupils, ``u`` towards the client's left, ``v`` down the face, 1 = pupil distance) and
a side, and returns the point's face-frame position, shape ``(2,)``. Right-side landmark indices
are written here; the left side uses the canonical mirror pairing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from acuface.vision.landmarks import RIGHT_PUPIL

FloatArray = npt.NDArray[np.float64]
Side = Literal["right", "left", "midline"]

#: One cun is this many times smaller than the pupil distance (see module docstring).
CUN_PER_PUPIL_DISTANCE = 3.7
CUN = 1.0 / CUN_PER_PUPIL_DISTANCE  # in pupil-distance units

# Right-side landmark indices (client's right; the left side is mirrored).
OUTER_CANTHUS = 33
INNER_CANTHUS = 133
BROW_UPPER = (70, 63, 105, 66, 107)
BROW_LOWER = (46, 53, 52, 65, 55)
LOWER_LID = (33, 7, 163, 144, 145, 153, 154, 155, 133)
ALA_MIDDLE = 129
NOSTRIL_LATERAL = 98
MOUTH_CORNER = 61
JAW_ANGLE = 172
JAW_LINE = (172, 136, 150, 149, 176, 148, 152)
CHEEK_CONTOUR_EAR = (234, 127)
NOSE_TIP = 4
NOSE_TIP_LOWER = 1
SUBNASALE = 2
UPPER_LIP_TOP = 0
LOWER_LIP_BOTTOM = 17
MENTOLABIAL = 18


@dataclass(frozen=True)
class FaceGeometry:
    """Landmarks in face-frame units plus helpers used by the recipes."""

    coords: FloatArray  # (478, 2), pupil-distance units
    mirror: npt.NDArray[np.int64]
    gv26_fraction: float

    def at(self, index: int, side: Side) -> FloatArray:
        return np.asarray(self.coords[self.mirror[index] if side == "left" else index])

    def mid(self, a: int, b: int, side: Side) -> FloatArray:
        return (self.at(a, side) + self.at(b, side)) / 2.0

    def line_at_u(self, indices: tuple[int, ...], side: Side, u: float) -> FloatArray:
        """Point of a landmark polyline at horizontal face coordinate ``u`` (clamped)."""
        line = np.array([self.at(i, side) for i in indices])
        order = np.argsort(line[:, 0])
        v = float(np.interp(u, line[order, 0], line[order, 1]))
        return np.array([u, v])

    def brow_centre_at_u(self, side: Side, u: float) -> FloatArray:
        upper = self.line_at_u(BROW_UPPER, side, u)
        lower = self.line_at_u(BROW_LOWER, side, u)
        return (upper + lower) / 2.0


def _lateral(side: Side) -> float:
    """Sign of the face-frame ``u`` axis pointing away from the midline on ``side``."""
    return -1.0 if side == "right" else 1.0


def _offset(point: FloatArray, du: float, dv: float) -> FloatArray:
    return np.asarray(point + np.array([du, dv]), dtype=np.float64)


def bl2(f: FaceGeometry, s: Side) -> FloatArray:
    return f.mid(107, 55, s)


def yintang(f: FaceGeometry, s: Side) -> FloatArray:
    return (bl2(f, "right") + bl2(f, "left")) / 2.0


def yuyao(f: FaceGeometry, s: Side) -> FloatArray:
    return f.brow_centre_at_u(s, float(f.at(RIGHT_PUPIL, s)[0]))


def te23(f: FaceGeometry, s: Side) -> FloatArray:
    return f.mid(70, 46, s)


def gb14(f: FaceGeometry, s: Side) -> FloatArray:
    return _offset(yuyao(f, s), 0.0, -1.0 * CUN)


def gb1(f: FaceGeometry, s: Side) -> FloatArray:
    return _offset(f.at(OUTER_CANTHUS, s), _lateral(s) * 0.5 * CUN, 0.0)


def taiyang(f: FaceGeometry, s: Side) -> FloatArray:
    # One finger-breadth (~1 cun) *behind* the midpoint: the temple turns away from the camera
    # (roughly 55-60 degrees there), so on a frontal photo the step shows as ~0.6 cun sideways.
    middle = (te23(f, s) + f.at(OUTER_CANTHUS, s)) / 2.0
    return _offset(middle, _lateral(s) * 0.6 * CUN, 0.0)


def _below_lid(f: FaceGeometry, s: Side, u: float) -> FloatArray:
    # The infraorbital margin lies about 0.3 cun below the lower lid margin.
    return _offset(f.line_at_u(LOWER_LID, s, u), 0.0, 0.3 * CUN)


def st1(f: FaceGeometry, s: Side) -> FloatArray:
    return _below_lid(f, s, float(f.at(RIGHT_PUPIL, s)[0]))


def st2(f: FaceGeometry, s: Side) -> FloatArray:
    return _offset(f.at(RIGHT_PUPIL, s), 0.0, 1.0 * CUN)


def qiuhou(f: FaceGeometry, s: Side) -> FloatArray:
    outer = float(f.at(OUTER_CANTHUS, s)[0])
    inner = float(f.at(INNER_CANTHUS, s)[0])
    return _below_lid(f, s, outer + 0.25 * (inner - outer))


def st3(f: FaceGeometry, s: Side) -> FloatArray:
    return np.array([f.at(RIGHT_PUPIL, s)[0], f.at(NOSTRIL_LATERAL, s)[1]])


def si18(f: FaceGeometry, s: Side) -> FloatArray:
    return np.array([f.at(OUTER_CANTHUS, s)[0], f.at(NOSTRIL_LATERAL, s)[1]])


def li20(f: FaceGeometry, s: Side) -> FloatArray:
    return _offset(f.at(ALA_MIDDLE, s), _lateral(s) * 0.25 * CUN, 0.0)


def gv26(f: FaceGeometry, s: Side) -> FloatArray:
    top = f.at(SUBNASALE, "midline")
    return np.asarray(top + f.gv26_fraction * (f.at(UPPER_LIP_TOP, "midline") - top))


def li19(f: FaceGeometry, s: Side) -> FloatArray:
    return np.array([f.at(NOSTRIL_LATERAL, s)[0], gv26(f, "midline")[1]])


def gv25(f: FaceGeometry, s: Side) -> FloatArray:
    return (f.at(NOSE_TIP, "midline") + f.at(NOSE_TIP_LOWER, "midline")) / 2.0


def st4(f: FaceGeometry, s: Side) -> FloatArray:
    return _offset(f.at(MOUTH_CORNER, s), _lateral(s) * 0.4 * CUN, 0.0)


def cv24(f: FaceGeometry, s: Side) -> FloatArray:
    lip = f.at(LOWER_LIP_BOTTOM, "midline")
    return np.asarray(lip + 0.4 * (f.at(MENTOLABIAL, "midline") - lip))


def st5(f: FaceGeometry, s: Side) -> FloatArray:
    # 1 cun along the jaw line from the angle towards the chin, 0.15 cun in from the contour.
    line = np.array([f.at(i, s) for i in JAW_LINE])
    steps = np.hypot(*np.diff(line, axis=0).T)
    arc = np.concatenate([[0.0], np.cumsum(steps)])
    target = min(1.0 * CUN, float(arc[-1]))
    point = np.array([np.interp(target, arc, line[:, k]) for k in range(2)])
    return _offset(point, -_lateral(s) * 0.15 * CUN, 0.0)


def st6(f: FaceGeometry, s: Side) -> FloatArray:
    # One finger-breadth (~1 cun) up and forward from the jaw angle; forward projects medially.
    return _offset(f.at(JAW_ANGLE, s), -_lateral(s) * 0.5 * CUN, -0.8 * CUN)


def st7(f: FaceGeometry, s: Side) -> FloatArray:
    return _offset(f.mid(*CHEEK_CONTOUR_EAR, s), -_lateral(s) * 0.3 * CUN, 0.0)


Recipe = Callable[[FaceGeometry, Side], FloatArray]

"""Mesh anchors: a point stored as a landmark triangle plus barycentric weights.

A point the practitioner placed or moved on one photo is anchored to the face mesh, so it can be
carried onto the same client's later photos: :func:`anchor_point` on the first photo's landmarks,
:func:`place_anchor` on the next photo's landmarks. The triangulation is fixed (the Delaunay
triangulation of the canonical layout, :mod:`acuface.vision.canonical`), so anchors stay valid
across photos and processes. Coordinates are pixels, ``x`` right, ``y`` down.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from acuface.vision.canonical import load_canonical
from acuface.vision.landmarks import LANDMARK_COUNT, FaceLandmarks

FloatArray = npt.NDArray[np.float64]

__all__ = ["MeshAnchor", "anchor_point", "anchor_points", "place_anchor"]


@dataclass(frozen=True)
class MeshAnchor:
    """A position expressed on the face mesh.

    Attributes
    ----------
    triangle : tuple of 3 int
        MediaPipe landmark indices of the triangle's corners.
    weights : tuple of 3 float
        Barycentric weights (sum 1). All are >= 0 when the point lies inside the triangle; a point
        outside the mesh (say at the temple) is anchored to the nearest triangle with some
        negative weights, i.e. extrapolated.
    """

    triangle: tuple[int, int, int]
    weights: tuple[float, float, float]

    def to_dict(self) -> dict[str, list[int] | list[float]]:
        return {"triangle": list(self.triangle), "weights": list(self.weights)}

    @classmethod
    def from_dict(cls, data: dict[str, list[int] | list[float]]) -> MeshAnchor:
        a, b, c = (int(i) for i in data["triangle"])
        wa, wb, wc = (float(w) for w in data["weights"])
        return cls((a, b, c), (wa, wb, wc))


def _points(landmarks: FaceLandmarks | FloatArray) -> FloatArray:
    pts = landmarks.points if isinstance(landmarks, FaceLandmarks) else np.asarray(landmarks)
    if pts.shape != (LANDMARK_COUNT, 2):
        raise ValueError(f"expected ({LANDMARK_COUNT}, 2) landmarks, got {pts.shape}")
    return np.asarray(pts, dtype=np.float64)


def anchor_points(landmarks: FaceLandmarks | FloatArray, xys: FloatArray) -> list[MeshAnchor]:
    """Anchor several pixel positions at once (see :func:`anchor_point`).

    Parameters
    ----------
    landmarks : FaceLandmarks or ndarray, shape (478, 2), dtype float64
    xys : ndarray, shape (N, 2), dtype float64
        Points, pixels (``x`` right, ``y`` down).

    Returns
    -------
    list of MeshAnchor
        One per point, in order.
    """
    pts = _points(landmarks)
    points = np.asarray(xys, dtype=np.float64).reshape(-1, 2)
    triangles = load_canonical().triangles
    corners = pts[triangles]  # (T, 3, 2)
    a = corners[:, 0]
    e1 = corners[:, 1] - a
    e2 = corners[:, 2] - a
    det = e1[:, 0] * e2[:, 1] - e1[:, 1] * e2[:, 0]
    inverse = 1.0 / np.where(np.abs(det) < 1e-12, np.nan, det)
    rx = points[:, None, 0] - a[None, :, 0]  # (N, T)
    ry = points[:, None, 1] - a[None, :, 1]
    w1 = (rx * e2[:, 1] - ry * e2[:, 0]) * inverse
    w2 = (e1[:, 0] * ry - e1[:, 1] * rx) * inverse
    w0 = 1.0 - w1 - w2
    # The deepest-inside triangle maximises its smallest weight; degenerate ones are NaN.
    score = np.nan_to_num(np.minimum(np.minimum(w0, w1), w2), nan=-np.inf)
    best = np.argmax(score, axis=1)
    anchors = []
    for n, t in enumerate(best):
        i, j, k = (int(v) for v in triangles[t])
        anchors.append(MeshAnchor((i, j, k), (float(w0[n, t]), float(w1[n, t]), float(w2[n, t]))))
    return anchors


def anchor_point(landmarks: FaceLandmarks | FloatArray, xy: FloatArray) -> MeshAnchor:
    """Anchor a pixel position to the mesh of one face.

    Parameters
    ----------
    landmarks : FaceLandmarks or ndarray, shape (478, 2), dtype float64
        The face the point was placed on, pixels.
    xy : ndarray, shape (2,), dtype float64
        The point, pixels (``x`` right, ``y`` down).

    Returns
    -------
    MeshAnchor
        The triangle that contains the point (the one where it lies deepest inside when
        triangles overlap, as on a turned head), or the nearest one by barycentric distance.
    """
    return anchor_points(landmarks, np.asarray(xy, dtype=np.float64).reshape(1, 2))[0]


def place_anchor(landmarks: FaceLandmarks | FloatArray, anchor: MeshAnchor) -> FloatArray:
    """Position of an anchored point on a face.

    Parameters
    ----------
    landmarks : FaceLandmarks or ndarray, shape (478, 2), dtype float64
        The face to place the point on, pixels.
    anchor : MeshAnchor

    Returns
    -------
    ndarray, shape (2,), dtype float64
        ``(x, y)`` in pixels.
    """
    pts = _points(landmarks)
    corners = pts[list(anchor.triangle)]
    return np.asarray(np.asarray(anchor.weights) @ corners, dtype=np.float64)

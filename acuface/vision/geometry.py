"""Small geometry helpers shared by the vision modules.

Coordinates follow the package convention (see :mod:`acuface.vision`): pixels, origin top-left,
``x`` right, ``y`` down, ``float64``. A 2-D similarity or affine transform is a ``(2, 3)`` matrix
``M`` mapping a point ``p`` (shape ``(2,)``) to ``M[:, :2] @ p + M[:, 2]``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from acuface.vision.landmarks import LEFT_PUPIL, RIGHT_PUPIL

FloatArray = npt.NDArray[np.float64]

__all__ = [
    "FaceFrame",
    "apply_transform",
    "fit_similarity",
    "invert_transform",
    "similarity_from_pupils",
    "transform_scale",
]


def apply_transform(matrix: FloatArray, points: FloatArray) -> FloatArray:
    """Map points of shape ``(N, 2)`` (or ``(2,)``) through a ``(2, 3)`` affine matrix."""
    pts = np.asarray(points, dtype=np.float64)
    return np.asarray(pts @ matrix[:, :2].T + matrix[:, 2], dtype=np.float64)


def invert_transform(matrix: FloatArray) -> FloatArray:
    """Inverse of a ``(2, 3)`` affine matrix."""
    full = np.vstack([matrix, [0.0, 0.0, 1.0]])
    return np.asarray(np.linalg.inv(full)[:2], dtype=np.float64)


def transform_scale(matrix: FloatArray) -> float:
    """Isotropic scale factor of a ``(2, 3)`` similarity matrix."""
    return float(np.sqrt(abs(np.linalg.det(matrix[:, :2]))))


def fit_similarity(source: FloatArray, target: FloatArray) -> FloatArray:
    """Least-squares similarity (rotation, uniform scale, translation) from source to target.

    Umeyama's closed form, without reflection.

    Parameters
    ----------
    source, target : ndarray, shape (N, 2), dtype float64
        Corresponding points, ``N >= 2``.

    Returns
    -------
    ndarray, shape (2, 3), dtype float64
        ``M`` such that ``apply_transform(M, source)`` is closest to ``target``.
    """
    src = np.asarray(source, dtype=np.float64)
    dst = np.asarray(target, dtype=np.float64)
    src_mean = src.mean(axis=0)
    dst_mean = dst.mean(axis=0)
    src_c = src - src_mean
    dst_c = dst - dst_mean
    cov = dst_c.T @ src_c / len(src)
    u, s, vt = np.linalg.svd(cov)
    d = np.eye(2)
    if np.linalg.det(u) * np.linalg.det(vt) < 0:
        d[1, 1] = -1.0
    rotation = u @ d @ vt
    variance = float((src_c**2).sum() / len(src))
    scale = float(np.trace(np.diag(s) @ d)) / variance
    translation = dst_mean - scale * rotation @ src_mean
    return np.hstack([scale * rotation, translation[:, None]])


def similarity_from_pupils(
    points: FloatArray, right_target: FloatArray, left_target: FloatArray
) -> FloatArray:
    """Similarity that sends the right and left pupils of 478 landmarks onto two target points."""
    return fit_similarity(points[[RIGHT_PUPIL, LEFT_PUPIL]], np.vstack([right_target, left_target]))


@dataclass(frozen=True, eq=False)
class FaceFrame:
    """A frame attached to the face: origin between the pupils, unit = pupil distance.

    ``u`` runs from the client's right pupil to the left pupil (image left to right on an upright
    frontal photo), ``v`` is ``u`` turned 90° so it points down the face (towards the chin). The
    frame turns and scales with the face, so recipes written in it do not depend on the photo's
    rotation or size.

    Attributes
    ----------
    origin : ndarray, shape (2,), dtype float64
        Midpoint of the pupils, image pixels.
    u, v : ndarray, shape (2,), dtype float64
        Unit vectors in image pixels.
    pupil_distance : float
        Pixels between the pupils.
    """

    origin: FloatArray
    u: FloatArray
    v: FloatArray
    pupil_distance: float

    @classmethod
    def from_points(cls, points: FloatArray) -> FaceFrame:
        """Frame of a face given its ``(478, 2)`` landmarks."""
        right = points[RIGHT_PUPIL]
        left = points[LEFT_PUPIL]
        axis = left - right
        distance = float(np.hypot(*axis))
        if distance <= 0:
            raise ValueError("pupils coincide")
        u = axis / distance
        v = np.array([-u[1], u[0]])
        return cls((right + left) / 2.0, u, v, distance)

    def to_face(self, points: FloatArray) -> FloatArray:
        """Image pixels -> face coordinates (pupil-distance units), shape preserved."""
        rel = np.asarray(points, dtype=np.float64) - self.origin
        return np.asarray(
            np.stack([rel @ self.u, rel @ self.v], axis=-1) / self.pupil_distance, dtype=np.float64
        )

    def to_image(self, coords: FloatArray) -> FloatArray:
        """Face coordinates (pupil-distance units) -> image pixels, shape preserved."""
        c = np.asarray(coords, dtype=np.float64) * self.pupil_distance
        return np.asarray(
            self.origin + c[..., :1] * self.u + c[..., 1:2] * self.v, dtype=np.float64
        )

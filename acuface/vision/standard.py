"""Bring a face to the standard scale: eyes level, fixed pupil distance, fixed canvas.

Sharpness (:mod:`acuface.vision.quality`) and skin metrics (:mod:`acuface.vision.metrics`) are
measured on this standard face so that their values do not depend on the photo's resolution or on
how the head is tilted. The warp is a similarity transform; its matrix maps photo pixels to
standard-canvas pixels (both ``x`` right, ``y`` down).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt

from acuface.vision.geometry import apply_transform, similarity_from_pupils, transform_scale
from acuface.vision.landmarks import FaceLandmarks

FloatArray = npt.NDArray[np.float64]

__all__ = [
    "STANDARD_HEIGHT",
    "STANDARD_PUPIL_DISTANCE",
    "STANDARD_WIDTH",
    "StandardFace",
    "standardise_face",
]

#: Pupil distance of the standard face, pixels.
STANDARD_PUPIL_DISTANCE = 200.0
STANDARD_WIDTH = 600
STANDARD_HEIGHT = 760
STANDARD_RIGHT_PUPIL = np.array([200.0, 300.0])
STANDARD_LEFT_PUPIL = np.array([400.0, 300.0])


@dataclass(frozen=True, eq=False)
class StandardFace:
    """A face warped to the standard canvas.

    Attributes
    ----------
    image : ndarray, shape (760, 600, 3), dtype uint8
        RGB pixels; outside the photo they are 0.
    valid : ndarray, shape (760, 600), dtype bool
        True where the pixel came from inside the photo.
    landmarks : FaceLandmarks
        The face's landmarks in standard-canvas pixels.
    matrix : ndarray, shape (2, 3), dtype float64
        Photo pixels -> standard pixels.
    """

    image: npt.NDArray[np.uint8]
    valid: npt.NDArray[np.bool_]
    landmarks: FaceLandmarks
    matrix: FloatArray


def standardise_face(image: npt.NDArray[np.uint8], face: FaceLandmarks) -> StandardFace:
    """Warp a photo so that the face's pupils land on the standard positions.

    Parameters
    ----------
    image : ndarray, shape (H, W, 3), dtype uint8
        RGB photo.
    face : FaceLandmarks
        The face to standardise, in that photo's pixels.

    Returns
    -------
    StandardFace
    """
    matrix = similarity_from_pupils(face.points, STANDARD_RIGHT_PUPIL, STANDARD_LEFT_PUPIL)
    scale = transform_scale(matrix)
    source: npt.NDArray[Any] = image
    warp = matrix
    if scale < 0.8:
        # Shrink with area averaging first so fine texture is not aliased by the warp.
        fx = scale
        source = cv2.resize(image, None, fx=fx, fy=fx, interpolation=cv2.INTER_AREA)
        real_fx = source.shape[1] / image.shape[1]
        real_fy = source.shape[0] / image.shape[0]
        # matrix = warp o shrink, so warp = matrix o shrink^-1 (pixel centres at integers).
        unshrink = np.array(
            [
                [1 / real_fx, 0, 0.5 / real_fx - 0.5],
                [0, 1 / real_fy, 0.5 / real_fy - 0.5],
                [0, 0, 1],
            ]
        )
        warp = matrix @ unshrink
    size = (STANDARD_WIDTH, STANDARD_HEIGHT)
    out = cv2.warpAffine(source, warp, size, flags=cv2.INTER_LINEAR, borderValue=(0.0, 0.0, 0.0))
    # The photo's outline on the canvas (cheaper than warping a mask of ones).
    h, w = source.shape[:2]
    outline = apply_transform(warp, np.array([[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]]))
    mask = np.zeros((STANDARD_HEIGHT, STANDARD_WIDTH), dtype=np.uint8)
    cv2.fillConvexPoly(mask, np.round(outline).astype(np.int32), (1.0,))
    valid = mask > 0
    landmarks = FaceLandmarks(
        apply_transform(matrix, face.points),
        face.depth * scale,
        STANDARD_WIDTH,
        STANDARD_HEIGHT,
    )
    return StandardFace(np.asarray(out, dtype=np.uint8), valid, landmarks, matrix)

"""Two photos of the same client, aligned on their landmarks, and metric changes between visits.

The second photo is warped into the first photo's pixel frame by the similarity transform
(rotation, uniform scale, translation) that best maps its stable landmarks (eye corners, nose
bridge, upper face contour: parts that move little with expression) onto the first photo's.
Coordinates are pixels, ``x`` right, ``y`` down.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt

from acuface.vision.geometry import apply_transform, fit_similarity
from acuface.vision.landmarks import FaceLandmarks, check_rgb_image
from acuface.vision.metrics import RegionMetrics, SkinMetrics

FloatArray = npt.NDArray[np.float64]

__all__ = [
    "STABLE_LANDMARKS",
    "AlignedPhoto",
    "RegionChange",
    "align_photos",
    "compare_metrics",
]

#: Landmarks used for alignment: eye corners, nose bridge and tip, forehead midline, upper face
#: contour and nostril sides. Mouth, jaw and brows are left out (expression moves them); so are
#: the irises (gaze moves them).
STABLE_LANDMARKS = (
    33,
    133,
    362,
    263,
    130,
    359,
    168,
    6,
    197,
    195,
    5,
    4,
    1,
    10,
    151,
    9,
    8,
    234,
    454,
    127,
    356,
    162,
    389,
    21,
    251,
    98,
    327,
    48,
    278,
)


@dataclass(frozen=True, eq=False)
class AlignedPhoto:
    """The second photo in the first photo's frame.

    Attributes
    ----------
    image : ndarray, shape (H1, W1, 3), dtype uint8
        Second photo warped onto the first (black where it has no pixels).
    valid : ndarray, shape (H1, W1), dtype bool
        True where the warped photo has pixels.
    matrix : ndarray, shape (2, 3), dtype float64
        Second-photo pixels -> first-photo pixels.
    residual_px : float
        RMS distance between the stable landmarks after alignment, first-photo pixels.
    residual_pupil_fraction : float
        The same divided by the first face's pupil distance.
    """

    image: npt.NDArray[np.uint8]
    valid: npt.NDArray[np.bool_]
    matrix: FloatArray
    residual_px: float
    residual_pupil_fraction: float


def align_photos(
    first_image: npt.NDArray[np.uint8],
    first_face: FaceLandmarks,
    second_image: npt.NDArray[np.uint8],
    second_face: FaceLandmarks,
) -> AlignedPhoto:
    """Warp the second photo into the first one's frame.

    Parameters
    ----------
    first_image, second_image : ndarray, shape (H, W, 3), dtype uint8
        RGB photos (sizes may differ).
    first_face, second_face : FaceLandmarks
        The client's face in each photo.

    Returns
    -------
    AlignedPhoto
    """
    first = check_rgb_image(first_image)
    second = check_rgb_image(second_image)
    stable = list(STABLE_LANDMARKS)
    matrix = fit_similarity(second_face.points[stable], first_face.points[stable])
    size = (first.shape[1], first.shape[0])
    warped = cv2.warpAffine(
        second, matrix, size, flags=cv2.INTER_LINEAR, borderValue=(0.0, 0.0, 0.0)
    )
    ones = np.full(second.shape[:2], 255, dtype=np.uint8)
    valid = cv2.warpAffine(ones, matrix, size, flags=cv2.INTER_NEAREST, borderValue=(0.0,)) > 0
    moved = apply_transform(matrix, second_face.points[stable])
    residual = float(np.sqrt(((moved - first_face.points[stable]) ** 2).sum(axis=1).mean()))
    return AlignedPhoto(
        np.asarray(warped, dtype=np.uint8),
        valid,
        matrix,
        residual,
        residual / first_face.pupil_distance,
    )


@dataclass(frozen=True)
class RegionChange:
    """Change of one region's metrics from a first to a second analysis (second - first).

    Values are None when the region was not measurable on either photo.
    """

    region_id: str
    is_comparable: bool
    wrinkle_index: float | None = None
    wrinkle_index_percent: float | None = None
    lightness: float | None = None
    redness: float | None = None
    yellowness: float | None = None
    ita_deg: float | None = None
    evenness: float | None = None

    def to_dict(self) -> dict[str, object]:
        return dict(self.__dict__)


def _diff(after: float | None, before: float | None) -> float | None:
    return None if after is None or before is None else after - before


def _change(before: RegionMetrics, after: RegionMetrics) -> RegionChange:
    if not (before.is_measurable and after.is_measurable):
        return RegionChange(before.region_id, False)
    wrinkle = _diff(after.wrinkle_index, before.wrinkle_index)
    percent = (
        100.0 * wrinkle / before.wrinkle_index
        if wrinkle is not None and before.wrinkle_index
        else None
    )
    return RegionChange(
        region_id=before.region_id,
        is_comparable=True,
        wrinkle_index=wrinkle,
        wrinkle_index_percent=percent,
        lightness=_diff(after.lightness, before.lightness),
        redness=_diff(after.redness, before.redness),
        yellowness=_diff(after.yellowness, before.yellowness),
        ita_deg=_diff(after.ita_deg, before.ita_deg),
        evenness=_diff(after.evenness, before.evenness),
    )


def compare_metrics(before: SkinMetrics, after: SkinMetrics) -> tuple[RegionChange, ...]:
    """Per-region differences ``after - before`` for the regions both analyses have."""
    after_by_id = {r.region_id: r for r in after.regions}
    return tuple(
        _change(r, after_by_id[r.region_id]) for r in before.regions if r.region_id in after_by_id
    )

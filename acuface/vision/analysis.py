"""One entry point: a photo in, the whole analysis out.

``analyse_photo(image)`` runs landmarks -> quality gates -> points -> skin metrics on an RGB
``uint8`` array (decoding and EXIF stripping happen on the Django side) and returns one frozen
:class:`PhotoAnalysis` whose :meth:`PhotoAnalysis.to_dict` is JSON-serialisable. Coordinates
are photo pixels, ``x`` right, ``y`` down (see :mod:`acuface.vision`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from acuface.vision.chart import photo_to_chart
from acuface.vision.landmarks import (
    LANDMARK_COUNT,
    FaceLandmarks,
    check_rgb_image,
    detect_landmarks,
)
from acuface.vision.metrics import SkinMetrics, measure_standard
from acuface.vision.points import Gv26Variant, PointSet, place_points
from acuface.vision.pose import HeadPose
from acuface.vision.quality import QualityReport, QualityThresholds, assess_quality
from acuface.vision.standard import standardise_face

FloatArray = npt.NDArray[np.float64]

__all__ = ["ANALYSIS_VERSION", "PhotoAnalysis", "analyse_photo", "face_from_dict"]

#: Bumped whenever a change alters stored results (recipes, regions, metric definitions).
ANALYSIS_VERSION = "acuface-vision/1"


@dataclass(frozen=True, eq=False)
class PhotoAnalysis:
    """Everything the vision package says about one photo.

    Attributes
    ----------
    image_width, image_height : int
    quality : QualityReport
        Gate results; read ``quality.is_analysable`` and ``quality.are_metrics_measurable``.
    face : FaceLandmarks or None
        The analysed (largest) face; None when no face was found.
    pose : HeadPose or None
    points : PointSet or None
        None when a blocking gate failed.
    metrics : SkinMetrics or None
        None when a blocking or a metrics gate failed.
    chart_transform : ndarray, shape (2, 3), dtype float64, or None
        Photo pixels -> face-chart units (:mod:`acuface.vision.chart`).
    """

    image_width: int
    image_height: int
    quality: QualityReport
    face: FaceLandmarks | None
    pose: HeadPose | None
    points: PointSet | None
    metrics: SkinMetrics | None
    chart_transform: FloatArray | None

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable form (plain dicts, lists, str, float, int, bool, None)."""
        face = None
        if self.face is not None:
            face = {
                "bbox": self.face.bbox.to_dict(),
                "pupil_distance_px": self.face.pupil_distance,
                "landmarks": np.round(self.face.points, 2).tolist(),
                "depth": np.round(self.face.depth, 2).tolist(),
            }
        return {
            "version": ANALYSIS_VERSION,
            "image": {"width": self.image_width, "height": self.image_height},
            "quality": self.quality.to_dict(),
            "face": face,
            "pose": self.pose.to_dict() if self.pose else None,
            "points": self.points.to_dict() if self.points else None,
            "metrics": self.metrics.to_dict() if self.metrics else None,
            "chart_transform": (
                self.chart_transform.tolist() if self.chart_transform is not None else None
            ),
        }


def face_from_dict(data: dict[str, Any], image_width: int, image_height: int) -> FaceLandmarks:
    """Rebuild :class:`FaceLandmarks` from ``PhotoAnalysis.to_dict()["face"]``.

    Lets stored analyses be used with :func:`acuface.vision.anchors.place_anchor` without
    running MediaPipe again.
    """
    points = np.asarray(data["landmarks"], dtype=np.float64)
    depth = np.asarray(data.get("depth", np.zeros(LANDMARK_COUNT)), dtype=np.float64)
    return FaceLandmarks(points, depth, image_width, image_height)


def analyse_photo(
    image: npt.NDArray[np.uint8],
    *,
    thresholds: QualityThresholds | None = None,
    gv26_variant: Gv26Variant = "who_midpoint",
) -> PhotoAnalysis:
    """Analyse one photo.

    Parameters
    ----------
    image : ndarray, shape (H, W, 3), dtype uint8
        RGB photo, already decoded and stripped of metadata.
    thresholds : QualityThresholds, optional
        Gate limits; defaults when omitted.
    gv26_variant : {"who_midpoint", "classical_upper_third"}
        Where GV26 (and LI19, level with it) is placed on the philtrum.

    Returns
    -------
    PhotoAnalysis
        Gate failures are reported in ``quality``, never raised.

    Raises
    ------
    ValueError
        If ``image`` is not an RGB ``uint8`` array (a programming error).
    """
    rgb = check_rgb_image(image)
    height, width = rgb.shape[:2]
    found = detect_landmarks(rgb)
    face = found.largest
    standard = standardise_face(rgb, face) if face is not None else None
    quality = assess_quality(rgb, found, thresholds, standard)
    pose = quality.measures.pose if quality.measures else None
    points = None
    metrics = None
    chart_transform = None
    if face is not None and quality.is_analysable:
        points = place_points(face, gv26_variant=gv26_variant)
        chart_transform = photo_to_chart(face)
        if quality.are_metrics_measurable and standard is not None:
            metrics = measure_standard(standard)
    return PhotoAnalysis(width, height, quality, face, pose, points, metrics, chart_transform)

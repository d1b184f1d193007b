"""Photo quality gates.

A gate failure is an answer, never an exception: :func:`assess_quality` returns a
:class:`QualityReport` listing every failure with a machine code, a message a practitioner
understands and a severity:

``"blocking"``
    Nothing is analysed: no face, face too small, too much of it outside the photo, head turned
    or tilted too far for frontal points.
``"metrics"``
    Points are placed but skin metrics are withheld: blurred, too dark, too bright.
``"warning"``
    Everything is analysed, with a remark: several faces (the largest is analysed), part of the
    face outside the photo, head tilted sideways (levelled for analysis), black-and-white photo.

Sharpness is the variance of the Laplacian of the grey face (inside the face oval) after the face
is brought to the standard scale (:mod:`acuface.vision.standard`, 200 px between the pupils) and
its mean brightness to 128, so it depends neither on the photo's resolution nor on exposure.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import cv2
import numpy as np
import numpy.typing as npt

from acuface.vision.canonical import MESH_POINT_COUNT, load_canonical
from acuface.vision.landmarks import FaceLandmarks, LandmarkResult
from acuface.vision.pose import HeadPose, estimate_pose
from acuface.vision.standard import StandardFace, standardise_face

Severity = Literal["blocking", "metrics", "warning"]

__all__ = [
    "QualityFailure",
    "QualityMeasures",
    "QualityReport",
    "QualityThresholds",
    "assess_quality",
    "face_oval_mask",
]

_COUNT_WORDS = {2: "Two", 3: "Three", 4: "Four", 5: "Five"}


@dataclass(frozen=True)
class QualityThresholds:
    """Limits of the quality gates (a clinic may change them).

    Defaults and where they come from: ``min_pupil_distance_px`` 60 (below it the face is
    upscaled more than 3x to the 200 px standard and skin detail is gone); ``min_sharpness`` 40
    (the analysable shared photos score 70-780; a Gaussian blur of 2 px at the standard scale
    brings them to 25-85, of 3 px below 30); brightness limits on the mean grey of the face
    (shared photos 94-168);
    ``max_clipped_fraction`` of face pixels at >= 250 or <= 5; pose limits in degrees
    (CLINICAL.md asks yaw and pitch within ~5-10 degrees; the estimate itself scatters a few
    degrees on frontal photos, and pitch more than yaw).
    """

    min_pupil_distance_px: float = 60.0
    min_sharpness: float = 40.0
    min_brightness: float = 50.0
    max_brightness: float = 220.0
    max_clipped_fraction: float = 0.2
    max_outside_fraction: float = 0.25
    max_yaw_deg: float = 12.0
    max_pitch_deg: float = 18.0
    max_roll_deg: float = 20.0


@dataclass(frozen=True)
class QualityFailure:
    """One failed gate: ``code`` for machines, ``message`` for people."""

    code: str
    message: str
    severity: Severity

    def to_dict(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message, "severity": self.severity}


@dataclass(frozen=True)
class QualityMeasures:
    """What the gates measured on the analysed (largest) face.

    ``brightness`` is the mean grey (0-255) inside the face oval; ``clipped_fraction`` and
    ``dark_fraction`` are the shares of those pixels at >= 250 and <= 5; ``outside_fraction`` is
    the share of mesh landmarks outside the photo.
    """

    pupil_distance_px: float
    sharpness: float
    brightness: float
    clipped_fraction: float
    dark_fraction: float
    outside_fraction: float
    is_grayscale: bool
    pose: HeadPose

    def to_dict(self) -> dict[str, object]:
        return {
            "pupil_distance_px": self.pupil_distance_px,
            "sharpness": self.sharpness,
            "brightness": self.brightness,
            "clipped_fraction": self.clipped_fraction,
            "dark_fraction": self.dark_fraction,
            "outside_fraction": self.outside_fraction,
            "is_grayscale": self.is_grayscale,
            "pose": self.pose.to_dict(),
        }


@dataclass(frozen=True)
class QualityReport:
    """Result of the gates for one photo."""

    face_count: int
    failures: tuple[QualityFailure, ...] = ()
    measures: QualityMeasures | None = None
    thresholds: QualityThresholds = field(default_factory=QualityThresholds)

    @property
    def is_analysable(self) -> bool:
        """True when points can be placed (no blocking failure)."""
        return not any(f.severity == "blocking" for f in self.failures)

    @property
    def are_metrics_measurable(self) -> bool:
        """True when skin metrics can be measured too."""
        return self.is_analysable and not any(f.severity == "metrics" for f in self.failures)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(f.code for f in self.failures)

    def to_dict(self) -> dict[str, object]:
        return {
            "face_count": self.face_count,
            "is_analysable": self.is_analysable,
            "are_metrics_measurable": self.are_metrics_measurable,
            "failures": [f.to_dict() for f in self.failures],
            "measures": self.measures.to_dict() if self.measures else None,
        }


def face_oval_mask(standard: StandardFace, erode_px: int = 3) -> npt.NDArray[np.bool_]:
    """Pixels of the standard canvas inside the face oval and inside the photo.

    The photo's border is eroded by ``erode_px`` so the edge of a cut-off face is not
    mistaken for detail.
    """
    oval = load_canonical().outlines["face_oval"][0]
    polygon = np.round(standard.landmarks.points[list(oval)]).astype(np.int32)
    mask = np.zeros(standard.valid.shape, dtype=np.uint8)
    cv2.fillPoly(mask, [polygon], (1.0,))
    kernel = np.ones((2 * erode_px + 1, 2 * erode_px + 1), dtype=np.uint8)
    valid = cv2.erode(standard.valid.astype(np.uint8), kernel)
    return (mask > 0) & (valid > 0)


def _measure(
    image: npt.NDArray[np.uint8], face: FaceLandmarks, standard: StandardFace
) -> QualityMeasures:
    full_mask = face_oval_mask(standard)
    rows = np.flatnonzero(full_mask.any(axis=1))
    cols = np.flatnonzero(full_mask.any(axis=0))
    values = np.zeros(0)
    sharpness = 0.0
    if rows.size and cols.size:
        # Work on the oval's bounding box (2 px margin), not the whole canvas.
        y0, y1 = max(int(rows[0]) - 2, 0), int(rows[-1]) + 3
        x0, x1 = max(int(cols[0]) - 2, 0), int(cols[-1]) + 3
        mask = full_mask[y0:y1, x0:x1]
        grey = cv2.cvtColor(standard.image[y0:y1, x0:x1], cv2.COLOR_RGB2GRAY).astype(np.float32)
        values = grey[mask]
        normalised = grey * np.float32(128.0 / max(float(values.mean()), 1.0))
        laplacian = cv2.Laplacian(normalised, cv2.CV_32F, ksize=3)
        inner = cv2.erode(mask.astype(np.uint8), np.ones((3, 3), dtype=np.uint8)) > 0
        sharpness = float(laplacian[inner].astype(np.float64).var()) if inner.any() else 0.0
    brightness = float(values.mean()) if values.size else 0.0
    mesh = face.points[:MESH_POINT_COUNT]
    inside = (
        (mesh[:, 0] >= 0)
        & (mesh[:, 1] >= 0)
        & (mesh[:, 0] <= face.image_width)
        & (mesh[:, 1] <= face.image_height)
    )
    sample = image[:: max(1, image.shape[0] // 64), :: max(1, image.shape[1] // 64)].astype(int)
    is_grayscale = bool(
        np.abs(sample[..., 0] - sample[..., 1]).max() <= 2
        and np.abs(sample[..., 1] - sample[..., 2]).max() <= 2
    )
    return QualityMeasures(
        pupil_distance_px=face.pupil_distance,
        sharpness=sharpness,
        brightness=brightness,
        clipped_fraction=float((values >= 250).mean()) if values.size else 0.0,
        dark_fraction=float((values <= 5).mean()) if values.size else 0.0,
        outside_fraction=float(1.0 - inside.mean()),
        is_grayscale=is_grayscale,
        pose=estimate_pose(face),
    )


def _failures(m: QualityMeasures, count: int, t: QualityThresholds) -> list[QualityFailure]:
    out: list[QualityFailure] = []

    def add(code: str, severity: Severity, message: str) -> None:
        out.append(QualityFailure(code, message, severity))

    if count > 1:
        word = _COUNT_WORDS.get(count, str(count))
        add("several_faces", "warning", f"{word} faces were found; the largest was analysed.")
    if m.pupil_distance_px < t.min_pupil_distance_px:
        add(
            "face_too_small",
            "blocking",
            f"The face is too small (pupil distance {m.pupil_distance_px:.0f} px; at least "
            f"{t.min_pupil_distance_px:.0f} px needed). Move closer or use a higher resolution.",
        )
    if m.outside_fraction > t.max_outside_fraction:
        add(
            "face_cut_off",
            "blocking",
            f"Too much of the face is outside the photo ({m.outside_fraction:.0%}).",
        )
    elif m.outside_fraction > 0:
        add(
            "face_partly_outside",
            "warning",
            f"Part of the face is outside the photo ({m.outside_fraction:.0%}); points and "
            "regions there are not shown.",
        )
    pose = m.pose
    if abs(pose.yaw) > t.max_yaw_deg:
        add(
            "head_turned",
            "blocking",
            f"The head is turned too far (yaw {abs(pose.yaw):.0f}°, limit {t.max_yaw_deg:.0f}°). "
            "Ask the client to face the camera.",
        )
    if abs(pose.pitch) > t.max_pitch_deg:
        direction = "up" if pose.pitch > 0 else "down"
        add(
            "head_tilted_up_down",
            "blocking",
            f"The head is tilted {direction} too far (pitch {abs(pose.pitch):.0f}°, limit "
            f"{t.max_pitch_deg:.0f}°).",
        )
    if abs(pose.roll) > t.max_roll_deg:
        add(
            "head_tilted_sideways",
            "warning",
            f"The head is tilted sideways (roll {abs(pose.roll):.0f}°); it was levelled for "
            "analysis.",
        )
    if m.sharpness < t.min_sharpness:
        add(
            "blurred",
            "metrics",
            f"The photo is blurred (sharpness {m.sharpness:.0f}; at least "
            f"{t.min_sharpness:.0f} needed). Skin measures were not taken.",
        )
    if m.brightness < t.min_brightness or m.dark_fraction > t.max_clipped_fraction:
        add(
            "too_dark",
            "metrics",
            f"The photo is too dark (face brightness {m.brightness:.0f}; at least "
            f"{t.min_brightness:.0f} needed). Skin measures were not taken.",
        )
    if m.brightness > t.max_brightness or m.clipped_fraction > t.max_clipped_fraction:
        add(
            "too_bright",
            "metrics",
            f"The photo is too bright ({m.clipped_fraction:.0%} of the face is washed out). "
            "Skin measures were not taken.",
        )
    if m.is_grayscale:
        add(
            "black_and_white",
            "warning",
            "The photo is black and white: redness, yellowness and skin-tone angle are not "
            "meaningful.",
        )
    return out


def assess_quality(
    image: npt.NDArray[np.uint8],
    found: LandmarkResult,
    thresholds: QualityThresholds | None = None,
    standard: StandardFace | None = None,
) -> QualityReport:
    """Run every gate on a photo.

    Parameters
    ----------
    image : ndarray, shape (H, W, 3), dtype uint8
        RGB photo.
    found : LandmarkResult
        Faces found in it (:func:`acuface.vision.landmarks.detect_landmarks`).
    thresholds : QualityThresholds, optional
    standard : StandardFace, optional
        The largest face already standardised, to avoid doing it twice.

    Returns
    -------
    QualityReport
    """
    limits = thresholds or QualityThresholds()
    face = found.largest
    if face is None:
        failure = QualityFailure("no_face", "No face was found in this photo.", "blocking")
        return QualityReport(0, (failure,), None, limits)
    std = standard if standard is not None else standardise_face(image, face)
    measures = _measure(image, face, std)
    failures = _failures(measures, found.face_count, limits)
    return QualityReport(found.face_count, tuple(failures), measures, limits)

"""Skin metrics per region, measured on the standard face.

The face is first brought to the standard scale (:mod:`acuface.vision.standard`: eyes level,
200 px between the pupils). Then, for each region of :mod:`acuface.vision.regions`:

wrinkle index
    Illumination is flattened by dividing ``L* + 16`` (proportional to the cube root of
    luminance, so the ratio does not change with exposure) by a wide Gaussian blur of itself
    (sigma = 0.15 pupil distance, normalised inside the face). Measures are taken on a grid of
    100 px per pupil distance (half the standard face). Wrinkles are dark lines: at each scale
    ``sigma`` of :data:`RIDGE_SIGMAS_PX` (0.6-1.9 mm, tied to the pupil distance) the Hessian's
    larger eigenvalue ``l1`` (curvature across a dark line, as in Sato's filter) times
    ``sigma**2`` is the line strength. It is weighted by ``cos**2`` of the angle between the line
    and the direction the region expects (horizontal on the forehead, vertical between the brows,
    radiating at the crow's feet and around the mouth, along the nasolabial fold) after being
    saturated at the FIXED :data:`RIDGE_CAP`, and the strongest scale is kept. The index is the
    region's mean of that response, times 1000 (0 = perfectly smooth, 7 = every pixel on a
    clear line of the expected direction; 1.5-6 on the shared photos). It is a
    ridge-response density: no per-image threshold (Otsu, percentiles) is used, so two photos of
    the same skin score alike.
colour
    Mean ``L*``, ``a*`` (redness), ``b*`` (yellowness) (CIELAB, D65, sRGB; OpenCV's conversion,
    within 0.4 of ``skimage.color.rgb2lab``); ITA° = ``atan2(L* - 50, b*)`` in degrees and its
    class; evenness = SD of ``L*``.

A region that falls partly (more than 2%) outside the photo is reported as not measurable.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

import cv2
import numpy as np
import numpy.typing as npt

from acuface.vision.canonical import load_canonical
from acuface.vision.landmarks import FaceLandmarks
from acuface.vision.regions import REGIONS, Region, region_mask
from acuface.vision.standard import STANDARD_PUPIL_DISTANCE, StandardFace, standardise_face

FloatArray = npt.NDArray[np.float64]
ItaClass = Literal["very_light", "light", "intermediate", "tan", "brown", "dark"]

__all__ = [
    "ITA_CLASSES",
    "RIDGE_CAP",
    "RIDGE_SIGMAS_PX",
    "RegionMetrics",
    "RidgeResponse",
    "SkinMetrics",
    "ita_class",
    "ita_degrees",
    "measure_skin",
    "ridge_strength",
]

#: Hessian scales in standard-face pixels (200 px = one pupil distance, ~63 mm, so 1 px ~ 0.3 mm):
#: fine lines to moderate folds.
RIDGE_SIGMAS_PX = (1.25, 2.0, 3.0)
#: Fixed saturation of the per-pixel line response (relative-contrast units). A deep fold or a
#: shadow edge then counts like a clear line instead of dominating the region, which is what
#: makes the index repeatable. Measured on the shared photos at 1024 px (bench/bench_vision.py):
#: no cap, median CV across the augmentations 5.6%; cap 0.01, median 1.8% / worst 5.0%; cap
#: 0.007, median 1.7% / worst 4.4%. A lower cap buys repeatability with dynamic range (at 0.005
#: the index becomes a plain density of lines), so 0.007 is the compromise.
RIDGE_CAP = 0.007
#: Sigma of the illumination blur, standard pixels (0.15 pupil distance).
FLATTEN_SIGMA_PX = 0.15 * STANDARD_PUPIL_DISTANCE / 2.0
#: A region with more than this share of its pixels outside the photo is not measured.
MAX_OUTSIDE_SHARE = 0.02

#: Lower bounds of the ITA° classes (Chardon et al. 1991), highest first.
ITA_CLASSES: tuple[tuple[float, ItaClass], ...] = (
    (55.0, "very_light"),
    (41.0, "light"),
    (28.0, "intermediate"),
    (10.0, "tan"),
    (-30.0, "brown"),
)


def ita_degrees(lightness: float, yellowness: float) -> float:
    """Individual typology angle: ``atan((L* - 50) / b*)`` in degrees, safe at ``b* = 0``."""
    return math.degrees(math.atan2(lightness - 50.0, yellowness))


def ita_class(ita: float) -> ItaClass:
    """Class of an ITA°: > 55 very light, 41-55 light, 28-41 intermediate, 10-28 tan,
    -30-10 brown, < -30 dark (a value exactly on a bound belongs to the darker class)."""
    for bound, name in ITA_CLASSES:
        if ita > bound:
            return name
    return "dark"


@dataclass(frozen=True)
class RegionMetrics:
    """Metrics of one region; values are None when it is not measurable."""

    region_id: str
    label: str
    is_measurable: bool
    reason: str
    pixel_count: int
    wrinkle_index: float | None = None
    lightness: float | None = None
    redness: float | None = None
    yellowness: float | None = None
    ita_deg: float | None = None
    ita_class: ItaClass | None = None
    evenness: float | None = None

    def to_dict(self) -> dict[str, object]:
        return {
            "region_id": self.region_id,
            "label": self.label,
            "is_measurable": self.is_measurable,
            "reason": self.reason,
            "pixel_count": self.pixel_count,
            "wrinkle_index": self.wrinkle_index,
            "lightness": self.lightness,
            "redness": self.redness,
            "yellowness": self.yellowness,
            "ita_deg": self.ita_deg,
            "ita_class": self.ita_class,
            "evenness": self.evenness,
        }


@dataclass(frozen=True)
class SkinMetrics:
    """Metrics of every region of one face, in :data:`acuface.vision.regions.REGIONS` order."""

    regions: tuple[RegionMetrics, ...]

    def get(self, region_id: str) -> RegionMetrics:
        for r in self.regions:
            if r.region_id == region_id:
                return r
        raise KeyError(region_id)

    def to_dict(self) -> dict[str, object]:
        return {"regions": [r.to_dict() for r in self.regions]}


def _flatten(lightness: npt.NDArray[Any], mask: npt.NDArray[np.bool_]) -> FloatArray:
    """``(L* + 16)`` divided by its masked wide blur (1.0 = local average).

    The wide blur is computed on a 4x smaller grid (it only holds the illumination), which is
    what keeps it cheap.
    """
    value = (lightness + 16.0).astype(np.float32)
    weight = mask.astype(np.float32)
    height, width = value.shape
    small = (max(1, width // 4), max(1, height // 4))
    sigma = FLATTEN_SIGMA_PX / 4.0
    blur = cv2.GaussianBlur(
        cv2.resize(value * weight, small, interpolation=cv2.INTER_AREA), (0, 0), sigma
    )
    norm = cv2.GaussianBlur(cv2.resize(weight, small, interpolation=cv2.INTER_AREA), (0, 0), sigma)
    local_small = np.where(norm > 1e-2, blur / np.maximum(norm, 1e-2), 0.0).astype(np.float32)
    local = cv2.resize(local_small, (width, height), interpolation=cv2.INTER_LINEAR)
    local = np.where(local > 1.0, local, value)
    return np.asarray(value / np.maximum(local, np.float32(1.0)), dtype=np.float64)


@dataclass(frozen=True, eq=False)
class RidgeResponse:
    """Dark-line response at one scale.

    ``strength`` is ``sigma**2 * max(l1, 0)`` (relative-contrast units), with ``l1`` the larger
    Hessian eigenvalue of the flattened lightness (curvature across a dark line, as in Sato's
    filter); ``cos2`` and ``sin2`` are ``cos`` and
    ``sin`` of twice the angle of the eigenvector of ``l1``, which points *across* the line.
    All arrays have shape ``(H, W)``, ``float32``.
    """

    strength: npt.NDArray[np.float32]
    cos2: npt.NDArray[np.float32]
    sin2: npt.NDArray[np.float32]


def ridge_strength(flat: FloatArray) -> list[RidgeResponse]:
    """Dark-line response at each scale of :data:`RIDGE_SIGMAS_PX`.

    Parameters
    ----------
    flat : ndarray, shape (H, W), dtype float64
        Illumination-flattened lightness (1.0 = local mean).
    """
    image = flat.astype(np.float32)
    out: list[RidgeResponse] = []
    for sigma in RIDGE_SIGMAS_PX:
        smooth = cv2.GaussianBlur(image, (0, 0), sigma)
        # Second derivatives (the 3 x 3 Sobel kernels sum to 4x the finite difference).
        hxx = cv2.Sobel(smooth, cv2.CV_32F, 2, 0, ksize=3, scale=0.25)
        hyy = cv2.Sobel(smooth, cv2.CV_32F, 0, 2, ksize=3, scale=0.25)
        hxy2 = cv2.Sobel(smooth, cv2.CV_32F, 1, 1, ksize=3, scale=0.5)  # 2 * hxy
        diff = cv2.subtract(hxx, hyy)
        root = cv2.magnitude(diff, hxy2) + np.float32(1e-12)
        # l1 = (trace + root) / 2, the larger eigenvalue.
        strength = np.maximum(cv2.add(hxx, hyy) + root, 0.0) * np.float32(sigma**2 / 2.0)
        out.append(RidgeResponse(strength, diff / root, hxy2 / root))
    return out


def _orientation_weight(
    region: Region,
    cos2: npt.NDArray[Any],
    sin2: npt.NDArray[Any],
    points: FloatArray,
    ys: npt.NDArray[Any],
    xs: npt.NDArray[Any],
) -> FloatArray:
    """``cos**2`` of the angle between each pixel's line and the region's preferred direction.

    With ``t`` the angle across the line and ``p`` the preferred line direction this is
    ``sin**2(t - p) = (1 - cos 2t cos 2p - sin 2t sin 2p) / 2``.
    """
    if region.orientation == "any":
        return np.asarray(np.ones_like(cos2))
    if region.orientation == "radial":
        centre = points[list(region.reference)].mean(axis=0)
        dx = xs - centre[0]
        dy = ys - centre[1]
        r2 = np.maximum(dx * dx + dy * dy, 1e-9)
        cp: FloatArray | float = (dx * dx - dy * dy) / r2
        sp: FloatArray | float = 2.0 * dx * dy / r2
    else:
        if region.orientation == "horizontal":
            angle = 0.0
        elif region.orientation == "vertical":
            angle = math.pi / 2.0
        else:
            a, b = points[region.reference[0]], points[region.reference[1]]
            angle = math.atan2(b[1] - a[1], b[0] - a[0])
        cp, sp = math.cos(2 * angle), math.sin(2 * angle)
    return np.asarray((1.0 - cos2 * cp - sin2 * sp) / 2.0, dtype=cos2.dtype)


def _not_measurable(region: Region, count: int, reason: str) -> RegionMetrics:
    return RegionMetrics(region.region_id, region.label, False, reason, count)


def measure_standard(standard: StandardFace) -> SkinMetrics:
    """Metrics of every region of a face already on the standard canvas.

    Measures are taken at half the standard resolution (100 px between the pupils): the
    ridge scales in :data:`RIDGE_SIGMAS_PX` are coarser than that grid, and this keeps the
    whole measurement to a few milliseconds.
    """
    half = (standard.image.shape[1] // 2, standard.image.shape[0] // 2)
    points = standard.landmarks.points * (half[0] / standard.image.shape[1])
    # Only the box around the regions is processed (margin for the widest filter).
    corners = np.array([p for r in REGIONS.values() for p in points[list(r.polygon)]])
    margin = 4 * math.ceil(max(RIDGE_SIGMAS_PX))
    x0 = int(np.clip(np.floor(corners[:, 0].min()) - margin, 0, half[0]))
    x1 = int(np.clip(np.ceil(corners[:, 0].max()) + margin, x0 + 1, half[0]))
    y0 = int(np.clip(np.floor(corners[:, 1].min()) - margin, 0, half[1]))
    y1 = int(np.clip(np.ceil(corners[:, 1].max()) + margin, y0 + 1, half[1]))
    # Halve only the box (2 x 2 averaging of the full-resolution pixels).
    box_rgb = standard.image[2 * y0 : 2 * y1, 2 * x0 : 2 * x1]
    rgb = cv2.resize(box_rgb, (x1 - x0, y1 - y0), interpolation=cv2.INTER_AREA)
    lab = cv2.cvtColor(rgb.astype(np.float32) / 255.0, cv2.COLOR_RGB2Lab)
    valid = standard.valid[2 * y0 : 2 * y1 : 2, 2 * x0 : 2 * x1 : 2]
    points = points - np.array([x0, y0], dtype=np.float64)
    oval = np.zeros(valid.shape, dtype=np.uint8)
    outline = load_canonical().outlines["face_oval"][0]
    cv2.fillPoly(oval, [np.round(points[list(outline)]).astype(np.int32)], (1.0,))
    inside_oval = oval > 0
    face = inside_oval & valid
    flat = _flatten(lab[..., 0], face)
    responses = ridge_strength(flat)
    shape = (valid.shape[0], valid.shape[1])
    results: list[RegionMetrics] = []
    for region in REGIONS.values():
        # The region's own bounding box, so masks and lookups stay small.
        corners = points[list(region.polygon)]
        bx0 = int(np.clip(np.floor(corners[:, 0].min()), 0, shape[1] - 1))
        by0 = int(np.clip(np.floor(corners[:, 1].min()), 0, shape[0] - 1))
        bx1 = int(np.clip(np.ceil(corners[:, 0].max()) + 1, bx0 + 1, shape[1]))
        by1 = int(np.clip(np.ceil(corners[:, 1].max()) + 1, by0 + 1, shape[0]))
        box = (slice(by0, by1), slice(bx0, bx1))
        offset = np.array([bx0, by0], dtype=np.float64)
        # Never outside the face outline (on a turned head the far-side regions reach it).
        full = region_mask(region, points - offset, (by1 - by0, bx1 - bx0)) & inside_oval[box]
        count = int(full.sum())
        if count == 0:
            results.append(_not_measurable(region, 0, "region collapsed (extreme pose)"))
            continue
        outside = 1.0 - float(valid[box][full].mean())
        if outside > MAX_OUTSIDE_SHARE:
            reason = f"{outside:.0%} of the region is outside the photo"
            results.append(_not_measurable(region, count, reason))
            continue
        ys, xs = np.nonzero(full)
        # Flat indices into the (contiguous) box arrays: np.take is the cheapest gather.
        flat_index = (ys + by0) * shape[1] + (xs + bx0)
        best = np.zeros(len(ys), dtype=np.float32)
        for response in responses:
            capped = np.minimum(np.take(response.strength, flat_index), np.float32(RIDGE_CAP))
            if region.orientation != "any":
                capped *= _orientation_weight(
                    region,
                    np.take(response.cos2, flat_index),
                    np.take(response.sin2, flat_index),
                    points - offset,
                    ys.astype(np.float32),
                    xs.astype(np.float32),
                )
            best = np.maximum(best, capped)
        wrinkle = 1000.0 * float(best.mean(dtype=np.float64))
        pixels = lab.reshape(-1, 3)[flat_index].astype(np.float64)
        lightness, redness, yellowness = (float(v) for v in pixels.mean(axis=0))
        ita = ita_degrees(lightness, yellowness)
        results.append(
            RegionMetrics(
                region_id=region.region_id,
                label=region.label,
                is_measurable=True,
                reason="",
                pixel_count=count,
                wrinkle_index=wrinkle,
                lightness=lightness,
                redness=redness,
                yellowness=yellowness,
                ita_deg=ita,
                ita_class=ita_class(ita),
                evenness=float(pixels[:, 0].std()),
            )
        )
    return SkinMetrics(tuple(results))


def measure_skin(image: npt.NDArray[np.uint8], face: FaceLandmarks) -> SkinMetrics:
    """Skin metrics of one face.

    Parameters
    ----------
    image : ndarray, shape (H, W, 3), dtype uint8
        RGB photo.
    face : FaceLandmarks
        The face, in the photo's pixels.

    Returns
    -------
    SkinMetrics
    """
    return measure_standard(standardise_face(image, face))

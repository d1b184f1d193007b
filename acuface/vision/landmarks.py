"""Face landmarks from MediaPipe Face Mesh: the only module of the package that imports MediaPipe.

Every face found is returned as 478 landmarks (468 mesh points plus 10 iris points) in pixel
coordinates (origin top-left, ``x`` right, ``y`` down, ``float64``; see :mod:`acuface.vision`).
The model ships inside the MediaPipe wheel, so nothing is downloaded at run time.

MediaPipe's ``FaceMesh`` object is not thread-safe; one is built lazily per thread and kept for
the life of that thread (``threading.local``), so a worker process pays the model loading once.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = [
    "LANDMARK_COUNT",
    "LEFT_PUPIL",
    "RIGHT_PUPIL",
    "BoundingBox",
    "FaceLandmarks",
    "LandmarkResult",
    "check_rgb_image",
    "detect_landmarks",
]

#: Number of landmarks per face with ``refine_landmarks=True`` (468 mesh + 2 x 5 iris).
LANDMARK_COUNT = 478
#: Iris centre of the client's right eye (on the image's left in a frontal photo).
RIGHT_PUPIL = 468
#: Iris centre of the client's left eye.
LEFT_PUPIL = 473
#: Largest number of faces looked for in one photo.
MAX_FACES = 5
#: Side of the square crop of the refinement pass, pixels.
REFINE_CROP_PX = 384
#: Pupil distance on that crop, as a fraction of its side.
REFINE_PUPIL_FRACTION = 0.25
#: Height of the pupils on that crop, as a fraction of its side.
REFINE_PUPIL_HEIGHT = 0.42

FloatArray = npt.NDArray[np.float64]
ImageArray = npt.NDArray[np.uint8]


def check_rgb_image(image: npt.NDArray[Any]) -> ImageArray:
    """Check that ``image`` is an RGB ``uint8`` array of shape ``(H, W, 3)``.

    Parameters
    ----------
    image : ndarray, shape (H, W, 3), dtype uint8
        The photo.

    Returns
    -------
    ndarray, shape (H, W, 3), dtype uint8
        The same pixels as a C-contiguous array.

    Raises
    ------
    ValueError
        If the array has another dtype or shape. A wrong array is a programming error, unlike a
        poor photo, which the quality gates report.
    """
    if image.dtype != np.uint8 or image.ndim != 3 or image.shape[2] != 3:
        raise ValueError(
            f"expected an RGB uint8 array of shape (H, W, 3), got {image.dtype} {image.shape}"
        )
    if image.shape[0] < 2 or image.shape[1] < 2:
        raise ValueError(f"image too small: {image.shape}")
    return np.ascontiguousarray(image)


@dataclass(frozen=True)
class BoundingBox:
    """Axis-aligned box around a face's landmarks, in pixels (``x`` right, ``y`` down)."""

    x_min: float
    y_min: float
    x_max: float
    y_max: float

    @property
    def width(self) -> float:
        return self.x_max - self.x_min

    @property
    def height(self) -> float:
        return self.y_max - self.y_min

    @property
    def area(self) -> float:
        return self.width * self.height

    def is_inside(self, width: int, height: int) -> bool:
        """Whether the box lies entirely inside an image of ``width`` x ``height`` pixels."""
        return self.x_min >= 0 and self.y_min >= 0 and self.x_max <= width and self.y_max <= height

    def to_dict(self) -> dict[str, float]:
        return {"x_min": self.x_min, "y_min": self.y_min, "x_max": self.x_max, "y_max": self.y_max}


@dataclass(frozen=True, eq=False)
class FaceLandmarks:
    """The 478 landmarks of one face.

    Attributes
    ----------
    points : ndarray, shape (478, 2), dtype float64
        ``(x, y)`` pixel coordinates, origin top-left, ``y`` down. Indices are MediaPipe Face
        Mesh indices; 468 and 473 are the client's right and left iris centres.
    depth : ndarray, shape (478,), dtype float64
        MediaPipe's relative depth, scaled to pixels like ``x`` (smaller is nearer the camera).
    image_width, image_height : int
        Size of the photo the landmarks belong to.
    """

    points: FloatArray
    depth: FloatArray
    image_width: int
    image_height: int

    def __post_init__(self) -> None:
        if self.points.shape != (LANDMARK_COUNT, 2) or self.depth.shape != (LANDMARK_COUNT,):
            raise ValueError(f"expected ({LANDMARK_COUNT}, 2) points, got {self.points.shape}")
        self.points.setflags(write=False)
        self.depth.setflags(write=False)

    @property
    def bbox(self) -> BoundingBox:
        """Box around all landmarks (may extend outside the image)."""
        lo = self.points.min(axis=0)
        hi = self.points.max(axis=0)
        return BoundingBox(float(lo[0]), float(lo[1]), float(hi[0]), float(hi[1]))

    @property
    def right_pupil(self) -> FloatArray:
        """Centre of the client's right iris, shape (2,)."""
        return np.asarray(self.points[RIGHT_PUPIL], dtype=np.float64)

    @property
    def left_pupil(self) -> FloatArray:
        """Centre of the client's left iris, shape (2,)."""
        return np.asarray(self.points[LEFT_PUPIL], dtype=np.float64)

    @property
    def pupil_distance(self) -> float:
        """Distance between the iris centres, in pixels."""
        return float(np.hypot(*(self.left_pupil - self.right_pupil)))

    def transformed(self, matrix: FloatArray) -> FaceLandmarks:
        """Landmarks mapped through a 2 x 3 affine ``matrix`` (pixel to pixel).

        Depth is multiplied by the transform's scale so it stays in the new pixel units.
        """
        linear = matrix[:, :2]
        pts = self.points @ linear.T + matrix[:, 2]
        scale = float(np.sqrt(abs(np.linalg.det(linear))))
        return FaceLandmarks(pts, self.depth * scale, self.image_width, self.image_height)


@dataclass(frozen=True)
class LandmarkResult:
    """All faces found in one photo, largest (by box area) first."""

    faces: tuple[FaceLandmarks, ...]
    image_width: int
    image_height: int

    @property
    def face_count(self) -> int:
        return len(self.faces)

    @property
    def largest(self) -> FaceLandmarks | None:
        """The face with the largest bounding box, or ``None`` when no face was found."""
        return self.faces[0] if self.faces else None


_local = threading.local()


def _face_mesh() -> Any:
    """This thread's MediaPipe ``FaceMesh``, built on first use."""
    mesh = getattr(_local, "face_mesh", None)
    if mesh is None:
        # Quieten the C++ (glog/absl) and TFLite start-up chatter; must be set before import.
        os.environ.setdefault("GLOG_minloglevel", "2")
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
        from mediapipe.python.solutions import face_mesh  # type: ignore[import-untyped, unused-ignore]

        mesh = face_mesh.FaceMesh(
            static_image_mode=True,
            max_num_faces=MAX_FACES,
            refine_landmarks=True,
            min_detection_confidence=0.5,
        )
        _local.face_mesh = mesh
    return mesh


def _raw_faces(rgb: ImageArray) -> list[FloatArray]:
    """One MediaPipe pass: per face, an array of shape (478, 3) of ``x, y`` pixels and depth."""
    height, width = rgb.shape[:2]
    result = _face_mesh().process(np.ascontiguousarray(rgb))
    faces: list[FloatArray] = []
    for face in result.multi_face_landmarks or ():
        raw = np.array([(lm.x, lm.y, lm.z) for lm in face.landmark], dtype=np.float64)
        if raw.shape[0] == LANDMARK_COUNT:
            faces.append(raw * np.array([width, height, width], dtype=np.float64))
    return faces


def _levelling_matrix(points: FloatArray) -> FloatArray:
    """Similarity (2 x 3) putting the pupils level on the refinement crop."""
    right = points[RIGHT_PUPIL, :2]
    left = points[LEFT_PUPIL, :2]
    half = REFINE_CROP_PX * REFINE_PUPIL_FRACTION / 2.0
    src = left - right
    dst = np.array([2.0 * half, 0.0])
    # Complex-number form of the similarity z -> a z + b that sends src onto dst.
    a = complex(dst[0], dst[1]) / complex(src[0], src[1])
    centre = (right + left) / 2.0
    target = np.array([REFINE_CROP_PX / 2.0, REFINE_CROP_PX * REFINE_PUPIL_HEIGHT])
    linear = np.array([[a.real, -a.imag], [a.imag, a.real]])
    return np.hstack([linear, (target - linear @ centre)[:, None]])


def _refine(rgb: ImageArray, first: FloatArray) -> FloatArray:
    """Second pass on a crop where the face is level and at a fixed scale."""
    import cv2

    matrix = _levelling_matrix(first)
    size = (REFINE_CROP_PX, REFINE_CROP_PX)
    crop = cv2.warpAffine(rgb, matrix, size, flags=cv2.INTER_LINEAR, borderValue=(0, 0, 0))
    found = _raw_faces(np.asarray(crop, dtype=np.uint8))
    if not found:
        return first
    expected = matrix[:, :2] @ first[RIGHT_PUPIL, :2] + matrix[:, 2]
    best = min(found, key=lambda f: float(np.hypot(*(f[RIGHT_PUPIL, :2] - expected))))
    inverse = np.linalg.inv(np.vstack([matrix, [0.0, 0.0, 1.0]]))[:2]
    scale = float(np.sqrt(abs(np.linalg.det(matrix[:, :2]))))
    xy = best[:, :2] @ inverse[:, :2].T + inverse[:, 2]
    return np.column_stack([xy, best[:, 2] / scale])


def detect_landmarks(image: npt.NDArray[np.uint8], *, refine: bool = True) -> LandmarkResult:
    """Find every face (up to 5) in a photo and return its 478 landmarks.

    Parameters
    ----------
    image : ndarray, shape (H, W, 3), dtype uint8
        RGB photo.
    refine : bool
        Run MediaPipe a second time on each face, on a crop where the eyes are level and the
        pupil distance is fixed (:data:`REFINE_CROP_PX`, :data:`REFINE_PUPIL_FRACTION`). The
        second pass sees nearly the same input however the photo was turned or scaled, which
        roughly halves the worst landmark movement under rotation (measured on the shared photos:
        worst point displacement 8.0% -> 4.4% of the pupil distance). Costs one more inference
        per face.

    Returns
    -------
    LandmarkResult
        Faces sorted by bounding-box area, largest first; empty when no face was found.
    """
    rgb = check_rgb_image(image)
    height, width = rgb.shape[:2]
    faces: list[FaceLandmarks] = []
    for raw in _raw_faces(rgb):
        pts = _refine(rgb, raw) if refine else raw
        faces.append(FaceLandmarks(pts[:, :2].copy(), pts[:, 2].copy(), width, height))
    faces.sort(key=lambda f: f.bbox.area, reverse=True)
    return LandmarkResult(tuple(faces), width, height)


#: MediaPipe connection sets copied into the canonical data file (names are the client's sides;
#: MediaPipe's "LEFT" is the subject's left, as here).
CONNECTION_SETS = (
    "FACEMESH_FACE_OVAL",
    "FACEMESH_LIPS",
    "FACEMESH_RIGHT_EYE",
    "FACEMESH_LEFT_EYE",
    "FACEMESH_RIGHT_EYEBROW",
    "FACEMESH_LEFT_EYEBROW",
    "FACEMESH_RIGHT_IRIS",
    "FACEMESH_LEFT_IRIS",
    "FACEMESH_NOSE",
)


def mesh_connections() -> dict[str, list[tuple[int, int]]]:
    """MediaPipe's landmark connection lists (edges between landmark indices).

    Only used to regenerate :mod:`acuface.vision.canonical`'s data file, so that code which
    draws the chart never imports MediaPipe.

    Returns
    -------
    dict
        Lower-case name without the ``FACEMESH_`` prefix (``"face_oval"``, ``"lips"``,
        ``"right_eye"``...) -> sorted list of ``(start, end)`` index pairs.
    """
    from mediapipe.python.solutions import (  # type: ignore[import-untyped, unused-ignore]
        face_mesh_connections as fmc,
    )

    return {
        name.removeprefix("FACEMESH_").lower(): sorted(
            (int(a), int(b)) for a, b in getattr(fmc, name)
        )
        for name in CONNECTION_SETS
    }

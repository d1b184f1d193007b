"""Photo augmentations with known geometry, shared by the tests and ``bench/bench_vision.py``.

Each augmentation returns the changed photo and the ``(2, 3)`` matrix mapping original pixels to
the changed photo's pixels (identity for photometric changes), so results can be mapped back.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np
import numpy.typing as npt
from PIL import Image

ImageArray = npt.NDArray[np.uint8]
FloatArray = npt.NDArray[np.float64]

#: /work/shared/data/faces: ``shared`` sits beside the repository root.
FACES_DIR = Path(__file__).resolve().parents[3] / ".." / "shared" / "data" / "faces"

#: Photos with one frontal face (SOURCES.md), plus the two-face photo (largest face used).
FRONTAL_FACE_PHOTOS = (
    "pd_obama_official_portrait_2012.jpg",
    "pd_obama_partial_face_crop.jpg",
    "pd_grace_hopper_1984.jpg",
    "pd_grace_hopper_128px.png",
    "pd_eileen_collins_nasa.png",
    "cc0_codait_man_outdoor.png",
    "ccby_chris_pratt_2018.jpeg",
    "pd_lowres_house_napolitano_b1936.jpg",
    "pd_lowres_house_clyburn_b1940.jpg",
    "pd_lowres_house_andykim_b1982.jpg",
    "pd_lowres_house_jacobs_b1989.jpg",
)
TWO_FACE_PHOTO = "pd_two_faces_obama_biden.jpg"
PROFILE_PHOTO = "cc0_cameraman_profile_gray.png"
EINSTEIN_PHOTO = "pd_einstein_lectern_bw.jpg"
NON_FACE_PHOTOS = (
    "nonface_brick_texture_cc0.png",
    "nonface_cat_chelsea_cc0.png",
    "nonface_coffee_cc0.png",
    "nonface_rocket_spacex_pd.jpg",
)
IDENTITY = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])


def load_photo(name: str) -> ImageArray:
    """A shared photo as RGB uint8 (grey and RGBA photos converted)."""
    with Image.open(FACES_DIR / name) as img:
        return np.asarray(img.convert("RGB"), dtype=np.uint8).copy()


def resize_long_side(image: ImageArray, long_side: int = 1024) -> ImageArray:
    """Photo resized so its longer side is ``long_side`` pixels (bicubic up, area down)."""
    scale = long_side / max(image.shape[:2])
    method = cv2.INTER_CUBIC if scale > 1 else cv2.INTER_AREA
    return np.asarray(cv2.resize(image, None, fx=scale, fy=scale, interpolation=method))


def rotate(image: ImageArray, degrees: float) -> tuple[ImageArray, FloatArray]:
    """Rotate about the centre (positive = counter-clockwise on screen); black corners."""
    height, width = image.shape[:2]
    matrix = cv2.getRotationMatrix2D((width / 2.0, height / 2.0), degrees, 1.0)
    out = cv2.warpAffine(
        image, matrix, (width, height), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT
    )
    return np.asarray(out), np.asarray(matrix, dtype=np.float64)


def rescale(image: ImageArray, factor: float) -> tuple[ImageArray, FloatArray]:
    """Resize by ``factor`` (area averaging down, bicubic up)."""
    method = cv2.INTER_AREA if factor < 1 else cv2.INTER_CUBIC
    out = cv2.resize(image, None, fx=factor, fy=factor, interpolation=method)
    sx = out.shape[1] / image.shape[1]
    sy = out.shape[0] / image.shape[0]
    # OpenCV's resize maps pixel centres: x' + 0.5 = (x + 0.5) * s.
    matrix = np.array([[sx, 0.0, 0.5 * sx - 0.5], [0.0, sy, 0.5 * sy - 0.5]])
    return np.asarray(out), matrix


def brightness(image: ImageArray, gain: float) -> tuple[ImageArray, FloatArray]:
    """Multiply pixel values by ``gain`` (clipped)."""
    out = np.clip(image.astype(np.float64) * gain, 0, 255).round().astype(np.uint8)
    return out, IDENTITY.copy()


def jpeg(image: ImageArray, quality: int = 60) -> tuple[ImageArray, FloatArray]:
    """Re-encode as JPEG at ``quality``."""
    buffer = io.BytesIO()
    Image.fromarray(image).save(buffer, format="JPEG", quality=quality)
    buffer.seek(0)
    with Image.open(buffer) as img:
        return np.asarray(img.convert("RGB"), dtype=np.uint8).copy(), IDENTITY.copy()


AUGMENTATIONS = (
    "rotate-15",
    "rotate+15",
    "scale0.5",
    "scale2",
    "brightness-30%",
    "brightness+30%",
    "jpeg60",
)


def augment(image: ImageArray, name: str) -> tuple[ImageArray, FloatArray]:
    """Apply one of :data:`AUGMENTATIONS`."""
    if name == "rotate-15":
        return rotate(image, -15.0)
    if name == "rotate+15":
        return rotate(image, 15.0)
    if name == "scale0.5":
        return rescale(image, 0.5)
    if name == "scale2":
        return rescale(image, 2.0)
    if name == "brightness-30%":
        return brightness(image, 0.7)
    if name == "brightness+30%":
        return brightness(image, 1.3)
    if name == "jpeg60":
        return jpeg(image, 60)
    raise ValueError(name)


def augmentations(image: ImageArray) -> Iterator[tuple[str, ImageArray, FloatArray]]:
    """Every augmentation of :data:`AUGMENTATIONS` with its matrix."""
    for name in AUGMENTATIONS:
        out, matrix = augment(image, name)
        yield name, out, matrix

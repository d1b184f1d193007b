"""Reading an uploaded photo safely: real JPEG or PNG only, bounded, upright, metadata removed.

The upload is treated as hostile. Its type is decided by its content (signature, then Pillow's
own reading), never by its name or the browser's content type. Its size and its pixel count are
checked before any pixel is decoded, so a small file that claims huge dimensions (a
decompression bomb) is refused without being expanded. The pixels are then decoded in full (a
truncated file fails here), turned upright from the EXIF orientation, and written again from the
bare pixel array: EXIF (GPS included), XMP, IPTC, text chunks and comments are all left behind.
"""

from __future__ import annotations

import hashlib
import io
import unicodedata
import warnings
from dataclasses import dataclass
from typing import IO

import numpy as np
import numpy.typing as npt
from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.utils.text import get_valid_filename
from PIL import Image, ImageCms, ImageFile, ImageOps, UnidentifiedImageError

#: Largest upload accepted, bytes (a phone photo is 2-8 MB).
DEFAULT_MAX_BYTES = 20_000_000
#: Largest image accepted, pixels (a 48-megapixel phone camera is about 8000 x 6000).
DEFAULT_MAX_PIXELS = 50_000_000
#: Smallest side accepted, pixels (the vision gates need a face of 60 px between the pupils).
MIN_SIDE = 64

JPEG_SIGNATURE = b"\xff\xd8\xff"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

NOT_AN_IMAGE = "This file is not a JPEG or PNG photo. Choose a photo taken with a camera or phone."
DAMAGED = "This photo could not be read: the file is damaged or incomplete. Try uploading it again."


def max_bytes() -> int:
    return int(getattr(settings, "PHOTO_MAX_UPLOAD_BYTES", DEFAULT_MAX_BYTES))


def max_pixels() -> int:
    return int(getattr(settings, "PHOTO_MAX_PIXELS", DEFAULT_MAX_PIXELS))


@dataclass(frozen=True, eq=False)
class CleanPhoto:
    """An upload that passed every check, re-encoded without metadata."""

    content: bytes
    image_format: str  # "jpeg" or "png"
    width: int
    height: int
    sha256: str


def clean_filename(name: str) -> str:
    """The uploader's file name made safe to show: no path, no control characters, short."""
    name = unicodedata.normalize("NFKC", name or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    try:
        cleaned = get_valid_filename(name)
    except SuspiciousFileOperation:  # Django refuses names like "." or ".." outright
        cleaned = ""
    return cleaned[-120:]


def _signature_format(head: bytes) -> str | None:
    if head.startswith(JPEG_SIGNATURE):
        return "jpeg"
    if head.startswith(PNG_SIGNATURE):
        return "png"
    return None


def _to_srgb(image: Image.Image) -> Image.Image:
    """Convert to RGB, through the embedded colour profile when there is one."""
    profile = image.info.get("icc_profile")
    if profile and image.mode in ("RGB", "CMYK"):
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
            srgb = ImageCms.createProfile("sRGB")
            converted = ImageCms.profileToProfile(image, source, srgb, outputMode="RGB")
            if converted is not None:
                return converted
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass  # a broken profile: fall back to the plain conversion below
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(white, rgba).convert("RGB")
    if image.mode in ("I;16", "I;16B", "I;16L", "I"):
        # 16-bit greyscale PNG: scale to 8 bits rather than clip.
        grey = np.asarray(image, dtype=np.float64)
        top = max(float(grey.max()), 1.0)
        scaled = np.clip(grey * (255.0 / (65535.0 if top > 255 else 255.0)), 0, 255)
        return Image.fromarray(scaled.astype(np.uint8)).convert("RGB")
    return image.convert("RGB")


def read_photo(upload: IO[bytes], *, size: int | None = None) -> CleanPhoto:
    """Check an uploaded file and return it upright and stripped of all metadata.

    Raises
    ------
    ValidationError
        With a message a practitioner understands, for anything that is not a sound JPEG or PNG
        photo within the limits.
    """
    limit = max_bytes()
    if size is not None and size > limit:
        raise ValidationError(
            f"This photo is too large ({size / 1e6:.1f} MB); the limit is {limit / 1e6:.0f} MB.",
            code="too_large",
        )
    upload.seek(0)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise ValidationError(
            f"This photo is too large; the limit is {limit / 1e6:.0f} MB.", code="too_large"
        )
    if not data:
        raise ValidationError("The file is empty.", code="empty")
    expected = _signature_format(data[:8])
    if expected is None:
        raise ValidationError(NOT_AN_IMAGE, code="not_image")
    rgb = _decode(data, expected)
    image_format = expected
    out = io.BytesIO()
    clean = Image.fromarray(rgb, mode="RGB")  # bare pixels: no info, no EXIF, no profile
    if image_format == "jpeg":
        clean.save(out, format="JPEG", quality=92, optimize=True)
    else:
        clean.save(out, format="PNG", optimize=False, compress_level=6)
    content = out.getvalue()
    return CleanPhoto(
        content=content,
        image_format=image_format,
        width=int(rgb.shape[1]),
        height=int(rgb.shape[0]),
        sha256=hashlib.sha256(content).hexdigest(),
    )


def _load_strictly(image: Image.Image) -> None:
    """Decode all pixels, failing on a truncated file.

    WeasyPrint switches Pillow's process-wide LOAD_TRUNCATED_IMAGES on when imported; an upload
    must never be accepted half-decoded, so the flag is off for this load whatever set it.
    """
    previous = ImageFile.LOAD_TRUNCATED_IMAGES
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        image.load()
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = previous


def _decode(data: bytes, expected: str) -> npt.NDArray[np.uint8]:
    """Decode to an upright RGB array, checking dimensions before any pixel is decoded."""
    pixel_limit = max_pixels()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=["JPEG", "PNG"]) as image:
                if (image.format or "").lower() != expected:
                    raise ValidationError(NOT_AN_IMAGE, code="not_image")
                width, height = image.size
                if width * height > pixel_limit:
                    raise ValidationError(
                        f"This photo has too many pixels ({width} x {height}); the limit is "
                        f"{pixel_limit / 1e6:.0f} megapixels. Resize it and upload it again.",
                        code="too_many_pixels",
                    )
                if min(width, height) < MIN_SIDE:
                    raise ValidationError(
                        f"This photo is too small ({width} x {height} pixels); at least "
                        f"{MIN_SIDE} pixels on each side are needed.",
                        code="too_small",
                    )
                _load_strictly(image)  # decodes every pixel: a truncated file fails here
                upright = ImageOps.exif_transpose(image) or image
                rgb = np.asarray(_to_srgb(upright), dtype=np.uint8)
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise ValidationError(
            "This photo has too many pixels to be opened safely.", code="too_many_pixels"
        ) from error
    except UnidentifiedImageError as error:
        raise ValidationError(NOT_AN_IMAGE, code="not_image") from error
    except (OSError, SyntaxError, ValueError, EOFError, MemoryError, TypeError) as error:
        raise ValidationError(DAMAGED, code="damaged") from error
    if rgb.ndim != 3 or rgb.shape[2] != 3:
        raise ValidationError(DAMAGED, code="damaged")
    return np.ascontiguousarray(rgb)


def decode_stored(content: bytes) -> npt.NDArray[np.uint8]:
    """Pixels of a photo already stored by :func:`read_photo` (trusted: written by us)."""
    with Image.open(io.BytesIO(content), formats=["JPEG", "PNG"]) as image:
        return np.ascontiguousarray(np.asarray(image.convert("RGB"), dtype=np.uint8))

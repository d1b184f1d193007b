"""Reading uploads: only sound JPEG/PNG within the limits, upright, with no metadata left."""

from __future__ import annotations

import io
import struct
import zlib
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image, PngImagePlugin

from acuface.photos.tests.factories import jpeg_bytes, png_bytes
from acuface.photos.uploads import (
    JPEG_SIGNATURE,
    PNG_SIGNATURE,
    clean_filename,
    read_photo,
)

GPS_IFD = 0x8825


def read(data: bytes) -> Any:
    return read_photo(io.BytesIO(data), size=len(data))


def refused_code(data: bytes) -> str:
    with pytest.raises(ValidationError) as caught:
        read(data)
    return str(caught.value.code)


def png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_claiming(width: int, height: int, idat: bytes = b"") -> bytes:
    """A PNG whose header claims `width` x `height` 8-bit grey pixels."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        PNG_SIGNATURE
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", idat or zlib.compress(b"\x00" * 64))
        + png_chunk(b"IEND", b"")
    )


def jpeg_with_gps() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    gps = exif.get_ifd(GPS_IFD)
    gps[1] = "N"
    gps[2] = (51.0, 30.0, 12.5)
    gps[3] = "W"
    gps[4] = (0.0, 7.0, 39.0)
    data = jpeg_bytes(exif=exif.tobytes())
    with Image.open(io.BytesIO(data)) as check:  # the fixture really carries a location
        assert check.getexif().get_ifd(GPS_IFD)[2] == (51.0, 30.0, 12.5)
    return data


def test_a_plain_jpeg_is_accepted_and_re_encoded() -> None:
    clean = read(jpeg_bytes(320, 240))
    assert (clean.image_format, clean.width, clean.height) == ("jpeg", 320, 240)
    assert clean.content.startswith(JPEG_SIGNATURE)
    assert len(clean.sha256) == 64


def test_a_png_stays_png() -> None:
    clean = read(png_bytes(200, 100))
    assert (clean.image_format, clean.width, clean.height) == ("png", 200, 100)
    assert clean.content.startswith(PNG_SIGNATURE)


def test_gps_and_all_exif_are_removed() -> None:
    clean = read(jpeg_with_gps())
    with Image.open(io.BytesIO(clean.content)) as stored:
        assert dict(stored.getexif()) == {}
        assert "exif" not in stored.info
    assert b"Exif" not in clean.content
    assert b"PhoneMaker" not in clean.content


def test_exif_orientation_is_applied_before_stripping() -> None:
    exif = Image.Exif()
    exif[0x0112] = 6  # stored sideways: rotate 90° clockwise to view
    clean = read(jpeg_bytes(400, 300, exif=exif.tobytes()))
    assert (clean.width, clean.height) == (300, 400)
    assert b"Exif" not in clean.content


def test_png_text_and_exif_chunks_are_removed() -> None:
    info = PngImagePlugin.PngInfo()
    info.add_text("Location", "51.5 N 0.12 W")
    info.add_itxt("XML:com.adobe.xmp", "<x:xmpmeta>GPSLatitude</x:xmpmeta>")
    out = io.BytesIO()
    exif = Image.Exif()
    exif.get_ifd(GPS_IFD)[1] = "N"
    Image.new("RGB", (100, 100), "white").save(out, format="PNG", pnginfo=info, exif=exif)
    clean = read(out.getvalue())
    assert b"Location" not in clean.content
    assert b"GPS" not in clean.content
    assert b"eXIf" not in clean.content
    assert b"tEXt" not in clean.content and b"iTXt" not in clean.content


@pytest.mark.parametrize("mode", ["RGBA", "LA", "L", "P", "I;16", "1"])
def test_other_png_modes_become_rgb(mode: str) -> None:
    out = io.BytesIO()
    Image.new(mode, (80, 90)).save(out, format="PNG")
    clean = read(out.getvalue())
    with Image.open(io.BytesIO(clean.content)) as stored:
        assert stored.mode == "RGB" and stored.size == (80, 90)


def test_a_renamed_text_file_is_refused() -> None:
    assert refused_code(b"Dear diary, today I renamed this to photo.jpg\n") == "not_image"


@pytest.mark.parametrize("kind", ["GIF", "BMP", "WEBP", "TIFF"])
def test_other_image_formats_are_refused(kind: str) -> None:
    out = io.BytesIO()
    Image.new("RGB", (100, 100)).save(out, format=kind)
    assert refused_code(out.getvalue()) == "not_image"


def test_a_jpeg_signature_in_front_of_png_content_is_refused() -> None:
    # Claims to be a JPEG by its first bytes, but is not one.
    assert refused_code(JPEG_SIGNATURE + png_bytes()[3:]) in ("not_image", "damaged")


def test_a_truncated_jpeg_is_refused() -> None:
    data = jpeg_bytes(400, 400)
    assert refused_code(data[: len(data) // 2]) == "damaged"


def test_a_truncated_png_is_refused() -> None:
    data = png_bytes(400, 400)
    assert refused_code(data[: len(data) - 40]) == "damaged"


def test_a_decompression_bomb_is_refused_before_decoding() -> None:
    # 30000 x 30000 claimed in a file of a few hundred bytes: Pillow's own guard or ours.
    assert refused_code(png_claiming(30_000, 30_000)) == "too_many_pixels"


def test_a_photo_above_the_pixel_limit_is_refused(settings: Any) -> None:
    settings.PHOTO_MAX_PIXELS = 1_000_000
    assert refused_code(png_claiming(1500, 1000)) == "too_many_pixels"


def test_a_file_above_the_size_limit_is_refused(settings: Any) -> None:
    settings.PHOTO_MAX_UPLOAD_BYTES = 10_000
    data = jpeg_bytes(400, 400)
    assert len(data) > 10_000
    assert refused_code(data) == "too_large"
    # the declared size is not trusted either: the content is counted
    with pytest.raises(ValidationError):
        read_photo(io.BytesIO(data), size=5)


def test_a_tiny_photo_is_refused() -> None:
    assert refused_code(png_bytes(20, 20)) == "too_small"


def test_an_empty_file_is_refused() -> None:
    assert refused_code(b"") == "empty"


@settings(max_examples=150, deadline=None)
@given(body=st.binary(max_size=2000), prefix=st.sampled_from([b"", JPEG_SIGNATURE, PNG_SIGNATURE]))
def test_any_bytes_give_a_photo_or_a_clear_refusal(body: bytes, prefix: bytes) -> None:
    try:
        clean = read(prefix + body)
    except ValidationError as error:
        assert error.messages and all(m.endswith(".") for m in error.messages)
    else:
        assert clean.image_format in ("jpeg", "png")


@pytest.mark.parametrize(
    "name",
    [
        "../../etc/passwd.png",
        "..\\..\\windows\\system32\\photo.jpg",
        "<script>alert(1)</script>.jpg",
        "photo\x00.png.exe",
        "\u202egnp.exe",
        "x" * 5000 + ".jpg",
        "..",
        "",
        "face\r\nSet-Cookie: a=b.jpg",
    ],
)
def test_hostile_file_names_are_made_harmless(name: str) -> None:
    cleaned = clean_filename(name)
    assert len(cleaned) <= 120
    assert "/" not in cleaned and "\\" not in cleaned and "<" not in cleaned
    assert not any(ord(ch) < 32 or ch == "\u202e" for ch in cleaned)
    assert cleaned not in (".", "..")


def test_a_truncated_jpeg_is_refused_even_after_weasyprint_is_imported() -> None:
    import weasyprint  # noqa: F401 (it turns Pillow's LOAD_TRUNCATED_IMAGES on)

    data = jpeg_bytes(400, 400)
    assert refused_code(data[: len(data) // 2]) == "damaged"

"""Photos for tests: stored files, and analyses made without MediaPipe.

`canonical_analysis` runs the vision package's own recipes on its canonical face (scaled into a
small image), so tests of the overlay and of corrections have real points and a real chart
transform in milliseconds. Tests of the analysis itself use the shared photos.
"""

from __future__ import annotations

import datetime as dt
import io
import uuid
from pathlib import Path
from typing import Any

import numpy as np
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image

from acuface.clients import selectors as client_selectors
from acuface.clients import services as client_services
from acuface.clients.models import Client, ConsentText
from acuface.photos.models import AnalysisStatus, Photo

FACE_SCALE = 0.4  # canonical chart units -> test photo pixels (a 400 x 500 photo)


def faces_dir() -> Path:
    return Path(settings.BASE_DIR).parent / "shared" / "data" / "faces"


def give_photo_consent(client: Client) -> None:
    text = client_selectors.consent_texts_current().get("photos")
    if text is None:  # a transactional (browser) test flushed the migration's consent texts
        text = ConsentText.objects.create(
            kind="photos",
            version=1,
            title="Consent to photographs",
            body="Photographs of my face may be taken and kept in my record.",
            published_on=dt.date(2026, 1, 1),
        )
    client_services.consent_sign(client=client, text=text, signature="Test Client")


def png_bytes(
    width: int = 400, height: int = 500, colour: tuple[int, int, int] = (180, 150, 130)
) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(out, format="PNG")
    return out.getvalue()


def jpeg_bytes(width: int = 400, height: int = 500, **save: Any) -> bytes:
    rng = np.random.default_rng(7)
    pixels = rng.integers(0, 255, (height, width, 3), dtype=np.uint8)
    out = io.BytesIO()
    Image.fromarray(pixels).save(out, format="JPEG", quality=90, **save)
    return out.getvalue()


def canonical_analysis(
    scale: float = FACE_SCALE, shift: tuple[float, float] = (0.0, 0.0)
) -> dict[str, Any]:
    """`PhotoAnalysis.to_dict()` of the canonical face drawn at `scale` (no MediaPipe)."""
    from acuface.vision.analysis import PhotoAnalysis
    from acuface.vision.canonical import load_canonical
    from acuface.vision.chart import photo_to_chart
    from acuface.vision.landmarks import FaceLandmarks
    from acuface.vision.points import place_points
    from acuface.vision.quality import QualityReport

    layout = load_canonical()
    width, height = int(layout.width * scale), int(layout.height * scale)
    points = layout.points * scale + np.asarray(shift)
    face = FaceLandmarks(points, layout.depth * scale, width, height)
    analysis = PhotoAnalysis(
        width,
        height,
        QualityReport(face_count=1),
        face,
        None,
        place_points(face),
        None,
        photo_to_chart(face),
    )
    return analysis.to_dict()


def make_photo(
    client: Client,
    *,
    analysis: dict[str, Any] | None = None,
    status: str = AnalysisStatus.DONE,
    name: str | None = None,
    content: bytes | None = None,
    **fields: Any,
) -> Photo:
    """A stored photo with a given analysis (default: the canonical face), bypassing upload."""
    analysis = canonical_analysis() if analysis is None else analysis
    width = int(analysis.get("image", {}).get("width", 400))
    height = int(analysis.get("image", {}).get("height", 500))
    name = name or f"photos/test/{uuid.uuid4().hex}.png"
    if not default_storage.exists(name):
        name = default_storage.save(name, ContentFile(content or png_bytes(width, height)))
    return Photo.objects.create(
        client=client,
        storage_name=name,
        image_format="png",
        width=width,
        height=height,
        byte_size=default_storage.size(name),
        sha256="0" * 64,
        status=status,
        analysis=analysis,
        analysis_version=str(analysis.get("version", "")),
        **fields,
    )

"""Demo photos: one client with a first photo and a later one, analysed by the task worker.

The later photo is the same public-domain portrait made lighter and slightly turned, so the
before/after page has something to align and compare. Files are stored under fixed names and
reused, so loading the demo again (or in tests) never piles up copies.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import numpy as np
from django.conf import settings
from django.utils import timezone
from PIL import Image

from acuface.clients.models import Client
from acuface.clients.selectors import client_has_consent
from acuface.core.demo import DemoClinic
from acuface.photos import services
from acuface.photos.models import Photo

PORTRAIT = "pd_obama_official_portrait_2012.jpg"
DEMO_CLIENT = ("José", "Martínez")


def _later_version(content: bytes) -> bytes:
    with Image.open(io.BytesIO(content)) as image:
        rgb = np.asarray(image.convert("RGB"), dtype=np.int16)
    lighter = Image.fromarray(np.clip(rgb + 12, 0, 255).astype(np.uint8))
    turned = lighter.rotate(3, resample=Image.Resampling.BICUBIC, fillcolor=(128, 128, 128))
    out = io.BytesIO()
    turned.save(out, format="PNG")
    return out.getvalue()


def load(demo: DemoClinic) -> None:
    source = Path(settings.BASE_DIR).parent / "shared" / "data" / "faces" / PORTRAIT
    first, last = DEMO_CLIENT
    client = Client.objects.filter(clinic=demo.clinic, first_name=first, last_name=last).first()
    if (
        not source.exists()
        or client is None
        or not client_has_consent(client=client, kind="photos")
    ):
        return
    if Photo.objects.filter(client=client).exists():
        return
    content = source.read_bytes()
    today = timezone.localdate()
    actor = demo.staff["practitioner"]
    for name, data, days_ago in (
        ("demo/before.jpg", content, 35),
        ("demo/after.png", _later_version(content), 2),
    ):
        services.photo_upload(
            actor=actor,
            client=client,
            upload=io.BytesIO(data),
            filename=name.split("/")[-1],
            taken_on=today - dt.timedelta(days=days_ago),
            fixed_name=f"photos/{name}",
        )

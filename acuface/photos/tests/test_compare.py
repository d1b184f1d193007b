"""Before and after on real photos: aligned on the landmarks, changes per region."""

from __future__ import annotations

import datetime as dt
import functools
import io
from typing import Any

import numpy as np
import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from PIL import Image

from acuface.clients.models import Client
from acuface.photos import selectors, vision_glue
from acuface.photos.tests.factories import faces_dir, make_photo
from acuface.photos.uploads import read_photo
from tests.shared_data import require_file

PORTRAIT = "pd_obama_official_portrait_2012.jpg"
BRIGHTER = 18  # grey levels added to every channel of the "after" photo


@functools.lru_cache(maxsize=1)
def before_and_after_photos() -> tuple[bytes, dict[str, Any], bytes, dict[str, Any]]:
    """The portrait, and the same portrait brighter, turned 4° and shifted (analysed once)."""
    path = faces_dir() / PORTRAIT
    with Image.open(path) as image:
        rgb = np.asarray(image.convert("RGB"), dtype=np.int16)
    brighter = Image.fromarray(np.clip(rgb + BRIGHTER, 0, 255).astype(np.uint8))
    moved = brighter.rotate(
        4, resample=Image.Resampling.BICUBIC, translate=(25, -10), fillcolor=(128, 128, 128)
    )
    out = io.BytesIO()
    moved.save(out, format="PNG")
    before = read_photo(io.BytesIO(path.read_bytes())).content
    after = read_photo(io.BytesIO(out.getvalue())).content
    return before, vision_glue.analyse_content(before), after, vision_glue.analyse_content(after)


@pytest.fixture
def pair(client_a: Client) -> tuple[Any, Any]:
    require_file(faces_dir() / PORTRAIT)
    before, before_analysis, after, after_analysis = before_and_after_photos()
    assert before_analysis["metrics"] and after_analysis["metrics"], "both must be measured"
    first = make_photo(
        client_a, analysis=before_analysis, content=before, taken_on=dt.date(2026, 1, 5)
    )
    second = make_photo(
        client_a, analysis=after_analysis, content=after, taken_on=dt.date(2026, 3, 5)
    )
    return first, second


def test_per_region_changes_follow_the_brightening(pair: tuple[Any, Any]) -> None:
    first, second = pair
    rows = vision_glue.region_changes(first.analysis, second.analysis)
    comparable = [r for r in rows if r["is_comparable"]]
    assert len(comparable) >= 5
    for row in comparable:
        # +18 grey levels on mid-tone skin is several L* units lighter (CIELAB), never darker.
        assert row["lightness"] > 2.0, row["region_id"]
        assert row["lightness"] == pytest.approx(
            row["after"]["lightness"] - row["before"]["lightness"]
        )
        assert row["label"]


def test_the_compare_page_orders_by_date_and_shows_the_table(
    as_practitioner_a: HttpClient, pair: tuple[Any, Any]
) -> None:
    first, second = pair
    # opened from the later photo, the earlier one is still "before"
    page = as_practitioner_a.get(reverse("photos:photo-compare", args=[second.pk, first.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "5 Jan 2026 → 5 Mar 2026" in html
    assert html.count("<tr>") >= 6 and "forehead" in html
    assert reverse("photos:photo-aligned-image", args=[first.pk, second.pk]) in html


def test_the_aligned_photo_lands_on_the_first_one(
    as_practitioner_a: HttpClient, pair: tuple[Any, Any]
) -> None:
    first, second = pair
    response = as_practitioner_a.get(
        reverse("photos:photo-aligned-image", args=[first.pk, second.pk])
    )
    assert response.status_code == 200
    with Image.open(io.BytesIO(response.content)) as aligned:
        assert aligned.size == (first.width, first.height)
    before, _, after, _ = before_and_after_photos()
    _, residual = vision_glue.align_contents(before, first.analysis, after, second.analysis)
    # The second photo was only turned and moved: after alignment the stable landmarks agree to
    # within a few percent of the pupil distance (MediaPipe's own jitter).
    assert residual < 0.03


def test_photos_of_two_clients_are_not_compared(
    as_practitioner_a: HttpClient, client_a: Client
) -> None:
    from tests.factories import ClientFactory

    other = ClientFactory(clinic=client_a.clinic)
    mine, theirs = make_photo(client_a), make_photo(other)
    page = as_practitioner_a.get(reverse("photos:photo-compare", args=[mine.pk, theirs.pk]))
    assert "two different clients" in page.content.decode()
    image = as_practitioner_a.get(reverse("photos:photo-aligned-image", args=[mine.pk, theirs.pk]))
    assert image.status_code == 404


def test_comparable_photos_are_the_clients_other_analysed_ones(client_a: Client) -> None:
    first = make_photo(client_a)
    second = make_photo(client_a)
    make_photo(client_a, status="rejected")
    assert list(selectors.comparable_photos(photo=first)) == [second]

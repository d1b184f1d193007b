"""A practitioner uploads a client's photo, sees the points on the face, drags one to correct it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from acuface.clients.models import Client
from acuface.core.models import AuditEvent, User
from acuface.photos.models import Photo, PointPosition, PositionSource
from acuface.photos.tests.factories import faces_dir, give_photo_consent
from tests.shared_data import require_file

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PORTRAIT = "pd_obama_official_portrait_2012.jpg"


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


def test_upload_see_points_drag_one(
    page: Page, log_in: Any, practitioner_a: User, client_a: Client
) -> None:
    portrait = require_file(faces_dir() / PORTRAIT)
    give_photo_consent(client_a)
    log_in(practitioner_a)
    page.goto(f"/clients/{client_a.pk}/")
    page.click("text=Upload a photo")
    page.set_input_files("#id_image", str(portrait))
    page.click("button:has-text('Upload')")

    # The analysis runs as a task (immediately in tests); the page shows the points.
    overlay = page.locator(".photo-overlay")
    expect(overlay).to_be_visible(timeout=30_000)
    photo = Photo.objects.get(client=client_a)
    point = page.locator('.pt[data-code="GV25"]')
    expect(point).to_have_class("pt suggested")
    expect(page.locator(".metrics")).to_contain_text("forehead")

    box = point.locator(".dot").bounding_box()
    assert box is not None
    start_x, start_y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(start_x, start_y)
    page.mouse.down()
    page.mouse.move(start_x + 10, start_y + 6, steps=4)
    page.mouse.move(start_x + 20, start_y + 12, steps=4)
    page.mouse.up()
    expect(overlay.locator(".overlay-message")).to_contain_text("GV25 (midline) saved")
    expect(point).to_have_class("pt moved")

    position = PointPosition.objects.get(photo=photo, code="GV25", side="midline")
    assert position.source == PositionSource.MOVED
    suggested = next(p["xy"] for p in photo.analysis["points"]["points"] if p["code"] == "GV25")
    assert position.x > suggested[0] and position.y > suggested[1]  # moved right and down
    assert AuditEvent.objects.filter(
        object_type="photos.pointposition", actor=practitioner_a
    ).exists()

    page.reload()  # the correction is stored, not just drawn
    expect(page.locator('.pt[data-code="GV25"]')).to_have_class("pt moved")


def test_before_and_after_slider(
    page: Page, log_in: Any, practitioner_a: User, client_a: Client
) -> None:
    import datetime as dt

    from acuface.photos.tests.factories import make_photo
    from acuface.photos.tests.test_compare import before_and_after_photos

    require_file(faces_dir() / PORTRAIT)
    before, before_analysis, after, after_analysis = before_and_after_photos()
    first = make_photo(
        client_a, analysis=before_analysis, content=before, taken_on=dt.date(2026, 1, 5)
    )
    second = make_photo(
        client_a, analysis=after_analysis, content=after, taken_on=dt.date(2026, 3, 5)
    )
    log_in(practitioner_a)
    page.goto(f"/photos/{second.pk}/")
    page.click("text=With the photo of 5 Jan 2026")
    expect(page.locator("h1")).to_contain_text("5 Jan 2026 → 5 Mar 2026")
    expect(page.locator("table.changes")).to_contain_text("forehead")
    slider = page.locator(".compare-slider")
    slider.locator("input[type=range]").fill("20")
    assert "20%" in (slider.get_attribute("style") or "")
    aligned = slider.locator(".after image").get_attribute("href")
    assert aligned == f"/photos/{first.pk}/compare/{second.pk}/aligned.jpg"
    answer = page.request.get(aligned)
    assert answer.status == 200 and answer.headers["content-type"] == "image/jpeg"


def test_a_point_can_be_moved_with_the_keyboard(
    page: Page, log_in: Any, practitioner_a: User, client_a: Client
) -> None:
    from acuface.photos.tests.factories import make_photo

    photo = make_photo(client_a)
    log_in(practitioner_a)
    page.goto(f"/photos/{photo.pk}/")
    point = page.locator('.pt[data-code="CV24"]')
    point.focus()
    for _ in range(5):
        page.keyboard.press("ArrowRight")
    expect(page.locator(".overlay-message")).to_contain_text("CV24 (midline) saved")
    position = PointPosition.objects.get(photo=photo, code="CV24")
    suggested = next(p["xy"] for p in photo.analysis["points"]["points"] if p["code"] == "CV24")
    # 5 steps of 2 chart units; the test photo is the chart face at 0.4 scale: 4 px right.
    assert position.x == pytest.approx(suggested[0] + 4.0, abs=0.05)
    assert position.y == pytest.approx(suggested[1], abs=0.05)


def test_the_page_updates_itself_when_the_analysis_ends(
    page: Page,
    log_in: Any,
    practitioner_a: User,
    client_a: Client,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from types import SimpleNamespace

    from acuface.photos import services

    portrait = require_file(faces_dir() / PORTRAIT)
    # Hold the task back (as if the worker were busy), then run it while the page is open.
    queued: list[int] = []
    monkeypatch.setattr(
        "acuface.photos.tasks.analyse_photo_task", SimpleNamespace(enqueue=queued.append)
    )
    give_photo_consent(client_a)
    log_in(practitioner_a)
    page.goto(f"/photos/clients/{client_a.pk}/upload/")
    page.set_input_files("#id_image", str(portrait))
    page.click("button:has-text('Upload')")
    expect(page.locator("#photo-status")).to_contain_text("Waiting for analysis")
    assert page.locator(".photo-overlay").count() == 0

    services.photo_analyse(photo_id=queued[0])
    expect(page.locator(".photo-overlay")).to_be_visible(timeout=10_000)
    expect(page.locator(".metrics")).to_contain_text("forehead")

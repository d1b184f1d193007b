"""A practitioner plans and books a course; after some sessions the course page shows, in charts
and photos, how the skin changed and what side effects occurred."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from acuface.clients.models import Client
from acuface.core.models import User
from acuface.courses.models import Course
from acuface.courses.tests.helpers import course_with_progress
from acuface.courses.tests.world import next_weekday_at
from acuface.photos.tests.factories import give_photo_consent
from tests.factories import ClientFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


def test_course_page_with_charts_and_before_after(
    page: Page, log_in: Any, practitioner_a: User, client_a: Client
) -> None:
    give_photo_consent(client_a)
    course = course_with_progress(client=client_a, practitioner=practitioner_a, done=6)
    log_in(practitioner_a)
    page.goto(f"/clients/{client_a.pk}/")
    page.click(f"a[href='/courses/{course.pk}/']")
    expect(page.locator("[data-progress=done]")).to_have_text("6 of 10")
    expect(page.locator("[data-progress=prepaid-left]")).to_contain_text("4 of 10 left")
    for key in ("grades", "wrinkles", "tone", "reported"):
        chart = page.locator(f"[data-chart={key}] svg.outcome-chart")
        expect(chart).to_be_visible()
        box = chart.bounding_box()
        assert box is not None and box["width"] > 500  # readable on a tablet
    grades = page.locator("[data-chart=grades] polyline.series")
    expect(grades.first).to_be_visible()
    assert grades.count() == 2  # forehead and crow's feet
    expect(page.locator("[data-chart=grades] .adverse-marker")).to_have_count(1)
    expect(page.locator("#adverse-events")).to_contain_text("Bruising")
    # Before and after: the first photo and the latest aligned onto it, both loaded.
    frames = page.locator("#before-after svg image")
    expect(frames).to_have_count(2)
    first_href = frames.nth(0).get_attribute("href")
    assert first_href and page.request.get(first_href).ok
    # The chart's numbers are there for people who prefer them.
    page.click("[data-chart=wrinkles] summary")
    expect(page.locator("[data-chart=wrinkles] table")).to_contain_text("Forehead")
    book = page.get_by_role("link", name="Book maintenance")  # all ten are booked
    box = book.bounding_box()
    assert box is not None and box["height"] >= 44


def test_plan_and_book_a_course_from_the_client_page(
    page: Page, log_in: Any, practitioner_a: User, clinic_a: Any
) -> None:
    client = ClientFactory(clinic=clinic_a, first_name="Ada", last_name="Lovelace")
    log_in(practitioner_a)
    page.goto(f"/clients/{client.pk}/")
    page.click("text=Plan a course")
    first = next_weekday_at(clinic_a.zone, 10, days_ahead=2)
    page.fill("#id_date", first.date().isoformat())
    page.fill("#id_time", "07:00")  # before opening: refused beside the field, input kept
    page.click("button:has-text('Plan and book')")
    expect(page.locator("#id_time_error")).to_contain_text("closed")
    expect(page.locator("#id_date")).to_have_value(first.date().isoformat())
    page.fill("#id_time", "10:00")
    page.fill("#id_prepaid_sessions", "10")
    page.click("button:has-text('Plan and book')")
    expect(page.locator("[data-progress=done]")).to_have_text("0 of 10")
    course = Course.objects.get(client=client)
    assert course.bookings.count() + len(page.locator(".message").all_inner_texts()) >= 10
    page.click("a:has-text('Summary for the client')")
    expect(page.locator(".summary-progress")).to_contain_text("You have had 0 of 10 sessions")

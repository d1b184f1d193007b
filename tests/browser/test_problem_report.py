"""A client who bruises at hour 3 reports it on a phone from the aftercare sheet's link."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from acuface.aftercare import selectors
from acuface.aftercare.models import AdverseEvent, ProblemReport
from acuface.atlas.loading import load_atlas_data
from acuface.atlas.models import Point, Protocol
from acuface.clients.models import Client
from acuface.core.models import User
from acuface.treatments.models import TreatmentSession

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def session(client_a: Client, practitioner_a: User) -> TreatmentSession:
    if not Point.objects.exists():  # a transactional test may run after a flush
        load_atlas_data(point_model=Point, protocol_model=Protocol)
    out = timezone.now() - dt.timedelta(hours=3)
    return TreatmentSession.objects.create(
        client=client_a,
        practitioner=practitioner_a,
        scheduled_at=out - dt.timedelta(hours=1),
        needling_started_at=out - dt.timedelta(minutes=30),
        needles_out_at=out,
        aftercare_issued_at=out + dt.timedelta(minutes=5),
        state="aftercare_issued",
    )


def test_a_bruise_at_hour_3_is_reported_from_the_sheet_link(
    page: Page, session: TreatmentSession
) -> None:
    page.set_viewport_size(PHONE)
    page.goto(f"/aftercare/sheet/{selectors.session_checkin_token(session)}/")
    page.click("text=Report a problem now")
    expect(page.locator("h1")).to_contain_text("Tell us what is wrong")
    expect(page.locator("input[name=makeup_waited]")).to_have_count(0)

    page.click(".option:has(input[name=pain][value='1'])")
    page.click(".option:has(input[name=bruising][value=yes])")
    page.locator("[data-face-chart] [data-code=ST2][data-side=right]").click()
    for question in ("bleeding", "rash", "nausea", "dizziness"):
        page.click(f".option:has(input[name={question}][value=no])")
    page.click(".option:has(input[name=allergy_signs][value=none])")
    page.click(".option:has(input[name=infection_signs][value=none])")
    page.fill("textarea[name=comments]", "A small bruise by my nose")
    page.click("button:has-text('Send my answers')")

    expect(page.locator("h1")).to_contain_text("Thank you")
    expect(page.locator("[data-report-link]")).to_be_visible()  # another report can follow
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    report = ProblemReport.objects.get()
    assert report.answers["bruise_points"] == [["ST2", "right"]]
    assert AdverseEvent.objects.get(kind="bruising").report == report

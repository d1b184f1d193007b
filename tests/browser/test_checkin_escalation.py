"""A client answers a check-in on a phone (allergy signs: emergency advice at once); the
practitioner sees the escalation on the dashboard and acknowledges it with a note."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from acuface.aftercare import selectors, services
from acuface.aftercare.models import AdverseEvent, CheckIn, Escalation
from acuface.atlas.loading import load_atlas_data
from acuface.atlas.models import Point, Protocol
from acuface.clients.models import Client
from acuface.core.models import AuditEvent, User
from acuface.treatments.models import FollowUp, TreatmentSession

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
TABLET = {"width": 1024, "height": 768}


@pytest.fixture
def checkin(client_a: Client, practitioner_a: User) -> CheckIn:
    if not Point.objects.exists():  # a transactional test may run after a flush
        load_atlas_data(point_model=Point, protocol_model=Protocol)
    out = timezone.now() - dt.timedelta(hours=25)
    session = TreatmentSession.objects.create(
        client=client_a,
        practitioner=practitioner_a,
        scheduled_at=out - dt.timedelta(hours=1),
        needling_started_at=out - dt.timedelta(minutes=30),
        needles_out_at=out,
        state="complete",
    )
    follow_up = FollowUp.objects.create(
        session=session, kind="24h", due_at=out + dt.timedelta(days=1)
    )
    return services.checkin_ensure(follow_up=follow_up)


def test_a_check_in_escalates_and_the_practitioner_acknowledges_it(
    page: Page, log_in: Callable[[User], object], checkin: CheckIn, practitioner_a: User
) -> None:
    page.set_viewport_size(PHONE)
    token = selectors.checkin_link_token(checkin)
    page.goto(f"/aftercare/checkin/{token}/")
    expect(page.locator("h1")).to_contain_text("How are you")

    # Nothing is answered until the client taps it: no pain, no "No" ticked.
    expect(page.locator("input[name=pain]:checked")).to_have_count(0)
    expect(page.locator("form input[type=radio]:checked")).to_have_count(0)
    page.click("button:has-text('Send my answers')")
    expect(page.locator("#id_pain_error")).to_contain_text("Choose a number from 0")
    expect(page.locator("#id_bleeding_error")).to_be_visible()

    page.click(".option:has(input[name=pain][value='2'])")
    expect(page.locator("input[name=pain][value='2']")).to_be_checked()
    expect(page.locator(".bruise-details")).to_be_hidden()
    page.click(".option:has(input[name=bruising][value=yes])")
    expect(page.locator(".bruise-details")).to_be_visible()
    page.locator("[data-face-chart] [data-code=ST2][data-side=right]").click()
    expect(page.locator("#bruise-where")).to_contain_text("ST2:right")
    page.select_option("select[name=bruise_size]", "small")
    for question in ("bleeding", "rash", "nausea", "dizziness"):
        page.click(f".option:has(input[name={question}][value=no])")
    page.click(".option:has(input[name=infection_signs][value=none])")

    emergency = page.locator("form [data-advice=emergency]")
    expect(emergency).to_be_hidden()
    page.click(".option:has(input[name=allergy_signs][value=lips_eyes])")
    expect(emergency).to_be_visible()  # at once, before anything is sent
    page.click(".option:has(input[name=makeup_waited][value=yes])")
    page.fill("textarea[name=comments]", "My top lip is <b>puffy</b>")
    page.click("button:has-text('Send my answers')")

    expect(page.locator("h1")).to_contain_text("Thank you")
    expect(page.locator("[data-advice=emergency]")).to_contain_text("emergency")
    saved = CheckIn.objects.get(pk=checkin.pk)
    assert saved.answers["bruise_points"] == [["ST2", "right"]]
    assert AdverseEvent.objects.filter(kind="allergy").exists()

    page.set_viewport_size(TABLET)
    log_in(practitioner_a)
    tile = page.locator("[data-tile=escalations]")
    expect(tile).to_contain_text("1")
    tile.click()
    row = page.locator("#escalations tbody tr").first
    expect(row).to_contain_text("Allergic reaction")
    row.locator("text=Open").click()
    expect(page.locator("main")).to_contain_text("My top lip is <b>puffy</b>")  # shown as text
    page.click("button:has-text('Acknowledge')")
    expect(page.locator(".field-error")).to_be_visible()  # a note is required
    page.fill("textarea[name=note]", "Phoned: antihistamine taken, swelling going down; GP today.")
    page.click("button:has-text('Acknowledge')")
    expect(page.locator("#escalations")).to_contain_text("Nothing off its expected course")
    escalation = Escalation.objects.get()
    assert escalation.acknowledged_by == practitioner_a
    assert AuditEvent.objects.filter(
        action="acknowledged", object_type="aftercare.escalation"
    ).exists()

"""A practitioner at the couch, on a tablet: check-in to the aftercare sheet, with a reload
during retention that shows the same remaining time, and a second device kept current."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from acuface.core.models import User
from acuface.treatments import services, states
from acuface.treatments.models import Needle, TreatmentSession
from acuface.treatments.tests.factories import needle_lot, ready_client

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

POINTS = [("ST2", "right"), ("ST2", "left"), ("EX-HN3", "midline"), ("LI4", "right")]


def seconds_left(text: str) -> int:
    found = re.match(r"(\d+):(\d\d) left", text)
    assert found, text
    return int(found.group(1)) * 60 + int(found.group(2))


def chart_point(page: Page, code: str, side: str):
    chart = "#session-state [data-face-chart]"
    return page.locator(f'{chart} [data-code="{code}"][data-side="{side}"]')


def test_a_whole_session_at_the_couch(page: Page, log_in, practitioner_a: User, clinic_a) -> None:
    client = ready_client(clinic=clinic_a, actor=practitioner_a)
    lot = needle_lot(clinic=clinic_a, lot_number="SJ-2611")
    session = services.session_schedule(
        actor=practitioner_a, client=client, scheduled_at=timezone.now()
    )
    log_in(practitioner_a)
    page.goto(f"/sessions/{session.pk}/")
    state = page.locator("[data-session-state]")

    page.click("button:has-text('Check in')")
    expect(state).to_have_text("Checked in")
    page.select_option("#id_assess_fitzpatrick", "III")
    page.select_option("#id_assess_glogau", "II")
    page.select_option("#id_assess_grade_forehead", "2")
    page.click("button:has-text('Record the skin assessment')")
    expect(state).to_have_text("Skin assessed")
    page.click("button:has-text('Skin cleansed')")
    expect(state).to_have_text("Cleansed")
    page.select_option("#id_lot_facial_lot", str(lot.pk))
    page.select_option("#id_lot_body_lot", str(lot.pk))
    page.click("button:has-text('Use these lots')")
    expect(page.locator("[data-notice]")).to_contain_text("SJ-2611")

    for number, (code, side) in enumerate(POINTS, start=1):
        chart_point(page, code, side).click()
        expect(page.locator("[data-count-in]")).to_have_text(str(number))
        expect(chart_point(page, code, side)).to_have_attribute("data-state", "needled")
        if number == 1:  # the first needle changed the step: the whole panel came back; mark it
            page.evaluate("document.getElementById('session-state').dataset.kept = 'yes'")
    expect(state).to_have_text("Needling")
    # The next taps kept the steps: their answers replaced only the pieces they changed, and the
    # panel (still the marked one) knows the version the server is at.
    panel = page.locator("#session-state")
    expect(panel).to_have_attribute("data-kept", "yes")
    version = TreatmentSession.objects.get(pk=session.pk).version
    expect(panel).to_have_attribute("data-version", str(version))
    expect(page.locator("tr[data-needle]")).to_have_count(len(POINTS))

    page.fill("#id_retention_minutes", "30")
    page.click("button:has-text('Last needle is in: start retention')")
    expect(state).to_have_text("Retention")
    timer = page.locator("[data-timer-text]")
    expect(timer).to_have_text(re.compile(r"^\d+:\d\d left$"))
    before = seconds_left(timer.inner_text())
    ends_before = page.locator("[data-timer]").get_attribute("data-ends-at")
    page.wait_for_timeout(2100)
    ticked = seconds_left(timer.inner_text())
    assert 1 <= before - ticked <= 4, "the display ticks every second"

    page.reload()  # the tablet reloads: the same end, the same time left
    assert page.locator("[data-timer]").get_attribute("data-ends-at") == ends_before
    after = seconds_left(page.locator("[data-timer-text]").inner_text())
    assert abs(after - ticked) <= 3, (before, ticked, after)
    assert 1700 <= after <= 1800

    # A second tablet opened now shows the same time.
    other = page.context.new_page()
    other.goto(f"/sessions/{session.pk}/")
    assert abs(seconds_left(other.locator("[data-timer-text]").inner_text()) - after) <= 3

    # Let the retention time run out (moved in the database rather than waited for).
    now = timezone.now()
    TreatmentSession.objects.filter(pk=session.pk).update(
        retention_started_at=now - dt.timedelta(minutes=31),
        needling_started_at=now - dt.timedelta(minutes=33),
        retention_ends_at=now - dt.timedelta(minutes=1, seconds=5),
    )
    page.reload()
    expect(page.locator("[data-timer-text]")).to_have_text("overdue by 1 min")
    expect(page.locator("[data-timer]")).to_have_class(re.compile("timer--done"))

    for number, (code, side) in enumerate(POINTS, start=1):
        chart_point(page, code, side).click()
        expect(page.locator("[data-count-out]")).to_have_text(str(number))
    expect(state).to_have_text("Removal")
    # The second tablet catches up by itself (the poll).
    expect(other.locator("[data-count-out]")).to_have_text(str(len(POINTS)), timeout=12_000)
    other.close()

    page.click("button:has-text('Skin cleansed and moisturized')")
    expect(state).to_have_text("Cleansed and moisturized")
    page.click("button:has-text('Issue the aftercare sheet')")
    expect(state).to_have_text("Aftercare issued")
    out_at = TreatmentSession.objects.get(pk=session.pk).needles_out_at
    assert out_at is not None
    makeup = (out_at + dt.timedelta(hours=4)).astimezone(clinic_a.zone)
    expect(page.locator("[data-makeup]")).to_contain_text(f"No makeup before {makeup:%H:%M}")

    page.click("button:has-text('Complete the session')")
    expect(state).to_have_text("Complete")
    assert TreatmentSession.objects.get(pk=session.pk).state == states.COMPLETE
    assert not Needle.objects.filter(session=session, removed_at__isnull=True).exists()

    page.goto(f"/sessions/{session.pk}/aftercare/")
    expect(page.locator("[data-makeup]")).to_contain_text(f"No makeup before {makeup:%H:%M}")
    expect(page.locator("body")).to_contain_text("Trouble breathing")

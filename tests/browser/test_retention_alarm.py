"""The end-of-retention alarm on a tablet that nobody has tapped yet (a reload, a second tablet).

A browser holds sound back until the page is tapped; Chromium as the tests drive it does too
(an AudioContext made by the page starts "suspended"), so these pages are what a practitioner
sees after a reload.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from acuface.core.models import User
from acuface.treatments import states
from acuface.treatments.models import TreatmentSession
from acuface.treatments.tests.factories import needle_lot, ready_client, session_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Counts calls to navigator.vibrate (Chromium on a desktop has it but does nothing).
RECORD_VIBRATE = """
window.__vibrations = [];
navigator.vibrate = function (pattern) { window.__vibrations.push(pattern); return true; };
"""


def retention_session(clinic: object, practitioner: User, *, ends_in: dt.timedelta) -> int:
    client = ready_client(clinic=clinic, actor=practitioner)
    lot = needle_lot(clinic=clinic)
    session = session_in(states.RETENTION, actor=practitioner, client=client, lot=lot)
    now = timezone.now()
    TreatmentSession.objects.filter(pk=session.pk).update(
        needling_started_at=now + ends_in - dt.timedelta(minutes=33),
        retention_started_at=now + ends_in - dt.timedelta(minutes=30),
        retention_ends_at=now + ends_in,
    )
    return session.pk


def test_an_overdue_session_on_a_fresh_page_asks_for_sound_and_alarms_across_the_room(
    page: Page, log_in, practitioner_a: User, clinic_a
) -> None:
    session_id = retention_session(clinic_a, practitioner_a, ends_in=-dt.timedelta(minutes=2))
    log_in(practitioner_a)
    page.goto(f"/sessions/{session_id}/")

    prompt = page.locator("[data-alarm-sound]")
    expect(prompt).to_be_visible()
    expect(prompt).to_have_text("Tap to turn the alarm sound on")

    alarm = page.locator("[data-retention-alarm]")
    expect(alarm).to_be_visible()
    expect(alarm).to_contain_text("Retention is over")
    box = alarm.bounding_box()
    assert box is not None and box["width"] >= 0.9 * page.viewport_size["width"], box
    heading_px = float(alarm.locator("strong").evaluate("e => getComputedStyle(e).fontSize")[:-2])
    assert heading_px >= 32, heading_px
    expect(page.locator("html")).to_have_class(re.compile("retention-over"))
    expect(page.locator("[data-timer-text]")).to_have_text("overdue by 2 min")

    prompt.click()  # the tap lets the sound through: the prompt goes
    expect(prompt).to_be_hidden()
    # The page polls every 5 seconds; the prompt stays away and the alarm stays up after it.
    page.wait_for_timeout(5500)
    expect(prompt).to_be_hidden()
    expect(alarm).to_be_visible()


def test_the_alarm_goes_off_when_the_time_runs_out_on_an_open_page(
    page: Page, log_in, practitioner_a: User, clinic_a
) -> None:
    session_id = retention_session(clinic_a, practitioner_a, ends_in=dt.timedelta(seconds=4))
    page.add_init_script(RECORD_VIBRATE)
    log_in(practitioner_a)
    page.goto(f"/sessions/{session_id}/")
    alarm = page.locator("[data-retention-alarm]")
    expect(alarm).to_be_hidden()
    expect(page.locator("[data-alarm-sound]")).to_be_visible()  # sound is held back already
    expect(page.locator("[data-timer-text]")).to_have_text(re.compile(r"^0:0\d left$"))

    expect(alarm).to_be_visible(timeout=8_000)
    expect(page.locator("[data-timer-text]")).to_have_text("just ended")
    assert page.evaluate("window.__vibrations.length") == 1


def test_no_alarm_and_no_prompt_once_the_needles_come_out(
    page: Page, log_in, practitioner_a: User, clinic_a
) -> None:
    client = ready_client(clinic=clinic_a, actor=practitioner_a)
    lot = needle_lot(clinic=clinic_a)
    session = session_in(states.REMOVAL, actor=practitioner_a, client=client, lot=lot)
    log_in(practitioner_a)
    page.goto(f"/sessions/{session.pk}/")
    expect(page.locator("[data-session-state]")).to_have_text("Removal")
    assert page.locator("[data-retention-alarm]").count() == 0
    assert page.locator("[data-alarm-sound]").count() == 0
    expect(page.locator("html")).not_to_have_class(re.compile("retention-over"))

"""An answer tapped just before the client closes the intake page is saved, not lost."""

from __future__ import annotations

import time

import pytest
from django.urls import reverse

from acuface.intake import selectors
from acuface.intake.models import Intake
from acuface.intake.tests.factories import draft_intake

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_answer_tapped_right_before_closing_is_kept(
    chromium, live_server, practitioner_a, client_a
):
    intake = draft_intake(actor=practitioner_a, client=client_a)
    url = reverse("intake:intake-fill", kwargs={"token": selectors.intake_link_token(intake)})
    context = chromium.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(f"{live_server.url}{url}?section=0")
    page.check('input[name="unwell_now"][value="no"]')
    page.close(run_before_unload=True)  # well under the autosave's pause
    saved = None
    for _ in range(30):
        saved = Intake.objects.get(pk=intake.pk).answers.get("unwell_now")
        if saved is not None:
            break
        time.sleep(0.1)
    context.close()
    assert saved is False

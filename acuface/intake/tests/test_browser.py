"""A client fills the intake on a phone, reloads in the middle, loses nothing, and submits."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

from acuface.clients.models import Client
from acuface.core.models import User
from acuface.intake import selectors
from acuface.intake.models import Intake
from acuface.intake.tests.factories import draft_intake
from tests.browser.fixtures import ARTIFACTS, PHONE

pytestmark = pytest.mark.browser
SHOTS = bool(os.environ.get("ACUFACE_DOCS_SCREENSHOTS"))

# Answers every still-empty question on the page the way a hurried client might: "no" where
# there is a no, the first option otherwise, 7 for numbers. Two passes, for questions that a
# first answer reveals.
FILL_THE_REST = """() => {
  for (let pass = 0; pass < 2; pass++) {
    document.querySelectorAll('.question').forEach((q) => {
      if (q.hidden) return;
      const radios = [...q.querySelectorAll('input[type=radio]')];
      if (radios.length) {
        const no = radios.find((r) => r.value === 'no') || radios[0];
        if (!radios.some((r) => r.checked)) no.click();
        return;
      }
      const boxes = [...q.querySelectorAll('input[type=checkbox]')];
      if (boxes.length) { if (!boxes.some((b) => b.checked)) boxes[0].click(); return; }
      const number = q.querySelector('input[inputmode=decimal]');
      if (number && !number.value) number.value = '7';
    });
  }
}"""


@pytest.fixture
def phone(chromium: Any, live_server: Any) -> Iterator[Any]:
    context = chromium.new_context(viewport=PHONE, base_url=live_server.url, is_mobile=True)
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


def _save_and_continue(page: Any) -> None:
    page.get_by_role("button", name="Save and continue").click()
    page.wait_for_load_state("domcontentloaded")


def test_client_fills_the_intake_on_a_phone(
    phone: Any, practitioner_a: User, client_a: Client
) -> None:
    page = phone
    intake = draft_intake(actor=practitioner_a, client=client_a)
    url = "/intake/link/" + selectors.intake_link_token(intake) + "/"
    try:
        page.goto(url)
        assert page.get_by_text("Page 1 of 10").is_visible()
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        page.get_by_label("Good", exact=True).check()
        page.locator('.question[data-question="unwell_now"]').get_by_label("No").check()
        _save_and_continue(page)

        page.get_by_role("heading", name="Health conditions").wait_for()
        page.evaluate(FILL_THE_REST)
        _save_and_continue(page)

        # Medicines: a conditional question appears after "yes".
        page.get_by_role("heading", name="Medicines and supplements").wait_for()
        which = page.locator('.question[data-question="anticoagulant_kind"]')
        assert which.is_hidden()
        anticoagulant = page.locator('.question[data-question="anticoagulant"]')
        with page.expect_response(lambda r: r.request.method == "POST") as saved:
            anticoagulant.get_by_label("Yes").check()
            which.get_by_label("Warfarin").check()
        assert saved.value.status == 204

        page.reload()  # a closed tab, a flat battery: nothing typed is lost
        assert anticoagulant.get_by_label("Yes").is_checked()
        assert which.is_visible() and which.get_by_label("Warfarin").is_checked()
        if SHOTS:
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "intake-medicines-phone.png"), full_page=True)
        assert Intake.objects.get(pk=intake.pk).answers["anticoagulant_kind"] == "warfarin"

        for _ in range(20):
            if page.get_by_role("heading", name="Check and send").count():
                break
            page.evaluate(FILL_THE_REST)
            _save_and_continue(page)
            assert page.locator(".field-error").count() == 0, page.locator(
                ".field-error"
            ).all_inner_texts()
        page.get_by_role("heading", name="Check and send").wait_for()
        assert page.get_by_text("Warfarin").count() == 1
        if SHOTS:
            page.screenshot(path=str(ARTIFACTS / "intake-review-phone.png"), full_page=True)
        page.get_by_role("button", name="Send my answers").click()
        page.get_by_role("heading", name="Thank you").wait_for()
    except Exception:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "intake-phone.png"), full_page=True)
        raise

    stored = Intake.objects.get(pk=intake.pk)
    assert stored.is_submitted
    result = selectors.screening_for_client(client=client_a, on=stored.valid_until)
    assert result is not None and "anticoagulant" in {f.rule_id for f in result.flags}
    # The link is now used: opening it again shows the thank-you page, not the form.
    page.goto(url)
    assert page.get_by_role("heading", name="Thank you").is_visible()

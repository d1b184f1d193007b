"""A form sent back with an error far down the page: the page comes back at that field."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from acuface.core.models import User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_first_field_in_error_is_scrolled_to_and_focused(
    page: Page, log_in, owner_a: User
) -> None:
    page.set_viewport_size({"width": 390, "height": 600})  # a short screen: the field is far down
    log_in(owner_a)
    page.goto("/clients/new/")
    page.fill("#id_first_name", "Ada")
    page.fill("#id_last_name", "Lovelace")
    page.fill("#id_date_of_birth", "1985-12-10")
    page.fill("#id_emergency_contact_phone", "call my sister")
    page.click("button:has-text('Save')")

    field = page.locator("#id_emergency_contact_phone")
    expect(field).to_be_focused()
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_be_in_viewport()
    expect(field).to_have_value("call my sister")  # what was typed stays
    assert page.evaluate("window.scrollY") > 0


def test_a_page_without_errors_stays_at_its_top(page: Page, log_in, owner_a: User) -> None:
    page.set_viewport_size({"width": 390, "height": 600})
    log_in(owner_a)
    page.goto("/clients/new/")
    page.wait_for_timeout(200)
    assert page.evaluate("window.scrollY") == 0
    expect(page.locator("#id_first_name")).not_to_be_focused()

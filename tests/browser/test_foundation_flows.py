"""A person at the front desk: log in, register a client, find them, see the audit entry."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from acuface.clients.models import Client
from acuface.core.models import AuditEvent, User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_register_find_and_audit_a_client(page: Page, log_in, owner_a: User) -> None:
    log_in(owner_a)
    page.click("text=New client")
    page.fill("#id_first_name", "Zoë")
    page.fill("#id_last_name", "Núñez")
    page.fill("#id_date_of_birth", "1986-04-30")
    page.fill("#id_phone", "+44 7700 900555")
    page.fill("#id_email", "zoe.nunez@example.com")
    page.click("button:has-text('Save')")
    expect(page.locator("h1")).to_contain_text("Zoë Núñez")
    assert Client.objects.filter(last_name="Núñez").count() == 1

    page.click("nav >> text=Clients")
    # Typed without accents and in capitals, as a busy receptionist would.
    page.fill("#id_q", "ZOE NUNEZ")
    expect(page.locator("#results")).to_contain_text("Núñez, Zoë")
    page.fill("#id_q", "900555")
    expect(page.locator("#results")).to_contain_text("Núñez, Zoë")

    page.click("nav >> text=Audit log")
    row = page.locator("table.audit tbody tr").filter(has_text="created")
    expect(row.first).to_contain_text("Zoë Núñez")
    assert AuditEvent.objects.filter(action="created", object_label="Zoë Núñez").exists()


def test_form_keeps_what_was_typed_on_error(page: Page, log_in, owner_a: User) -> None:
    log_in(owner_a)
    page.goto("/clients/new/")
    page.fill("#id_first_name", "Ada")
    page.fill("#id_last_name", "<script>alert(1)</script>")
    page.fill("#id_date_of_birth", "2999-01-01")
    page.click("button:has-text('Save')")
    expect(page.locator(".field-error")).to_contain_text("future")
    expect(page.locator("#id_first_name")).to_have_value("Ada")
    expect(page.locator("#id_last_name")).to_have_value("<script>alert(1)</script>")


def test_repeated_failed_logins_lock_the_account(page: Page, practitioner_a: User) -> None:
    for _ in range(5):
        page.goto("/login/")
        page.fill("#id_username", practitioner_a.email)
        page.fill("#id_password", "wrong password")
        page.click("button[type=submit]")
    page.goto("/login/")
    page.fill("#id_username", practitioner_a.email)
    page.fill("#id_password", "correct horse battery")
    page.click("button[type=submit]")
    expect(page.locator("h1")).to_have_text(re.compile("Too many failed log-ins"))

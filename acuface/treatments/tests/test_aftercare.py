"""The aftercare sheet: makeup time in the clinic's zone (across DST), warnings, PDF, e-mail."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from acuface.treatments import aftercare, services, states
from acuface.treatments.tests.factories import (
    acknowledge_flags,
    consent,
    fresh,
    needle_lot,
    ready_client,
    session_in,
)
from conftest import login
from tests.factories import ClinicFactory, UserFactory
from tests.pdf import pdf_text


def pdf_of(session) -> bytes:
    """The PDF of the sheet issued for `session`, as a download gives it."""
    sheet = aftercare.issued_sheet(session)
    assert sheet is not None
    return aftercare.sheet_pdf(sheet)


def session_ending_at(zone: str, needles_out_utc: dt.datetime, **client_kwargs):
    """A session in `zone` whose needles all came out at `needles_out_utc`."""
    clinic = ClinicFactory(time_zone=zone, phone="+1 212 555 0100")
    actor = UserFactory(clinic=clinic)
    with time_machine.travel(needles_out_utc, tick=False):
        client = ready_client(clinic=clinic, actor=actor, **client_kwargs)
        acknowledge_flags(client=client, actor=actor)
        lot = needle_lot(clinic=clinic)
        session = session_in(states.AFTERCARE_ISSUED, actor=actor, client=client, lot=lot)
    return session, actor


# (zone, needles out in UTC, the clock time the client must read)
MAKEUP_TIMES = [
    # Plain afternoon in a zone behind UTC.
    (
        "America/New_York",
        dt.datetime(2026, 6, 10, 18, 15, tzinfo=dt.UTC),
        "18:15 on Wednesday 10 June",
    ),
    # New York leaves summer time at 02:00 on 1 Nov 2026: 00:30 EDT + 4 h is 03:30 EST, not 04:30.
    (
        "America/New_York",
        dt.datetime(2026, 11, 1, 4, 30, tzinfo=dt.UTC),
        "03:30 on Sunday 1 November",
    ),
    # London enters summer time at 01:00 on 29 Mar 2026: 00:30 GMT + 4 h is 05:30 BST.
    ("Europe/London", dt.datetime(2026, 3, 29, 0, 30, tzinfo=dt.UTC), "05:30 on Sunday 29 March"),
    # Past midnight in Tokyo: the date moves too.
    (
        "Asia/Tokyo",
        dt.datetime(2026, 11, 25, 13, 0, tzinfo=dt.UTC),
        "02:00 on Thursday 26 November",
    ),
]


@pytest.mark.parametrize(("zone", "out_at", "clock"), MAKEUP_TIMES)
def test_the_pdf_says_when_makeup_is_allowed_in_local_time(db, zone, out_at, clock):
    session, _ = session_ending_at(zone, out_at)
    assert session.makeup_free_at == out_at + dt.timedelta(hours=4)
    text = pdf_text(pdf_of(session))
    assert f"No makeup before {clock}." in text
    assert "Swelling of your lips, eyes or throat" in text
    assert "Trouble breathing" in text
    assert "Pus at a needle site" in text
    assert "bruising can take up to a week" in text
    assert "+1 212 555 0100" in text


def test_the_clients_own_risk_notes_are_on_the_sheet(db):
    session, _ = session_ending_at(
        "Europe/London",
        dt.datetime(2026, 11, 25, 11, 0, tzinfo=dt.UTC),
        antiplatelet=True,
        antiplatelet_kind="aspirin",
    )
    assert session.aftercare_risk_notes, "aspirin should raise a risk the client is told about"
    text = pdf_text(pdf_of(session))
    first_note = " ".join(session.aftercare_risk_notes[0].split())
    assert first_note[:40] in text


def test_the_sheet_is_sent_only_with_email_consent(
    clinic_a, practitioner_a, mailoutbox, django_capture_on_commit_callbacks
):
    lot = needle_lot(clinic=clinic_a)
    without = ready_client(clinic=clinic_a, actor=practitioner_a)
    with django_capture_on_commit_callbacks(execute=True):
        session_in(states.AFTERCARE_ISSUED, actor=practitioner_a, client=without, lot=lot)
    assert mailoutbox == []

    agreed = ready_client(clinic=clinic_a, actor=practitioner_a)
    consent(agreed, "email_contact", practitioner_a)
    with django_capture_on_commit_callbacks(execute=True):
        session = session_in(states.AFTERCARE_ISSUED, actor=practitioner_a, client=agreed, lot=lot)
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == [agreed.email]
    local = session.makeup_free_at.astimezone(clinic_a.zone)
    assert f"No makeup before {local:%H:%M}" in message.body
    ((_name, content, mimetype),) = message.attachments
    assert mimetype == "application/pdf" and content.startswith(b"%PDF")


def test_the_sheet_pages(clinic_a, practitioner_a, practitioner_b):
    lot = needle_lot(clinic=clinic_a)
    client = ready_client(clinic=clinic_a, actor=practitioner_a)
    early = session_in(states.MOISTURIZED, actor=practitioner_a, client=client, lot=lot)
    http = login(practitioner_a)
    not_yet = http.get(reverse("treatments:aftercare-pdf", args=[early.pk]))
    assert not_yet.status_code == 302
    services.aftercare_issue(actor=practitioner_a, session=early, version=early.version)
    html = http.get(reverse("treatments:aftercare-sheet", args=[early.pk]))
    assert html.status_code == 200 and b"No makeup before" in html.content
    pdf = http.get(reverse("treatments:aftercare-pdf", args=[early.pk]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    outsider = login(practitioner_b)
    assert outsider.get(reverse("treatments:aftercare-pdf", args=[early.pk])).status_code == 404
    assert fresh(early).state == states.AFTERCARE_ISSUED

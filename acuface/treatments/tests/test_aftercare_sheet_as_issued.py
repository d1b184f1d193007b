"""The aftercare sheet is a record: what it said when issued is what every re-download says.

Issue 12, part 10 (a re-downloaded old sheet showed today's next session and "from now") and
part 9 (the sheet gives the clinic's phone and the local emergency number, and is not issued
without the phone).
"""

from __future__ import annotations

import datetime as dt
import importlib
from typing import Any

import pytest
import time_machine
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from acuface.aftercare import selectors as aftercare_selectors
from acuface.core import services as core_services
from acuface.core.models import Clinic, Role, User
from acuface.treatments import aftercare, services, states
from acuface.treatments.models import AftercareSheet, PointOverride, TreatmentSession
from acuface.treatments.tests.factories import (
    consent,
    fresh,
    needle_lot,
    ready_client,
    session_in,
)
from conftest import login
from tests.factories import UserFactory
from tests.pdf import pdf_text

# 11:00 in London (GMT: summer time ended on 25 October 2026).
ISSUED_AT = dt.datetime(2026, 10, 27, 11, 0, tzinfo=dt.UTC)
NEXT_AT = dt.datetime(2026, 11, 10, 15, 30, tzinfo=dt.UTC)
MUCH_LATER = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
CONTACT = {
    "phone": "+44 20 7946 0111",
    "email": "care@lotus.example",
    "address": "12 Long Lane\nLondon EC1A 9HP",
    "emergency_number": "112",
}


def moisturized(clinic: Clinic, actor: User) -> TreatmentSession:
    """A session whose needles all came out at ISSUED_AT, with the next one booked for NEXT_AT."""
    with time_machine.travel(ISSUED_AT, tick=False):
        client = ready_client(clinic=clinic, actor=actor)
        consent(client, "email_contact", actor)
        session = session_in(
            states.MOISTURIZED, actor=actor, client=client, lot=needle_lot(clinic=clinic)
        )
        # The next visit, as the calendar's booking makes it (courses.booking_create).
        services.session_schedule(
            actor=actor, client=client, scheduled_at=NEXT_AT, for_booking=True
        )
    return session


@pytest.fixture
def owner(clinic_a: Clinic) -> User:
    owner = UserFactory(email="owner@sheet.test", clinic=clinic_a, role=Role.OWNER)
    core_services.clinic_contact_update(actor=owner, clinic=clinic_a, **CONTACT)
    return owner


@pytest.fixture
def issued(
    clinic_a: Clinic,
    owner: User,
    practitioner_a: User,
    settings: Any,
    mailoutbox: list[Any],
    django_capture_on_commit_callbacks: Any,
) -> TreatmentSession:
    settings.SITE_URL = "https://lotus.example"
    session = moisturized(clinic_a, practitioner_a)
    with (
        time_machine.travel(ISSUED_AT + dt.timedelta(minutes=5), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.aftercare_issue(actor=practitioner_a, session=session, version=session.version)
    return fresh(session)


def downloads(user: User, session: TreatmentSession) -> tuple[bytes, str]:
    http = login(user)
    pdf = http.get(reverse("treatments:aftercare-pdf", args=[session.pk]))
    page = http.get(reverse("treatments:aftercare-sheet", args=[session.pk]))
    assert pdf.status_code == 200 and page.status_code == 200
    return pdf.content, page.content.decode()


def change_everything_the_sheet_printed(
    session: TreatmentSession, owner: User, practitioner: User, settings: Any
) -> None:
    """What happened at the clinic between the sheet's issue and a later download."""
    later = TreatmentSession.objects.get(client=session.client, scheduled_at=NEXT_AT)
    with time_machine.travel(ISSUED_AT + dt.timedelta(days=2), tick=False):
        services.session_cancel(
            actor=practitioner, session=later, version=later.version, reason="client moved it"
        )
        services.session_schedule(
            actor=practitioner,
            client=session.client,
            scheduled_at=dt.datetime(2026, 12, 3, 10, 0, tzinfo=dt.UTC),
            for_booking=True,
        )
        core_services.clinic_contact_update(
            actor=owner,
            clinic=owner.clinic,
            **{**CONTACT, "phone": "+44 20 7946 0999", "emergency_number": "999"},
        )
    settings.SITE_URL = "https://new-address.example"


def test_a_redownloaded_sheet_is_the_sheet_as_issued(
    issued: TreatmentSession, owner: User, practitioner_a: User, settings: Any
) -> None:
    with time_machine.travel(ISSUED_AT + dt.timedelta(minutes=6), tick=False):
        first_pdf, first_page = downloads(practitioner_a, issued)
    change_everything_the_sheet_printed(issued, owner, practitioner_a, settings)
    with time_machine.travel(MUCH_LATER, tick=False):
        again_pdf, again_page = downloads(practitioner_a, issued)

    assert again_pdf == first_pdf
    assert again_page == first_page
    text = pdf_text(again_pdf)
    assert "15:30 on Tuesday 10 November." in text  # the next session as it was booked
    assert "3 December" not in text
    assert "+44 20 7946 0111" in text and "0999" not in text
    assert "Call 112 straight away." in text


def test_the_sheet_gives_check_in_times_not_from_now(issued: TreatmentSession) -> None:
    text = pdf_text(aftercare.sheet_pdf(AftercareSheet.objects.get(session=issued)))
    assert "from now" not in text
    assert (
        "We will check in with you at 11:00 on Wednesday 28 October "
        "and at 11:00 on Tuesday 3 November." in text
    )


def test_the_check_in_link_on_the_sheet_stays_as_issued(
    issued: TreatmentSession, owner: User, practitioner_a: User, settings: Any
) -> None:
    printed = aftercare_selectors.session_checkin_link(issued)
    assert printed.startswith("https://lotus.example/aftercare/")
    change_everything_the_sheet_printed(issued, owner, practitioner_a, settings)
    with time_machine.travel(MUCH_LATER, tick=False):
        _pdf, page = downloads(practitioner_a, issued)
    assert printed in page
    assert "new-address.example" not in page


def test_the_email_carries_the_sheet_as_issued(
    issued: TreatmentSession, practitioner_a: User, mailoutbox: list[Any]
) -> None:
    (message,) = mailoutbox
    ((name, attached, _mimetype),) = message.attachments
    downloaded, _page = downloads(practitioner_a, issued)
    assert attached == downloaded
    assert name == f"aftercare-2026-10-27-session-{issued.pk}.pdf"
    assert "No makeup before 15:00 on Tuesday 27 October." in message.body
    assert "Call 112 straight away." in message.body
    assert "call the clinic on +44 20 7946 0111" in message.body
    assert "Your next session: 15:30 on Tuesday 10 November." in message.body
    assert "at 11:00 on Wednesday 28 October and at 11:00 on Tuesday 3 November" in message.body
    assert message.reply_to == ["care@lotus.example"]


def test_the_sheet_gives_the_clinics_phone_address_and_emergency_number(
    issued: TreatmentSession,
) -> None:
    text = pdf_text(aftercare.sheet_pdf(AftercareSheet.objects.get(session=issued)))
    assert "Call the clinic on +44 20 7946 0111 if:" in text
    assert "Phone +44 20 7946 0111" in text
    assert "12 Long Lane London EC1A 9HP" in text and "care@lotus.example" in text
    assert "Emergency: Call 112 straight away." in text


def test_without_an_emergency_number_the_sheet_names_the_usual_ones(
    clinic_a: Clinic, practitioner_a: User
) -> None:
    Clinic.objects.filter(pk=clinic_a.pk).update(emergency_number="")
    session = moisturized(Clinic.objects.get(pk=clinic_a.pk), practitioner_a)
    services.aftercare_issue(actor=practitioner_a, session=session, version=session.version)
    text = pdf_text(aftercare.sheet_pdf(AftercareSheet.objects.get(session=session)))
    assert "your local emergency number (999 in the UK, 112 in the EU, 911 in the US)" in text


def test_the_sheet_is_not_issued_without_the_clinics_phone(
    clinic_a: Clinic, practitioner_a: User, mailoutbox: list[Any]
) -> None:
    session = moisturized(clinic_a, practitioner_a)
    Clinic.objects.filter(pk=clinic_a.pk).update(phone="")
    session = fresh(session)
    with pytest.raises(ValidationError) as refused:
        services.aftercare_issue(actor=practitioner_a, session=session, version=session.version)
    assert "no phone number" in refused.value.messages[0]
    assert "Clinic settings" in refused.value.messages[0]
    assert fresh(session).state == states.MOISTURIZED
    assert not AftercareSheet.objects.filter(session=session).exists()

    http = login(practitioner_a)
    url = reverse("treatments:session-act", args=[session.pk, "aftercare"])
    page = http.post(url, {"version": session.version}, HTTP_HX_REQUEST="true")
    assert "Clinic settings" in page.content.decode()
    assert fresh(session).state == states.MOISTURIZED


def test_a_point_needled_with_a_reason_is_on_the_sheet(
    clinic_a: Clinic, practitioner_a: User
) -> None:
    session = moisturized(clinic_a, practitioner_a)
    PointOverride.objects.create(
        session=session,
        point_id=session.needles.first().point_id,
        side="right",
        restriction="Area treated with filler on 3 Oct: defer until 1 Dec",
        reason="Filler was on the left side only",
    )
    services.aftercare_issue(actor=practitioner_a, session=session, version=session.version)
    text = pdf_text(aftercare.sheet_pdf(AftercareSheet.objects.get(session=session)))
    assert "ST2 (client's right): Area treated with filler on 3 Oct: defer until 1 Dec." in text
    assert "Your practitioner's reason: Filler was on the left side only" in text


def test_issuing_the_sheet_is_audited(issued: TreatmentSession) -> None:
    from acuface.core.models import AuditEvent

    sheet = AftercareSheet.objects.get(session=issued)
    event = AuditEvent.objects.get(object_type="treatments.aftercaresheet")
    assert event.changes["pdf_sha256"] == [None, sheet.pdf_sha256]
    assert event.changes["next_session"] == [None, "15:30 on Tuesday 10 November"]


# --- sheets issued before sheets were stored ------------------------------------------------------

WRITES = ("INSERT", "UPDATE", "DELETE")
BACKFILL = importlib.import_module(
    "acuface.treatments.migrations.0004_aftercare_sheet_for_sheets_issued_before"
)


def test_a_sheet_issued_earlier_gets_its_record_from_the_data_migration(
    issued: TreatmentSession,
    owner: User,
    practitioner_a: User,
    settings: Any,
) -> None:
    stored = AftercareSheet.objects.get(session=issued)
    AftercareSheet.objects.filter(pk=stored.pk).delete()  # as it was before this change
    link = stored.facts["checkin_link"]
    # Booked after the sheet was issued: not the next session the sheet printed.
    with time_machine.travel(ISSUED_AT + dt.timedelta(days=1), tick=False):
        services.session_schedule(
            actor=practitioner_a,
            client=issued.client,
            scheduled_at=dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC),
            for_booking=True,
        )

    BACKFILL.sheets_for_earlier_issues(django_apps, None)

    rebuilt = AftercareSheet.objects.get(session=issued)
    facts = rebuilt.facts
    assert facts["reconstructed"] and facts["texts_version"] == 1
    assert facts["next_session"]["clock"] == "15:30 on Tuesday 10 November"
    assert facts["makeup_free_clock"] == stored.facts["makeup_free_clock"]
    assert facts["checkins"] == stored.facts["checkins"]
    assert facts["checkin_link"] == link
    assert facts["risk_notes"] == stored.facts["risk_notes"]
    assert bytes(rebuilt.pdf) == b""

    # Every download renders the same PDF from the record, and writes nothing.
    settings.SITE_URL = "https://new-address.example"
    with CaptureQueriesContext(connection) as queries:
        first, page = downloads(practitioner_a, issued)
        again, _page = downloads(practitioner_a, issued)
    writes = [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(WRITES)]
    assert not [sql for sql in writes if "treatments_" in sql], writes
    assert first == again
    assert link in page
    text = pdf_text(first)
    assert "your local emergency number (999 in the UK, 112 in the EU, 911 in the US)" in text
    assert "15:30 on Tuesday 10 November." in text
    assert bytes(AftercareSheet.objects.get(session=issued).pdf) == b""

    BACKFILL.sheets_for_earlier_issues(django_apps, None)  # running again changes nothing
    assert AftercareSheet.objects.filter(session=issued).count() == 1


def test_the_sheet_says_a_problem_can_be_reported_at_once(issued: TreatmentSession) -> None:
    sheet = AftercareSheet.objects.get(session=issued)
    text = pdf_text(aftercare.sheet_pdf(sheet))
    assert "Report a problem now" in text and "works straight away" in text

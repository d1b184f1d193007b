"""Every page, PDF and e-mail a client gets that says to call gives the number to call.

Issue 12, part 9. The clinic here has a known phone and emergency number; each client-facing
template that tells the client to call (or contact) the clinic or the emergency number is
rendered and must print them. A template that starts saying "call" must join the list below.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.test import Client as HttpClient
from django.urls import reverse

from acuface.core.models import Clinic, User
from acuface.treatments import aftercare
from tests.factories import ClientFactory, ClinicFactory, UserFactory

PHONE = "+44 20 7946 0123"
EMERGENCY = "112"
ADDRESS = "3 Mill Row\nLeeds LS1 4AP"

# Pages for staff only, which speak of calls the staff make (the call list, "record a call").
STAFF_ONLY = {
    "aftercare/checkin_detail.html",
    "aftercare/dashboard.html",
    "aftercare/dashboard_tiles.html",
    "core/clinic_settings.html",
}
SAYS_CALL = re.compile(r"\bcall\b|contact the clinic", re.IGNORECASE)


@pytest.fixture
def clinic(db: None) -> Clinic:
    return ClinicFactory(
        name="Lotus Leeds", phone=PHONE, emergency_number=EMERGENCY, address=ADDRESS
    )


def sheet_facts(clinic: Clinic) -> dict[str, Any]:
    """The facts of an issued sheet, as `aftercare.sheet_facts` stores them."""
    clock = "14:00 on Tuesday 27 October"
    return {
        "schema": 1,
        "texts_version": 2,
        "issued_at": "2026-10-27T10:05:00+00:00",
        "issued_clock": clock,
        "session_id": 1,
        "filename": "aftercare-2026-10-27-session-1.pdf",
        "clinic": {
            "name": clinic.name,
            "phone": clinic.phone,
            "email": clinic.email,
            "address": clinic.address,
            "emergency_number": clinic.emergency_number,
            "time_zone": clinic.time_zone,
        },
        "client": {"full_name": "Ada Lake", "first_name": "Ada"},
        "needles_out_at": "2026-10-27T10:00:00+00:00",
        "needles_out_clock": "10:00 on Tuesday 27 October",
        "makeup_free_at": "2026-10-27T14:00:00+00:00",
        "makeup_free_clock": clock,
        "risk_notes": [],
        "next_session": None,
        "checkins": [],
        "checkin_link": "https://lotus.example/aftercare/sheet/x/",
        "point_overrides": [],
        "texts": {
            **{k: v for k, v in aftercare.aftercare_texts().items() if isinstance(v, list)},
            "emergency_advice": aftercare.emergency_advice(
                clinic.emergency_number, aftercare.aftercare_texts()
            ),
            "doctor_advice": aftercare.aftercare_texts()["doctor_advice"],
        },
    }


def rendered(name: str, clinic: Clinic, user: User) -> list[str]:
    """`name` rendered in each state a client can see it in, with `clinic` behind it."""
    from acuface.courses.models import Booking

    if name in {"treatments/aftercare_sheet.html", "treatments/aftercare_email.txt"}:
        return [render_to_string(name, {"sheet": sheet_facts(clinic), "qr": ""})]
    if name == "aftercare/checkin_done.html":
        advice = [("emergency", "Signs of an allergic reaction can get worse quickly.")]
        return [
            render_to_string(
                name,
                {
                    "problem": problem,
                    "link_clinic": clinic,
                    "advice": advice if problem == "used" else [],
                    "opens_at": dt.datetime(2026, 10, 28, 10, 0, tzinfo=dt.UTC),
                },
            )
            for problem in ("used", "not_yet", "expired")
        ]
    if name == "aftercare/sheet_link.html":
        advice = [("emergency", "Signs of an allergic reaction can get worse quickly.")]
        report = {"answers": {}}
        return [
            render_to_string(
                name,
                {
                    "link_clinic": clinic,
                    "report": report if sent else None,
                    "advice": advice if sent else [],
                    "report_url": "/aftercare/sheet/x/report/",
                    "next_checkin_at": dt.datetime(2026, 10, 28, 10, 0, tzinfo=dt.UTC),
                },
            )
            for sent in (False, True)
        ]
    if name == "aftercare/checkin_email.txt":
        checkin = {"link_expires_at": dt.datetime(2099, 1, 1, tzinfo=dt.UTC)}
        context = {"clinic": clinic, "client": user, "checkin": checkin, "link": "https://x/"}
        return [render_to_string(name, {**context, "kind": "24 hours after"})]
    if name == "aftercare/checkin_fill.html":
        return [checkin_page(clinic, user)]
    if name == "courses/reminder_email.txt":
        booking = Booking(clinic=clinic, client=ClientFactory(clinic=clinic), practitioner=user)
        return [render_to_string(name, {"booking": booking, "local": dt.datetime(2026, 11, 2)})]
    if name == "courses/summary_body.html":
        return [render_to_string(name, {"clinic": clinic, "progress": {}})]
    if name == "intake/link_problem.html":
        return [
            render_to_string(name, {"problem": problem, "link_clinic": clinic})
            for problem in ("used", "expired")
        ]
    raise AssertionError(f"{name} says to call: render it here, with what a client sees")


def checkin_page(clinic: Clinic, user: User) -> str:
    """The check-in form as the client's phone opens it from the e-mailed link."""
    from acuface.aftercare import selectors
    from acuface.aftercare.tests.factories import checkins_of, completed_session

    session = completed_session(clinic=clinic, actor=user, email="ada@example.com")
    checkin = checkins_of(session)["24h"]
    token = selectors.checkin_link_token(checkin)
    page = HttpClient().get(reverse("aftercare:checkin-fill", kwargs={"token": token}))
    assert page.status_code == 200
    return page.content.decode()


def templates_that_say_call() -> list[str]:
    root = Path(settings.BASE_DIR) / "templates"
    found = []
    for path in sorted(root.rglob("*")):
        if path.suffix in {".html", ".txt"} and SAYS_CALL.search(path.read_text("utf-8")):
            found.append(str(path.relative_to(root)))
    return found


CLIENT_FACING = [name for name in templates_that_say_call() if name not in STAFF_ONLY]


def test_the_list_of_client_templates_is_found() -> None:
    assert "treatments/aftercare_sheet.html" in CLIENT_FACING
    assert "aftercare/checkin_fill.html" in CLIENT_FACING


@pytest.mark.parametrize("name", CLIENT_FACING)
def test_a_client_template_that_says_call_gives_the_number(
    name: str, clinic: Clinic, practitioner_a: User
) -> None:
    user = UserFactory(clinic=clinic)
    for text in rendered(name, clinic, user):
        flat = " ".join(text.split())
        asks_to_call_the_clinic = re.search(r"call (the clinic|lotus leeds)|contact", flat, re.I)
        if asks_to_call_the_clinic:
            assert PHONE in flat, (name, asks_to_call_the_clinic.group(0))
        if "emergency" in flat.lower():
            assert f"Call {EMERGENCY}" in flat or f"call {EMERGENCY}" in flat, name
            assert "call the emergency number" not in flat.lower(), name


def test_the_calendar_file_gives_the_phone_and_the_address(clinic: Clinic) -> None:
    from acuface.courses.ical import booking_ics
    from acuface.courses.models import Booking

    start = dt.datetime(2026, 11, 2, 10, 0, tzinfo=dt.UTC)
    booking = Booking(
        clinic=clinic,
        client=ClientFactory(clinic=clinic),
        practitioner=UserFactory(clinic=clinic),
        starts_at=start,
        ends_at=start + dt.timedelta(hours=1),
    )
    text = booking_ics(booking).decode().replace("\r\n ", "")
    assert PHONE in text
    assert "LOCATION:Lotus Leeds\\, 3 Mill Row\\, Leeds LS1 4AP" in text

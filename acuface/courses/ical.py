"""iCalendar files: one .ics per booking for the client, one feed per practitioner."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils import timezone
from icalendar import Calendar, Event

from acuface.courses.models import Booking, BookingStatus

PRODID = "-//Acuface//Courses//EN"


def _calendar(name: str) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    return cal


def _event(booking: Booking, *, summary: str, description: str) -> Event:
    zone = booking.clinic.zone
    event = Event()
    event.add("uid", f"{booking.uid}@acuface")
    event.add("dtstamp", timezone.now())
    # Clinic-local times with their TZID (and a VTIMEZONE), so a daylight-saving change is right.
    event.add("dtstart", booking.starts_at.astimezone(zone))
    event.add("dtend", booking.ends_at.astimezone(zone))
    event.add("sequence", booking.sequence)
    event.add("summary", summary)
    event.add("description", description)
    address = ", ".join(line for line in booking.clinic.address.splitlines() if line.strip())
    event.add("location", f"{booking.clinic.name}, {address}" if address else booking.clinic.name)
    event.add("status", "CANCELLED" if booking.status == BookingStatus.CANCELLED else "CONFIRMED")
    return event


def booking_ics(booking: Booking) -> bytes:
    """The client's .ics for one booking."""
    cal = _calendar(str(booking.clinic))
    cal.add("method", "PUBLISH")
    clinic = booking.clinic
    contact = " ".join(x for x in (clinic.phone, clinic.email) if x)
    cal.add_component(
        _event(
            booking,
            summary=f"Facial acupuncture at {clinic}",
            description=(
                f"With {booking.practitioner}. Please come without make-up if you can. "
                f"To move or cancel, contact the clinic{': ' + contact if contact else ''}."
            ),
        )
    )
    cal.add_missing_timezones()
    content: bytes = cal.to_ical()
    return content


def practitioner_feed(name: str, bookings: Iterable[Booking]) -> bytes:
    """A practitioner's calendar: first name and initial of each client only, no clinical notes."""
    cal = _calendar(name)
    for booking in bookings:
        client = booking.client
        who = f"{client.first_name} {client.last_name[:1]}.".strip()
        what = (
            "maintenance"
            if booking.is_maintenance
            else (f"session {booking.number}" if booking.number else "session")
        )
        cal.add_component(_event(booking, summary=f"{who}: {what}", description="Acuface booking"))
    cal.add_missing_timezones()
    content: bytes = cal.to_ical()
    return content

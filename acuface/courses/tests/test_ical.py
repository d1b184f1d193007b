from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.test import Client as HttpClient
from django.urls import reverse
from icalendar import Calendar

from acuface.clients.models import Client
from acuface.core.models import User
from acuface.courses import ical, services
from acuface.courses.models import Booking
from acuface.courses.views import feed_token
from acuface.treatments.tests.factories import consent

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 10, 20, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def frozen() -> object:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def book_at(client: Client, practitioner: User, day: dt.date, hour: int) -> Booking:
    return services.booking_create(
        actor=practitioner,
        client=client,
        practitioner=practitioner,
        starts_at=dt.datetime.combine(day, dt.time(hour), tzinfo=client.clinic.zone),
    )


def events(content: bytes) -> list:  # type: ignore[type-arg]
    return list(Calendar.from_ical(content).walk("VEVENT"))


def test_ics_keeps_local_time_across_the_end_of_summer_time(
    client_a: Client, practitioner_a: User
) -> None:
    # British Summer Time ends on Sunday 25 October 2026: 10:00 stays 10:00 on the wall clock.
    before = book_at(client_a, practitioner_a, dt.date(2026, 10, 22), 10)
    after = book_at(client_a, practitioner_a, dt.date(2026, 10, 29), 10)
    assert before.starts_at.astimezone(dt.UTC).hour == 9
    assert after.starts_at.astimezone(dt.UTC).hour == 10
    for booking in (before, after):
        cal = Calendar.from_ical(ical.booking_ics(booking))
        [event] = cal.walk("VEVENT")
        start = event.decoded("dtstart")
        assert (start.hour, start.minute) == (10, 0)
        assert str(start.tzinfo) == "Europe/London"
        assert event["dtstart"].params["TZID"] == "Europe/London"
        assert event.decoded("dtend") - start == dt.timedelta(hours=1)
        assert start == booking.starts_at  # the same instant
        assert cal.walk("VTIMEZONE"), "the time zone is described for calendar apps"
        assert str(event["uid"]) == f"{booking.uid}@acuface"


def test_booking_ics_download(
    client_a: Client, practitioner_a: User, as_front_desk_a: HttpClient
) -> None:
    booking = book_at(client_a, practitioner_a, dt.date(2026, 10, 22), 10)
    response = as_front_desk_a.get(reverse("courses:booking-ics", args=[booking.pk]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    assert len(events(response.content)) == 1


def test_practitioner_feed_needs_only_the_signed_link(
    client_a: Client, practitioner_a: User
) -> None:
    book_at(client_a, practitioner_a, dt.date(2026, 10, 22), 10)
    book_at(client_a, practitioner_a, dt.date(2026, 10, 29), 11)
    url = reverse("courses:feed", kwargs={"feed_token": feed_token(practitioner_a)})
    response = HttpClient().get(url)
    assert response.status_code == 200
    found = events(response.content)
    assert [e.decoded("dtstart").hour for e in found] == [10, 11]
    # First name and initial only: a calendar app is no place for a full record.
    assert all(str(e["summary"]).startswith("Zoë O.") for e in found)
    assert b"O'Brien" not in response.content and b"zoe@example.com" not in response.content


@pytest.mark.parametrize("token", ["", "x", "1:abc", "99999:", "1:" + "A" * 27, "../../etc/passwd"])
def test_tampered_feed_links_are_404(practitioner_a: User, token: str) -> None:
    real = feed_token(practitioner_a)
    for bad in (
        token or real[:-1],
        real.replace(str(practitioner_a.pk), str(practitioner_a.pk + 1), 1),
    ):
        response = HttpClient().get(f"/courses/feed/{bad}/calendar.ics")
        assert response.status_code == 404


def test_feed_of_a_deactivated_practitioner_is_404(practitioner_a: User) -> None:
    url = reverse("courses:feed", kwargs={"feed_token": feed_token(practitioner_a)})
    practitioner_a.is_active = False
    practitioner_a.save(update_fields=["is_active"])
    assert HttpClient().get(url).status_code == 404


def test_reminder_goes_the_day_before_with_the_ics(
    client_a: Client, practitioner_a: User, frozen: time_machine.Traveller
) -> None:
    consent(client_a, "email_contact")
    booking = book_at(client_a, practitioner_a, dt.date(2026, 10, 26), 9)  # Monday after the change
    frozen.move_to(dt.datetime(2026, 10, 25, 9, 59, tzinfo=dt.UTC))
    assert services.reminders_send_due() == 0
    frozen.move_to(dt.datetime(2026, 10, 25, 10, 0, tzinfo=dt.UTC))  # 10:00 GMT on the Sunday
    assert services.reminders_send_due() == 1
    assert services.reminders_send_due() == 0  # once only
    [message] = mail.outbox
    assert message.to == ["zoe@example.com"] and "Monday 26 October 2026 at 09:00" in message.body
    [(name, content, _)] = message.attachments
    assert (
        name == "appointment.ics"
        and len(events(content.encode() if isinstance(content, str) else content)) == 1
    )
    booking.refresh_from_db()
    assert booking.reminder_sent_at is not None


def test_no_reminder_without_email_consent_or_after_a_move(
    client_a: Client, practitioner_a: User, frozen: time_machine.Traveller
) -> None:
    booking = book_at(client_a, practitioner_a, dt.date(2026, 10, 27), 10)
    frozen.move_to(dt.datetime(2026, 10, 26, 11, 0, tzinfo=dt.UTC))
    assert services.reminders_send_due() == 0  # no e-mail consent
    consent(client_a, "email_contact")
    queued_for = booking.starts_at.isoformat()
    services.booking_reschedule(
        actor=practitioner_a,
        booking=booking,
        starts_at=dt.datetime(2026, 10, 30, 10, tzinfo=client_a.clinic.zone),
    )
    assert services.booking_reminder_send(booking_id=booking.pk, starts_at=queued_for) is False
    assert mail.outbox == []

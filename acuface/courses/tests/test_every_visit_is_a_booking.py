"""Every future visit is one booking on the calendar: the aftercare step books the next
session through the calendar, course planning then sees it, and nothing else makes a later
visit behind the calendar's back."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from acuface.courses import selectors, services
from acuface.courses.models import Booking
from acuface.courses.tests.world import next_weekday_at
from acuface.treatments import services as treatment_services
from acuface.treatments import states
from acuface.treatments.models import TreatmentSession
from acuface.treatments.tests.factories import needle_lot, ready_client, session_in
from conftest import login


def test_a_later_visit_cannot_be_made_without_a_booking(client_a, practitioner_a):
    later = next_weekday_at(client_a.clinic.zone, days_ahead=3)
    with pytest.raises(ValidationError, match="booked on the calendar"):
        treatment_services.session_schedule(
            actor=practitioner_a, client=client_a, scheduled_at=later
        )
    assert not TreatmentSession.objects.exists()


def test_the_aftercare_step_books_no_hidden_session(clinic_a, practitioner_a):
    client = ready_client(clinic=clinic_a, actor=practitioner_a)
    lot = needle_lot(clinic=clinic_a)
    session = session_in(states.MOISTURIZED, actor=practitioner_a, client=client, lot=lot)
    later = next_weekday_at(clinic_a.zone, days_ahead=3)
    http = login(practitioner_a)
    http.post(
        reverse("treatments:session-act", args=[session.pk, "aftercare"]),
        {"version": session.version, "next_session_at": later.strftime("%Y-%m-%dT%H:%M")},
    )
    assert TreatmentSession.objects.filter(client=client).count() == 1
    assert not Booking.objects.exists()


def test_booking_the_next_session_puts_it_on_the_calendar_for_everyone(
    clinic_a, practitioner_a, front_desk_a
):
    client = ready_client(clinic=clinic_a, actor=practitioner_a)
    lot = needle_lot(clinic=clinic_a)
    session = session_in(states.MOISTURIZED, actor=practitioner_a, client=client, lot=lot)
    here = reverse("treatments:session-detail", args=[session.pk])
    page = login(practitioner_a).get(here).content.decode()
    book_url = reverse("courses:visit-book", args=[client.pk])
    assert book_url in page and "No next visit is booked yet" in page
    later = next_weekday_at(clinic_a.zone, days_ahead=3)
    answer = login(practitioner_a).post(
        book_url,
        {
            "date": later.date().isoformat(),
            "time": "10:00",
            "practitioner": practitioner_a.pk,
            "next": here,
        },
    )
    assert answer.status_code == 302 and answer["Location"] == here
    booking = Booking.objects.get(client=client)
    assert booking.session is not None and booking.session.scheduled_at == later
    page = login(practitioner_a).get(here).content.decode()
    assert "Next visit" in page
    with time_machine.travel(later - dt.timedelta(hours=1)):
        assert [b.pk for b in selectors.bookings_today(clinic=clinic_a)] == [booking.pk]
    # The course planned afterwards cannot book the same practitioner at the same minute.
    with pytest.raises(ValidationError, match="already has a booking"):
        services.booking_create(
            actor=front_desk_a, client=client, practitioner=practitioner_a, starts_at=later
        )


def test_a_visit_of_a_client_with_a_course_is_its_next_session(clinic_a, practitioner_a):
    from acuface.courses.models import Course

    client = ready_client(clinic=clinic_a, actor=practitioner_a)
    course = Course.objects.create(
        client=client, practitioner=practitioner_a, starts_on=dt.date.today()
    )
    booking = services.visit_book(
        actor=practitioner_a,
        client=client,
        practitioner=practitioner_a,
        starts_at=next_weekday_at(clinic_a.zone, days_ahead=3),
    )
    assert booking.course == course and booking.number == 1


@pytest.mark.parametrize(
    "data",
    [
        {"date": "9999-12-31", "time": "10:00"},
        {"date": "0001-01-01", "time": "10:00"},
        {"date": "yesterday", "time": "25:99"},
        {"date": "", "time": ""},
        {"date": "2026-13-01", "time": "10:00", "practitioner": "99999999999999999999"},
    ],
)
def test_hostile_visit_bookings_keep_the_form(clinic_a, practitioner_a, front_desk_a, data):
    client = ready_client(clinic=clinic_a, actor=practitioner_a)
    data = {"practitioner": practitioner_a.pk, **data}
    answer = login(front_desk_a).post(reverse("courses:visit-book", args=[client.pk]), data)
    assert answer.status_code == 200
    assert not Booking.objects.exists()
    assert b"field-error" in answer.content or b"errorlist" in answer.content


def test_an_outside_return_address_is_not_followed(clinic_a, practitioner_a, front_desk_a):
    client = ready_client(clinic=clinic_a, actor=practitioner_a)
    later = next_weekday_at(clinic_a.zone, days_ahead=3)
    answer = login(front_desk_a).post(
        reverse("courses:visit-book", args=[client.pk]),
        {
            "date": later.date().isoformat(),
            "time": "10:00",
            "practitioner": practitioner_a.pk,
            "next": "https://elsewhere.example/phish",
        },
    )
    assert answer.status_code == 302 and "elsewhere" not in answer["Location"]


MIGRATION = importlib.import_module(
    "acuface.courses.migrations.0003_book_visits_made_outside_the_calendar"
)


def test_visits_made_outside_the_calendar_are_booked_or_cancelled(clinic_a, practitioner_a):
    from django.apps import apps as django_apps

    client = ready_client(clinic=clinic_a, actor=practitioner_a)
    later = next_weekday_at(clinic_a.zone, days_ahead=3)
    booked = services.booking_create(
        actor=practitioner_a, client=client, practitioner=practitioner_a, starts_at=later
    )

    def hidden(at):  # as the old "book the next session" made them
        return TreatmentSession.objects.create(
            client=client, practitioner=practitioner_a, scheduled_at=at
        )

    free = hidden(later + dt.timedelta(days=7))
    clashing = hidden(later)
    MIGRATION.book_hidden_visits(django_apps, None)
    assert Booking.objects.get(session=free).starts_at == free.scheduled_at
    clashing.refresh_from_db()
    assert clashing.state == states.CANCELLED and "book this visit again" in clashing.cancel_reason
    assert Booking.objects.filter(session=booked.session).count() == 1

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError

from acuface.clients.models import Client
from acuface.core.models import AuditEvent, Clinic, User
from acuface.courses import services
from acuface.courses.models import Booking, BookingStatus
from acuface.treatments.models import TreatmentSession

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def frozen() -> object:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def local(clinic: Clinic, y: int, m: int, d: int, h: int, mi: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, h, mi, tzinfo=clinic.zone)


def book(client: Client, practitioner: User, starts_at: dt.datetime, **kw: object) -> Booking:
    return services.booking_create(
        actor=practitioner,
        client=client,
        practitioner=practitioner,
        starts_at=starts_at,
        **kw,  # type: ignore[arg-type]
    )


def test_booking_schedules_the_session_through_treatments(
    client_a: Client, practitioner_a: User
) -> None:
    booking = book(client_a, practitioner_a, local(client_a.clinic, 2026, 3, 2, 10))
    session = TreatmentSession.objects.get(pk=booking.session_id)
    assert session.scheduled_at == booking.starts_at and session.practitioner == practitioner_a
    assert booking.ends_at - booking.starts_at == dt.timedelta(minutes=60)
    assert AuditEvent.objects.filter(object_type="courses.booking", action="created").count() == 1


@pytest.mark.parametrize(("hour", "minute"), [(10, 0), (10, 30), (9, 15), (10, 59)])
def test_overlapping_booking_is_refused(
    client_a: Client, practitioner_a: User, hour: int, minute: int
) -> None:
    book(client_a, practitioner_a, local(client_a.clinic, 2026, 3, 2, 10))
    with pytest.raises(ValidationError) as caught:
        book(client_a, practitioner_a, local(client_a.clinic, 2026, 3, 2, hour, minute))
    assert "already has a booking" in str(caught.value)
    assert Booking.objects.count() == 1
    assert TreatmentSession.objects.count() == 1  # the refused booking left no session behind


def test_back_to_back_and_other_practitioner_are_fine(
    client_a: Client, practitioner_a: User, owner_a: User
) -> None:
    book(client_a, practitioner_a, local(client_a.clinic, 2026, 3, 2, 10))
    book(client_a, practitioner_a, local(client_a.clinic, 2026, 3, 2, 11))
    services.booking_create(
        actor=owner_a,
        client=client_a,
        practitioner=owner_a,
        starts_at=local(client_a.clinic, 2026, 3, 2, 10),
    )
    assert Booking.objects.count() == 3


def test_the_database_refuses_a_double_booking_the_service_did_not_see(
    client_a: Client, practitioner_a: User
) -> None:
    first = book(client_a, practitioner_a, local(client_a.clinic, 2026, 3, 2, 10))
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Booking.objects.create(
            clinic=first.clinic,
            client=client_a,
            practitioner=practitioner_a,
            starts_at=first.starts_at,
            ends_at=first.ends_at,
        )


@pytest.mark.parametrize(
    ("when", "message"),
    [
        ((2026, 3, 2, 7, 0), "closed"),
        ((2026, 3, 2, 17, 30), "closed"),
        ((2026, 3, 8, 10, 0), "closed"),  # Sunday
        ((2026, 2, 27, 10, 0), "passed"),
        ((2028, 3, 2, 10, 0), "more than a year"),
    ],
)
def test_hostile_times_are_refused(
    client_a: Client, practitioner_a: User, when: tuple[int, ...], message: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        book(client_a, practitioner_a, local(client_a.clinic, *when))
    assert message in str(caught.value)


def test_naive_time_and_wrong_people_are_refused(
    client_a: Client, practitioner_a: User, front_desk_a: User, practitioner_b: User
) -> None:
    with pytest.raises(ValidationError, match="time zone"):
        book(client_a, practitioner_a, dt.datetime(2026, 3, 2, 10))
    with pytest.raises(ValidationError, match="Only owners and practitioners"):
        book(client_a, front_desk_a, local(client_a.clinic, 2026, 3, 2, 10))
    with pytest.raises(ValidationError, match="of this clinic"):
        book(client_a, practitioner_b, local(client_a.clinic, 2026, 3, 2, 10))


def test_opening_hours_are_data(client_a: Client, owner_a: User, practitioner_a: User) -> None:
    services.opening_hours_set(
        actor=owner_a, clinic=client_a.clinic, hours=[(6, dt.time(10), dt.time(14))]
    )
    book(client_a, practitioner_a, local(client_a.clinic, 2026, 3, 8, 10))  # Sunday now open
    with pytest.raises(ValidationError, match="closed"):
        book(client_a, practitioner_a, local(client_a.clinic, 2026, 3, 2, 10))  # Monday closed
    with pytest.raises(ValidationError):
        services.opening_hours_set(
            actor=owner_a, clinic=client_a.clinic, hours=[(1, dt.time(14), dt.time(10))]
        )


def test_cancel_frees_the_time_and_cancels_the_session(
    client_a: Client, practitioner_a: User
) -> None:
    booking = book(client_a, practitioner_a, local(client_a.clinic, 2026, 3, 2, 10))
    services.booking_cancel(actor=practitioner_a, booking=booking, reason="client ill")
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    assert TreatmentSession.objects.get(pk=booking.session_id).state == "cancelled"
    again = book(client_a, practitioner_a, local(client_a.clinic, 2026, 3, 2, 10))
    assert again.pk != booking.pk


def test_reschedule_moves_booking_and_session(client_a: Client, practitioner_a: User) -> None:
    booking = book(client_a, practitioner_a, local(client_a.clinic, 2026, 3, 2, 10))
    old_session = booking.session_id
    moved = services.booking_reschedule(
        actor=practitioner_a, booking=booking, starts_at=local(client_a.clinic, 2026, 3, 3, 14)
    )
    assert moved.starts_at == local(client_a.clinic, 2026, 3, 3, 14)
    assert moved.sequence == 1 and moved.session_id != old_session
    assert TreatmentSession.objects.get(pk=old_session).state == "cancelled"
    assert TreatmentSession.objects.get(pk=moved.session_id).scheduled_at == moved.starts_at
    # Moving it by half an hour overlaps only itself: allowed.
    services.booking_reschedule(
        actor=practitioner_a, booking=moved, starts_at=local(client_a.clinic, 2026, 3, 3, 14, 30)
    )


def test_reschedule_onto_another_booking_is_refused(client_a: Client, practitioner_a: User) -> None:
    first = book(client_a, practitioner_a, local(client_a.clinic, 2026, 3, 2, 10))
    second = book(client_a, practitioner_a, local(client_a.clinic, 2026, 3, 2, 12))
    with pytest.raises(ValidationError, match="already has a booking"):
        services.booking_reschedule(actor=practitioner_a, booking=second, starts_at=first.starts_at)
    second.refresh_from_db()
    assert second.starts_at == local(client_a.clinic, 2026, 3, 2, 12)
    assert TreatmentSession.objects.get(pk=second.session_id).state == "scheduled"


def test_archived_client_cannot_be_booked(client_a: Client, practitioner_a: User) -> None:
    from acuface.clients.services import client_set_archived

    client_set_archived(actor=practitioner_a, client=client_a, archived=True)
    with pytest.raises(ValidationError, match="archived"):
        book(client_a, practitioner_a, local(client_a.clinic, 2026, 3, 2, 10))


def test_course_books_the_cadence_and_lists_what_it_could_not(
    client_a: Client, practitioner_a: User
) -> None:
    blocker = book(client_a, practitioner_a, local(client_a.clinic, 2026, 3, 9, 10, 30))
    course, problems = services.course_create(
        actor=practitioner_a,
        client=client_a,
        practitioner=practitioner_a,
        first_at=local(client_a.clinic, 2026, 3, 2, 10),
        prepaid_sessions=10,
    )
    numbers = sorted(course.bookings.values_list("number", flat=True))
    assert numbers == [1, 2, 4, 5, 6, 7, 8, 9, 10]
    assert problems == ["Session 3, Mon 09 Mar 10:00: " + services.TAKEN_MESSAGE]
    services.booking_cancel(actor=practitioner_a, booking=blocker)
    filled = services.course_book_next(
        actor=practitioner_a, course=course, starts_at=local(client_a.clinic, 2026, 3, 9, 10)
    )
    assert filled.number == 3
    maintenance = services.course_book_next(
        actor=practitioner_a, course=course, starts_at=local(client_a.clinic, 2026, 4, 30, 10)
    )
    assert maintenance.is_maintenance and maintenance.number is None

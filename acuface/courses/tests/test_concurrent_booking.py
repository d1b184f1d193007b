"""Two front desks book the same slot at the same moment: exactly one wins (PostgreSQL)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.db import connection
from django.utils import timezone

from acuface.clients.models import Client
from acuface.core.models import User
from acuface.courses import services
from acuface.courses.models import Booking
from acuface.courses.tests.world import next_weekday_at
from tests.concurrency import at_once


@pytest.mark.django_db(transaction=True)
def test_two_requests_at_once_one_wins(client_a: Client, practitioner_a: User) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises every write, so there is no race to test")
    starts = [
        next_weekday_at(client_a.clinic.zone, 10),
        next_weekday_at(client_a.clinic.zone, 10) + dt.timedelta(minutes=30),
    ]

    def book(starts_at: dt.datetime) -> Callable[[], str]:
        def attempt() -> str:
            services.booking_create(
                actor=practitioner_a,
                client=client_a,
                practitioner=practitioner_a,
                starts_at=starts_at,
            )
            return "booked"

        return attempt

    results = at_once([book(s) for s in starts])
    assert sorted(r.split(":")[0] for r in results) == ["booked", "refused"], results
    assert Booking.objects.filter(practitioner=practitioner_a).count() == 1
    assert timezone.is_aware(Booking.objects.get().starts_at)


@pytest.mark.django_db(transaction=True)
def test_exclusion_constraint_alone_refuses_an_overlap(
    client_a: Client, practitioner_a: User
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the exclusion constraint exists on PostgreSQL only")
    from django.db import IntegrityError

    start = next_weekday_at(client_a.clinic.zone, 10)
    Booking.objects.create(
        clinic=client_a.clinic,
        client=client_a,
        practitioner=practitioner_a,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=1),
    )
    with pytest.raises(IntegrityError):
        Booking.objects.create(  # a different start, so only the exclusion constraint can refuse it
            clinic=client_a.clinic,
            client=client_a,
            practitioner=practitioner_a,
            starts_at=start + dt.timedelta(minutes=30),
            ends_at=start + dt.timedelta(minutes=90),
        )

"""A course with some sessions done through the real services, photos and client answers."""

from __future__ import annotations

import datetime as dt
from typing import Any

import time_machine
from django.utils import timezone

from acuface.aftercare import services as aftercare_services
from acuface.clients.models import Client
from acuface.core.models import User
from acuface.courses import services
from acuface.courses.models import Booking, Course
from acuface.intake import services as intake_services
from acuface.photos.models import Photo
from acuface.photos.tests.factories import canonical_analysis, make_photo
from acuface.treatments import services as treatment_services
from acuface.treatments.models import TreatmentSession
from acuface.treatments.tests.factories import TODAY_ANSWERS, needle_lot, ready_client

# A Monday in term time, well away from the clocks changing.
COURSE_START = dt.datetime(2026, 3, 2, 10, 0)


def metrics_analysis(wrinkle: float, lightness: float) -> dict[str, Any]:
    analysis = canonical_analysis()
    analysis["metrics"] = {
        "regions": [
            {
                "region_id": "forehead",
                "label": "Forehead",
                "is_measurable": True,
                "wrinkle_index": wrinkle,
                "lightness": lightness,
            },
            {
                "region_id": "glabella",
                "label": "Between the brows",
                "is_measurable": True,
                "wrinkle_index": wrinkle + 1,
                "lightness": lightness - 2,
            },
        ]
    }
    return analysis


def complete(session: TreatmentSession, *, actor: User, grades: dict[str, int]) -> TreatmentSession:
    """Drive a booked session through check-in, assessment, needling and aftercare."""
    client = session.client
    lot = needle_lot(clinic=client.clinic, lot_number=f"LOT-{session.pk}")

    def v() -> int:
        return TreatmentSession.objects.get(pk=session.pk).version

    intake_services.today_check_record(
        actor=actor,
        client=client,
        on=timezone.localdate(timezone.now(), client.clinic.zone),
        answers=TODAY_ANSWERS,
    )
    treatment_services.session_check_in(actor=actor, session=session, version=v())
    treatment_services.session_assess_skin(
        actor=actor,
        session=session,
        version=v(),
        fitzpatrick="III",
        glogau="II",
        region_grades=grades,
    )
    treatment_services.session_cleanse(actor=actor, session=session, version=v())
    treatment_services.session_lots_choose(
        actor=actor, session=session, version=v(), facial_lot=lot, body_lot=lot
    )
    for code, side in (("ST2", "right"), ("ST2", "left")):
        treatment_services.needle_insert(
            actor=actor, session=session, version=v(), code=code, side=side
        )
    treatment_services.retention_start(actor=actor, session=session, version=v(), minutes=30)
    for code, side in (("ST2", "right"), ("ST2", "left")):
        treatment_services.needle_remove(
            actor=actor, session=session, version=v(), code=code, side=side, reason="test: early"
        )
    treatment_services.session_moisturize(actor=actor, session=session, version=v())
    treatment_services.aftercare_issue(actor=actor, session=session, version=v())
    treatment_services.session_complete(actor=actor, session=session, version=v())
    return TreatmentSession.objects.get(pk=session.pk)


def course_with_progress(
    *,
    client: Client,
    practitioner: User,
    done: int = 6,
    photos: bool = True,
    adverse_at: int | None = 2,
    prepaid: int = 10,
) -> Course:
    """A 10-session course booked from COURSE_START (clinic-local); the first `done` completed."""
    zone = client.clinic.zone
    start = COURSE_START.replace(tzinfo=zone)
    with time_machine.travel(start - dt.timedelta(days=7), tick=False):
        ready_client(clinic=client.clinic, actor=practitioner, client=client)
        course, problems = services.course_create(
            actor=practitioner,
            client=client,
            practitioner=practitioner,
            first_at=start,
            prepaid_sessions=prepaid,
        )
    assert problems == []
    bookings = list(Booking.objects.filter(course=course).order_by("starts_at"))
    for i, booking in enumerate(bookings[:done]):
        assert booking.session is not None
        with time_machine.travel(booking.starts_at + dt.timedelta(minutes=5), tick=True):
            grades = {"forehead": max(3 - i // 2, 0), "crows_feet_right": 2 if i < 3 else 1}
            complete(booking.session, actor=practitioner, grades=grades)
            if photos:
                day = booking.starts_at.astimezone(zone).date()
                make_photo(client, analysis=metrics_analysis(6.0 - i * 0.5, 58.0 + i), taken_on=day)
            if adverse_at is not None and i + 1 == adverse_at:
                aftercare_services.adverse_event_record(
                    actor=practitioner,
                    session=booking.session,
                    kind="bruising",
                    grade="mild",
                    onset_at=timezone.now(),
                )
            if booking.number in (1, 6):
                services.outcome_record(
                    actor=practitioner,
                    course=course,
                    milestone=str(booking.number),
                    answered_on=booking.starts_at.astimezone(zone).date(),
                    satisfaction=5 + i // 2,
                    complexion="same" if i == 0 else "better",
                    jaw_tension=7 - i,
                    looks_rested=i > 0,
                    would_recommend=True,
                )
    return course


def photos_of(client: Client) -> list[Photo]:
    return list(Photo.objects.filter(client=client))

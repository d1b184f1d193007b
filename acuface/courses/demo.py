"""Demo course: Maria Rossi, 10 sessions once a week, six done (grades, her own answers, one
bruise), the rest booked ahead.

As in the treatments demo, past sessions are written as rows with their own past timestamps
(the services stamp "now", and history cannot be made through them); the bookings ahead go
through `booking_create`, which schedules each session through the treatments app.
"""

from __future__ import annotations

import contextlib
import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone

from acuface.aftercare import services as aftercare_services
from acuface.atlas.models import TreatmentPlan
from acuface.clients.models import Client
from acuface.core.demo import DemoClinic
from acuface.courses import services
from acuface.courses.models import Booking, Course, OutcomeResponse
from acuface.treatments import states
from acuface.treatments.demo import demo_sheet, past_session_timeline
from acuface.treatments.models import Needle, NeedleLot, TreatmentSession

DEMO_CLIENT = ("Maria", "Rossi")
MARKER = "Demo course session."
DONE_DAYS_AGO = (35, 28, 21, 14, 8, 2)
# (forehead, nasolabial right, nasolabial left, perioral) at each done session: slowly softer.
GRADES = ((3, 3, 3, 2), (3, 3, 3, 2), (3, 3, 2, 2), (2, 2, 2, 2), (2, 2, 2, 1), (2, 2, 1, 1))
ANSWERS = {
    1: {
        "satisfaction": 6,
        "complexion": "same",
        "jaw_tension": 6,
        "looks_rested": False,
        "would_recommend": True,
    },
    6: {
        "satisfaction": 8,
        "complexion": "better",
        "jaw_tension": 3,
        "looks_rested": True,
        "would_recommend": True,
        "comment": "Friends say I look less tired.",
    },
}


def _past_session(
    client: Client,
    plan: TreatmentPlan,
    lot: NeedleLot | None,
    demo: DemoClinic,
    at: dt.datetime,
    grades: tuple[int, ...],
) -> TreatmentSession:
    practitioner = demo.staff["practitioner"]
    timeline = past_session_timeline(at)
    session = TreatmentSession.objects.create(
        client=client,
        practitioner=practitioner,
        plan=plan,
        state=states.COMPLETE,
        facial_lot=lot,
        **timeline,
        fitzpatrick="III",
        glogau="III",
        region_grades=dict(
            zip(
                ("forehead", "nasolabial_right", "nasolabial_left", "perioral"), grades, strict=True
            )
        ),
        assessment_notes=MARKER,
        version=20,
    )
    if lot is not None:
        lines = [line for line in plan.lines.select_related("point") if not line.is_excluded]
        Needle.objects.bulk_create(
            Needle(
                session=session,
                point=line.point,
                side=line.side,
                lot=lot,
                inserted_at=timeline["needling_started_at"],
                inserted_by=practitioner,
                removed_at=timeline["removal_started_at"],
                removed_by=practitioner,
            )
            for line in lines
        )
    demo_sheet(session)
    return session


# Today's visit on the calendar: a client of the treatments demo comes back this afternoon.
TODAY_VISIT = (("Zoë", "O'Brien"), dt.time(15, 0))


def _today_visit(demo: DemoClinic, today: dt.date) -> None:
    (first, last), at = TODAY_VISIT
    client = Client.objects.filter(clinic=demo.clinic, first_name=first, last_name=last).first()
    if client is None or Booking.objects.filter(client=client, starts_at__date=today).exists():
        return
    starts_at = dt.datetime.combine(today, at, demo.clinic.zone)
    # Booked this morning: the demo shows it on today's calendar even when loaded later.
    morning = dt.datetime.combine(today, dt.time(7, 0), demo.clinic.zone)
    with contextlib.suppress(ValidationError):  # the clinic is closed today: no visit
        services.visit_book(
            actor=demo.staff["front_desk"],
            client=client,
            practitioner=demo.staff["practitioner"],
            starts_at=starts_at,
            now=min(morning, timezone.now()),
        )


def load(demo: DemoClinic) -> None:
    _today_visit(demo, timezone.localdate(timezone.now(), demo.clinic.zone))
    first, last = DEMO_CLIENT
    client = Client.objects.filter(clinic=demo.clinic, first_name=first, last_name=last).first()
    plan = TreatmentPlan.objects.filter(client=client).order_by("planned_on", "id").first()
    if client is None or plan is None or Course.objects.filter(client=client).exists():
        return
    zone = demo.clinic.zone
    practitioner = demo.staff["practitioner"]
    today = timezone.localdate(timezone.now(), zone)
    lot = NeedleLot.objects.filter(product__clinic=demo.clinic).order_by("-expires_on").first()
    start = today - dt.timedelta(days=DONE_DAYS_AGO[0])
    course = Course.objects.create(
        client=client,
        plan=plan,
        practitioner=practitioner,
        sessions_planned=10,
        per_week=1,
        prepaid_sessions=10,
        starts_on=start,
        created_by=practitioner,
    )
    for number, (days_ago, grades) in enumerate(zip(DONE_DAYS_AGO, GRADES, strict=True), start=1):
        at = dt.datetime.combine(today - dt.timedelta(days=days_ago), dt.time(10), zone)
        session = _past_session(client, plan, lot, demo, at, grades)
        Booking.objects.create(
            clinic=demo.clinic,
            client=client,
            course=course,
            practitioner=practitioner,
            session=session,
            number=number,
            starts_at=at,
            ends_at=at + dt.timedelta(hours=1),
            created_by=practitioner,
            reminder_sent_at=at - dt.timedelta(hours=24),
        )
        if number in ANSWERS:
            OutcomeResponse.objects.create(
                course=course,
                milestone=str(number),
                answered_on=at.date(),
                recorded_by=practitioner,
                **ANSWERS[number],
            )
        if number == 2:
            aftercare_services.adverse_event_record(
                actor=practitioner,
                session=session,
                kind="bruising",
                grade="mild",
                onset_at=at + dt.timedelta(hours=1),
                note="Small bruise at the left nasolabial point.",
            )
    day = today + dt.timedelta(days=2)
    for number in range(len(DONE_DAYS_AGO) + 1, 11):
        while day.weekday() >= 5:
            day += dt.timedelta(days=1)
        # A clash with another demo booking is left for the practitioner to book.
        with contextlib.suppress(ValidationError):
            services.booking_create(
                actor=demo.staff["front_desk"],
                client=client,
                practitioner=practitioner,
                starts_at=dt.datetime.combine(day, dt.time(11), zone),
                course=course,
                number=number,
            )
        day += dt.timedelta(days=7)

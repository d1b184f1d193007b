"""The demo clinic's day: today's visit is a booking, so the practitioner's and the front
desk's views of the day agree."""

from __future__ import annotations

import datetime as dt

import time_machine

from acuface.atlas import demo as atlas_demo
from acuface.clients import demo as clients_demo
from acuface.core.demo import demo_clinic
from acuface.courses import demo
from acuface.courses import selectors as course_selectors
from acuface.intake import demo as intake_demo
from acuface.treatments import demo as treatments_demo
from acuface.treatments import selectors as treatment_selectors

WEDNESDAY_MORNING = dt.datetime(2026, 12, 2, 8, 0, tzinfo=dt.UTC)


def test_todays_demo_visit_is_on_the_calendar(db):
    with time_machine.travel(WEDNESDAY_MORNING, tick=False):
        clinic = demo_clinic()
        for module in (clients_demo, intake_demo, atlas_demo, treatments_demo, demo):
            module.load(clinic)
        due = treatment_selectors.sessions_today(clinic=clinic.clinic)
        booked = course_selectors.bookings_today(clinic=clinic.clinic)
        assert due, "the demo has a visit today"
        assert {s.pk for s in due} == {b.session_id for b in booked}

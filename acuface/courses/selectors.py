"""Reads over courses, bookings, the calendar and outcomes."""

from __future__ import annotations

import dataclasses
import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone

from acuface.atlas.models import TreatmentPlan
from acuface.clients.models import Client
from acuface.core.models import Clinic, User
from acuface.courses import rules
from acuface.courses.models import (
    Booking,
    BookingStatus,
    Course,
    CourseStatus,
    OpeningHours,
    OutcomeResponse,
)
from acuface.treatments import states as treatment_states


def local(value: dt.datetime, clinic: Clinic) -> dt.datetime:
    return value.astimezone(clinic.zone)


def opening_hours(*, clinic: Clinic) -> list[tuple[int, dt.time, dt.time]]:
    """The clinic's opening hours, or the defaults until the owner enters them."""
    rows = [(h.weekday, h.opens, h.closes) for h in OpeningHours.objects.filter(clinic=clinic)]
    return rows or list(rules.DEFAULT_OPENING_HOURS)


def live_bookings(*, practitioner: User) -> QuerySet[Booking]:
    return Booking.objects.filter(practitioner=practitioner, status=BookingStatus.BOOKED)


def practitioners(*, clinic: Clinic) -> QuerySet[User]:
    return User.objects.filter(clinic=clinic, is_active=True, role__in=("owner", "practitioner"))


def plan_to_start_from(*, client: Client) -> TreatmentPlan | None:
    """The client's first treatment plan: a course starts from it."""
    return TreatmentPlan.objects.filter(client=client).order_by("planned_on", "id").first()


def courses_of_client(*, client: Client) -> QuerySet[Course]:
    return Course.objects.filter(client=client).select_related("practitioner", "plan")


def running_course(*, client: Client) -> Course | None:
    """The client's active course (the newest, should there be several)."""
    return (
        Course.objects.filter(client=client, status=CourseStatus.ACTIVE)
        .order_by("-starts_on", "-id")
        .first()
    )


def course_bookings(*, course: Course) -> list[Booking]:
    return list(
        course.bookings.select_related("session", "practitioner").order_by("starts_at", "id")
    )


def is_done(booking: Booking) -> bool:
    return booking.session is not None and booking.session.state == treatment_states.COMPLETE


def course_progress(*, course: Course, bookings: list[Booking] | None = None) -> dict[str, int]:
    bookings = course_bookings(course=course) if bookings is None else bookings
    counted = [b for b in bookings if not b.is_maintenance]
    done = sum(is_done(b) for b in counted)
    booked = sum(b.is_live and not is_done(b) for b in counted)
    return rules.progress(
        planned=course.sessions_planned, done=done, prepaid=course.prepaid_sessions, booked=booked
    )


def next_unbooked_number(*, course: Course) -> int | None:
    """The lowest course session number with no live or done booking; None once all are."""
    taken = {
        b.number
        for b in course.bookings.select_related("session")
        if b.number and (b.is_live or is_done(b))
    }
    for number in range(1, course.sessions_planned + 1):
        if number not in taken:
            return number
    return None


def bookings_between(
    *, clinic: Clinic, start: dt.datetime, end: dt.datetime, practitioner: User | None = None
) -> QuerySet[Booking]:
    found = Booking.objects.filter(
        clinic=clinic, status=BookingStatus.BOOKED, starts_at__lt=end, ends_at__gt=start
    ).select_related("client", "practitioner", "session", "course")
    if practitioner is not None:
        found = found.filter(practitioner=practitioner)
    return found.order_by("starts_at", "id")


def day_bounds(day: dt.date, clinic: Clinic) -> tuple[dt.datetime, dt.datetime]:
    zone = clinic.zone
    start = dt.datetime.combine(day, dt.time(0), tzinfo=zone)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=zone)
    return start, end


@dataclasses.dataclass(frozen=True)
class CalendarDay:
    day: dt.date
    hours: list[tuple[dt.time, dt.time]]
    bookings: list[Booking]

    @property
    def is_open(self) -> bool:
        return bool(self.hours)


def calendar_days(
    *, clinic: Clinic, first: dt.date, days: int, practitioner: User | None = None
) -> list[CalendarDay]:
    """Each day's opening hours and live bookings (clinic-local days)."""
    hours = opening_hours(clinic=clinic)
    start, _ = day_bounds(first, clinic)
    _, end = day_bounds(first + dt.timedelta(days=days - 1), clinic)
    bookings = list(
        bookings_between(clinic=clinic, start=start, end=end, practitioner=practitioner)
    )
    found = []
    for offset in range(days):
        day = first + dt.timedelta(days=offset)
        found.append(
            CalendarDay(
                day=day,
                hours=[(o, c) for d, o, c in hours if d == day.weekday()],
                bookings=[b for b in bookings if local(b.starts_at, clinic).date() == day],
            )
        )
    return found


def bookings_today(*, clinic: Clinic, now: dt.datetime | None = None) -> list[Booking]:
    now = now or timezone.now()
    start, end = day_bounds(now.astimezone(clinic.zone).date(), clinic)
    return list(bookings_between(clinic=clinic, start=start, end=end))


def feed_bookings(*, practitioner: User, now: dt.datetime | None = None) -> QuerySet[Booking]:
    """A practitioner's live bookings from 30 days ago on, for the calendar feed."""
    now = now or timezone.now()
    return (
        live_bookings(practitioner=practitioner)
        .filter(starts_at__gte=now - dt.timedelta(days=30))
        .select_related("client", "clinic", "practitioner")
        .order_by("starts_at")
    )


def reminders_due(*, now: dt.datetime) -> list[Booking]:
    """Live bookings whose day-before reminder time has come and that were not reminded yet."""
    candidates = Booking.objects.filter(
        status=BookingStatus.BOOKED,
        reminder_sent_at__isnull=True,
        starts_at__gt=now,
        starts_at__lte=now + dt.timedelta(days=2),
    ).select_related("clinic")
    return [b for b in candidates if rules.reminder_at(b.starts_at, zone=b.clinic.zone) <= now]


def outcomes_of(*, course: Course) -> list[OutcomeResponse]:
    return list(course.outcomes.all())


def outcome_due(*, course: Course, bookings: list[Booking]) -> list[str]:
    """Milestones whose session is done (or maintenance begun) and whose form is missing."""
    answered = {o.milestone for o in course.outcomes.all()}
    due = []
    for booking in bookings:
        milestone = rules.milestone_for(booking.number, is_maintenance=booking.is_maintenance)
        if milestone and milestone not in answered and is_done(booking):
            due.append(milestone)
            answered.add(milestone)
    return due


def courses_to_book(*, clinic: Clinic, limit: int = 30) -> list[tuple[Course, int]]:
    """Active courses with a session still to book, and the number of the next one."""
    found = []
    courses = Course.objects.filter(
        client__clinic=clinic, status="active", client__archived_at=None
    )
    for course in courses.select_related("client").order_by("starts_on", "id")[: limit * 3]:
        number = next_unbooked_number(course=course)
        if number is not None:
            found.append((course, number))
        if len(found) >= limit:
            break
    return found

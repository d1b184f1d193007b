"""Course rules as data and small pure functions (CLINICAL.md §2): no ORM here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

# CLINICAL.md §2: 10 to 12 sessions, once or twice a week, then monthly maintenance.
DEFAULT_SESSIONS = 10
DEFAULT_PER_WEEK = 2
DEFAULT_MAINTENANCE_WEEKS = 4
DEFAULT_SESSION_MINUTES = 60
# Days after the week's first session for each further session in that week.
WEEK_OFFSETS = {1: (0,), 2: (0, 3), 3: (0, 2, 4)}

# The client-reported form is asked at these course sessions, and at maintenance.
OUTCOME_SESSIONS = (1, 6, 10)
MAINTENANCE = "maintenance"

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# Used until the owner enters the clinic's own hours: (weekday, opens, closes).
DEFAULT_OPENING_HOURS: tuple[tuple[int, dt.time, dt.time], ...] = (
    *((day, dt.time(9), dt.time(18)) for day in range(5)),
    (5, dt.time(9), dt.time(13)),
)

# The reminder e-mail goes out the day before, at this clinic-local time.
REMINDER_TIME = dt.time(10, 0)
# Booking further ahead than this is refused (a typo in the year, most often).
MAX_DAYS_AHEAD = 400


def milestone_choices() -> list[tuple[str, str]]:
    return [(str(n), f"Session {n}") for n in OUTCOME_SESSIONS] + [(MAINTENANCE, "Maintenance")]


def milestone_for(number: int | None, *, is_maintenance: bool) -> str | None:
    """The outcome milestone a session number asks the client form at, if any."""
    if is_maintenance:
        return MAINTENANCE
    if number in OUTCOME_SESSIONS:
        return str(number)
    return None


def cadence_dates(first: dt.date, *, sessions: int, per_week: int) -> list[dt.date]:
    """The dates of a course's sessions: `per_week` a week, from `first`."""
    offsets = WEEK_OFFSETS[per_week]
    return [
        first + dt.timedelta(weeks=i // per_week, days=offsets[i % per_week])
        for i in range(sessions)
    ]


def maintenance_dates(last: dt.date, *, every_weeks: int, count: int) -> list[dt.date]:
    return [last + dt.timedelta(weeks=every_weeks * (i + 1)) for i in range(count)]


def overlaps(
    start: dt.datetime, end: dt.datetime, other_start: dt.datetime, other_end: dt.datetime
) -> bool:
    """Half-open intervals [start, end) overlap."""
    return start < other_end and other_start < end


def within_hours(
    start: dt.datetime,
    end: dt.datetime,
    *,
    zone: dt.tzinfo,
    hours: Iterable[tuple[int, dt.time, dt.time]],
) -> bool:
    """The whole booking falls inside one opening of its (clinic-local) day."""
    local_start, local_end = start.astimezone(zone), end.astimezone(zone)
    if local_start.date() != local_end.date() and local_end.time() != dt.time(0):
        return False
    day = local_start.weekday()
    return any(
        weekday == day and opens <= local_start.time() and local_end.time() <= closes
        for weekday, opens, closes in hours
    )


def reminder_at(starts_at: dt.datetime, *, zone: dt.tzinfo) -> dt.datetime:
    """When the day-before reminder is due: REMINDER_TIME on the previous local day."""
    day_before = starts_at.astimezone(zone).date() - dt.timedelta(days=1)
    return dt.datetime.combine(day_before, REMINDER_TIME, tzinfo=zone)


def progress(*, planned: int, done: int, prepaid: int, booked: int) -> dict[str, int]:
    """Done / remaining of the course, and what is left of a prepaid package."""
    return {
        "planned": planned,
        "done": done,
        "remaining": max(planned - done, 0),
        "booked_ahead": booked,
        "unbooked": max(planned - done - booked, 0),
        "prepaid": prepaid,
        "prepaid_left": max(prepaid - done, 0),
    }


def mean_and_spread(values: Sequence[float]) -> tuple[float, float] | None:
    """Mean and (sample) standard deviation; a single value has spread 0."""
    if not values:
        return None
    mean = sum(values) / len(values)
    if len(values) == 1:
        return mean, 0.0
    var = sum((v - mean) ** 2 for v in values) / (len(values) - 1)
    return mean, var**0.5

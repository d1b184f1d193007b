from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from acuface.courses import rules

LONDON = zoneinfo.ZoneInfo("Europe/London")
HOURS = list(rules.DEFAULT_OPENING_HOURS)


def at(y: int, m: int, d: int, h: int, mi: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, h, mi, tzinfo=LONDON)


def test_cadence_twice_a_week_then_maintenance() -> None:
    days = rules.cadence_dates(dt.date(2026, 3, 2), sessions=10, per_week=2)
    assert days[:4] == [
        dt.date(2026, 3, 2),
        dt.date(2026, 3, 5),
        dt.date(2026, 3, 9),
        dt.date(2026, 3, 12),
    ]
    assert len(days) == 10 and days[-1] == dt.date(2026, 4, 2)
    assert rules.maintenance_dates(days[-1], every_weeks=4, count=2) == [
        dt.date(2026, 4, 30),
        dt.date(2026, 5, 28),
    ]


def test_cadence_once_a_week() -> None:
    assert rules.cadence_dates(dt.date(2026, 3, 2), sessions=3, per_week=1) == [
        dt.date(2026, 3, 2),
        dt.date(2026, 3, 9),
        dt.date(2026, 3, 16),
    ]


@pytest.mark.parametrize(
    ("start", "minutes", "inside"),
    [
        (at(2026, 3, 2, 9), 60, True),  # Monday opening
        (at(2026, 3, 2, 17), 60, True),  # ends exactly at closing
        (at(2026, 3, 2, 17, 30), 60, False),  # runs past closing
        (at(2026, 3, 2, 8, 30), 60, False),  # before opening
        (at(2026, 3, 7, 12), 60, True),  # Saturday morning
        (at(2026, 3, 7, 12, 30), 60, False),  # Saturday afternoon: closed
        (at(2026, 3, 8, 10), 60, False),  # Sunday
        (at(2026, 3, 2, 23, 30), 60, False),  # crosses midnight
    ],
)
def test_within_opening_hours(start: dt.datetime, minutes: int, inside: bool) -> None:
    end = start + dt.timedelta(minutes=minutes)
    assert rules.within_hours(start, end, zone=LONDON, hours=HOURS) is inside


def test_within_hours_reads_local_time_not_utc() -> None:
    # 08:30 UTC is 09:30 in London summer time: open.
    start = dt.datetime(2026, 6, 1, 8, 30, tzinfo=dt.UTC)
    assert rules.within_hours(start, start + dt.timedelta(hours=1), zone=LONDON, hours=HOURS)
    winter = dt.datetime(2026, 12, 1, 8, 30, tzinfo=dt.UTC)
    assert not rules.within_hours(winter, winter + dt.timedelta(hours=1), zone=LONDON, hours=HOURS)


def test_overlaps_is_half_open() -> None:
    a, b = at(2026, 3, 2, 10), at(2026, 3, 2, 11)
    assert rules.overlaps(a, b, at(2026, 3, 2, 10, 30), at(2026, 3, 2, 11, 30))
    assert not rules.overlaps(a, b, b, at(2026, 3, 2, 12))


def test_reminder_is_the_local_day_before_across_the_clock_change() -> None:
    # Monday 26 October 2026, the day after British Summer Time ends.
    reminder = rules.reminder_at(at(2026, 10, 26, 9), zone=LONDON)
    assert reminder == at(2026, 10, 25, 10)
    assert reminder.utcoffset() == dt.timedelta(0)


def test_progress_and_package() -> None:
    assert rules.progress(planned=10, done=3, prepaid=5, booked=4) == {
        "planned": 10,
        "done": 3,
        "remaining": 7,
        "booked_ahead": 4,
        "unbooked": 3,
        "prepaid": 5,
        "prepaid_left": 2,
    }
    assert rules.progress(planned=10, done=12, prepaid=5, booked=0)["prepaid_left"] == 0


def test_milestones() -> None:
    assert [rules.milestone_for(n, is_maintenance=False) for n in (1, 2, 6, 10, None)] == [
        "1",
        None,
        "6",
        "10",
        None,
    ]
    assert rules.milestone_for(None, is_maintenance=True) == "maintenance"


def test_mean_and_spread() -> None:
    assert rules.mean_and_spread([]) is None
    assert rules.mean_and_spread([-1.0]) == (-1.0, 0.0)
    mean, spread = rules.mean_and_spread([-2.0, 0.0, -1.0])  # type: ignore[misc]
    assert mean == -1.0 and spread == pytest.approx(1.0)

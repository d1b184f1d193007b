"""What the session says in words: the timer's label, minutes counted right."""

from __future__ import annotations

import datetime as dt

import pytest

from acuface.atlas.rules import retention_problem
from acuface.core.wording import count_of
from acuface.treatments.retention import RetentionClock

END = dt.datetime(2026, 11, 25, 10, 30, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("seconds_after_end", "label"),
    [
        (-750, "12:30 left"),
        (-1, "0:01 left"),
        (0, "just ended"),
        (1, "just ended"),
        (59, "just ended"),
        (60, "overdue by 1 min"),
        (7 * 60 + 20, "overdue by 7 min"),
    ],
)
def test_the_timer_label(seconds_after_end: int, label: str) -> None:
    clock = RetentionClock(ends_at=END, now=END + dt.timedelta(seconds=seconds_after_end))
    assert clock.label == label


@pytest.mark.parametrize(
    ("number", "text"), [(0, "0 minutes"), (1, "1 minute"), (2, "2 minutes"), (30, "30 minutes")]
)
def test_minutes_are_counted_in_words(number: int, text: str) -> None:
    assert count_of(number, "minute") == text


def test_one_minute_of_retention_is_one_minute() -> None:
    assert retention_problem(1, "") == "1 minute is outside 25 to 40: give the reason for it."

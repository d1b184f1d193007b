"""Retention time from stored timestamps only: the same answer on every device and every reload."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math

MAKEUP_FREE_AFTER = dt.timedelta(hours=4)
FOLLOW_UPS = {"24h": dt.timedelta(hours=24), "7d": dt.timedelta(days=7)}
EXTEND_MIN_MINUTES = 1
EXTEND_MAX_MINUTES = 30
RETENTION_ABSOLUTE_MIN = 1
RETENTION_ABSOLUTE_MAX = 90


@dataclasses.dataclass(frozen=True)
class RetentionClock:
    ends_at: dt.datetime
    now: dt.datetime

    @property
    def seconds_left(self) -> int:
        """Whole seconds until the end; negative once it is overdue."""
        return math.ceil((self.ends_at - self.now).total_seconds())

    @property
    def is_overdue(self) -> bool:
        return self.seconds_left <= 0

    @property
    def label(self) -> str:
        """ "12:05 left", "just ended" (in its first minute) or "overdue by 3 min"."""
        left = self.seconds_left
        if left > 0:
            minutes, seconds = divmod(left, 60)
            return f"{minutes}:{seconds:02d} left"
        over = (-left) // 60
        return "just ended" if over < 1 else f"overdue by {over} min"


def makeup_free_at(needles_out_at: dt.datetime) -> dt.datetime:
    """No makeup before this instant (an absolute time, so a DST change cannot shift it)."""
    return needles_out_at + MAKEUP_FREE_AFTER


def local_clock(moment: dt.datetime, zone: dt.tzinfo) -> str:
    """ "14:35 on Wednesday 25 November" in the clinic's time zone."""
    local = moment.astimezone(zone)
    return f"{local:%H:%M} on {local:%A} {local.day} {local:%B}"

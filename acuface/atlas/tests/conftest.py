"""Fixtures of the atlas tests: a fake intake, so plans can be tested without filling one in."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest

from acuface.atlas import selectors


def make_flag(
    rule_id: str,
    *,
    message: str = "",
    level: str = "caution",
    forbidden_points: frozenset[str] = frozenset(),
    deferred_regions: frozenset[str] = frozenset(),
) -> Any:
    """A screening flag in the intake's shape (its own dataclass when the intake is installed)."""
    try:
        from acuface.intake.screening import Flag
    except ImportError:
        return SimpleNamespace(
            rule_id=rule_id,
            level=level,
            message=message or rule_id,
            forbidden_points=forbidden_points,
            deferred_regions=deferred_regions,
        )
    return Flag(
        rule_id=rule_id,
        level=level,  # type: ignore[arg-type]
        message=message or rule_id,
        client_message="",
        triggered_by=(),
        forbidden_points=forbidden_points,
        deferred_regions=deferred_regions,
    )


def make_screening(flags: tuple[Any, ...] = (), constitution: tuple[str, ...] = ()) -> Any:
    try:
        from acuface.intake.screening import Constitution, ScreeningResult, TypeScore
    except ImportError:
        return SimpleNamespace(flags=flags, constitution=list(constitution))
    types = tuple(TypeScore(t, t, 45.0, "yes", ()) for t in constitution)
    return ScreeningResult(
        on=dt.date(2026, 11, 25),
        flags=flags,
        risks=(),
        constitution=Constitution(types=types, suggested_points=(), withheld_points=()),
    )


class FakeIntake:
    """Stands in for acuface.intake.selectors; tests set `screening` and `concerns`."""

    def __init__(self) -> None:
        self.screening: Any = make_screening()
        self.concerns: list[tuple[str, int | None]] = []

    def screening_for_client(self, *, client: Any, on: dt.date) -> Any:
        return self.screening

    def concerns_for_client(self, *, client: Any) -> list[tuple[str, int | None]]:
        return self.concerns


@pytest.fixture
def fake_intake(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeIntake]:
    fake = FakeIntake()
    monkeypatch.setattr(selectors, "_intake_selectors", lambda: fake)
    yield fake

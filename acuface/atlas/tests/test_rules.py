"""The plan rules: retention, needle size and region keys (table-driven)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from acuface.atlas.rules import needle_problem, region_key, retention_problem


@pytest.mark.parametrize(
    ("minutes", "reason", "refused"),
    [
        (30, "", False),
        (25, "", False),
        (40, "", False),
        (24, "", True),
        (41, "", True),
        (20, "   ", True),
        (20, "first session, needle-anxious", False),
        (45, "client asked for longer", False),
    ],
)
def test_retention_outside_25_to_40_needs_a_reason(
    minutes: int, reason: str, refused: bool
) -> None:
    assert (retention_problem(minutes, reason) is not None) is refused


@pytest.mark.parametrize(
    ("is_facial", "gauge", "reason", "refused"),
    [
        (True, "0.16", "", False),
        (True, "0.18", "", False),
        (True, "0.20", "", True),
        (True, "0.25", " ", True),
        (True, "0.20", "thick scar tissue", False),
        (False, "0.25", "", False),
    ],
)
def test_a_facial_point_needs_a_facial_needle(
    is_facial: bool, gauge: str, reason: str, refused: bool
) -> None:
    problem = needle_problem(is_facial=is_facial, gauge_mm=Decimal(gauge), override_reason=reason)
    assert (problem is not None) is refused


@pytest.mark.parametrize(
    ("region", "side", "key"),
    [
        ("cheek", "right", "cheek_right"),
        ("crow_feet", "left", "crow_feet_left"),
        ("forehead", "right", "forehead"),
        ("glabella", "midline", "glabella"),
        ("under_eye", "midline", "under_eye"),
    ],
)
def test_region_keys(region: str, side: str, key: str) -> None:
    assert region_key(region, side) == key

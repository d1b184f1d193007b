"""Plan rules read from `data/plan_rules.json`, and the small pure checks built on them."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from acuface.core.wording import count_of

DATA_DIR = Path(__file__).resolve().parent / "data"
SIDED_REGIONS = frozenset({"crow_feet", "under_eye", "cheek", "nasolabial", "jowl"})
WHOLE_FACE = "whole_face"
SIDES = ("right", "left", "midline")
SIDE_LABELS = {"right": "client's right", "left": "client's left", "midline": "midline"}


@dataclass(frozen=True)
class NeedleType:
    key: str
    label: str
    gauge_mm: Decimal | None  # None: the point's own default
    length_mm: Decimal | None


@dataclass(frozen=True)
class PlanRules:
    retention_default_minutes: int
    retention_min_minutes: int
    retention_max_minutes: int
    facial_max_gauge_mm: Decimal
    needle_types: dict[str, NeedleType]
    concerns: dict[str, str]
    regions: dict[str, str]


def _decimal(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


@functools.lru_cache(maxsize=1)
def plan_rules() -> PlanRules:
    """The rules file, read once per process."""
    raw = json.loads((DATA_DIR / "plan_rules.json").read_text(encoding="utf-8"))
    needle_types = {
        key: NeedleType(key, spec["label"], _decimal(spec["gauge_mm"]), _decimal(spec["length_mm"]))
        for key, spec in raw["needle_types"].items()
    }
    max_gauge = _decimal(raw["facial_max_gauge_mm"])
    assert max_gauge is not None
    return PlanRules(
        retention_default_minutes=int(raw["retention_default_minutes"]),
        retention_min_minutes=int(raw["retention_min_minutes"]),
        retention_max_minutes=int(raw["retention_max_minutes"]),
        facial_max_gauge_mm=max_gauge,
        needle_types=needle_types,
        concerns=dict(raw["concerns"]),
        regions=dict(raw["regions"]),
    )


def region_key(region: str, side: str) -> str:
    """The screening region key of a point's region on one side ("cheek", "left" → "cheek_left")."""
    if region in SIDED_REGIONS and side in ("right", "left"):
        return f"{region}_{side}"
    return region


def retention_problem(minutes: int, reason: str, *, rules: PlanRules | None = None) -> str | None:
    """Why a retention time is not acceptable, or None (outside the usual range needs a reason)."""
    rules = rules or plan_rules()
    low, high = rules.retention_min_minutes, rules.retention_max_minutes
    if low <= minutes <= high or reason.strip():
        return None
    return f"{count_of(minutes, 'minute')} is outside {low} to {high}: give the reason for it."


def needle_problem(
    *, is_facial: bool, gauge_mm: Decimal, override_reason: str, rules: PlanRules | None = None
) -> str | None:
    """Why a needle is not acceptable at a point, or None (a facial point needs a facial needle)."""
    rules = rules or plan_rules()
    if not is_facial or gauge_mm <= rules.facial_max_gauge_mm or override_reason.strip():
        return None
    return (
        f"A facial point needs a facial needle ({rules.facial_max_gauge_mm} mm or finer); "
        f"{gauge_mm} mm needs a reason."
    )

"""Reads over the atlas, protocols and plans, and what the intake says about a client."""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from acuface.atlas.models import PlannedPoint, Point, Protocol, TreatmentPlan
from acuface.atlas.planning import (
    NeedleLimit,
    PointSpec,
    ProtocolLine,
    ProtocolSpec,
    Restrictions,
)
from acuface.clients.models import Client
from acuface.core.models import Clinic

NO_INTAKE_MODULE = (
    "Screening is not available yet (the intake module is not installed): no restriction was "
    "applied. Check the client's health questions yourself before needling."
)
NO_INTAKE = (
    "This client has no valid intake: no screening restriction was applied and concerns were "
    "not filled in. Choose the concerns by hand and check the client's health before needling."
)


@dataclass(frozen=True)
class ScreeningView:
    """What the plan needs from the intake: restrictions, constitution, concerns, a warning."""

    restrictions: Restrictions
    constitution_types: tuple[str, ...] = ()
    constitution_labels: tuple[str, ...] = ()  # the same types in the clinic's words
    concerns: tuple[str, ...] = ()
    flags: tuple[Any, ...] = ()
    source: str = "none"  # "intake" when a valid screening was found
    warning: str = ""
    extras: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {
            "forbidden_points": dict(self.restrictions.forbidden_points),
            "deferred_regions": dict(self.restrictions.deferred_regions),
            "needle_limits": needle_limits_as_json(self.restrictions),
            "source": self.source,
            "warning": self.warning,
        }


def atlas_points() -> list[Point]:
    return list(Point.objects.all())


def atlas_specs(points: Iterable[Point] | None = None) -> dict[str, PointSpec]:
    return {p.code: p.spec() for p in (points if points is not None else atlas_points())}


def point_by_code(code: str) -> Point | None:
    if not code or len(code) > 12:
        return None
    return Point.objects.filter(code=code).first()


def protocols_current(*, clinic: Clinic) -> dict[tuple[str, str], Protocol]:
    """The clinic's own current protocols, and the standard ones it has not copied."""
    rows = Protocol.objects.filter(Q(clinic=clinic) | Q(clinic__isnull=True), is_current=True)
    chosen: dict[tuple[str, str], Protocol] = {}
    # Standard rows first, so the clinic's own copies replace them.
    for row in sorted(rows, key=lambda r: (r.clinic_id is not None, r.kind, r.key)):
        chosen[(row.kind, row.key)] = row
    return chosen


def protocol_specs(
    protocols: Mapping[tuple[str, str], Protocol],
) -> dict[tuple[str, str], ProtocolSpec]:
    return {
        key: ProtocolSpec(
            key=p.key,
            kind=p.kind,
            name=p.name,
            lines=tuple(ProtocolLine(str(i["code"]), str(i["needle_type"])) for i in p.points),
        )
        for key, p in protocols.items()
    }


def protocol_history(*, clinic: Clinic, key: str) -> QuerySet[Protocol]:
    return Protocol.objects.filter(clinic=clinic, key=key).order_by("-version")


def plans_for_client(*, client: Client) -> QuerySet[TreatmentPlan]:
    return TreatmentPlan.objects.filter(client=client).prefetch_related("lines")


def plan_lines(plan: TreatmentPlan) -> list[PlannedPoint]:
    return list(plan.lines.select_related("point").order_by("order", "id"))


def plan_with_lines(plan_id: int) -> QuerySet[TreatmentPlan]:
    lines = PlannedPoint.objects.select_related("point").order_by("order", "id")
    return TreatmentPlan.objects.filter(pk=plan_id).prefetch_related(Prefetch("lines", lines))


def plan_chart_states(
    lines: Iterable[PlannedPoint],
) -> tuple[dict[tuple[str, str], str], dict[tuple[str, str], str]]:
    """(states, titles) for the face chart: planned or excluded, with the exclusion reason."""
    states: dict[tuple[str, str], str] = {}
    titles: dict[tuple[str, str], str] = {}
    for line in lines:
        key = (line.point.code, line.side)
        states[key] = line.state
        if line.is_excluded:
            titles[key] = line.exclusion_reason
    return states, titles


# --- the intake, through the names its selectors promise ------------------------------------


def _intake_selectors() -> Any | None:
    try:
        module = importlib.import_module("acuface.intake.selectors")
    except ImportError:
        return None
    if not hasattr(module, "screening_for_client"):
        return None
    return module


def constitution_type_labels(value: Any) -> tuple[str, ...]:
    """The names of `constitution_type_keys(value)` from the screening rules ("Qi stagnation")."""
    leading = getattr(value, "leading", None)
    if leading is None or callable(leading):
        return constitution_type_keys(value)
    return tuple(str(getattr(t, "label", "") or getattr(t, "type", t)) for t in leading)


def constitution_type_keys(value: Any) -> tuple[str, ...]:
    """Constitution types to add body points for: the intake's leading types (yes or tendency)."""
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    leading = getattr(value, "leading", None)  # intake's Constitution: types classed yes/tendency
    if leading is not None and not callable(leading):
        return tuple(str(getattr(t, "type", t)) for t in leading)
    for attr in ("present_types", "leaning_types"):
        inner = getattr(value, attr, None)
        if inner is not None and not callable(inner):
            return constitution_type_keys(inner)
    if isinstance(value, Mapping):
        return tuple(str(k) for k, v in value.items() if v)
    keys: list[str] = []
    if isinstance(value, Iterable):
        for item in value:
            key = item if isinstance(item, str) else getattr(item, "type", None)
            if isinstance(key, str):
                keys.append(key)
    return tuple(keys)


def needle_limits_as_json(restrictions: Restrictions) -> dict[str, list[Any]]:
    return {k: [v.count, v.reason] for k, v in sorted(restrictions.needle_limits.items())}


def needle_limits_from_json(stored: Any) -> dict[str, NeedleLimit]:
    if not isinstance(stored, Mapping):
        return {}
    return {str(k): NeedleLimit(count=int(v[0]), reason=str(v[1])) for k, v in stored.items()}


def restrictions_from_screening(result: Any) -> Restrictions:
    """What a screening result forbids, point by point and region by region, with each reason,
    and the lowest needle limit of each kind among its cautions."""
    forbidden: dict[str, str] = {}
    deferred: dict[str, str] = {}
    limits: dict[str, NeedleLimit] = {}
    for flag in getattr(result, "flags", ()) or ():
        message = str(getattr(flag, "message", "") or getattr(flag, "rule_id", "screening"))
        for kind, count in getattr(flag, "needle_limits", ()) or ():
            if kind not in limits or count < limits[kind].count:
                limits[kind] = NeedleLimit(count=int(count), reason=message)
        for code in getattr(flag, "forbidden_points", ()) or ():
            forbidden.setdefault(str(code), message)
        for region in getattr(flag, "deferred_regions", ()) or ():
            deferred.setdefault(str(region), message)
    for code in getattr(result, "forbidden_points", ()) or ():
        forbidden.setdefault(str(code), "screening flag")
    for region in getattr(result, "deferred_regions", ()) or ():
        deferred.setdefault(str(region), "screening flag")
    return Restrictions(forbidden_points=forbidden, deferred_regions=deferred, needle_limits=limits)


def screening_view(*, client: Client, on: dt.date) -> ScreeningView:
    """Screening restrictions, constitution and concerns for a client, or a clear warning."""
    module = _intake_selectors()
    if module is None:
        return ScreeningView(restrictions=Restrictions(), warning=NO_INTAKE_MODULE)
    result = module.screening_for_client(client=client, on=on)
    concerns: tuple[str, ...] = ()
    if hasattr(module, "concerns_for_client"):
        ranked = sorted(module.concerns_for_client(client=client), key=lambda c: -_severity(c))
        concerns = tuple(str(c[0]) if isinstance(c, tuple | list) else str(c) for c in ranked)
    if result is None:
        return ScreeningView(restrictions=Restrictions(), concerns=concerns, warning=NO_INTAKE)
    return ScreeningView(
        restrictions=restrictions_from_screening(result),
        constitution_types=tuple(
            k for k in constitution_type_keys(getattr(result, "constitution", None)) if k
        ),
        constitution_labels=tuple(
            k for k in constitution_type_labels(getattr(result, "constitution", None)) if k
        ),
        concerns=concerns,
        flags=tuple(getattr(result, "flags", ()) or ()),
        source="intake",
    )


def _severity(item: Any) -> float:
    if isinstance(item, tuple | list) and len(item) > 1:
        try:
            return float(item[1])
        except (TypeError, ValueError):
            return 0.0
    return 0.0

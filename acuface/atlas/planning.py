"""Proposing a treatment plan: pure functions over plain data, no database.

Concerns pick protocols; constitution types add body points; screening removes what it forbids
(a point forbidden by a flag, or any point in a deferred face region). Removed points stay in the
plan, excluded with the reason, so the practitioner sees what screening took out and why.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from acuface.atlas.rules import WHOLE_FACE, PlanRules, plan_rules, region_key


@dataclass(frozen=True)
class PointSpec:
    """What planning needs to know about one atlas point."""

    code: str
    name: str
    region: str
    is_facial: bool
    is_bilateral: bool
    gauge_default_mm: Decimal
    length_default_mm: Decimal

    @property
    def sides(self) -> tuple[str, ...]:
        return ("right", "left") if self.is_bilateral else ("midline",)


@dataclass(frozen=True)
class ProtocolLine:
    code: str
    needle_type: str


@dataclass(frozen=True)
class ProtocolSpec:
    key: str
    kind: str  # "concern" | "constitution"
    name: str
    lines: tuple[ProtocolLine, ...]


@dataclass(frozen=True)
class Restrictions:
    """What screening forbids: point code → reason, and face region key → reason."""

    forbidden_points: Mapping[str, str] = field(default_factory=dict)
    deferred_regions: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class PlanLine:
    code: str
    side: str
    needle_type: str
    gauge_mm: Decimal
    length_mm: Decimal
    is_excluded: bool
    exclusion_reason: str
    source: str  # the protocol that brought the point in


@dataclass(frozen=True)
class ProposedPlan:
    lines: tuple[PlanLine, ...]
    unknown: tuple[str, ...]  # concerns, types or codes the data does not know, for a warning

    @property
    def expected_needle_count(self) -> int:
        return sum(1 for line in self.lines if not line.is_excluded)


def exclusion_reason(point: PointSpec, side: str, restrictions: Restrictions) -> str:
    """Why screening removes this point on this side, or "" when it may be needled."""
    forbidden = restrictions.forbidden_points.get(point.code)
    if forbidden is not None:
        return f"Not allowed: {forbidden}"
    if point.is_facial:
        for key in (WHOLE_FACE, region_key(point.region, side)):
            deferred = restrictions.deferred_regions.get(key)
            if deferred is not None:
                return f"Area deferred ({key.replace('_', ' ')}): {deferred}"
    return ""


def needle_spec(
    point: PointSpec, needle_type: str, rules: PlanRules | None = None
) -> tuple[Decimal, Decimal]:
    """(gauge, length) in mm for a needle type at a point: the type's own size or the point's."""
    rules = rules or plan_rules()
    kind = rules.needle_types.get(needle_type)
    gauge = kind.gauge_mm if kind and kind.gauge_mm is not None else point.gauge_default_mm
    length = kind.length_mm if kind and kind.length_mm is not None else point.length_default_mm
    return gauge, length


def propose_plan(
    *,
    concerns: Sequence[str],
    constitution_types: Iterable[str],
    restrictions: Restrictions,
    protocols: Mapping[tuple[str, str], ProtocolSpec],
    atlas: Mapping[str, PointSpec],
    rules: PlanRules | None = None,
) -> ProposedPlan:
    """Points of the concerns' protocols, then the constitution add-ons, minus screening.

    `protocols` is keyed by (kind, key). A point named by several protocols appears once per
    side, with the needle type of the first protocol that named it.
    """
    chosen: list[ProtocolSpec] = []
    unknown: list[str] = []
    for kind, keys in (("concern", concerns), ("constitution", constitution_types)):
        for key in keys:
            protocol = protocols.get((kind, key))
            if protocol is None:
                if kind == "concern":
                    unknown.append(key)
                continue
            if protocol not in chosen:
                chosen.append(protocol)
    lines: dict[tuple[str, str], PlanLine] = {}
    for protocol in chosen:
        for item in protocol.lines:
            point = atlas.get(item.code)
            if point is None:
                unknown.append(item.code)
                continue
            gauge, length = needle_spec(point, item.needle_type, rules)
            for side in point.sides:
                if (point.code, side) in lines:
                    continue
                reason = exclusion_reason(point, side, restrictions)
                lines[(point.code, side)] = PlanLine(
                    code=point.code,
                    side=side,
                    needle_type=item.needle_type,
                    gauge_mm=gauge,
                    length_mm=length,
                    is_excluded=bool(reason),
                    exclusion_reason=reason,
                    source=protocol.name,
                )
    return ProposedPlan(lines=tuple(lines.values()), unknown=tuple(dict.fromkeys(unknown)))

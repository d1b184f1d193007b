"""Proposing a treatment plan: pure functions over plain data, no database.

Concerns pick protocols; constitution types add body points; screening removes what it forbids
(a point forbidden by a flag, or any point in a deferred face region). Removed points stay in the
plan, excluded with the reason, so the practitioner sees what screening took out and why.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
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
class NeedleLimit:
    """The most needles a caution allows ("total" or "facial"), with the caution's words."""

    count: int
    reason: str


@dataclass(frozen=True)
class Restrictions:
    """What screening forbids: point code → reason, face region key → reason, and the most
    needles cautions allow by kind ("total", "facial")."""

    forbidden_points: Mapping[str, str] = field(default_factory=dict)
    deferred_regions: Mapping[str, str] = field(default_factory=dict)
    needle_limits: Mapping[str, NeedleLimit] = field(default_factory=dict)


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


LIMIT_KIND_WORDS = {"total": "needles", "facial": "facial needles"}


def _limited_kinds(is_facial: bool) -> tuple[str, ...]:
    return ("total", "facial") if is_facial else ("total",)


def needle_limit_problems(
    lines: Iterable[tuple[str, bool]], restrictions: Restrictions, *, being: str = "planned"
) -> list[str]:
    """Where the needles of a plan pass a caution's limit; `lines` are (code, is_facial) of the
    needles that would go in (one per side)."""
    counts = {"total": 0, "facial": 0}
    for _code, is_facial in lines:
        for kind in _limited_kinds(is_facial):
            counts[kind] += 1
    problems = []
    for kind, limit in sorted(restrictions.needle_limits.items()):
        if counts.get(kind, 0) > limit.count:
            problems.append(
                f"{counts[kind]} {LIMIT_KIND_WORDS[kind]} {being}; the limit is {limit.count} "
                f"({limit.reason})"
            )
    return problems


def _apply_needle_limits(
    lines: dict[tuple[str, str], PlanLine],
    atlas: Mapping[str, PointSpec],
    restrictions: Restrictions,
) -> None:
    """Keep points, in protocol order and with all their sides, while every limit allows;
    the rest stay in the plan, excluded with the caution that limits them."""
    if not restrictions.needle_limits:
        return
    counts = {"total": 0, "facial": 0}
    for code in dict.fromkeys(code for code, _side in lines):
        point = atlas[code]
        sides = [k for k in lines if k[0] == code and not lines[k].is_excluded]
        if not sides:
            continue
        kinds = _limited_kinds(point.is_facial)
        over = [
            (kind, restrictions.needle_limits[kind])
            for kind in kinds
            if kind in restrictions.needle_limits
            and counts[kind] + len(sides) > restrictions.needle_limits[kind].count
        ]
        if over:
            kind, limit = over[0]
            reason = f"Over the limit of {limit.count} {LIMIT_KIND_WORDS[kind]}: {limit.reason}"
            for key in sides:
                line = lines[key]
                lines[key] = replace(line, is_excluded=True, exclusion_reason=reason)
            continue
        for kind in kinds:
            counts[kind] += len(sides)


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
    _apply_needle_limits(lines, atlas, restrictions)
    return ProposedPlan(lines=tuple(lines.values()), unknown=tuple(dict.fromkeys(unknown)))

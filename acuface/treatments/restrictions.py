"""Where screening's restrictions meet the needle: the session's frozen restrictions, read with
the plan's own restriction function (`atlas.planning.exclusion_reason`), so the plan, the chart
and the tap can never disagree about a point."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from acuface.atlas.models import Point
from acuface.atlas.planning import Restrictions, exclusion_reason, needle_limit_problems
from acuface.atlas.selectors import needle_limits_as_json, needle_limits_from_json
from acuface.treatments.models import Needle, TreatmentSession

# Sessions checked in before reasons were stored carry this reason (see migration 0002).
UNKNOWN_REASON = "screening at check-in"


def _with_reasons(value: Any) -> dict[str, str]:
    if isinstance(value, Mapping):
        return {str(k): str(v) for k, v in value.items()}
    return dict.fromkeys((str(v) for v in value or ()), UNKNOWN_REASON)


def restrictions_as_json(restrictions: Restrictions) -> dict[str, Any]:
    """The form a session stores at check-in: code → reason, region → reason, and the needle
    limits of the cautions (kind → [count, reason])."""
    return {
        "forbidden_points": dict(sorted(restrictions.forbidden_points.items())),
        "deferred_regions": dict(sorted(restrictions.deferred_regions.items())),
        "needle_limits": needle_limits_as_json(restrictions),
    }


def session_restrictions(session: TreatmentSession) -> Restrictions:
    """What screening forbade for this session, as frozen at check-in."""
    stored = session.restrictions or {}
    return Restrictions(
        forbidden_points=_with_reasons(stored.get("forbidden_points")),
        deferred_regions=_with_reasons(stored.get("deferred_regions")),
        needle_limits=needle_limits_from_json(stored.get("needle_limits")),
    )


def point_restriction(session: TreatmentSession, point: Point, side: str) -> str:
    """Why screening forbids needling `point` on `side` in this session, or ""."""
    return exclusion_reason(point.spec(), side, session_restrictions(session))


def forbidden_on_chart(
    session: TreatmentSession, points: Iterable[Point], overridden: Iterable[tuple[str, str]]
) -> dict[tuple[str, str], str]:
    """(code, side) → reason for every point the session's screening forbids and no point
    override opens: the chart strikes these out, and a tap on one is refused."""
    restrictions = session_restrictions(session)
    opened = set(overridden)
    found: dict[tuple[str, str], str] = {}
    for point in points:
        spec = point.spec()
        for side in spec.sides:
            reason = exclusion_reason(spec, side, restrictions)
            if reason and (point.code, side) not in opened:
                found[(point.code, side)] = reason
    return found


def needle_limit_warnings(session: TreatmentSession) -> list[str]:
    """Where the needles put in so far pass a caution's limit (said at the tap, not refused:
    the plan honours the limit, and the practitioner decides at the couch)."""
    limits = session_restrictions(session)
    if not limits.needle_limits:
        return []
    needles = Needle.objects.filter(session=session, removed_at__isnull=True).values_list(
        "point__code", "point__is_facial"
    )
    return needle_limit_problems(list(needles), limits, being="in")

"""Property: no sequence of taps records a needle at a point screening forbids without that
point's own written override; a needle outside the plan is always one the practitioner added.

Random restrictions (forbidden points, deferred regions, the whole face) and random taps over
every atlas point and side, some with an override reason, some confirming "add it", some
taking the needle out again, all through the real services. Derandomized, so CI cannot flake.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as hs

from acuface.atlas.models import PlannedPoint, Point
from acuface.atlas.rules import SIDED_REGIONS, WHOLE_FACE
from acuface.treatments import restrictions, services, states
from acuface.treatments.models import Needle, PointOverride, TreatmentSession
from acuface.treatments.states import SessionStateError
from acuface.treatments.tests.factories import fresh, needle_lot, ready_client, session_in

POINT_CODES = sorted(
    ["ST1", "ST2", "ST3", "LI20", "GB1", "TE23", "EX-HN3", "EX-HN7", "BL2", "CV24", "LI4", "SP6"]
)
REGIONS = sorted(
    {f"{r}_{side}" for r in SIDED_REGIONS for side in ("right", "left")}
    | {"forehead", "glabella", "perioral", "chin", WHOLE_FACE}
)

taps = hs.lists(
    hs.tuples(
        hs.sampled_from(POINT_CODES),
        hs.sampled_from(["right", "left", "midline"]),
        hs.sampled_from(["", "", "written reason for this point"]),  # override reason
        hs.booleans(),  # confirm "add it?"
        hs.booleans(),  # take it out again right after
    ),
    max_size=12,
)


@pytest.fixture
def world(clinic_a, practitioner_a):
    return {
        "actor": practitioner_a,
        "client": ready_client(clinic=clinic_a, actor=practitioner_a),
        "lot": needle_lot(clinic=clinic_a, quantity=100_000),
    }


def _check(session: TreatmentSession) -> None:
    overrides = {
        (o.point.code, o.side): o.reason
        for o in PointOverride.objects.filter(session=session).select_related("point")
    }
    planned = {
        (line.point.code, line.side)
        for line in PlannedPoint.objects.filter(
            plan_id=session.plan_id, is_excluded=False
        ).select_related("point")
    }
    for needle in Needle.objects.filter(session=session).select_related("point"):
        key = (needle.point.code, needle.side)
        if restrictions.point_restriction(session, needle.point, needle.side):
            assert overrides.get(key, "").strip(), f"{key} went in although screening forbids it"
        if session.plan_id and key not in planned:
            assert needle.is_added_at_couch, f"{key} is outside the plan but was not added"


@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    forbidden=hs.sets(hs.sampled_from(POINT_CODES), max_size=4),
    deferred=hs.sets(hs.sampled_from(REGIONS), max_size=3),
    with_plan=hs.booleans(),
    sequence=taps,
)
def test_no_tap_needles_a_forbidden_point_without_its_own_override(
    world, forbidden, deferred, with_plan, sequence
):
    actor, lot = world["actor"], world["lot"]
    session = session_in(states.CLEANSED, actor=actor, client=world["client"])
    services.session_lots_choose(
        actor=actor, session=session, version=session.version, facial_lot=lot, body_lot=lot
    )
    if with_plan:
        from acuface.atlas import services as atlas_services
        from acuface.treatments import selectors

        plan = atlas_services.plan_propose(
            actor=actor,
            client=world["client"],
            on=selectors.clinic_today(lot.product.clinic),
            concerns=["crows_feet"],
        )
        TreatmentSession.objects.filter(pk=session.pk).update(plan=plan)
    TreatmentSession.objects.filter(pk=session.pk).update(
        restrictions={
            "forbidden_points": dict.fromkeys(forbidden, "random flag"),
            "deferred_regions": dict.fromkeys(deferred, "random defer"),
        }
    )
    session = fresh(session)
    known = set(Point.objects.values_list("code", flat=True))
    assert set(POINT_CODES) <= known
    for code, side, reason, add, take_out in sequence:
        try:
            services.needle_insert(
                actor=actor,
                session=session,
                version=fresh(session).version,
                code=code,
                side=side,
                override_reason=reason,
                add_to_plan=add,
            )
        except (ValidationError, SessionStateError):
            pass
        else:
            if take_out:
                services.needle_remove(
                    actor=actor,
                    session=session,
                    version=fresh(session).version,
                    code=code,
                    side=side,
                )
        _check(fresh(session))

"""Screening holds where the needle goes in: every tap is checked with the plan's restriction
function against what screening said at check-in; a check-in override opens no point, and a
forbidden point opens only with that point's own written reason."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from acuface.atlas import services as atlas_services
from acuface.atlas.models import Point
from acuface.core.models import AuditEvent
from acuface.treatments import selectors, services, states
from acuface.treatments.models import Needle, PointOverride
from acuface.treatments.tests.factories import (
    acknowledge_flags,
    fresh,
    needle_lot,
    ready_client,
    ready_to_needle,
    session_in,
)

OVERRIDE = "Filler was on the left only; checked with the client and the injector's note"


@pytest.fixture
def lot(clinic_a):
    return needle_lot(clinic=clinic_a)


@pytest.fixture
def filler_client(clinic_a, practitioner_a):
    """Filler in the right nasolabial fold ten days ago: defer that area for 28 days."""
    on = selectors.clinic_today(clinic_a)
    client = ready_client(
        clinic=clinic_a,
        actor=practitioner_a,
        filler_had=True,
        filler_date=(on - dt.timedelta(days=10)).isoformat(),
        filler_regions=["nasolabial_right"],
    )
    acknowledge_flags(client=client, actor=practitioner_a)
    return client


def checked_in_with_override(actor, client, lot):
    session = services.session_schedule(
        actor=actor, client=client, scheduled_at=dt.datetime.now(tz=dt.UTC)
    )
    services.session_check_in(
        actor=actor,
        session=session,
        version=1,
        defer_override_reason="Client travels tomorrow; treating the other areas only",
    )
    return ready_to_needle(session, actor=actor, lot=lot)


def tap(actor, session, code, side, **extra):
    return services.needle_insert(
        actor=actor, session=session, version=fresh(session).version, code=code, side=side, **extra
    )


def test_a_check_in_override_opens_no_deferred_area(practitioner_a, filler_client, lot):
    session = checked_in_with_override(practitioner_a, filler_client, lot)
    with pytest.raises(ValidationError) as refused:
        tap(practitioner_a, session, "LI20", "right")
    message = " ".join(refused.value.messages)
    assert "Dermal filler" in message and "LI20" in message
    assert not Needle.objects.filter(session=session).exists()
    # The other side's fold was not treated with filler: it takes its needle.
    tap(practitioner_a, session, "LI20", "left")
    assert Needle.objects.filter(session=session).count() == 1


def test_restrictions_are_stored_with_their_reasons(practitioner_a, filler_client, lot):
    session = checked_in_with_override(practitioner_a, filler_client, lot)
    deferred = fresh(session).restrictions["deferred_regions"]
    assert "Dermal filler" in deferred["nasolabial_right"]


def test_a_point_override_opens_that_point_only(practitioner_a, filler_client, lot):
    session = checked_in_with_override(practitioner_a, filler_client, lot)
    needle = tap(practitioner_a, session, "LI20", "right", override_reason=OVERRIDE)
    assert needle.point.code == "LI20"
    override = PointOverride.objects.get(session=session)
    assert (override.point.code, override.side, override.reason) == ("LI20", "right", OVERRIDE)
    assert "Dermal filler" in override.restriction
    audit = AuditEvent.objects.filter(object_id=str(session.pk)).order_by("-id").first()
    assert audit is not None and audit.changes["point_override"][1].startswith("LI20 right")
    # The override is that point's: the other deferred region points still refuse... and a
    # second needle at the same point later (after one came out) needs no new reason.
    services.needle_remove(
        actor=practitioner_a,
        session=session,
        version=fresh(session).version,
        code="LI20",
        side="right",
    )
    tap(practitioner_a, session, "LI20", "right")
    assert PointOverride.objects.filter(session=session).count() == 1


def test_a_forbidden_point_is_refused_with_the_flags_reason(clinic_a, practitioner_a, lot):
    client = ready_client(
        clinic=clinic_a, actor=practitioner_a, anticoagulant=True, anticoagulant_kind="warfarin"
    )
    acknowledge_flags(client=client, actor=practitioner_a)
    session = session_in(states.CLEANSED, actor=practitioner_a, client=client)
    services.session_lots_choose(
        actor=practitioner_a, session=session, version=session.version, facial_lot=lot
    )
    with pytest.raises(ValidationError, match="Anticoagulant"):
        tap(practitioner_a, session, "ST1", "left")
    tap(practitioner_a, session, "ST1", "left", override_reason="Checked INR today: 2.1")
    with pytest.raises(ValidationError, match="Anticoagulant"):
        tap(practitioner_a, session, "ST1", "right")


@pytest.mark.parametrize("reason", ["", "   ", "x" * 501])
def test_an_override_needs_a_real_reason(practitioner_a, filler_client, lot, reason):
    session = checked_in_with_override(practitioner_a, filler_client, lot)
    with pytest.raises(ValidationError):
        tap(practitioner_a, session, "LI20", "right", override_reason=reason)
    assert not PointOverride.objects.exists()
    assert not Needle.objects.exists()


def test_a_point_outside_the_plan_asks_before_it_is_recorded(practitioner_a, clinic_a, lot):
    client = ready_client(clinic=clinic_a, actor=practitioner_a)
    plan = atlas_services.plan_propose(
        actor=practitioner_a,
        client=client,
        on=selectors.clinic_today(clinic_a),
        concerns=["crows_feet"],
    )
    assert not plan.lines.filter(point__code="ST3").exists()
    session = services.session_schedule(
        actor=practitioner_a, client=client, scheduled_at=dt.datetime.now(tz=dt.UTC), plan=plan
    )
    services.session_check_in(actor=practitioner_a, session=session, version=1)
    session = ready_to_needle(session, actor=practitioner_a, lot=lot)
    with pytest.raises(ValidationError) as asked:
        tap(practitioner_a, session, "ST3", "left")
    assert [e.code for e in asked.value.error_dict["add_to_plan"]] == ["unplanned"]
    assert "ST3 is not in today's plan: add it?" in " ".join(asked.value.messages)
    assert not Needle.objects.filter(session=session).exists()
    needle = tap(practitioner_a, session, "ST3", "left", add_to_plan=True)
    assert needle.is_added_at_couch
    planned = plan.lines.filter(is_excluded=False).select_related("point").first()
    assert planned is not None
    assert not tap(practitioner_a, session, planned.point.code, planned.side).is_added_at_couch


# --- several lots: each tap takes from its point's kind of lot ----------------------------------


def test_each_tap_takes_from_the_lot_of_its_points_kind(clinic_a, practitioner_a):
    facial = needle_lot(clinic=clinic_a, lot_number="FACE", gauge_mm="0.16", length_mm="15")
    body = needle_lot(
        clinic=clinic_a, lot_number="BODY", gauge_mm="0.20", length_mm="25", brand="Seirin B"
    )
    client = ready_client(clinic=clinic_a, actor=practitioner_a)
    session = session_in(states.CLEANSED, actor=practitioner_a, client=client)
    services.session_lots_choose(
        actor=practitioner_a,
        session=session,
        version=session.version,
        facial_lot=facial,
        body_lot=body,
    )
    assert tap(practitioner_a, session, "ST2", "right").lot == facial
    assert tap(practitioner_a, session, "LI4", "left").lot == body
    facial.refresh_from_db()
    body.refresh_from_db()
    assert facial.quantity_left == facial.quantity_received - 1
    assert body.quantity_left == body.quantity_received - 1


def test_a_body_point_waits_for_a_body_lot(clinic_a, practitioner_a, lot):
    client = ready_client(clinic=clinic_a, actor=practitioner_a)
    session = session_in(states.CLEANSED, actor=practitioner_a, client=client)
    services.session_lots_choose(
        actor=practitioner_a, session=session, version=session.version, facial_lot=lot
    )
    with pytest.raises(ValidationError, match="Choose the body needle lot first"):
        tap(practitioner_a, session, "LI4", "left")
    lot.refresh_from_db()
    assert lot.quantity_left == lot.quantity_received
    tap(practitioner_a, session, "ST2", "left")


def test_a_thick_lot_at_a_facial_point_is_refused_by_the_lot_used(clinic_a, practitioner_a):
    body = needle_lot(clinic=clinic_a, lot_number="BODY", gauge_mm="0.25", length_mm="40")
    client = ready_client(clinic=clinic_a, actor=practitioner_a)
    session = session_in(states.CLEANSED, actor=practitioner_a, client=client)
    services.session_lots_choose(
        actor=practitioner_a, session=session, version=session.version, facial_lot=body
    )
    with pytest.raises(ValidationError, match="facial needle"):
        tap(practitioner_a, session, "ST2", "right")


def test_choosing_no_lot_at_all_is_refused(clinic_a, practitioner_a):
    client = ready_client(clinic=clinic_a, actor=practitioner_a)
    session = session_in(states.CLEANSED, actor=practitioner_a, client=client)
    with pytest.raises(ValidationError, match="Choose a facial or a body"):
        services.session_lots_choose(actor=practitioner_a, session=session, version=session.version)


# --- a caution's needle limit, said at the tap ------------------------------------------------


def test_the_tap_says_when_a_cautions_needle_limit_is_passed(clinic_a, practitioner_a, lot):
    from acuface.treatments.actions import PAGE_ACTIONS

    client = ready_client(clinic=clinic_a, actor=practitioner_a, needle_fear=9)
    acknowledge_flags(client=client, actor=practitioner_a)
    session = session_in(states.CLEANSED, actor=practitioner_a, client=client)
    services.session_lots_choose(
        actor=practitioner_a, session=session, version=session.version, facial_lot=lot
    )
    assert fresh(session).restrictions["needle_limits"]["total"][0] == 15
    facial = [
        (p.code, side)
        for p in Point.objects.filter(is_facial=True).order_by("code")
        for side in p.sides
    ][:16]
    notices = []
    for code, side in facial:
        data = {"version": fresh(session).version, "code": code, "side": side}
        data |= {"add_to_plan": False, "override_reason": ""}
        notices.append(PAGE_ACTIONS["tap"].run(practitioner_a, fresh(session), data, None).notice)
    assert all("caution" not in n for n in notices[:15])
    assert "16 needles in; the limit is 15 (Marked needle fear" in notices[15]

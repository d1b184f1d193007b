"""Each service's rules: check-in, needles and stock, retention, removal, the end of a session."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from acuface.core.models import AuditEvent
from acuface.treatments import selectors, services, states
from acuface.treatments.models import FollowUp, Needle, NeedleLot, TreatmentSession
from acuface.treatments.states import SessionStateError
from acuface.treatments.tests.factories import (
    TODAY_ANSWERS,
    acknowledge_flags,
    fresh,
    needle_lot,
    ready_client,
    session_in,
)
from tests.factories import ClientFactory


@pytest.fixture
def lot(clinic_a):
    return needle_lot(clinic=clinic_a)


@pytest.fixture
def ready(clinic_a, practitioner_a):
    return ready_client(clinic=clinic_a, actor=practitioner_a)


def schedule(actor, client):
    return services.session_schedule(actor=actor, client=client, scheduled_at=timezone.now())


# --- check-in -----------------------------------------------------------------------------------


def test_check_in_when_everything_is_in_order(practitioner_a, ready):
    session = schedule(practitioner_a, ready)
    done = services.session_check_in(actor=practitioner_a, session=session, version=1)
    assert done.state == states.CHECKED_IN and done.checked_in_at is not None
    assert done.version == 2
    audit = AuditEvent.objects.filter(object_id=str(session.pk), action="transitioned").first()
    assert audit is not None and audit.changes["state"] == ["scheduled", "checked_in"]


def test_check_in_refused_without_todays_check_consent_or_intake(clinic_a, practitioner_a):
    client = ClientFactory(clinic=clinic_a)
    session = schedule(practitioner_a, client)
    with pytest.raises(SessionStateError) as refused:
        services.session_check_in(actor=practitioner_a, session=session, version=1)
    message = str(refused.value)
    assert "Today's check" in message
    assert "treatment consent" in message
    assert "no valid health intake" in message
    assert fresh(session).state == states.SCHEDULED


def test_a_defer_flag_blocks_unless_the_practitioner_gives_a_reason(clinic_a, practitioner_a, lot):
    client = ready_client(
        clinic=clinic_a, actor=practitioner_a, today={**TODAY_ANSWERS, "today_unwell": True}
    )
    acknowledge_flags(client=client, actor=practitioner_a)
    session = schedule(practitioner_a, client)
    with pytest.raises(ValidationError) as refused:
        services.session_check_in(actor=practitioner_a, session=session, version=1)
    assert "defer_override_reason" in refused.value.message_dict
    done = services.session_check_in(
        actor=practitioner_a,
        session=session,
        version=1,
        defer_override_reason="Only a mild cold, client insists; recorded",
    )
    assert done.defer_override_reason.startswith("Only a mild cold")
    assert list(done.restrictions["deferred_regions"]) == ["whole_face"]
    assert "illness today" in done.restrictions["deferred_regions"]["whole_face"]


def test_unacknowledged_flags_block_check_in(clinic_a, practitioner_a):
    client = ready_client(
        clinic=clinic_a, actor=practitioner_a, anticoagulant=True, anticoagulant_kind="warfarin"
    )
    session = schedule(practitioner_a, client)
    with pytest.raises(SessionStateError, match="not acknowledged"):
        services.session_check_in(actor=practitioner_a, session=session, version=1)
    acknowledge_flags(client=client, actor=practitioner_a)
    done = services.session_check_in(actor=practitioner_a, session=session, version=1)
    assert "ST1" in done.restrictions["forbidden_points"]


# --- skin assessment ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "grades",
    [{"forehead": 5}, {"forehead": -1}, {"chin_of_doom": 2}, {"forehead": "2"}, {"forehead": True}],
)
def test_assessment_refuses_bad_grades(practitioner_a, ready, grades):
    session = session_in(states.CHECKED_IN, actor=practitioner_a, client=ready)
    with pytest.raises(ValidationError):
        services.session_assess_skin(
            actor=practitioner_a,
            session=session,
            version=session.version,
            fitzpatrick="II",
            glogau="II",
            region_grades=grades,
        )
    assert fresh(session).state == states.CHECKED_IN


# --- needles and stock ----------------------------------------------------------------------------


def test_each_needle_counts_in_and_takes_one_from_stock(practitioner_a, ready, lot):
    session = session_in(states.NEEDLING, actor=practitioner_a, client=ready, lot=lot)
    assert selectors.needle_counts(session=session) == (2, 0)
    lot.refresh_from_db()
    assert lot.quantity_left == lot.quantity_received - 2
    needle = Needle.objects.filter(session=session).first()
    assert needle is not None and needle.lot == lot and needle.inserted_by == practitioner_a


def test_an_expired_lot_cannot_be_chosen_or_used(clinic_a, practitioner_a, ready, lot):
    old = needle_lot(clinic=clinic_a, lot_number="OLD-1", expires_on=dt.date(2020, 1, 1))
    session = session_in(states.CLEANSED, actor=practitioner_a, client=ready)
    with pytest.raises(ValidationError, match="expired"):
        services.session_lots_choose(
            actor=practitioner_a,
            session=session,
            version=session.version,
            facial_lot=old,
            body_lot=old,
        )
    with pytest.raises(ValidationError, match="expired"):
        services.needle_insert(
            actor=practitioner_a,
            session=session,
            version=session.version,
            code="ST2",
            side="right",
            lot=old,
        )
    old.refresh_from_db()
    assert old.quantity_left == old.quantity_received
    assert not Needle.objects.filter(session=session).exists()


def test_a_lot_never_goes_below_zero(clinic_a, practitioner_a, ready):
    two = needle_lot(clinic=clinic_a, lot_number="TWO", quantity=2, low_stock_at=1)
    session = session_in(states.NEEDLING, actor=practitioner_a, client=ready, lot=two)
    with pytest.raises(ValidationError, match="no needles left"):
        services.needle_insert(
            actor=practitioner_a, session=session, version=session.version, code="GB1", side="left"
        )
    two.refresh_from_db()
    assert two.quantity_left == 0
    assert two.is_low


def test_another_clinics_lot_is_refused(clinic_b, practitioner_a, ready):
    theirs = needle_lot(clinic=clinic_b, lot_number="B-1")
    session = session_in(states.CLEANSED, actor=practitioner_a, client=ready)
    with pytest.raises(ValidationError, match="not one of this clinic"):
        services.session_lots_choose(
            actor=practitioner_a,
            session=session,
            version=session.version,
            facial_lot=theirs,
            body_lot=theirs,
        )


def test_a_point_screening_forbids_is_refused(clinic_a, practitioner_a, lot):
    client = ready_client(
        clinic=clinic_a, actor=practitioner_a, anticoagulant=True, anticoagulant_kind="warfarin"
    )
    acknowledge_flags(client=client, actor=practitioner_a)
    session = session_in(states.NEEDLING, actor=practitioner_a, client=client, lot=lot)
    with pytest.raises(ValidationError, match=r"ST1 .client.s left. is not allowed today"):
        services.needle_insert(
            actor=practitioner_a, session=session, version=session.version, code="ST1", side="left"
        )


def test_a_thick_needle_at_a_facial_point_is_refused(clinic_a, practitioner_a, ready):
    body = needle_lot(clinic=clinic_a, lot_number="BODY", gauge_mm="0.25", length_mm="40")
    session = session_in(states.CLEANSED, actor=practitioner_a, client=ready)
    v = session.version
    services.session_lots_choose(
        actor=practitioner_a, session=session, version=v, facial_lot=body, body_lot=body
    )
    with pytest.raises(ValidationError, match="facial needle"):
        services.needle_insert(
            actor=practitioner_a, session=session, version=v + 1, code="ST2", side="right"
        )
    # A body point takes it.
    services.needle_insert(
        actor=practitioner_a, session=session, version=v + 1, code="LI4", side="left"
    )


@pytest.mark.parametrize(
    ("code", "side", "words"),
    [
        ("XX99", "right", "not a point"),
        ("", "right", "not a point"),
        ("EX-HN3", "left", "midline"),
        ("ST2", "midline", "right or left"),
        ("<script>", "right", "not a point"),
    ],
)
def test_bad_points_are_refused_clearly(practitioner_a, ready, lot, code, side, words):
    session = session_in(states.NEEDLING, actor=practitioner_a, client=ready, lot=lot)
    with pytest.raises(ValidationError, match=words):
        services.needle_insert(
            actor=practitioner_a, session=session, version=session.version, code=code, side=side
        )


def test_the_same_point_cannot_hold_two_needles(practitioner_a, ready, lot):
    session = session_in(states.NEEDLING, actor=practitioner_a, client=ready, lot=lot)
    with pytest.raises(ValidationError, match="already has a needle"):
        services.needle_insert(
            actor=practitioner_a, session=session, version=session.version, code="ST2", side="right"
        )


# --- retention ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("minutes", "reason", "ok"),
    [
        (30, "", True),
        (25, "", True),
        (40, "", True),
        (20, "", False),
        (20, "first session, nervous client", True),
        (45, "", False),
        (0, "x", False),
        (-5, "x", False),
        (10**9, "x", False),
        (91, "x", False),
    ],
)
def test_retention_minutes(practitioner_a, ready, lot, minutes, reason, ok):
    session = session_in(states.NEEDLING, actor=practitioner_a, client=ready, lot=lot)
    call = lambda: services.retention_start(  # noqa: E731
        actor=practitioner_a,
        session=session,
        version=session.version,
        minutes=minutes,
        reason=reason,
    )
    if ok:
        started = call()
        assert started.retention_ends_at - started.retention_started_at == dt.timedelta(
            minutes=minutes
        )
    else:
        with pytest.raises(ValidationError):
            call()
        assert fresh(session).state == states.NEEDLING


def test_retention_uses_the_plans_minutes(clinic_a, practitioner_a, ready, lot):
    from acuface.atlas import services as atlas_services

    plan = atlas_services.plan_propose(
        actor=practitioner_a, client=ready, on=timezone.localdate(), concerns=["crows_feet"]
    )
    plan.retention_minutes = 35
    plan.save(update_fields=["retention_minutes"])
    session = services.session_schedule(
        actor=practitioner_a, client=ready, scheduled_at=timezone.now(), plan=plan
    )
    assert session.retention_minutes == 35


def test_extending_adds_minutes_and_refuses_nonsense(practitioner_a, ready, lot):
    with time_machine.travel(dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC), tick=False) as clock:
        client = ready_client(clinic=ready.clinic, actor=practitioner_a)
        session = session_in(states.RETENTION, actor=practitioner_a, client=client, lot=lot)
        ends = session.retention_ends_at
        extended = services.retention_extend(
            actor=practitioner_a, session=session, version=session.version, minutes=5
        )
        assert extended.retention_ends_at == ends + dt.timedelta(minutes=5)
        for bad in (0, -3, 31, 10**12):
            with pytest.raises(ValidationError):
                services.retention_extend(
                    actor=practitioner_a, session=session, version=extended.version, minutes=bad
                )
        # Overdue: added minutes count from now, not from the past end.
        clock.shift(dt.timedelta(minutes=50))
        again = services.retention_extend(
            actor=practitioner_a, session=session, version=extended.version, minutes=5
        )
        assert again.retention_ends_at == timezone.now() + dt.timedelta(minutes=5)


def test_early_removal_needs_a_reason_once(practitioner_a, ready, lot):
    session = session_in(states.RETENTION, actor=practitioner_a, client=ready, lot=lot)
    with pytest.raises(ValidationError, match="reason"):
        services.needle_remove(
            actor=practitioner_a, session=session, version=session.version, code="ST2", side="right"
        )
    services.needle_remove(
        actor=practitioner_a,
        session=session,
        version=session.version,
        code="ST2",
        side="right",
        reason="client asked to stop",
    )
    second = fresh(session)
    assert second.state == states.REMOVAL and second.early_removal_reason == "client asked to stop"
    services.needle_remove(
        actor=practitioner_a, session=session, version=second.version, code="ST2", side="left"
    )
    done = fresh(session)
    assert done.needles_out_at is not None
    assert selectors.needle_counts(session=done) == (2, 2)


def test_removal_after_the_end_needs_no_reason(practitioner_a, ready, lot):
    session = session_in(states.RETENTION, actor=practitioner_a, client=ready, lot=lot)
    with time_machine.travel(session.retention_ends_at + dt.timedelta(seconds=1)):
        services.needle_remove(
            actor=practitioner_a, session=session, version=session.version, code="ST2", side="left"
        )
    assert fresh(session).early_removal_reason == ""


# --- the end ------------------------------------------------------------------------------------


def test_no_moisturizing_with_a_needle_unaccounted_for(practitioner_a, ready, lot):
    session = session_in(states.RETENTION, actor=practitioner_a, client=ready, lot=lot)
    services.needle_remove(
        actor=practitioner_a,
        session=session,
        version=session.version,
        code="ST2",
        side="right",
        reason="ended early",
    )
    session = fresh(session)
    with pytest.raises(SessionStateError, match="1 of 2 needles are out"):
        services.session_moisturize(actor=practitioner_a, session=session, version=session.version)
    with pytest.raises(ValidationError):
        services.missing_needle_incident_file(
            actor=practitioner_a,
            session=session,
            version=session.version,
            searched_where="",
            outcome="",
        )
    incident = services.missing_needle_incident_file(
        actor=practitioner_a,
        session=session,
        version=session.version,
        searched_where="couch, floor, client's hair and collar",
        outcome="not found; client informed",
    )
    assert incident.needles_missing == 1
    session = fresh(session)
    done = services.session_moisturize(
        actor=practitioner_a, session=session, version=session.version
    )
    assert done.state == states.MOISTURIZED and done.needles_out_at is not None


def test_complete_schedules_follow_ups_from_needles_out(practitioner_a, ready, lot):
    session = session_in(states.COMPLETE, actor=practitioner_a, client=ready, lot=lot)
    due = {f.kind: f.due_at for f in FollowUp.objects.filter(session=session)}
    assert due == {
        "24h": session.needles_out_at + dt.timedelta(hours=24),
        "7d": session.needles_out_at + dt.timedelta(days=7),
    }
    assert session.makeup_free_at == session.needles_out_at + dt.timedelta(hours=4)


def test_cancel_only_before_needles_and_with_a_reason(practitioner_a, ready, lot):
    session = session_in(states.CLEANSED, actor=practitioner_a, client=ready)
    with pytest.raises(ValidationError):
        services.session_cancel(
            actor=practitioner_a, session=session, version=session.version, reason="  "
        )
    done = services.session_cancel(
        actor=practitioner_a,
        session=session,
        version=session.version,
        reason="client felt faint before",
    )
    assert done.state == states.CANCELLED
    needled = session_in(states.NEEDLING, actor=practitioner_a, client=ready, lot=lot)
    with pytest.raises(SessionStateError, match="cannot cancel"):
        services.session_cancel(
            actor=practitioner_a, session=needled, version=needled.version, reason="x"
        )


def test_abandon_needs_every_needle_accounted_for(practitioner_a, ready, lot):
    session = session_in(states.RETENTION, actor=practitioner_a, client=ready, lot=lot)
    with pytest.raises(SessionStateError, match="unaccounted"):
        services.session_abandon(
            actor=practitioner_a, session=session, version=session.version, reason="asked to stop"
        )
    for side in ("right", "left"):
        services.needle_remove(
            actor=practitioner_a,
            session=session,
            version=fresh(session).version,
            code="ST2",
            side=side,
            reason="client asked to stop",
        )
    done = services.session_abandon(
        actor=practitioner_a,
        session=session,
        version=fresh(session).version,
        reason="asked to stop",
    )
    assert done.state == states.ABANDONED
    assert FollowUp.objects.filter(session=session).count() == 2


def test_events_are_recorded_with_time_and_point(practitioner_a, ready, lot):
    session = session_in(states.RETENTION, actor=practitioner_a, client=ready, lot=lot)
    event = services.session_event_record(
        actor=practitioner_a,
        session=session,
        version=session.version,
        kind="pain_at_point",
        code="st2",
        side="right",
        note="sharp for a moment",
    )
    assert event.point is not None and event.point.code == "ST2" and event.at is not None
    for kind, note in (("levitation", ""), ("other", "x" * 2001)):
        with pytest.raises(ValidationError):
            services.session_event_record(
                actor=practitioner_a,
                session=session,
                version=fresh(session).version,
                kind=kind,
                note=note,
            )


def test_stock_services_are_for_the_owner(clinic_a, owner_a, practitioner_a):
    product = services.needle_product_create(
        actor=owner_a,
        clinic=clinic_a,
        brand="DongBang",
        needle_type="filiform",
        gauge_mm="0.12",
        length_mm="13",
        material="silicone-coated",
    )
    received = services.needle_lot_receive(
        actor=owner_a,
        product=product,
        lot_number=" DB-7 ",
        expires_on=dt.date(2030, 1, 1),
        quantity_received=500,
    )
    assert received.lot_number == "DB-7" and received.quantity_left == 500
    with pytest.raises(ValidationError):
        services.needle_lot_receive(
            actor=practitioner_a,
            product=product,
            lot_number="X",
            expires_on=dt.date(2030, 1, 1),
            quantity_received=5,
        )
    assert NeedleLot.objects.filter(product=product).count() == 1
    assert TreatmentSession.objects.count() == 0


def test_session_facts_agree_with_the_rows(clinic_a, practitioner_a, lot, ready):
    from django.db.models import Count, Q, Sum

    from acuface.treatments.models import MissingNeedleIncident

    points = [("ST2", "right"), ("ST2", "left"), ("GB1", "right")]
    session = session_in(
        states.REMOVAL, actor=practitioner_a, client=ready, lot=lot, points=points[:1]
    )
    # A second session with three needles in, all three filed as missing.
    other = session_in(
        states.NEEDLING,
        actor=practitioner_a,
        client=ready_client(clinic=clinic_a, actor=practitioner_a),
        lot=lot,
        points=points,
    )
    services.missing_needle_incident_file(
        actor=practitioner_a,
        session=other,
        version=other.version,
        searched_where="couch",
        outcome="not found",
    )
    for s in (session, other):
        rows = Needle.objects.filter(session=s).aggregate(
            count_in=Count("id"), count_out=Count("id", filter=Q(removed_at__isnull=False))
        )
        missing = MissingNeedleIncident.objects.filter(session=s).aggregate(
            total=Sum("needles_missing")
        )["total"]
        facts = selectors.session_facts(session=fresh(s))
        assert (facts.needle_count_in, facts.needle_count_out) == (
            rows["count_in"],
            rows["count_out"],
        )
        assert facts.needles_missing_filed == (missing or 0)
    assert selectors.session_facts(session=fresh(other)).needles_missing_filed == 3

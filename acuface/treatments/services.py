"""Every write to a treatment session: one function per state change, each audited.

Each service locks the session row, compares the version the page was showing (a stale one
raises `StaleSession`), asks the state table whether the action is legal, changes what it must,
bumps the version and writes an audit event, all in one transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from acuface.atlas.models import PlannedPoint, Point, TreatmentPlan
from acuface.atlas.rules import needle_problem, plan_rules, retention_problem
from acuface.clients.models import Client
from acuface.core.audit import audit_record, changes_between, snapshot
from acuface.core.models import AuditEvent, Clinic, User
from acuface.treatments import restrictions, retention, selectors, states
from acuface.treatments.models import (
    ASSESSMENT_REGIONS,
    FollowUp,
    MissingNeedleIncident,
    Needle,
    NeedleLot,
    NeedleProduct,
    PointOverride,
    SessionEvent,
    SessionEventKind,
    TreatmentSession,
)
from acuface.treatments.states import SessionStateError

STALE_MESSAGE = (
    "This session was changed on another device a moment ago; the page now shows its current "
    "state. Check it and try again."
)
REASON_MAX = 500
NOTE_MAX = 2000
NO_CLINIC_PHONE_MESSAGE = (
    "The aftercare sheet tells the client whom to call, and the clinic has no phone number yet. "
    "The clinic owner sets it under Clinic (Clinic settings → Phone); then issue the sheet."
)


class StaleSession(SessionStateError):
    """The page acted on a version of the session that another device has since changed."""

    def __init__(self, message: str = STALE_MESSAGE) -> None:
        super().__init__(message)


# Rows the caller's copy of a session usually has in hand already (the page fetched them).
_SHARED_RELATIONS = ("client", "plan", "facial_lot", "body_lot", "practitioner")


def _locked(session: TreatmentSession, version: int) -> TreatmentSession:
    """The session row, locked and current; a stale `version` raises `StaleSession`.

    The related rows the caller's copy already holds (its client and clinic, plan, lot) are
    carried over when the locked row still points at them, so the lock is one plain query.
    """
    locked = TreatmentSession.objects.select_for_update().get(pk=session.pk)
    if locked.version != version:
        raise StaleSession()
    for name in _SHARED_RELATIONS:
        field = TreatmentSession._meta.get_field(name)
        same_row = getattr(locked, f"{name}_id") == getattr(session, f"{name}_id")
        if same_row and field.is_cached(session):  # type: ignore[union-attr]
            field.set_cached_value(locked, field.get_cached_value(session))  # type: ignore[union-attr]
    return locked


def _reason(value: str, field: str, *, required: bool, what: str) -> str:
    text = (value or "").strip()
    if required and not text:
        raise ValidationError({field: f"Give the reason {what}."})
    if len(text) > REASON_MAX:
        raise ValidationError({field: f"Keep it under {REASON_MAX} characters."})
    return text


def _save(
    *,
    actor: User | None,
    session: TreatmentSession,
    action: str,
    after: str,
    fields: Mapping[str, Any],
    extra_changes: Mapping[str, Any] | None = None,
) -> TreatmentSession:
    """Move the session to `after`, set `fields`, bump the version, audit old → new."""
    names = ["state", *fields]
    before = snapshot(session, names)
    session.state = after
    for name, value in fields.items():
        setattr(session, name, value)
    changes = changes_between(before, snapshot(session, names))
    session.version += 1
    # Validate what changed; the foreign keys that did not were checked when they were set.
    unchanged = [f.name for f in session._meta.concrete_fields if f.name not in names]
    session.full_clean(exclude=unchanged, validate_constraints=False)
    session.save(update_fields=[*names, "version"])
    audit_record(
        clinic=session.client.clinic,
        action=AuditEvent.Action.TRANSITIONED,
        obj=session,
        actor=actor,
        client=session.client,
        changes={"action": [None, action], **changes, **(extra_changes or {})},
    )
    return session


def _today(session: TreatmentSession, now: dt.datetime) -> dt.date:
    return selectors.clinic_today(session.client.clinic, now)


# --- scheduling and check-in --------------------------------------------------------------------


# A session may start now without a booking (the client is here); anything later is a visit,
# and every visit is one booking on the calendar (courses.services.booking_create).
WALK_IN_WINDOW = dt.timedelta(minutes=15)


def session_schedule(
    *,
    actor: User,
    client: Client,
    scheduled_at: dt.datetime,
    plan: TreatmentPlan | None = None,
    practitioner: User | None = None,
    for_booking: bool = False,
) -> TreatmentSession:
    """Make the session of a visit: for a booking (the calendar's), or one starting now."""
    if not for_booking and scheduled_at > timezone.now() + WALK_IN_WINDOW:
        raise ValidationError(
            "A later visit is booked on the calendar, so that everyone sees it: book it there."
        )
    if plan is not None and plan.client_id != client.pk:
        raise ValidationError({"plan": "That plan belongs to another client."})
    if client.is_archived:
        raise ValidationError("This client is archived: restore them before booking a session.")
    with transaction.atomic():
        session = TreatmentSession(
            client=client,
            plan=plan,
            practitioner=practitioner or (actor if actor.sees_clinical else None),
            scheduled_at=scheduled_at,
            retention_minutes=plan.retention_minutes if plan else None,
            retention_reason=plan.retention_reason if plan else "",
        )
        session.full_clean()
        session.save()
        audit_record(
            clinic=client.clinic,
            action=AuditEvent.Action.CREATED,
            obj=session,
            actor=actor,
            client=client,
            changes={
                "scheduled_at": [None, scheduled_at.isoformat()],
                "plan": [None, plan.pk if plan else None],
            },
        )
    return session


def session_check_in(
    *, actor: User, session: TreatmentSession, version: int, defer_override_reason: str = ""
) -> TreatmentSession:
    """Check the client in: today's check, consent and intake done; a defer needs a reason."""
    override = _reason(defer_override_reason, "defer_override_reason", required=False, what="")
    with transaction.atomic():
        locked = _locked(session, version)
        after = states.next_state(states.CHECK_IN, selectors.session_facts(session=locked))
        now = timezone.now()
        ready = selectors.check_in_readiness(client=locked.client, on=_today(locked, now))
        if ready.problems:
            raise SessionStateError(" ".join(ready.problems))
        if ready.has_defer and not override:
            raise ValidationError(
                {
                    "defer_override_reason": "Screening says defer ("
                    + "; ".join(ready.defer_messages)
                    + "). Treat today only with your reason written here."
                }
            )
        return _save(
            actor=actor,
            session=locked,
            action=states.CHECK_IN,
            after=after,
            fields={
                "checked_in_at": now,
                "practitioner": locked.practitioner or actor,
                "defer_override_reason": override if ready.has_defer else "",
                # A defer override lets the session go ahead; it opens no restriction: each
                # point screening forbids still needs its own reason at the tap.
                "restrictions": restrictions.restrictions_as_json(ready.restrictions),
            },
        )


def session_assess_skin(
    *,
    actor: User,
    session: TreatmentSession,
    version: int,
    fitzpatrick: str,
    glogau: str,
    region_grades: Mapping[str, int],
    notes: str = "",
) -> TreatmentSession:
    """Record the skin assessment: phototype, photoaging class, a 0 to 4 grade per region."""
    unknown = sorted(set(region_grades) - set(ASSESSMENT_REGIONS))
    if unknown:
        raise ValidationError({"region_grades": f"Unknown regions: {', '.join(unknown)}."})
    grades: dict[str, int] = {}
    for region, grade in region_grades.items():
        if isinstance(grade, bool) or not isinstance(grade, int) or not 0 <= grade <= 4:
            raise ValidationError({"region_grades": f"{region}: a grade is 0 to 4."})
        grades[region] = grade
    with transaction.atomic():
        locked = _locked(session, version)
        after = states.next_state(states.ASSESS_SKIN, selectors.session_facts(session=locked))
        return _save(
            actor=actor,
            session=locked,
            action=states.ASSESS_SKIN,
            after=after,
            fields={
                "assessed_at": timezone.now(),
                "fitzpatrick": fitzpatrick,
                "glogau": glogau,
                "region_grades": grades,
                "assessment_notes": notes.strip(),
            },
        )


def session_cleanse(*, actor: User, session: TreatmentSession, version: int) -> TreatmentSession:
    """The skin is cleansed: needling may begin."""
    with transaction.atomic():
        locked = _locked(session, version)
        after = states.next_state(states.CLEANSE, selectors.session_facts(session=locked))
        return _save(
            actor=actor,
            session=locked,
            action=states.CLEANSE,
            after=after,
            fields={"cleansed_at": timezone.now()},
        )


# --- needles ------------------------------------------------------------------------------------


def _lot_problem(lot: NeedleLot, clinic: Clinic, on: dt.date) -> str | None:
    if lot.product.clinic_id != clinic.pk:
        return "That needle lot is not one of this clinic's."
    if not lot.product.is_active:
        return f"{lot.product} is no longer in use: choose another lot."
    if lot.is_expired_on(on):
        return f"Lot {lot.lot_number} expired on {lot.expires_on:%d %b %Y}: it cannot be used."
    if lot.quantity_left <= 0:
        return f"Lot {lot.lot_number} has no needles left: choose another lot."
    return None


def session_lots_choose(
    *,
    actor: User,
    session: TreatmentSession,
    version: int,
    facial_lot: NeedleLot | None = None,
    body_lot: NeedleLot | None = None,
) -> TreatmentSession:
    """Choose the lots the session's needles come from: one for facial points, one for body
    points (a lot not given stays as it was). Each tap takes from its point's kind of lot."""
    if facial_lot is None and body_lot is None:
        raise ValidationError({"facial_lot": "Choose a facial or a body needle lot."})
    with transaction.atomic():
        locked = _locked(session, version)
        after = states.next_state(states.CHOOSE_LOT, selectors.session_facts(session=locked))
        today = _today(locked, timezone.now())
        fields: dict[str, Any] = {}
        for name, lot in (("facial_lot", facial_lot), ("body_lot", body_lot)):
            if lot is None:
                continue
            problem = _lot_problem(lot, locked.client.clinic, today)
            if problem:
                raise ValidationError({name: problem})
            fields[name] = lot
        return _save(
            actor=actor, session=locked, action=states.CHOOSE_LOT, after=after, fields=fields
        )


def _point(code: str, side: str) -> Point:
    code = (code or "").strip().upper()[:12]
    point = Point.objects.filter(code=code).first() if code else None
    if point is None:
        raise ValidationError({"code": "That is not a point in the atlas."})
    if side not in point.sides:
        sides = " or ".join(point.sides)
        raise ValidationError({"side": f"{point.code} is needled on the {sides} side."})
    return point


def _lot_for(locked: TreatmentSession, point: Point, lot: NeedleLot | None) -> NeedleLot:
    """The lot this needle comes from: the one given, else the session's lot of its kind."""
    chosen = lot or (locked.facial_lot if point.is_facial else locked.body_lot)
    if chosen is None:
        kind = "facial" if point.is_facial else "body"
        raise ValidationError({"lot": f"Choose the {kind} needle lot first ({point.code})."})
    # Not locked: every tablet takes from the same lot, so its row is locked only by the
    # guarded decrement at the end, for the moment before commit. The page's copy of the
    # lot (read with its product this request) is fresh enough for the other checks.
    if not NeedleLot._meta.get_field("product").is_cached(chosen):
        chosen = NeedleLot.objects.select_related("product").get(pk=chosen.pk)
    return chosen


def _point_override(
    *, actor: User, locked: TreatmentSession, point: Point, side: str, reason: str
) -> tuple[PointOverride | None, bool]:
    """(the override that opens this point, whether it was made now from `reason`); None when
    screening allows the point. Without an override or a reason, the tap is refused."""
    restriction = restrictions.point_restriction(locked, point, side)
    if not restriction:
        return None, False
    found = PointOverride.objects.filter(session=locked, point=point, side=side).first()
    if found is not None:
        return found, False
    if not reason:
        side_label = Needle.Side(side).label
        raise ValidationError(
            {
                "override_reason": ValidationError(
                    f"{point.code} ({side_label}) is not allowed today. {restriction}. To needle "
                    "it anyway, write your reason for this point.",
                    code="forbidden",
                )
            }
        )
    made = PointOverride.objects.create(
        session=locked,
        point=point,
        side=side,
        restriction=restriction[:REASON_MAX],
        reason=reason,
        recorded_by=actor,
    )
    return made, True


def needle_insert(
    *,
    actor: User,
    session: TreatmentSession,
    version: int,
    code: str,
    side: str,
    lot: NeedleLot | None = None,
    override_reason: str = "",
    add_to_plan: bool = False,
) -> Needle:
    """Record one needle going in at a point: from the lot of the point's kind, at a point
    screening allows (or that this point's own written override opens), in the plan or added
    to it with the practitioner's confirmation."""
    point = _point(code, side)
    override_text = _reason(override_reason, "override_reason", required=False, what="")
    with transaction.atomic():
        locked = _locked(session, version)
        facts = selectors.session_facts(session=locked)
        after = states.next_state(states.INSERT_NEEDLE, facts)
        now = timezone.now()
        chosen = _lot_for(locked, point, lot)
        problem = _lot_problem(chosen, locked.client.clinic, _today(locked, now))
        if problem:
            raise ValidationError({"lot": problem})
        override, override_made = _point_override(
            actor=actor, locked=locked, point=point, side=side, reason=override_text
        )
        line = (
            PlannedPoint.objects.filter(plan_id=locked.plan_id, point=point, side=side).first()
            if locked.plan_id
            else None
        )
        in_plan = line is not None and not line.is_excluded
        if locked.plan_id and not in_plan and override is None and not add_to_plan:
            raise ValidationError(
                {
                    "add_to_plan": ValidationError(
                        f"{point.code} is not in today's plan: add it?", code="unplanned"
                    )
                }
            )
        gauge_problem = needle_problem(
            is_facial=point.is_facial,
            gauge_mm=Decimal(chosen.product.gauge_mm),
            override_reason=line.override_reason if line else "",
        )
        if gauge_problem:
            raise ValidationError({"lot": gauge_problem + " Record the reason in the plan."})
        if Needle.objects.filter(
            session=locked, point=point, side=side, removed_at__isnull=True
        ).exists():
            raise ValidationError({"code": f"{point.code} ({side}) already has a needle in."})
        needle = Needle.objects.create(
            session=locked,
            point=point,
            side=side,
            lot=chosen,
            inserted_at=now,
            inserted_by=actor,
            is_added_at_couch=bool(locked.plan_id) and not in_plan,
        )
        fields: dict[str, Any] = {}
        if locked.needling_started_at is None:
            fields["needling_started_at"] = now
        extra: dict[str, Any] = {
            "needle_in": [None, f"{point.code} {side} lot {chosen.lot_number}"],
            "needle_count_in": [facts.needle_count_in, facts.needle_count_in + 1],
        }
        if override is not None and override_made:
            extra["point_override"] = [None, f"{point.code} {side}: {override.reason}"]
        if needle.is_added_at_couch:
            extra["added_at_couch"] = [None, f"{point.code} {side}"]
        _save(
            actor=actor,
            session=locked,
            action=states.INSERT_NEEDLE,
            after=after,
            fields=fields,
            extra_changes=extra,
        )
        taken = NeedleLot.objects.filter(pk=chosen.pk, quantity_left__gt=0).update(
            quantity_left=F("quantity_left") - 1
        )
        if not taken:  # another tablet took the lot's last needle a moment ago
            raise ValidationError(
                {"lot": f"Lot {chosen.lot_number} has no needles left: choose another lot."}
            )
    return needle


def needle_remove(
    *,
    actor: User,
    session: TreatmentSession,
    version: int,
    code: str,
    side: str,
    reason: str = "",
) -> Needle:
    """Record one needle coming out; before retention ends that needs a reason (asked once)."""
    point = _point(code, side)
    reason = _reason(reason, "reason", required=False, what="")
    with transaction.atomic():
        locked = _locked(session, version)
        facts = selectors.session_facts(session=locked)
        after = states.next_state(states.REMOVE_NEEDLE, facts)
        now = timezone.now()
        needle = (
            Needle.objects.select_for_update(of=("self",))
            .select_related("lot")
            .filter(session=locked, point=point, side=side, removed_at__isnull=True)
            .first()
        )
        if needle is None:
            raise ValidationError({"code": f"No needle is in at {point.code} ({side})."})
        needle.session, needle.point = locked, point
        fields: dict[str, Any] = {}
        ends = locked.retention_ends_at
        if (
            locked.state == states.RETENTION
            and ends is not None
            and now < ends
            and not locked.early_removal_reason
        ):
            if not reason:
                left = retention.RetentionClock(ends_at=ends, now=now).label
                message = f"Retention has {left}: give the reason for taking needles out early."
                raise ValidationError({"reason": message})
            fields["early_removal_reason"] = reason
        needle.removed_at = now
        needle.removed_by = actor
        needle.save(update_fields=["removed_at", "removed_by"])
        if after == states.REMOVAL and locked.removal_started_at is None:
            fields["removal_started_at"] = now
        count_out = facts.needle_count_out + 1
        if after == states.REMOVAL and count_out == facts.needle_count_in:
            fields["needles_out_at"] = now
        _save(
            actor=actor,
            session=locked,
            action=states.REMOVE_NEEDLE,
            after=after,
            fields=fields,
            extra_changes={
                "needle_out": [None, f"{point.code} {side}"],
                "needle_count_out": [facts.needle_count_out, count_out],
            },
        )
    return needle


# --- retention ----------------------------------------------------------------------------------


def _minutes(value: Any, low: int, high: int, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValidationError({field: f"Give a whole number of minutes from {low} to {high}."})
    return value


def retention_start(
    *,
    actor: User,
    session: TreatmentSession,
    version: int,
    minutes: int | None = None,
    reason: str = "",
) -> TreatmentSession:
    """The last needle is in: retention runs from now for the planned minutes."""
    reason = _reason(reason, "reason", required=False, what="")
    with transaction.atomic():
        locked = _locked(session, version)
        after = states.next_state(states.START_RETENTION, selectors.session_facts(session=locked))
        if minutes is None:
            minutes = locked.retention_minutes or plan_rules().retention_default_minutes
            reason = reason or locked.retention_reason
        minutes = _minutes(
            minutes, retention.RETENTION_ABSOLUTE_MIN, retention.RETENTION_ABSOLUTE_MAX, "minutes"
        )
        problem = retention_problem(minutes, reason)
        if problem:
            raise ValidationError({"reason": problem})
        now = timezone.now()
        return _save(
            actor=actor,
            session=locked,
            action=states.START_RETENTION,
            after=after,
            fields={
                "retention_started_at": now,
                "retention_ends_at": now + dt.timedelta(minutes=minutes),
                "retention_minutes": minutes,
                "retention_reason": reason,
            },
        )


def retention_extend(
    *, actor: User, session: TreatmentSession, version: int, minutes: int
) -> TreatmentSession:
    """Add minutes to retention (counted from now when it is already overdue)."""
    minutes = _minutes(
        minutes, retention.EXTEND_MIN_MINUTES, retention.EXTEND_MAX_MINUTES, "minutes"
    )
    with transaction.atomic():
        locked = _locked(session, version)
        after = states.next_state(states.EXTEND_RETENTION, selectors.session_facts(session=locked))
        now = timezone.now()
        assert locked.retention_ends_at is not None and locked.retention_started_at is not None
        ends = max(locked.retention_ends_at, now) + dt.timedelta(minutes=minutes)
        total = round((ends - locked.retention_started_at).total_seconds() / 60)
        if total > retention.RETENTION_ABSOLUTE_MAX:
            raise ValidationError(
                {"minutes": f"Retention would pass {retention.RETENTION_ABSOLUTE_MAX} minutes."}
            )
        return _save(
            actor=actor,
            session=locked,
            action=states.EXTEND_RETENTION,
            after=after,
            fields={"retention_ends_at": ends, "retention_minutes": total},
        )


# --- events and incidents -----------------------------------------------------------------------


def session_event_record(
    *,
    actor: User,
    session: TreatmentSession,
    version: int,
    kind: str,
    note: str = "",
    code: str = "",
    side: str = "",
) -> SessionEvent:
    """Record something that happened at the couch (issue #6 turns it into an adverse event)."""
    if kind not in SessionEventKind.values:
        raise ValidationError({"kind": "Choose what happened from the list."})
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise ValidationError({"note": f"Keep the note under {NOTE_MAX} characters."})
    point = _point(code, side) if (code or "").strip() else None
    with transaction.atomic():
        locked = _locked(session, version)
        after = states.next_state(states.RECORD_EVENT, selectors.session_facts(session=locked))
        event = SessionEvent(
            session=locked,
            kind=kind,
            at=timezone.now(),
            point=point,
            side=side if point else "",
            note=note,
            recorded_by=actor,
        )
        event.full_clean()
        event.save()
        _save(
            actor=actor,
            session=locked,
            action=states.RECORD_EVENT,
            after=after,
            fields={},
            extra_changes={"event": [None, str(event)], "note": [None, note]},
        )
    return event


def missing_needle_incident_file(
    *,
    actor: User,
    session: TreatmentSession,
    version: int,
    searched_where: str,
    outcome: str,
) -> MissingNeedleIncident:
    """File an incident for every needle not out (where it was searched for, what came of it)."""
    searched_where, outcome = (searched_where or "").strip(), (outcome or "").strip()
    errors = {}
    if not searched_where:
        errors["searched_where"] = "Say where you searched (couch, floor, hair, clothing...)."
    if not outcome:
        errors["outcome"] = "Say what came of the search."
    for name, text in (("searched_where", searched_where), ("outcome", outcome)):
        if len(text) > NOTE_MAX:
            errors[name] = f"Keep it under {NOTE_MAX} characters."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = _locked(session, version)
        facts = selectors.session_facts(session=locked)
        after = states.next_state(states.FILE_INCIDENT, facts)
        incident = MissingNeedleIncident.objects.create(
            session=locked,
            needles_missing=facts.needles_unaccounted,
            searched_where=searched_where,
            outcome=outcome,
            filed_by=actor,
            filed_at=timezone.now(),
        )
        audit_record(
            clinic=locked.client.clinic,
            action=AuditEvent.Action.CREATED,
            obj=incident,
            actor=actor,
            client=locked.client,
            changes={"needles_missing": [None, incident.needles_missing]},
        )
        _save(
            actor=actor,
            session=locked,
            action=states.FILE_INCIDENT,
            after=after,
            fields={},
            extra_changes={"incident": [None, incident.pk]},
        )
    return incident


def missing_needle_incident_review(
    *, actor: User, incident: MissingNeedleIncident
) -> MissingNeedleIncident:
    """The owner has read the incident."""
    if not actor.is_owner:
        raise ValidationError("Only the owner reviews missing-needle incidents.")
    with transaction.atomic():
        locked = MissingNeedleIncident.objects.select_for_update().get(pk=incident.pk)
        if locked.reviewed_at is not None:
            return locked
        locked.reviewed_at = timezone.now()
        locked.reviewed_by = actor
        locked.save(update_fields=["reviewed_at", "reviewed_by"])
        session = TreatmentSession.objects.select_related("client__clinic").get(
            pk=locked.session_id
        )
        audit_record(
            clinic=session.client.clinic,
            action=AuditEvent.Action.ACKNOWLEDGED,
            obj=locked,
            actor=actor,
            client=session.client,
            changes={"reviewed_at": [None, locked.reviewed_at.isoformat()]},
        )
    return locked


# --- the end of the session ---------------------------------------------------------------------


def session_moisturize(*, actor: User, session: TreatmentSession, version: int) -> TreatmentSession:
    """Skin cleansed and moisturized: only once every needle is out or filed as missing."""
    with transaction.atomic():
        locked = _locked(session, version)
        after = states.next_state(states.MOISTURIZE, selectors.session_facts(session=locked))
        now = timezone.now()
        fields: dict[str, Any] = {"moisturized_at": now}
        if locked.needles_out_at is None:  # a needle is missing: "out" is when we stopped looking
            fields["needles_out_at"] = now
        return _save(
            actor=actor, session=locked, action=states.MOISTURIZE, after=after, fields=fields
        )


def aftercare_issue(
    *,
    actor: User,
    session: TreatmentSession,
    version: int,
) -> TreatmentSession:
    """Issue the aftercare sheet (no makeup until needles out + 4 h); e-mail it when allowed.

    The sheet's facts and its PDF are stored as issued: every later view, download and e-mail
    of it is that sheet, whatever changes afterwards.
    """
    from acuface.treatments import aftercare

    with transaction.atomic():
        locked = _locked(session, version)
        after = states.next_state(states.ISSUE_AFTERCARE, selectors.session_facts(session=locked))
        if not locked.client.clinic.phone:
            raise ValidationError(NO_CLINIC_PHONE_MESSAGE)
        now = timezone.now()
        assert locked.needles_out_at is not None
        notes = selectors.client_risk_notes(client=locked.client, on=_today(locked, now))
        saved = _save(
            actor=actor,
            session=locked,
            action=states.ISSUE_AFTERCARE,
            after=after,
            fields={
                "aftercare_issued_at": now,
                "makeup_free_at": retention.makeup_free_at(locked.needles_out_at),
                "aftercare_risk_notes": notes,
            },
        )
        sheet = aftercare.sheet_make(session=saved, issued_at=now)
        sheet.save()
        next_session = sheet.facts["next_session"]
        audit_record(
            clinic=saved.client.clinic,
            action=AuditEvent.Action.CREATED,
            obj=sheet,
            actor=actor,
            client=saved.client,
            changes={
                "makeup_free_at": [None, sheet.facts["makeup_free_clock"]],
                "next_session": [None, next_session["clock"] if next_session else None],
                "clinic_phone": [None, sheet.facts["clinic"]["phone"]],
                "pdf_sha256": [None, sheet.pdf_sha256],
            },
        )
        session_id = saved.pk
        transaction.on_commit(lambda: aftercare_email_send(session_id=session_id))
    return saved


def aftercare_email_send(*, session_id: int) -> bool:
    """E-mail the aftercare sheet (PDF attached) if the client agreed to e-mail; True if sent."""
    from acuface.clients.selectors import client_has_consent
    from acuface.treatments import aftercare

    session = TreatmentSession.objects.select_related("client__clinic").get(pk=session_id)
    client = session.client
    sheet = aftercare.issued_sheet(session)
    if sheet is None:
        return False
    if not client.email or not client_has_consent(client=client, kind="email_contact"):
        return False
    aftercare.sheet_email(sheet, to=client.email).send()
    audit_record(
        clinic=client.clinic,
        action=AuditEvent.Action.SENT,
        obj=session,
        actor_label="system (aftercare e-mail)",
        client=client,
        changes={"aftercare_emailed_to": [None, client.email]},
    )
    return True


def _follow_ups_schedule(session: TreatmentSession) -> list[FollowUp]:
    if session.needles_out_at is None:
        return []
    made = []
    for kind, after in retention.FOLLOW_UPS.items():
        follow_up, _ = FollowUp.objects.get_or_create(
            session=session, kind=kind, defaults={"due_at": session.needles_out_at + after}
        )
        made.append(follow_up)
    if made:
        # The check-ins are sent by the aftercare app's tasks, queued once this commits.
        from acuface.aftercare.tasks import followups_schedule_task

        session_id = session.pk
        transaction.on_commit(lambda: followups_schedule_task.enqueue(session_id=session_id))
    return made


def session_complete(*, actor: User, session: TreatmentSession, version: int) -> TreatmentSession:
    """Complete the session and schedule the +24 h and +7 day follow-ups."""
    with transaction.atomic():
        locked = _locked(session, version)
        after = states.next_state(states.COMPLETE_SESSION, selectors.session_facts(session=locked))
        follow_ups = _follow_ups_schedule(locked)
        return _save(
            actor=actor,
            session=locked,
            action=states.COMPLETE_SESSION,
            after=after,
            fields={"completed_at": timezone.now()},
            extra_changes={"follow_ups": [None, [f.due_at.isoformat() for f in follow_ups]]},
        )


def session_cancel(
    *, actor: User, session: TreatmentSession, version: int, reason: str
) -> TreatmentSession:
    """Cancel a session before any needle has gone in."""
    reason = _reason(reason, "reason", required=True, what="for cancelling")
    with transaction.atomic():
        locked = _locked(session, version)
        after = states.next_state(states.CANCEL, selectors.session_facts(session=locked))
        return _save(
            actor=actor,
            session=locked,
            action=states.CANCEL,
            after=after,
            fields={"cancelled_at": timezone.now(), "cancel_reason": reason},
        )


def session_abandon(
    *, actor: User, session: TreatmentSession, version: int, reason: str
) -> TreatmentSession:
    """Stop a session after needles went in; every needle must still be accounted for."""
    reason = _reason(reason, "reason", required=True, what="for stopping")
    with transaction.atomic():
        locked = _locked(session, version)
        facts = selectors.session_facts(session=locked)
        after = states.next_state(states.ABANDON, facts)
        now = timezone.now()
        fields: dict[str, Any] = {"cancelled_at": now, "cancel_reason": reason}
        if locked.needles_out_at is None and facts.needle_count_in:
            fields["needles_out_at"] = now
        saved = _save(
            actor=actor, session=locked, action=states.ABANDON, after=after, fields=fields
        )
        _follow_ups_schedule(saved)  # the client had needles in: check on them all the same
    return saved


# --- stock ----------------------------------------------------------------------------------------


def needle_product_create(*, actor: User, clinic: Clinic, **fields: Any) -> NeedleProduct:
    """Add a needle product to the clinic's stock list."""
    if not actor.is_owner:
        raise ValidationError("Only the owner manages needle stock.")
    with transaction.atomic():
        product = NeedleProduct(clinic=clinic, **fields)
        product.full_clean()
        product.save()
        audit_record(
            clinic=clinic,
            action=AuditEvent.Action.CREATED,
            obj=product,
            actor=actor,
            changes={k: [None, v] for k, v in snapshot(product, fields.keys()).items()},
        )
    return product


def needle_lot_receive(
    *,
    actor: User,
    product: NeedleProduct,
    lot_number: str,
    expires_on: dt.date,
    quantity_received: int,
    low_stock_at: int = 100,
) -> NeedleLot:
    """Record a delivered lot; its needles can be used until it expires or runs out."""
    if not actor.is_owner:
        raise ValidationError("Only the owner manages needle stock.")
    with transaction.atomic():
        lot = NeedleLot(
            product=product,
            lot_number=lot_number.strip(),
            expires_on=expires_on,
            quantity_received=quantity_received,
            quantity_left=quantity_received,
            low_stock_at=low_stock_at,
        )
        lot.full_clean()
        lot.save()
        audit_record(
            clinic=product.clinic,
            action=AuditEvent.Action.CREATED,
            obj=lot,
            actor=actor,
            changes={
                "lot_number": [None, lot.lot_number],
                "expires_on": [None, expires_on.isoformat()],
                "quantity_received": [None, quantity_received],
            },
        )
    return lot

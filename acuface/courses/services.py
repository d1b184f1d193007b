"""Every write to courses, bookings, opening hours and client-reported outcomes, each audited."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from acuface.atlas.models import TreatmentPlan
from acuface.atlas.selectors import plans_for_client
from acuface.clients.models import Client
from acuface.clients.selectors import client_has_consent
from acuface.core.audit import audit_record
from acuface.core.models import AuditEvent, Clinic, User
from acuface.courses import ical, rules, selectors
from acuface.courses.models import (
    Booking,
    BookingStatus,
    Course,
    OpeningHours,
    OutcomeResponse,
)
from acuface.treatments import services as treatment_services
from acuface.treatments import states as treatment_states
from acuface.treatments.models import TreatmentSession
from acuface.treatments.states import SessionStateError

log = logging.getLogger(__name__)

TAKEN_MESSAGE = "The practitioner already has a booking at that time. Choose another time."


# --- opening hours ------------------------------------------------------------------------------


def opening_hours_set(
    *, actor: User, clinic: Clinic, hours: list[tuple[int, dt.time, dt.time]]
) -> list[OpeningHours]:
    """Replace the clinic's opening hours with `hours` (weekday, opens, closes)."""
    rows = [OpeningHours(clinic=clinic, weekday=d, opens=o, closes=c) for d, o, c in hours]
    for row in rows:
        row.full_clean(exclude=["clinic"], validate_unique=False, validate_constraints=False)
        if row.closes <= row.opens:
            raise ValidationError({"hours": f"{row}: closing must be after opening."})
    with transaction.atomic():
        before = [str(h) for h in OpeningHours.objects.filter(clinic=clinic)]
        OpeningHours.objects.filter(clinic=clinic).delete()
        OpeningHours.objects.bulk_create(rows)
        audit_record(
            clinic=clinic,
            action=AuditEvent.Action.UPDATED,
            obj=clinic,
            actor=actor,
            changes={"opening_hours": [before, [str(r) for r in rows]]},
        )
    return rows


# --- bookings -----------------------------------------------------------------------------------


def _check_slot(
    *,
    clinic: Clinic,
    practitioner: User,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    now: dt.datetime,
) -> None:
    if timezone.is_naive(starts_at):
        raise ValidationError({"starts_at": "Give the time with its time zone."})
    if practitioner.clinic_id != clinic.pk or not practitioner.is_active:
        raise ValidationError({"practitioner": "Choose a practitioner of this clinic."})
    if not practitioner.sees_clinical:
        raise ValidationError({"practitioner": "Only owners and practitioners treat clients."})
    if starts_at < now:
        raise ValidationError({"starts_at": "That time has passed. Choose a time from now on."})
    if starts_at > now + dt.timedelta(days=rules.MAX_DAYS_AHEAD):
        raise ValidationError({"starts_at": "That is more than a year ahead. Check the date."})
    hours = selectors.opening_hours(clinic=clinic)
    if not rules.within_hours(starts_at, ends_at, zone=clinic.zone, hours=hours):
        raise ValidationError(
            {"starts_at": "The clinic is closed then. Choose a time within opening hours."}
        )


def _lock_and_check_free(
    *, practitioner: User, starts_at: dt.datetime, ends_at: dt.datetime, exclude: int | None
) -> None:
    """Serialise bookings per practitioner (row lock), then refuse an overlap."""
    User.objects.select_for_update().filter(pk=practitioner.pk).first()
    clashes = selectors.live_bookings(practitioner=practitioner).filter(
        starts_at__lt=ends_at, ends_at__gt=starts_at
    )
    if exclude is not None:
        clashes = clashes.exclude(pk=exclude)
    if clashes.exists():
        raise ValidationError({"starts_at": TAKEN_MESSAGE}, code="taken")


def booking_create(
    *,
    actor: User,
    client: Client,
    practitioner: User,
    starts_at: dt.datetime,
    minutes: int = rules.DEFAULT_SESSION_MINUTES,
    course: Course | None = None,
    number: int | None = None,
    is_maintenance: bool = False,
    plan: TreatmentPlan | None = None,
    now: dt.datetime | None = None,
) -> Booking:
    """Book a practitioner's time for a client and schedule the treatment session with it
    (from the course's plan, or from `plan` for a visit outside a course)."""
    now = now or timezone.now()
    clinic = client.clinic
    if client.is_archived:
        raise ValidationError("This client is archived: restore them before booking.")
    if course is not None and course.client_id != client.pk:
        raise ValidationError("That course belongs to another client.")
    ends_at = starts_at + dt.timedelta(minutes=minutes)
    _check_slot(
        clinic=clinic, practitioner=practitioner, starts_at=starts_at, ends_at=ends_at, now=now
    )
    try:
        with transaction.atomic():
            _lock_and_check_free(
                practitioner=practitioner, starts_at=starts_at, ends_at=ends_at, exclude=None
            )
            session = treatment_services.session_schedule(
                actor=actor,
                client=client,
                scheduled_at=starts_at,
                plan=course.plan if course else plan,
                practitioner=practitioner,
                for_booking=True,
            )
            booking = Booking(
                clinic=clinic,
                client=client,
                course=course,
                practitioner=practitioner,
                session=session,
                number=number,
                is_maintenance=is_maintenance,
                starts_at=starts_at,
                ends_at=ends_at,
                created_by=actor,
            )
            booking.full_clean(validate_constraints=False)
            booking.save()
            audit_record(
                clinic=clinic,
                action=AuditEvent.Action.CREATED,
                obj=booking,
                actor=actor,
                client=client,
                changes={
                    "starts_at": [None, starts_at.isoformat()],
                    "practitioner": [None, str(practitioner)],
                    "course": [None, course.pk if course else None],
                },
            )
            _reminder_enqueue_on_commit(booking, now=now)
    except IntegrityError as error:
        # The database's own guard (exclusion or unique constraint): another booking won.
        raise ValidationError({"starts_at": TAKEN_MESSAGE}, code="taken") from error
    return booking


def _session_cancel(*, actor: User, booking: Booking, reason: str) -> None:
    """Cancel the booking's treatment session through the treatments app, if still unstarted."""
    if booking.session_id is None:
        return
    session = TreatmentSession.objects.get(pk=booking.session_id)
    if session.state == treatment_states.CANCELLED:
        return
    if session.state != treatment_states.SCHEDULED:
        raise ValidationError(
            "This session has already started; it cannot be moved or cancelled here."
        )
    try:
        treatment_services.session_cancel(
            actor=actor, session=session, version=session.version, reason=reason
        )
    except SessionStateError as error:
        raise ValidationError(str(error)) from error


def booking_reschedule(
    *, actor: User, booking: Booking, starts_at: dt.datetime, now: dt.datetime | None = None
) -> Booking:
    """Move a booking (and its unstarted session) to another time."""
    now = now or timezone.now()
    if not booking.is_live:
        raise ValidationError("This booking was cancelled; make a new one instead.")
    minutes = booking.ends_at - booking.starts_at
    ends_at = starts_at + minutes
    practitioner = booking.practitioner
    _check_slot(
        clinic=booking.clinic,
        practitioner=practitioner,
        starts_at=starts_at,
        ends_at=ends_at,
        now=now,
    )
    before = booking.starts_at
    try:
        with transaction.atomic():
            _lock_and_check_free(
                practitioner=practitioner, starts_at=starts_at, ends_at=ends_at, exclude=booking.pk
            )
            locked = Booking.objects.select_for_update().get(pk=booking.pk)
            _session_cancel(actor=actor, booking=locked, reason="Rescheduled")
            locked.session = treatment_services.session_schedule(
                actor=actor,
                client=locked.client,
                scheduled_at=starts_at,
                plan=locked.course.plan if locked.course else None,
                practitioner=practitioner,
                for_booking=True,
            )
            locked.starts_at, locked.ends_at = starts_at, ends_at
            locked.sequence += 1
            locked.reminder_sent_at = None
            locked.full_clean(validate_constraints=False)
            locked.save(
                update_fields=["session", "starts_at", "ends_at", "sequence", "reminder_sent_at"]
            )
            audit_record(
                clinic=locked.clinic,
                action=AuditEvent.Action.UPDATED,
                obj=locked,
                actor=actor,
                client=locked.client,
                changes={"starts_at": [before.isoformat(), starts_at.isoformat()]},
            )
            _reminder_enqueue_on_commit(locked, now=now)
    except IntegrityError as error:
        raise ValidationError({"starts_at": TAKEN_MESSAGE}, code="taken") from error
    return locked


def booking_cancel(*, actor: User, booking: Booking, reason: str = "") -> Booking:
    """Cancel a booking and its unstarted session; the time becomes free."""
    reason = " ".join((reason or "").split())[:200] or "Booking cancelled"
    with transaction.atomic():
        locked = Booking.objects.select_for_update().get(pk=booking.pk)
        if not locked.is_live:
            return locked
        _session_cancel(actor=actor, booking=locked, reason=reason)
        locked.status = BookingStatus.CANCELLED
        locked.sequence += 1
        locked.save(update_fields=["status", "sequence"])
        audit_record(
            clinic=locked.clinic,
            action=AuditEvent.Action.UPDATED,
            obj=locked,
            actor=actor,
            client=locked.client,
            changes={
                "status": [BookingStatus.BOOKED, BookingStatus.CANCELLED],
                "reason": [None, reason],
            },
        )
    return locked


# --- reminders ----------------------------------------------------------------------------------


def _reminder_enqueue_on_commit(booking: Booking, *, now: dt.datetime) -> None:
    from acuface.courses import tasks

    due = rules.reminder_at(booking.starts_at, zone=booking.clinic.zone)
    if due >= booking.starts_at:
        return
    starts = booking.starts_at.isoformat()
    backend = tasks.booking_reminder_task.get_backend()
    if backend.supports_defer:
        run_after = max(due, now)
        transaction.on_commit(
            lambda: tasks.booking_reminder_task.using(run_after=run_after).enqueue(
                booking_id=booking.pk, starts_at=starts
            )
        )
    # Without deferral (tests, the immediate backend) `reminders_send_due` sends it when due.


def booking_reminder_send(
    *, booking_id: int, starts_at: str, now: dt.datetime | None = None
) -> bool:
    """E-mail the client the day-before reminder with an .ics; once, and only if still true."""
    now = now or timezone.now()
    with transaction.atomic():
        booking = (
            Booking.objects.select_for_update()
            .select_related("client", "clinic", "practitioner")
            .filter(pk=booking_id)
            .first()
        )
        if booking is None or not booking.is_live or booking.reminder_sent_at is not None:
            return False
        if booking.starts_at.isoformat() != starts_at or booking.starts_at <= now:
            return False  # moved since this reminder was queued; the move queued its own
        client = booking.client
        if not client.email or not client_has_consent(client=client, kind="email_contact"):
            return False
        context = {"booking": booking, "local": selectors.local(booking.starts_at, booking.clinic)}
        message = EmailMessage(
            subject=f"Reminder: your appointment at {booking.clinic} tomorrow",
            body=render_to_string("courses/reminder_email.txt", context),
            to=[client.email],
            headers={"Message-ID": f"<reminder-{booking.uid}-{booking.sequence}@acuface>"},
        )
        message.attach("appointment.ics", ical.booking_ics(booking), "text/calendar")
        message.send()
        booking.reminder_sent_at = now
        booking.save(update_fields=["reminder_sent_at"])
        audit_record(
            clinic=booking.clinic,
            action=AuditEvent.Action.SENT,
            obj=booking,
            actor_label="system (reminder)",
            client=client,
            changes={"reminder": [None, client.email]},
        )
    return True


def reminders_send_due(*, now: dt.datetime | None = None) -> int:
    """Send every reminder that is due now (the sweep for backends that cannot defer)."""
    now = now or timezone.now()
    sent = 0
    for booking in selectors.reminders_due(now=now):
        sent += booking_reminder_send(
            booking_id=booking.pk, starts_at=booking.starts_at.isoformat(), now=now
        )
    return sent


# --- courses ------------------------------------------------------------------------------------


def course_create(
    *,
    actor: User,
    client: Client,
    practitioner: User,
    first_at: dt.datetime,
    plan: TreatmentPlan | None = None,
    sessions_planned: int = rules.DEFAULT_SESSIONS,
    per_week: int = rules.DEFAULT_PER_WEEK,
    maintenance_every_weeks: int = rules.DEFAULT_MAINTENANCE_WEEKS,
    session_minutes: int = rules.DEFAULT_SESSION_MINUTES,
    prepaid_sessions: int = 0,
    now: dt.datetime | None = None,
) -> tuple[Course, list[str]]:
    """Plan a course and book its sessions at the cadence; returns the slots not booked."""
    if plan is not None and plan.client_id != client.pk:
        raise ValidationError({"plan": "That plan belongs to another client."})
    if plan is None:
        plan = selectors.plan_to_start_from(client=client)
    if per_week not in rules.WEEK_OFFSETS:
        raise ValidationError({"per_week": "Choose 1, 2 or 3 sessions a week."})
    zone = client.clinic.zone
    local_first = first_at.astimezone(zone)
    course = Course(
        client=client,
        plan=plan,
        practitioner=practitioner,
        sessions_planned=sessions_planned,
        per_week=per_week,
        maintenance_every_weeks=maintenance_every_weeks,
        session_minutes=session_minutes,
        prepaid_sessions=prepaid_sessions,
        starts_on=local_first.date(),
        created_by=actor,
    )
    course.full_clean()
    days = rules.cadence_dates(local_first.date(), sessions=sessions_planned, per_week=per_week)
    with transaction.atomic():
        course.save()
        audit_record(
            clinic=client.clinic,
            action=AuditEvent.Action.CREATED,
            obj=course,
            actor=actor,
            client=client,
            changes={
                "sessions_planned": [None, sessions_planned],
                "per_week": [None, per_week],
                "prepaid_sessions": [None, prepaid_sessions],
            },
        )
        # The first session is the time typed: if it cannot be booked, nothing is planned.
        booking_create(
            actor=actor,
            client=client,
            practitioner=practitioner,
            starts_at=first_at,
            minutes=session_minutes,
            course=course,
            number=1,
            now=now,
        )
    problems: list[str] = []
    for number, day in enumerate(days[1:], start=2):
        at = dt.datetime.combine(day, local_first.time(), tzinfo=zone)
        try:
            booking_create(
                actor=actor,
                client=client,
                practitioner=practitioner,
                starts_at=at,
                minutes=session_minutes,
                course=course,
                number=number,
                now=now,
            )
        except ValidationError as error:
            problems.append(f"Session {number}, {at:%a %d %b %H:%M}: {_first_message(error)}")
    return course, problems


def course_book_next(
    *,
    actor: User,
    course: Course,
    starts_at: dt.datetime,
    practitioner: User | None = None,
    now: dt.datetime | None = None,
) -> Booking:
    """Book the course's next unbooked session, or a maintenance session once all are booked."""
    number = selectors.next_unbooked_number(course=course)
    return booking_create(
        actor=actor,
        client=course.client,
        practitioner=practitioner or course.practitioner or actor,
        starts_at=starts_at,
        minutes=course.session_minutes,
        course=course,
        number=number,
        is_maintenance=number is None,
        now=now,
    )


def visit_book(
    *,
    actor: User,
    client: Client,
    practitioner: User,
    starts_at: dt.datetime,
    now: dt.datetime | None = None,
) -> Booking:
    """Book a client's next visit on the calendar: the next session of their running course,
    or a single visit when they have none (from their newest plan)."""
    course = selectors.running_course(client=client)
    if course is not None:
        return course_book_next(
            actor=actor, course=course, starts_at=starts_at, practitioner=practitioner, now=now
        )
    return booking_create(
        actor=actor,
        client=client,
        practitioner=practitioner,
        starts_at=starts_at,
        plan=plans_for_client(client=client).first(),
        now=now,
    )


def _first_message(error: ValidationError) -> str:
    return str(error.messages[0]) if error.messages else "could not be booked"


# --- client-reported outcomes -------------------------------------------------------------------


def outcome_record(
    *, actor: User, course: Course, milestone: str, answered_on: dt.date, **answers: Any
) -> OutcomeResponse:
    """Record the client's own short form for one milestone of the course (once per milestone)."""
    if milestone not in dict(rules.milestone_choices()):
        raise ValidationError({"milestone": "Unknown milestone."})
    with transaction.atomic():
        if (
            OutcomeResponse.objects.select_for_update()
            .filter(course=course, milestone=milestone)
            .exists()
        ):
            raise ValidationError("This form was already recorded for that session.")
        outcome = OutcomeResponse(
            course=course,
            milestone=milestone,
            answered_on=answered_on,
            recorded_by=actor,
            **answers,
        )
        outcome.full_clean()
        outcome.save()
        audit_record(
            clinic=course.client.clinic,
            action=AuditEvent.Action.CREATED,
            obj=outcome,
            actor=actor,
            client=course.client,
            changes={k: [None, v] for k, v in answers.items()},
        )
    return outcome

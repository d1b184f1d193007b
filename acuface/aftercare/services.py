"""Every write of the aftercare app: check-ins sent and answered, adverse events, escalations."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from acuface.aftercare import rules
from acuface.aftercare.models import AdverseEvent, CheckIn, Escalation, ProblemReport, SendState
from acuface.clients.selectors import client_has_consent
from acuface.core.audit import audit_record
from acuface.core.models import AuditEvent, User
from acuface.treatments import retention
from acuface.treatments.models import (
    FollowUp,
    MissingNeedleIncident,
    SessionEvent,
    TreatmentSession,
)

log = logging.getLogger(__name__)

CLIENT_LINK = "client (check-in link)"
SHEET_LINK = "client (aftercare sheet link)"
SYSTEM_SENDER = "system (check-in e-mail)"
# Kinds the client's form asks about: an open event of these kinds not reported again is over.
ASKED_KINDS = (
    "pain",
    "bruising",
    "bleeding",
    "rash",
    "nausea",
    "dizziness",
    "allergy",
    "infection",
)


def dedupe_key_for(follow_up: FollowUp) -> str:
    return f"acuface-checkin-{follow_up.pk}-{follow_up.kind}"


def _clinic_of(checkin: CheckIn) -> Any:
    return checkin.follow_up.session.client.clinic


# --- scheduling and sending ---------------------------------------------------------------------


def checkin_ensure(*, follow_up: FollowUp) -> CheckIn:
    """The follow-up's check-in (created once: the dedupe key is unique)."""
    checkin, _ = CheckIn.objects.get_or_create(
        follow_up=follow_up,
        defaults={
            "dedupe_key": dedupe_key_for(follow_up),
            "link_expires_at": follow_up.due_at + dt.timedelta(days=rules.LINK_DAYS),
        },
    )
    return checkin


def _enqueue_send(checkin_id: int, *, at: dt.datetime, now: dt.datetime) -> bool:
    """Queue a send at `at`; False when the backend cannot defer (the sweep sends it when due)."""
    from acuface.aftercare import tasks

    backend = tasks.checkin_send_task.get_backend()
    if backend.supports_defer:
        tasks.checkin_send_task.using(run_after=max(at, now)).enqueue(checkin_id=checkin_id)
        return True
    if at <= now:
        tasks.checkin_send_task.enqueue(checkin_id=checkin_id)
        return True
    return False


def followups_schedule(*, session_id: int, now: dt.datetime | None = None) -> list[CheckIn]:
    """Make the session's check-ins and queue each send for its due time (idempotent)."""
    now = now or timezone.now()
    session = TreatmentSession.objects.get(pk=session_id)
    checkins = [checkin_ensure(follow_up=f) for f in session.follow_ups.all()]
    adverse_events_from_session(session=session)
    for checkin in checkins:
        if checkin.send_state == SendState.PENDING:
            _enqueue_send(checkin.pk, at=checkin.follow_up.due_at, now=now)
    return checkins


def checkin_send(*, checkin_id: int, now: dt.datetime | None = None) -> str:
    """Send one due check-in at most once: claim, send, mark. Returns what happened."""
    now = now or timezone.now()
    with transaction.atomic():
        checkin = (
            CheckIn.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("follow_up__session__client__clinic")
            .filter(pk=checkin_id, send_state=SendState.PENDING, follow_up__due_at__lte=now)
            .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
            .first()
        )
        if checkin is None:
            return "skipped"  # not due, claimed by another worker, or already done
        client = checkin.follow_up.session.client
        if checkin.link_expires_at <= now:  # found too late (workers were down for weeks)
            checkin.send_state = SendState.GAVE_UP
            checkin.last_error = "Not sent: its link had expired before it could go."
            checkin.save(update_fields=["send_state", "last_error"])
            audit_record(
                clinic=client.clinic,
                action=AuditEvent.Action.UPDATED,
                obj=checkin,
                actor_label=SYSTEM_SENDER,
                client=client,
                changes={"send_state": [SendState.PENDING, SendState.GAVE_UP]},
            )
            return "gave_up"
        if not client.email or not client_has_consent(client=client, kind="email_contact"):
            checkin.send_state = SendState.PHONE
            checkin.save(update_fields=["send_state"])
            audit_record(
                clinic=client.clinic,
                action=AuditEvent.Action.UPDATED,
                obj=checkin,
                actor_label=SYSTEM_SENDER,
                client=client,
                changes={"send_state": [SendState.PENDING, SendState.PHONE]},
            )
            return "phone"
        # The claim: a guarded update, so even without row locks (SQLite) only one wins.
        claimed = CheckIn.objects.filter(pk=checkin.pk, send_state=SendState.PENDING).update(
            send_state=SendState.SENDING, claimed_at=now, attempts=checkin.attempts + 1
        )
        if claimed != 1:
            return "skipped"
        checkin.attempts += 1
    try:
        checkin_email(checkin).send()
    except Exception as error:  # SMTP refusals, timeouts, DNS: all retried the same way
        log.warning("check-in %s not sent: %s", checkin.pk, error)
        return _checkin_send_failed(checkin=checkin, error=error, now=now)
    _checkin_mark_sent(checkin=checkin, now=now)
    return "sent"


def _checkin_mark_sent(*, checkin: CheckIn, now: dt.datetime) -> None:
    with transaction.atomic():
        CheckIn.objects.filter(pk=checkin.pk, send_state=SendState.SENDING).update(
            send_state=SendState.SENT, sent_at=now, last_error="", next_attempt_at=None
        )
        client = checkin.follow_up.session.client
        audit_record(
            clinic=client.clinic,
            action=AuditEvent.Action.SENT,
            obj=checkin,
            actor_label=SYSTEM_SENDER,
            client=client,
            changes={"sent_to": [None, client.email], "attempt": [None, checkin.attempts]},
        )


def _checkin_send_failed(*, checkin: CheckIn, error: Exception, now: dt.datetime) -> str:
    gave_up = checkin.attempts >= rules.MAX_SEND_ATTEMPTS
    next_at = None if gave_up else now + rules.retry_delay(checkin.attempts)
    state = SendState.GAVE_UP if gave_up else SendState.PENDING
    message = f"{type(error).__name__}: {error}"[:500]
    with transaction.atomic():
        CheckIn.objects.filter(pk=checkin.pk, send_state=SendState.SENDING).update(
            send_state=state, next_attempt_at=next_at, last_error=message
        )
        client = checkin.follow_up.session.client
        audit_record(
            clinic=client.clinic,
            action=AuditEvent.Action.UPDATED,
            obj=checkin,
            actor_label=SYSTEM_SENDER,
            client=client,
            changes={"send_state": [SendState.SENDING, state], "last_error": [None, message]},
        )
    if next_at is not None:
        transaction.on_commit(lambda: _enqueue_send(checkin.pk, at=next_at, now=now))
        return "retry"
    return "gave_up"


def checkin_link_url(checkin: CheckIn) -> str:
    from django.urls import reverse

    from acuface.aftercare.selectors import checkin_link_token

    path = reverse("aftercare:checkin-fill", kwargs={"token": checkin_link_token(checkin)})
    return settings.SITE_URL.rstrip("/") + path


def checkin_email(checkin: CheckIn) -> EmailMessage:
    """The check-in e-mail; its Message-ID is the dedupe key, so a resend is the same message."""
    session = checkin.follow_up.session
    clinic = session.client.clinic
    context = {
        "checkin": checkin,
        "client": session.client,
        "clinic": clinic,
        "link": checkin_link_url(checkin),
        "kind": checkin.follow_up.get_kind_display(),
    }
    domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip(" >") or "acuface.invalid"
    return EmailMessage(
        subject=f"How are you after your treatment? ({clinic.name})",
        body=render_to_string("aftercare/checkin_email.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[session.client.email],
        reply_to=[clinic.email] if clinic.email else None,
        headers={"Message-ID": f"<{checkin.dedupe_key}@{domain}>"},
    )


def followups_sweep(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Catch up: check-ins for every follow-up, couch events as adverse events, due sends."""
    now = now or timezone.now()
    counts: dict[str, int] = {"created": 0}
    for follow_up in FollowUp.objects.filter(checkin__isnull=True).select_related("session"):
        checkin_ensure(follow_up=follow_up)
        counts["created"] += 1
    for session in TreatmentSession.objects.filter(
        Q(events__adverse_event__isnull=True, events__kind__in=_mapped_event_kinds())
        | Q(missing_needle_incidents__isnull=False)
    ).distinct():
        adverse_events_from_session(session=session)
    due = CheckIn.objects.filter(send_state=SendState.PENDING, follow_up__due_at__lte=now).filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    )
    for checkin_id in due.values_list("pk", flat=True):
        outcome = checkin_send(checkin_id=checkin_id, now=now)
        counts[outcome] = counts.get(outcome, 0) + 1
    return counts


def checkin_send_again(*, actor: User, checkin: CheckIn, now: dt.datetime | None = None) -> CheckIn:
    """Staff decide an unconfirmed or failed check-in should be sent (again)."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = CheckIn.objects.select_for_update().get(pk=checkin.pk)
        if locked.send_state not in (SendState.SENDING, SendState.GAVE_UP):
            raise ValidationError("This check-in is not waiting for a decision.")
        before = locked.send_state
        locked.send_state = SendState.PENDING
        locked.attempts = 0
        locked.next_attempt_at = None
        locked.save(update_fields=["send_state", "attempts", "next_attempt_at"])
        audit_record(
            clinic=_clinic_of(checkin),
            action=AuditEvent.Action.UPDATED,
            obj=locked,
            actor=actor,
            client=checkin.follow_up.session.client,
            changes={"send_state": [before, SendState.PENDING]},
        )
        transaction.on_commit(lambda: _enqueue_send(locked.pk, at=now, now=now))
    return locked


# --- the client's answers -----------------------------------------------------------------------


def checkin_answer(
    *,
    checkin: CheckIn,
    answers: Mapping[str, Any],
    photo: File[bytes] | None = None,
    now: dt.datetime | None = None,
) -> CheckIn:
    """Record the client's answers (once); adverse events and escalations follow from them."""
    now = now or timezone.now()
    problems = rules.unanswered(answers, asks_makeup=True)
    if problems:  # never record a check-in with an answer nobody gave
        raise ValidationError(problems)
    with transaction.atomic():
        locked = (
            CheckIn.objects.select_for_update(of=("self",))
            .select_related(
                "follow_up__session__client__clinic", "follow_up__session__practitioner"
            )
            .get(pk=checkin.pk)
        )
        if locked.answered_at is not None:
            raise ValidationError("These answers have already been sent.", code="answered")
        locked.answers = dict(answers)
        locked.answered_at = now
        fields = ["answers", "answered_at"]
        if photo is not None:
            locked.photo = photo
            fields.append("photo")
        locked.save(update_fields=fields)
        session = locked.follow_up.session
        audit_record(
            clinic=session.client.clinic,
            action=AuditEvent.Action.SUBMITTED,
            obj=locked,
            actor_label=CLIENT_LINK,
            client=session.client,
            changes={"answers": [None, locked.answers]},
        )
        _answers_apply(
            session=session,
            answers=answers,
            follow_up_kind=locked.follow_up.kind,
            earlier_pain=_earlier_pain(session=session, checkin=locked),
            now=now,
            checkin=locked,
        )
    return locked


def problem_report_submit(
    *,
    session: TreatmentSession,
    answers: Mapping[str, Any],
    photo: File[bytes] | None = None,
    now: dt.datetime | None = None,
) -> ProblemReport:
    """Record a problem the client reports from the sheet's link; the same rules as a check-in."""
    now = now or timezone.now()
    problems = rules.unanswered(answers, asks_makeup=False)
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        # One answer at a time per session, so two reports sent together make one bruise event.
        locked = (
            TreatmentSession.objects.select_for_update(of=("self",))
            .select_related("client__clinic", "practitioner")
            .get(pk=session.pk)
        )
        out = locked.needles_out_at
        if out is None:
            raise ValidationError("A problem can be reported once the needles are out.")
        earlier_pain = _earlier_pain(session=locked)
        report = ProblemReport(session=locked, reported_at=now, answers=dict(answers))
        if photo is not None:
            report.photo = photo
        report.save()
        audit_record(
            clinic=locked.client.clinic,
            action=AuditEvent.Action.SUBMITTED,
            obj=report,
            actor_label=SHEET_LINK,
            client=locked.client,
            changes={"answers": [None, report.answers]},
        )
        _answers_apply(
            session=locked,
            answers=answers,
            # Judged as that time's check-in would be: pain at hour 3 is expected, on day 3 not.
            follow_up_kind=rules.stage_at(now - out, retention.FOLLOW_UPS),
            earlier_pain=earlier_pain,
            now=now,
            report=report,
        )
    return report


def _earlier_pain(
    *,
    session: TreatmentSession,
    checkin: CheckIn | None = None,
) -> int | None:
    """The pain the client gave in their latest other answer (a check-in or a report)."""
    checkins = CheckIn.objects.filter(follow_up__session=session, answered_at__isnull=False)
    if checkin is not None:
        checkins = checkins.exclude(pk=checkin.pk)
    reports = ProblemReport.objects.filter(session=session)
    latest: list[tuple[dt.datetime, Any]] = [
        (at, answers)
        for at, answers in (
            *checkins.order_by("-answered_at", "-id").values_list("answered_at", "answers")[:1],
            *reports.order_by("-reported_at", "-id").values_list("reported_at", "answers")[:1],
        )
        if at is not None
    ]
    if not latest:
        return None
    _at, answers = max(latest, key=lambda pair: pair[0])
    return rules.pain_of(answers) if isinstance(answers, dict) else None


def _answers_apply(
    *,
    session: TreatmentSession,
    answers: Mapping[str, Any],
    follow_up_kind: str,
    earlier_pain: int | None,
    now: dt.datetime,
    checkin: CheckIn | None = None,
    report: ProblemReport | None = None,
) -> None:
    """Adverse events and escalations from a check-in's or a report's answers."""
    findings = rules.findings_from_answers(
        answers, follow_up_kind=follow_up_kind, earlier_pain=earlier_pain
    )
    for finding in findings:
        _event_from_finding(
            session=session, finding=finding, now=now, checkin=checkin, report=report
        )
    absent = rules.kinds_said_absent(answers) - {f.kind for f in findings}
    source = CLIENT_LINK if checkin is not None else SHEET_LINK
    _events_resolve_said_absent(session=session, absent=absent, now=now, actor_label=source)


def _event_from_finding(
    *,
    session: TreatmentSession,
    finding: rules.Finding,
    now: dt.datetime,
    checkin: CheckIn | None = None,
    report: ProblemReport | None = None,
) -> AdverseEvent:
    source = CLIENT_LINK if checkin is not None else SHEET_LINK
    open_events = AdverseEvent.objects.filter(
        session=session, kind=finding.kind, resolved_at__isnull=True
    )
    if checkin is not None:
        open_events = open_events.exclude(checkin=checkin)
    earlier = open_events.order_by("onset_at", "id").first()
    if earlier is not None:  # the same bruise, still there: one event, now maybe off course
        changes: dict[str, list[Any]] = {}
        if finding.off_course and not earlier.off_course_reason:
            changes["off_course_reason"] = [earlier.off_course_reason, finding.off_course]
            earlier.off_course_reason = finding.off_course
        if rules.GRADES.index(finding.grade) > rules.GRADES.index(earlier.grade):
            changes["grade"] = [earlier.grade, finding.grade]
            earlier.grade = finding.grade
        if changes:
            earlier.save(update_fields=list(changes))
            audit_record(
                clinic=session.client.clinic,
                action=AuditEvent.Action.UPDATED,
                obj=earlier,
                actor_label=source,
                client=session.client,
                changes=changes,
            )
        if earlier.off_course_reason:
            _escalation_raise(event=earlier, reason=earlier.off_course_reason)
        return earlier
    return _adverse_event_create(
        session=session,
        kind=finding.kind,
        grade=finding.grade,
        onset_at=session.needles_out_at or now,
        off_course_reason=finding.off_course,
        locations=[list(loc) for loc in finding.locations],
        detail=finding.detail,
        checkin=checkin,
        report=report,
        actor_label=source,
    )


def _events_resolve_said_absent(
    *, session: TreatmentSession, absent: set[str], now: dt.datetime, actor_label: str
) -> None:
    """Open events of the types the client said they no longer have are over."""
    for event in AdverseEvent.objects.filter(
        session=session, resolved_at__isnull=True, kind__in=sorted(absent & set(ASKED_KINDS))
    ):
        resolved_at = max(now, event.onset_at)
        event.resolved_at = resolved_at
        event.save(update_fields=["resolved_at"])
        audit_record(
            clinic=session.client.clinic,
            action=AuditEvent.Action.UPDATED,
            obj=event,
            actor_label=actor_label,
            client=session.client,
            changes={"resolved_at": [None, resolved_at.isoformat()]},
        )


# --- adverse events and escalations -------------------------------------------------------------


def _adverse_event_create(
    *,
    session: TreatmentSession,
    kind: str,
    grade: str,
    onset_at: dt.datetime,
    off_course_reason: str = "",
    locations: list[list[str]] | None = None,
    detail: str = "",
    note: str = "",
    checkin: CheckIn | None = None,
    report: ProblemReport | None = None,
    session_event: SessionEvent | None = None,
    actor: User | None = None,
    actor_label: str = "",
) -> AdverseEvent:
    event = AdverseEvent(
        session=session,
        kind=kind,
        grade=grade,
        onset_at=onset_at,
        expected_course=rules.expected_course(kind),
        off_course_reason=off_course_reason[:300],
        locations=locations or [],
        detail=detail[:300],
        note=note,
        checkin=checkin,
        report=report,
        session_event=session_event,
        recorded_by=actor,
    )
    event.full_clean(exclude=["checkin", "report", "session_event", "session", "recorded_by"])
    event.save()
    audit_record(
        clinic=session.client.clinic,
        action=AuditEvent.Action.CREATED,
        obj=event,
        actor=actor,
        actor_label=actor_label,
        client=session.client,
        changes={
            "kind": [None, kind],
            "grade": [None, grade],
            "off_course": [None, off_course_reason],
        },
    )
    if off_course_reason:
        _escalation_raise(event=event, reason=off_course_reason)
    return event


def adverse_event_record(
    *,
    actor: User,
    session: TreatmentSession,
    kind: str,
    grade: str,
    onset_at: dt.datetime,
    note: str = "",
) -> AdverseEvent:
    """Staff record an adverse event of a session (e.g. aggravation reported by phone)."""
    if kind not in dict(rules.kind_choices()):
        raise ValidationError({"kind": "Choose a type from the list."})
    if grade not in rules.GRADES:
        raise ValidationError({"grade": "Choose mild, moderate or severe."})
    reason = rules.off_course_reason(kind=kind, grade=grade, follow_up_kind="")
    with transaction.atomic():
        return _adverse_event_create(
            session=session,
            kind=kind,
            grade=grade,
            onset_at=onset_at,
            off_course_reason=reason,
            note=note,
            actor=actor,
        )


def adverse_event_resolve(
    *, actor: User, event: AdverseEvent, resolved_at: dt.datetime | None = None
) -> AdverseEvent:
    """Mark an adverse event as over."""
    resolved_at = resolved_at or timezone.now()
    if resolved_at < event.onset_at:
        raise ValidationError({"resolved_at": "An event cannot be over before it began."})
    with transaction.atomic():
        locked = AdverseEvent.objects.select_for_update().get(pk=event.pk)
        if locked.resolved_at is not None:
            return locked
        locked.resolved_at = resolved_at
        locked.save(update_fields=["resolved_at"])
        audit_record(
            clinic=actor.clinic or event.session.client.clinic,
            action=AuditEvent.Action.UPDATED,
            obj=locked,
            actor=actor,
            client=event.session.client,
            changes={"resolved_at": [None, resolved_at.isoformat()]},
        )
    return locked


def _mapped_event_kinds() -> list[str]:
    return list(rules.catalogue()["session_event_kinds"])


def adverse_events_from_session(*, session: TreatmentSession) -> list[AdverseEvent]:
    """Adverse events for the session's couch events and missing needles (once each)."""
    made = []
    with transaction.atomic():
        for couch in SessionEvent.objects.filter(
            session=session, adverse_event__isnull=True, kind__in=_mapped_event_kinds()
        ).select_related("point"):
            kind = rules.adverse_kind_for_session_event(couch.kind)
            if kind is None:
                continue
            made.append(
                _adverse_event_create(
                    session=session,
                    kind=kind,
                    grade=rules.MILD,
                    onset_at=couch.at,
                    off_course_reason=rules.off_course_reason(
                        kind=kind, grade=rules.MILD, follow_up_kind=""
                    ),
                    locations=[[couch.point.code, couch.side]] if couch.point else [],
                    note=couch.note,
                    session_event=couch,
                    actor_label="system (session event)",
                )
            )
        for incident in MissingNeedleIncident.objects.filter(session=session):
            tag = f"missing-needle-incident-{incident.pk}"
            if AdverseEvent.objects.filter(
                session=session, kind="forgotten_needle", detail=tag
            ).exists():
                continue
            made.append(
                _adverse_event_create(
                    session=session,
                    kind="forgotten_needle",
                    grade=rules.MODERATE,
                    onset_at=incident.filed_at,
                    off_course_reason=rules.off_course_reason(
                        kind="forgotten_needle", grade=rules.MODERATE, follow_up_kind=""
                    ),
                    detail=tag,
                    note=f"{incident.needles_missing} needle(s) missing. {incident.outcome}"[:2000],
                    actor_label="system (missing-needle incident)",
                )
            )
    return made


def _escalation_raise(*, event: AdverseEvent, reason: str) -> Escalation:
    existing = Escalation.objects.filter(adverse_event=event).first()
    if existing is not None:
        return existing
    session = event.session
    escalation = Escalation.objects.create(
        adverse_event=event, reason=reason[:300], practitioner=session.practitioner
    )
    audit_record(
        clinic=session.client.clinic,
        action=AuditEvent.Action.CREATED,
        obj=escalation,
        actor_label="system (escalation)",
        client=session.client,
        changes={"reason": [None, escalation.reason]},
    )
    transaction.on_commit(lambda: _enqueue_notify(escalation.pk))
    return escalation


def _enqueue_notify(escalation_id: int) -> None:
    from acuface.aftercare import tasks

    tasks.escalation_notify_task.enqueue(escalation_id=escalation_id)


def escalation_notify(*, escalation_id: int, now: dt.datetime | None = None) -> str:
    """E-mail the session's practitioner (or the owners) about an escalation, at most once."""
    now = now or timezone.now()
    with transaction.atomic():
        escalation = (
            Escalation.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("adverse_event__session__client__clinic", "practitioner")
            .filter(pk=escalation_id, notify_state=SendState.PENDING)
            .first()
        )
        if escalation is None:
            return "skipped"
        claimed = Escalation.objects.filter(
            pk=escalation.pk, notify_state=SendState.PENDING
        ).update(notify_state=SendState.SENDING)
        if claimed != 1:
            return "skipped"
    session = escalation.adverse_event.session
    clinic = session.client.clinic
    to = [escalation.practitioner.email] if escalation.practitioner else []
    if not to:
        to = list(clinic.staff.filter(role="owner", is_active=True).values_list("email", flat=True))
    from django.urls import reverse

    message = EmailMessage(
        subject=f"Aftercare escalation: {escalation.adverse_event.get_kind_display()}",
        body=render_to_string(
            "aftercare/escalation_email.txt",
            {
                "escalation": escalation,
                "event": escalation.adverse_event,
                "session": session,
                "url": settings.SITE_URL.rstrip("/") + reverse("aftercare:dashboard"),
            },
        ),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=to,
    )
    try:
        message.send()
    except Exception as error:  # shown on the dashboard; the escalation itself is already there
        Escalation.objects.filter(pk=escalation.pk).update(
            notify_state=SendState.GAVE_UP, notify_error=f"{type(error).__name__}: {error}"[:500]
        )
        return "failed"
    Escalation.objects.filter(pk=escalation.pk).update(notify_state=SendState.SENT, notified_at=now)
    return "sent"


def escalation_acknowledge(
    *, actor: User, escalation: Escalation, note: str, now: dt.datetime | None = None
) -> Escalation:
    """The practitioner has seen the escalation and says what was done (the note is required)."""
    note = (note or "").strip()
    if not note:
        raise ValidationError(
            {"note": "Say what was done (for example: phoned the client, advised a GP visit)."}
        )
    if len(note) > 2000:
        raise ValidationError({"note": "Please keep the note under 2,000 characters."})
    with transaction.atomic():
        locked = Escalation.objects.select_for_update().get(pk=escalation.pk)
        if locked.acknowledged_at is not None:
            raise ValidationError({"note": "Someone has already acknowledged this escalation."})
        locked.acknowledged_at = now or timezone.now()
        locked.acknowledged_by = actor
        locked.acknowledgement_note = note
        locked.save(update_fields=["acknowledged_at", "acknowledged_by", "acknowledgement_note"])
        session = escalation.adverse_event.session
        audit_record(
            clinic=session.client.clinic,
            action=AuditEvent.Action.ACKNOWLEDGED,
            obj=locked,
            actor=actor,
            client=session.client,
            changes={"acknowledgement_note": [None, note]},
        )
    return locked


def checkin_call_record(
    *, actor: User, checkin: CheckIn, note: str, now: dt.datetime | None = None
) -> CheckIn:
    """Staff phoned the client about a check-in: it leaves the call list."""
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": "Say how the call went (for example: fine, no bruising)."})
    if len(note) > 2000:
        raise ValidationError({"note": "Please keep the note under 2,000 characters."})
    with transaction.atomic():
        locked = CheckIn.objects.select_for_update().get(pk=checkin.pk)
        if locked.called_at is not None:
            return locked
        locked.called_at = now or timezone.now()
        locked.called_by = actor
        locked.call_note = note
        locked.save(update_fields=["called_at", "called_by", "call_note"])
        audit_record(
            clinic=_clinic_of(checkin),
            action=AuditEvent.Action.UPDATED,
            obj=locked,
            actor=actor,
            client=checkin.follow_up.session.client,
            changes={"call_note": [None, note]},
        )
    return locked


def safety_report_export_record(*, actor: User, start: dt.date, end: dt.date) -> None:
    """Audit that the owner exported the safety report (aggregates, no client names)."""
    if actor.clinic is None:
        raise ValidationError("Only clinic staff export reports.")
    audit_record(
        clinic=actor.clinic,
        action=AuditEvent.Action.EXPORTED,
        obj=actor.clinic,
        actor=actor,
        changes={"safety_report": [None, f"{start}..{end}"]},
    )

"""Client check-ins after a session, adverse events, and their escalations."""

from __future__ import annotations

import secrets

from django.db import models
from django.db.models import Q
from django.utils import timezone

from acuface.aftercare import rules
from acuface.core.models import User
from acuface.treatments.models import FollowUp, SessionEvent, TreatmentSession


def _nonce() -> str:
    return secrets.token_urlsafe(16)


class SendState(models.TextChoices):
    PENDING = "pending", "waiting to be sent"
    SENDING = "sending", "being sent"
    SENT = "sent", "sent"
    GAVE_UP = "gave_up", "could not be sent"
    PHONE = "phone", "phone the client (no e-mail consent)"


class CheckIn(models.Model):
    """The sending and the client's answers of one follow-up (FollowUp belongs to treatments)."""

    CLINIC_PATH = "follow_up__session__client__clinic"

    follow_up = models.OneToOneField(FollowUp, on_delete=models.CASCADE, related_name="checkin")
    # One per follow-up and kind; also the e-mail's Message-ID, so a resend is the same message.
    dedupe_key = models.CharField(max_length=80, unique=True)
    link_nonce = models.CharField(max_length=40, default=_nonce)
    link_expires_at = models.DateTimeField()

    send_state = models.CharField(
        max_length=10, choices=SendState.choices, default=SendState.PENDING
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    answered_at = models.DateTimeField(null=True, blank=True)
    answers = models.JSONField(default=dict, blank=True)
    photo = models.ImageField(upload_to="aftercare/checkins/%Y/%m/", blank=True)

    called_at = models.DateTimeField(null=True, blank=True)
    called_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    call_note = models.TextField(max_length=2000, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("follow_up__due_at", "id")
        indexes = [
            models.Index(fields=["send_state", "next_attempt_at"], name="checkin_send_queue"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(attempts__lte=rules.MAX_SEND_ATTEMPTS), name="checkin_attempts_capped"
            ),
            models.CheckConstraint(
                condition=~Q(send_state=SendState.SENT) | Q(sent_at__isnull=False),
                name="checkin_sent_has_sent_at",
            ),
        ]

    def __str__(self) -> str:
        return f"Check-in {self.follow_up.get_kind_display()} (session {self.follow_up.session_id})"

    @property
    def is_answered(self) -> bool:
        return self.answered_at is not None


class ProblemReport(models.Model):
    """A problem the client reports from the aftercare sheet's link, at any time after issue.

    It asks what a check-in asks (not the makeup question) and goes through the same rules;
    the scheduled check-ins still come at their times.
    """

    CLINIC_PATH = "session__client__clinic"

    session = models.ForeignKey(
        TreatmentSession, on_delete=models.PROTECT, related_name="problem_reports"
    )
    reported_at = models.DateTimeField(default=timezone.now)
    answers = models.JSONField(default=dict)
    photo = models.ImageField(upload_to="aftercare/reports/%Y/%m/", blank=True)

    class Meta:
        ordering = ("-reported_at", "-id")
        indexes = [models.Index(fields=["session", "reported_at"], name="problem_report_session")]

    def __str__(self) -> str:
        return f"Problem reported by the client (session {self.session_id})"


class Grade(models.TextChoices):
    MILD = rules.MILD, "mild (advice only)"
    MODERATE = rules.MODERATE, "moderate (needs care beyond advice)"
    SEVERE = rules.SEVERE, "severe (needs medical treatment)"


class AdverseEvent(models.Model):
    """A side effect of one session, from a check-in, a couch event or staff."""

    CLINIC_PATH = "session__client__clinic"

    session = models.ForeignKey(
        TreatmentSession, on_delete=models.PROTECT, related_name="adverse_events"
    )
    checkin = models.ForeignKey(
        CheckIn, null=True, blank=True, on_delete=models.SET_NULL, related_name="adverse_events"
    )
    report = models.ForeignKey(
        ProblemReport,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="adverse_events",
    )
    session_event = models.OneToOneField(
        SessionEvent, null=True, blank=True, on_delete=models.SET_NULL, related_name="adverse_event"
    )
    kind = models.CharField(max_length=20, choices=rules.kind_choices())
    grade = models.CharField(max_length=10, choices=Grade.choices, default=Grade.MILD)
    onset_at = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)
    expected_course = models.CharField(max_length=300, blank=True)
    off_course_reason = models.CharField(max_length=300, blank=True)
    # [[point code, side], ...]: where a bruise is, or the point of a couch event.
    locations = models.JSONField(default=list, blank=True)
    detail = models.CharField(max_length=300, blank=True)
    note = models.TextField(max_length=2000, blank=True)
    recorded_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("-onset_at", "-id")
        indexes = [models.Index(fields=["kind", "onset_at"], name="adverse_event_kind_onset")]
        constraints = [
            models.UniqueConstraint(
                fields=["checkin", "kind"],
                condition=Q(checkin__isnull=False),
                name="adverse_event_once_per_checkin_kind",
            ),
            models.CheckConstraint(
                condition=Q(resolved_at__isnull=True) | Q(resolved_at__gte=models.F("onset_at")),
                name="adverse_event_resolved_after_onset",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.grade}), session {self.session_id}"

    @property
    def is_off_course(self) -> bool:
        return bool(self.off_course_reason)


class Escalation(models.Model):
    """An event off its expected course: on the practitioner's dashboard until acknowledged."""

    CLINIC_PATH = "adverse_event__session__client__clinic"

    adverse_event = models.OneToOneField(
        AdverseEvent, on_delete=models.CASCADE, related_name="escalation"
    )
    reason = models.CharField(max_length=300)
    practitioner = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    raised_at = models.DateTimeField(default=timezone.now)
    notify_state = models.CharField(
        max_length=10, choices=SendState.choices, default=SendState.PENDING
    )
    notified_at = models.DateTimeField(null=True, blank=True)
    notify_error = models.CharField(max_length=500, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    acknowledgement_note = models.TextField(max_length=2000, blank=True)

    class Meta:
        ordering = ("-raised_at", "-id")
        constraints = [
            models.CheckConstraint(
                condition=Q(acknowledged_at__isnull=True) | ~Q(acknowledgement_note=""),
                name="escalation_acknowledged_with_note",
            ),
        ]

    def __str__(self) -> str:
        return f"Escalation: {self.reason}"

    @property
    def is_open(self) -> bool:
        return self.acknowledged_at is None


class SweepSchedule(models.Model):
    """One row: when the next follow-up sweep is queued (keeps one self-renewing chain)."""

    name = models.CharField(max_length=40, unique=True)
    next_run_at = models.DateTimeField(null=True, blank=True)
    last_run_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name}: next {self.next_run_at}"

"""Treatment courses, their bookings, the clinic's opening hours, and client-reported outcomes."""

from __future__ import annotations

import uuid

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from acuface.atlas.models import TreatmentPlan
from acuface.clients.models import Client
from acuface.core.models import Clinic, User
from acuface.courses import rules
from acuface.treatments.models import TreatmentSession


class OpeningHours(models.Model):
    """One opening of the clinic on a weekday (0 = Monday), in clinic-local time."""

    CLINIC_PATH = "clinic"

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="opening_hours")
    weekday = models.PositiveSmallIntegerField(validators=[MaxValueValidator(6)])
    opens = models.TimeField()
    closes = models.TimeField()

    class Meta:
        ordering = ("weekday", "opens")
        constraints = [
            models.CheckConstraint(
                condition=Q(closes__gt=F("opens")), name="hours_close_after_open"
            ),
            models.CheckConstraint(condition=Q(weekday__lte=6), name="hours_weekday_0_6"),
            models.UniqueConstraint(fields=["clinic", "weekday", "opens"], name="hours_unique"),
        ]

    def __str__(self) -> str:
        return f"{rules.WEEKDAYS[self.weekday]} {self.opens:%H:%M} to {self.closes:%H:%M}"


class CourseStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    FINISHED = "finished", "Finished"
    STOPPED = "stopped", "Stopped"


class Course(models.Model):
    """A plan of sessions at a cadence (default 10, twice a week), then monthly maintenance."""

    CLINIC_PATH = "client__clinic"

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="courses")
    plan = models.ForeignKey(
        TreatmentPlan, null=True, blank=True, on_delete=models.SET_NULL, related_name="courses"
    )
    practitioner = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="courses"
    )
    sessions_planned = models.PositiveSmallIntegerField(
        default=rules.DEFAULT_SESSIONS, validators=[MinValueValidator(1), MaxValueValidator(30)]
    )
    per_week = models.PositiveSmallIntegerField(
        default=rules.DEFAULT_PER_WEEK, validators=[MinValueValidator(1), MaxValueValidator(3)]
    )
    maintenance_every_weeks = models.PositiveSmallIntegerField(
        default=rules.DEFAULT_MAINTENANCE_WEEKS,
        validators=[MinValueValidator(1), MaxValueValidator(26)],
    )
    session_minutes = models.PositiveSmallIntegerField(
        default=rules.DEFAULT_SESSION_MINUTES,
        validators=[MinValueValidator(15), MaxValueValidator(180)],
    )
    prepaid_sessions = models.PositiveSmallIntegerField(
        default=0, validators=[MaxValueValidator(60)]
    )
    starts_on = models.DateField()
    status = models.CharField(
        max_length=10, choices=CourseStatus.choices, default=CourseStatus.ACTIVE
    )
    created_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("-starts_on", "-id")

    def __str__(self) -> str:
        return f"Course of {self.sessions_planned} sessions from {self.starts_on:%d %b %Y}"


class BookingStatus(models.TextChoices):
    BOOKED = "booked", "Booked"
    CANCELLED = "cancelled", "Cancelled"


class Booking(models.Model):
    """A practitioner's time reserved for one session of a client.

    No two live bookings of one practitioner may overlap: on PostgreSQL an exclusion constraint
    on tstzrange(starts_at, ends_at) (added by migration 0002); on every database the booking
    service locks the practitioner's row and checks, and the unique constraint below holds.
    """

    CLINIC_PATH = "clinic"

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="bookings")
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="bookings")
    course = models.ForeignKey(
        Course, null=True, blank=True, on_delete=models.CASCADE, related_name="bookings"
    )
    practitioner = models.ForeignKey(User, on_delete=models.PROTECT, related_name="bookings")
    # The treatments app's session for this booking, made through `session_schedule`.
    session = models.OneToOneField(
        TreatmentSession, null=True, blank=True, on_delete=models.SET_NULL, related_name="booking"
    )
    number = models.PositiveSmallIntegerField(null=True, blank=True)
    is_maintenance = models.BooleanField(default=False)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    status = models.CharField(
        max_length=10, choices=BookingStatus.choices, default=BookingStatus.BOOKED
    )
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("starts_at", "id")
        indexes = [
            models.Index(fields=["clinic", "starts_at"], name="booking_clinic_starts"),
            models.Index(fields=["practitioner", "starts_at"], name="booking_practitioner_starts"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="booking_ends_after_start"
            ),
            models.UniqueConstraint(
                fields=["practitioner", "starts_at"],
                condition=Q(status="booked"),
                name="booking_practitioner_start_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"Booking of {self.client} at {self.starts_at:%d %b %Y %H:%M}"

    @property
    def is_live(self) -> bool:
        return self.status == BookingStatus.BOOKED


class Complexion(models.TextChoices):
    BETTER = "better", "Better"
    SAME = "same", "About the same"
    WORSE = "worse", "Worse"


class OutcomeResponse(models.Model):
    """The client's own short form, asked at sessions 1, 6, 10 and at maintenance."""

    CLINIC_PATH = "course__client__clinic"

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="outcomes")
    milestone = models.CharField(max_length=12, choices=rules.milestone_choices())
    answered_on = models.DateField()
    satisfaction = models.PositiveSmallIntegerField(validators=[MaxValueValidator(10)])
    complexion = models.CharField(max_length=8, choices=Complexion.choices)
    jaw_tension = models.PositiveSmallIntegerField(validators=[MaxValueValidator(10)])
    looks_rested = models.BooleanField()
    would_recommend = models.BooleanField()
    comment = models.CharField(max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("answered_on", "id")
        constraints = [
            models.UniqueConstraint(
                fields=["course", "milestone"], name="outcome_once_per_milestone"
            ),
            models.CheckConstraint(
                condition=Q(satisfaction__lte=10), name="outcome_satisfaction_0_10"
            ),
            models.CheckConstraint(
                condition=Q(jaw_tension__lte=10), name="outcome_jaw_tension_0_10"
            ),
        ]

    def __str__(self) -> str:
        return f"Client-reported outcome ({self.get_milestone_display()})"

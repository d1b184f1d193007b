"""Questionnaire and rules versions, clients' intakes, the day's check and acknowledgements."""

from __future__ import annotations

import secrets

from django.db import models
from django.db.models import Q
from django.utils import timezone

from acuface.clients.models import Client
from acuface.core.models import Clinic, User


def new_link_nonce() -> str:
    return secrets.token_urlsafe(18)


class Questionnaire(models.Model):
    """One published version of the questions. A published version never changes.

    `clinic` is empty for Acuface's own versions (from `data/questionnaire_v*.json`); a clinic's
    own edited version takes precedence for that clinic.
    """

    clinic = models.ForeignKey(
        Clinic, null=True, blank=True, on_delete=models.PROTECT, related_name="questionnaires"
    )
    version = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    schema = models.JSONField()
    notes = models.TextField(blank=True, help_text="What changed from the version it is based on.")
    based_on = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(default=timezone.now)
    published_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ("clinic_id", "-version")
        constraints = [
            models.UniqueConstraint(
                fields=["clinic", "version"],
                condition=Q(clinic__isnull=False),
                name="questionnaire_clinic_version_unique",
            ),
            models.UniqueConstraint(
                fields=["version"],
                condition=Q(clinic__isnull=True),
                name="questionnaire_default_version_unique",
            ),
        ]

    def __str__(self) -> str:
        owner = self.clinic.name if self.clinic_id and self.clinic else "Acuface"
        return f"{self.title} ({owner} v{self.version})"


class RuleSet(models.Model):
    """One published version of the screening, risk and constitution rules."""

    clinic = models.ForeignKey(
        Clinic, null=True, blank=True, on_delete=models.PROTECT, related_name="screening_rules"
    )
    version = models.PositiveIntegerField()
    rules = models.JSONField()
    notes = models.TextField(blank=True, help_text="What changed from the version it is based on.")
    based_on = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(default=timezone.now)
    published_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ("clinic_id", "-version")
        constraints = [
            models.UniqueConstraint(
                fields=["clinic", "version"],
                condition=Q(clinic__isnull=False),
                name="ruleset_clinic_version_unique",
            ),
            models.UniqueConstraint(
                fields=["version"],
                condition=Q(clinic__isnull=True),
                name="ruleset_default_version_unique",
            ),
        ]

    def __str__(self) -> str:
        owner = self.clinic.name if self.clinic_id and self.clinic else "Acuface"
        return f"Screening rules ({owner} v{self.version})"


class Intake(models.Model):
    """One client's answers to one questionnaire version, filled in from a signed link."""

    CLINIC_PATH = "client__clinic"

    class Status(models.TextChoices):
        DRAFT = "draft", "being filled in"
        SUBMITTED = "submitted", "submitted"

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="intakes")
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    answers = models.JSONField(default=dict, blank=True)
    section_index = models.PositiveSmallIntegerField(default=0)
    link_nonce = models.CharField(max_length=40, unique=True, default=new_link_nonce)
    link_expires_at = models.DateTimeField()
    link_sent_at = models.DateTimeField(null=True, blank=True)
    link_sent_to = models.EmailField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_saved_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    valid_until = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at", "-id")
        indexes = [models.Index(fields=["client", "status", "-submitted_at"])]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(status="draft", submitted_at__isnull=True)
                    | Q(status="submitted", submitted_at__isnull=False, valid_until__isnull=False)
                ),
                name="intake_submitted_has_dates",
            )
        ]

    def __str__(self) -> str:
        return f"Intake {self.pk} of {self.client} ({self.get_status_display()})"

    @property
    def is_submitted(self) -> bool:
        return self.status == self.Status.SUBMITTED


class TodayCheck(models.Model):
    """The short check asked at every visit; its answers re-run screening for that day."""

    CLINIC_PATH = "client__clinic"

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="today_checks")
    intake = models.ForeignKey(
        Intake, null=True, blank=True, on_delete=models.PROTECT, related_name="today_checks"
    )
    on = models.DateField()
    answers = models.JSONField(default=dict)
    recorded_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("-on",)
        constraints = [
            models.UniqueConstraint(fields=["client", "on"], name="today_check_once_a_day")
        ]

    def __str__(self) -> str:
        return f"Today's check of {self.client} on {self.on}"


class FlagAcknowledgement(models.Model):
    """A practitioner has read a defer or caution flag (of an intake, or of a day's check)."""

    CLINIC_PATH = "intake__client__clinic"

    intake = models.ForeignKey(Intake, on_delete=models.PROTECT, related_name="acknowledgements")
    today_check = models.ForeignKey(
        TodayCheck,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="acknowledgements",
    )
    rule_id = models.CharField(max_length=80)
    level = models.CharField(max_length=10)
    message = models.TextField()
    note = models.TextField(blank=True, max_length=2000)
    acknowledged_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    acknowledged_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("acknowledged_at",)
        constraints = [
            models.UniqueConstraint(
                fields=["intake", "rule_id"],
                condition=Q(today_check__isnull=True),
                name="ack_once_per_intake_flag",
            ),
            models.UniqueConstraint(
                fields=["intake", "today_check", "rule_id"],
                condition=Q(today_check__isnull=False),
                name="ack_once_per_today_flag",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rule_id} acknowledged by {self.acknowledged_by}"

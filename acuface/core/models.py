"""Clinics, their staff, and the audit trail every clinical change writes."""

from __future__ import annotations

import re
import zoneinfo
from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"{value!r} is not a known time zone (for example Europe/London).")


# Digits, spaces and the usual separators on one line; a leading + for the country code.
_PHONE = re.compile(r"\+?[0-9 ().\-]+")
_PHONE_DIGITS = (6, 17)


def validate_phone(value: str) -> None:
    digits = sum(c.isascii() and c.isdigit() for c in value)
    if not _PHONE.fullmatch(value) or not _PHONE_DIGITS[0] <= digits <= _PHONE_DIGITS[1]:
        raise ValidationError(
            "Enter a phone number as clients dial it: digits, spaces, ( ) - and a leading +, "
            "for example +44 20 7946 0000."
        )


def validate_emergency_number(value: str) -> None:
    if not (value.isascii() and value.isdigit() and 2 <= len(value) <= 6):
        raise ValidationError(
            "Enter the number clients dial in an emergency where the clinic is: 2 to 6 digits, "
            "for example 999, 112 or 911."
        )


def validate_no_control_characters(value: str) -> None:
    if any((ord(c) < 32 and c not in "\n\r\t") or ord(c) == 127 for c in value):
        raise ValidationError("Remove the invisible control characters from this text.")


class Clinic(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=60, unique=True)
    time_zone = models.CharField(
        max_length=64, default="Europe/London", validators=[validate_time_zone]
    )
    # How clients reach the clinic: printed on the aftercare sheet, the check-in pages and the
    # e-mails. The sheet cannot be issued without the phone number.
    phone = models.CharField(max_length=40, blank=True, validators=[validate_phone])
    email = models.EmailField("contact e-mail", blank=True)
    address = models.TextField(
        max_length=400, blank=True, validators=[validate_no_control_characters]
    )
    # The number clients dial in an emergency where the clinic is (999, 112, 911, 000 ...).
    emergency_number = models.CharField(
        max_length=6, blank=True, validators=[validate_emergency_number]
    )
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.name

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)


class Role(models.TextChoices):
    OWNER = "owner", "Owner"
    PRACTITIONER = "practitioner", "Practitioner"
    FRONT_DESK = "front_desk", "Front desk"


class StaffManager(UserManager["User"]):
    """Users log in with their e-mail address; there is no separate user name."""

    use_in_migrations = True

    def _create_user_object(self, email: str, password: str | None, **extra: Any) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.password = ""
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        return user

    def create_user(  # type: ignore[override]
        self, email: str, password: str | None = None, **extra: Any
    ) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        user = self._create_user_object(email, password, **extra)
        user.save(using=self._db)
        return user

    def create_superuser(  # type: ignore[override]
        self, email: str, password: str | None = None, **extra: Any
    ) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractUser):
    """A member of a clinic's staff. Platform administrators have no clinic."""

    username = None  # type: ignore[assignment]
    email = models.EmailField("e-mail address", unique=True)
    clinic = models.ForeignKey(
        Clinic, null=True, blank=True, on_delete=models.PROTECT, related_name="staff"
    )
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.PRACTITIONER)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []
    objects: ClassVar[StaffManager] = StaffManager()

    class Meta:
        ordering = ("first_name", "last_name")

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    @property
    def is_owner(self) -> bool:
        return self.role == Role.OWNER

    @property
    def sees_clinical(self) -> bool:
        """Owners and practitioners see clinical content; front desk does not."""
        return self.role in (Role.OWNER, Role.PRACTITIONER)


class AuditEvent(models.Model):
    """One change to, or one staff view of, clinic data: who, what, when, old → new."""

    class Action(models.TextChoices):
        CREATED = "created", "created"
        UPDATED = "updated", "updated"
        ARCHIVED = "archived", "archived"
        RESTORED = "restored", "restored"
        VIEWED = "viewed", "viewed"
        SIGNED = "signed", "signed"
        WITHDRAWN = "withdrawn", "withdrawn"
        SENT = "sent", "sent"
        ACKNOWLEDGED = "acknowledged", "acknowledged"
        DEACTIVATED = "deactivated", "deactivated"
        INVITED = "invited", "invited"
        SUBMITTED = "submitted", "submitted"
        TRANSITIONED = "transitioned", "transitioned"
        ERASED = "erased", "erased"
        EXPORTED = "exported", "exported"

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="audit_events")
    actor = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="audit_events"
    )
    # Who acted when no staff user did, e.g. "client (intake link)" or "system".
    actor_label = models.CharField(max_length=120, blank=True)
    client = models.ForeignKey(
        "clients.Client",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="audit_events",
    )
    action = models.CharField(max_length=20, choices=Action.choices)
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=40)
    object_label = models.CharField(max_length=200, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("-at", "-id")
        indexes = [
            models.Index(fields=["clinic", "-at"], name="audit_clinic_at"),
            models.Index(fields=["clinic", "client", "-at"], name="audit_clinic_client_at"),
            models.Index(fields=["clinic", "actor", "-at"], name="audit_clinic_actor_at"),
        ]

    def __str__(self) -> str:
        who = self.actor_label or self.actor
        return f"{self.at:%Y-%m-%d %H:%M} {who} {self.action} {self.object_label}"

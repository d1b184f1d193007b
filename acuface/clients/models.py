"""Clients of a clinic, and the consents they gave."""

from __future__ import annotations

import datetime as dt

from django.core.validators import MinLengthValidator
from django.db import models
from django.utils import timezone

from acuface.clients.search import client_tokens
from acuface.core.models import Clinic, User

EARLIEST_BIRTH = dt.date(1900, 1, 1)


class Client(models.Model):
    CLINIC_PATH = "clinic"

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="clients")
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    date_of_birth = models.DateField()
    pronouns = models.CharField(max_length=40, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(max_length=254, blank=True)
    address = models.TextField(max_length=500, blank=True)
    emergency_contact_name = models.CharField(max_length=200, blank=True)
    emergency_contact_phone = models.CharField(max_length=40, blank=True)
    preferred_language = models.CharField(max_length=40, blank=True, default="English")
    # Practitioners' notes are clinical content: front desk neither sees nor edits them.
    notes = models.TextField(max_length=5000, blank=True)

    archived_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    # The hidden token of the form that created this client: a second submit finds it.
    created_from_form = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ("last_name", "first_name", "id")
        indexes = [
            models.Index(fields=["clinic", "last_name", "first_name"], name="client_clinic_name"),
            models.Index(fields=["clinic", "date_of_birth"], name="client_clinic_dob"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(date_of_birth__gte=EARLIEST_BIRTH), name="client_dob_after_1900"
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    def age_on(self, day: dt.date) -> int:
        born = self.date_of_birth
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))

    def search_tokens(self) -> set[str]:
        return client_tokens(
            first_name=self.first_name, last_name=self.last_name, email=self.email, phone=self.phone
        )


class ClientSearchToken(models.Model):
    """One word (or phone-number suffix) a client can be found by."""

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="+")
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="search_tokens_set")
    token = models.CharField(max_length=40)

    class Meta:
        indexes = [models.Index(fields=["clinic", "token"], name="client_token_clinic_token")]
        constraints = [
            models.UniqueConstraint(fields=["client", "token"], name="client_token_unique"),
        ]

    def __str__(self) -> str:
        return self.token


class ConsentKind(models.TextChoices):
    TREATMENT = "treatment", "Treatment"
    PHOTOS = "photos", "Photographs"
    DATA_PROCESSING = "data_processing", "Data processing"
    EMAIL_CONTACT = "email_contact", "Contact by e-mail"


class ConsentText(models.Model):
    """A published wording of a consent. A new version asks every client for new consent."""

    kind = models.CharField(max_length=20, choices=ConsentKind.choices)
    version = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    body = models.TextField()
    published_on = models.DateField()

    class Meta:
        ordering = ("kind", "-version")
        constraints = [
            models.UniqueConstraint(fields=["kind", "version"], name="consent_text_kind_version"),
        ]

    def __str__(self) -> str:
        return f"{self.title} (version {self.version})"


class Consent(models.Model):
    CLINIC_PATH = "client__clinic"

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="consents")
    text = models.ForeignKey(ConsentText, on_delete=models.PROTECT, related_name="consents")
    signed_at = models.DateTimeField()
    signature = models.CharField(
        max_length=200, validators=[MinLengthValidator(2)], help_text="The name the client typed."
    )
    recorded_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-signed_at",)
        constraints = [
            models.CheckConstraint(
                condition=models.Q(withdrawn_at__isnull=True)
                | models.Q(withdrawn_at__gte=models.F("signed_at")),
                name="consent_withdrawn_after_signed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.text.get_kind_display()} consent v{self.text.version}"

    @property
    def kind(self) -> str:
        return self.text.kind

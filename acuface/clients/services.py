"""Every write to clients and their consents."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from acuface.clients import selectors
from acuface.clients.models import Client, ClientSearchToken, Consent, ConsentText
from acuface.core.audit import audit_record, snapshot, update_fields_audited
from acuface.core.models import AuditEvent, Clinic, User

CLIENT_FIELDS = (
    "first_name",
    "last_name",
    "date_of_birth",
    "pronouns",
    "phone",
    "email",
    "address",
    "emergency_contact_name",
    "emergency_contact_phone",
    "preferred_language",
    "notes",
)

STALE_MESSAGE = (
    "Someone else saved this record while you were editing it. Your changes are kept below: "
    "check them against the current record and save again."
)


def client_create(
    *, actor: User, clinic: Clinic, form_token: uuid.UUID | None = None, **fields: Any
) -> tuple[Client, bool]:
    """Register a client. A repeated submit of the same form returns the first client."""
    existing = selectors.client_from_form(clinic=clinic, form_token=form_token)
    if existing is not None:
        return existing, False
    client = Client(clinic=clinic, created_from_form=form_token, **fields)
    client.full_clean()
    try:
        with transaction.atomic():
            client.save()
            client_search_index(client=client)
            audit_record(
                clinic=clinic,
                action=AuditEvent.Action.CREATED,
                obj=client,
                actor=actor,
                client=client,
                changes={k: [None, v] for k, v in snapshot(client, fields.keys()).items() if v},
            )
    except IntegrityError:
        # Two submits raced each other: the other one won, so show its client.
        existing = selectors.client_from_form(clinic=clinic, form_token=form_token)
        if existing is None:
            raise
        return existing, False
    return client, True


def client_update(*, actor: User, client: Client, version: int, **fields: Any) -> Client:
    """Save edits, refusing them if the record changed since the form was opened."""
    unknown = set(fields) - set(CLIENT_FIELDS)
    if unknown:
        raise ValueError(f"Not client fields: {sorted(unknown)}")
    with transaction.atomic():
        locked = Client.objects.select_for_update().get(pk=client.pk)
        if locked.version != version:
            raise ValidationError(STALE_MESSAGE, code="stale")

        def bump_version() -> list[str]:
            locked.version += 1
            locked.updated_at = timezone.now()
            return ["version", "updated_at"]

        changes = update_fields_audited(
            instance=locked,
            data=fields,
            actor=actor,
            clinic=locked.clinic,
            client=locked,
            on_change=bump_version,
        )
        if changes:
            client_search_index(client=locked)
    return locked


def client_search_index(*, client: Client) -> None:
    """Replace the client's search tokens with those of the saved record."""
    ClientSearchToken.objects.filter(client=client).delete()
    ClientSearchToken.objects.bulk_create(
        ClientSearchToken(clinic_id=client.clinic_id, client=client, token=token)
        for token in sorted(client.search_tokens())
    )


def client_set_archived(*, actor: User, client: Client, archived: bool) -> Client:
    """Archive a client (hidden from lists, kept in full) or restore one. Never a hard delete."""
    if client.is_archived == archived:
        return client
    with transaction.atomic():
        before = client.archived_at
        client.archived_at = timezone.now() if archived else None
        client.save(update_fields=["archived_at"])
        audit_record(
            clinic=client.clinic,
            action=AuditEvent.Action.ARCHIVED if archived else AuditEvent.Action.RESTORED,
            obj=client,
            actor=actor,
            client=client,
            changes={"archived_at": [_iso(before), _iso(client.archived_at)]},
        )
    return client


def client_record_viewed(*, actor: User, client: Client) -> None:
    """Log that a staff member opened a client's record."""
    audit_record(
        clinic=client.clinic,
        action=AuditEvent.Action.VIEWED,
        obj=client,
        actor=actor,
        client=client,
    )


def consent_sign(
    *,
    client: Client,
    text: ConsentText,
    signature: str,
    actor: User | None = None,
    actor_label: str = "",
    signed_at: dt.datetime | None = None,
) -> Consent:
    """Record a client's consent to one version of a consent text."""
    signature = " ".join(signature.split())
    if len(signature) < 2:
        raise ValidationError({"signature": "Type your full name to sign."})
    with transaction.atomic():
        consent = Consent(
            client=client,
            text=text,
            signature=signature,
            signed_at=signed_at or timezone.now(),
            recorded_by=actor,
        )
        consent.full_clean()
        consent.save()
        audit_record(
            clinic=client.clinic,
            action=AuditEvent.Action.SIGNED,
            obj=consent,
            actor=actor,
            actor_label=actor_label,
            client=client,
            changes={
                "text": [None, f"{text.kind} v{text.version}"],
                "signature": [None, signature],
            },
        )
    return consent


def consent_withdraw(*, actor: User | None, consent: Consent, actor_label: str = "") -> Consent:
    """Withdraw a consent from now on; the signed record stays."""
    if consent.withdrawn_at is not None:
        return consent
    with transaction.atomic():
        consent.withdrawn_at = timezone.now()
        consent.save(update_fields=["withdrawn_at"])
        audit_record(
            clinic=consent.client.clinic,
            action=AuditEvent.Action.WITHDRAWN,
            obj=consent,
            actor=actor,
            actor_label=actor_label,
            client=consent.client,
            changes={"withdrawn_at": [None, consent.withdrawn_at.isoformat()]},
        )
    return consent


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value else None

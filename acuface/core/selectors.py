"""Reads over clinics, staff and the audit log."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from acuface.core.models import AuditEvent, Clinic, User


def staff_list(*, clinic: Clinic) -> QuerySet[User]:
    return User.objects.filter(clinic=clinic).order_by("-is_active", "first_name", "last_name")


def audit_events(
    *,
    clinic: Clinic,
    client_id: int | None = None,
    actor_id: int | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> QuerySet[AuditEvent]:
    events = AuditEvent.objects.filter(clinic=clinic).select_related("actor", "client")
    if client_id is not None:
        events = events.filter(client_id=client_id)
    if actor_id is not None:
        events = events.filter(actor_id=actor_id)
    if since is not None:
        events = events.filter(at__date__gte=since)
    if until is not None:
        events = events.filter(at__date__lte=until)
    return events

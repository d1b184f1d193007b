"""Writing audit events. Services call these inside their own transaction."""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.db import models

from acuface.core.models import AuditEvent, Clinic, User

Changes = dict[str, list[Any]]


def _jsonable(value: Any) -> Any:
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return value


def snapshot(instance: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The current values of `fields`, ready to compare with a later snapshot."""
    return {name: _jsonable(getattr(instance, name)) for name in fields}


def changes_between(before: Mapping[str, Any], after: Mapping[str, Any]) -> Changes:
    """Fields whose value differs, as {field: [old, new]}."""
    return {
        name: [before.get(name), value]
        for name, value in after.items()
        if before.get(name) != value
    }


def audit_record(
    *,
    clinic: Clinic,
    action: str,
    obj: models.Model,
    actor: User | None = None,
    actor_label: str = "",
    client: models.Model | None = None,
    changes: Changes | None = None,
) -> AuditEvent:
    """Write one audit event for `obj`."""
    return AuditEvent.objects.create(
        clinic=clinic,
        actor=actor,
        actor_label=actor_label or (str(actor) if actor else "system"),
        client_id=client.pk if client is not None else None,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_label=str(obj)[:200],
        changes=changes or {},
    )


def update_fields_audited(
    *,
    instance: models.Model,
    data: Mapping[str, Any],
    actor: User | None,
    clinic: Clinic,
    client: models.Model | None = None,
    on_change: Callable[[], Iterable[str]] | None = None,
) -> Changes:
    """Set `data` on `instance`, save only what changed, and audit old → new.

    `on_change` runs only when something changed; it updates derived fields (a search
    text, a version counter) and returns their names so they are saved too.
    """
    before = snapshot(instance, data.keys())
    for name, value in data.items():
        setattr(instance, name, value)
    changes = changes_between(before, snapshot(instance, data.keys()))
    if changes:
        derived = list(on_change()) if on_change is not None else []
        instance.full_clean()
        instance.save(update_fields=[*changes.keys(), *derived])
        audit_record(
            clinic=clinic,
            action=AuditEvent.Action.UPDATED,
            obj=instance,
            actor=actor,
            client=client,
            changes=changes,
        )
    return changes

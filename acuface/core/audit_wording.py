"""Audit events in the clinic's words: what kind of record, which field, old → new, local times.

An event stores the model ("clients.client") and its changes as {field: [old, new]} with values
as JSON (ISO times, ids of the shared vocabulary, nested answers). The audit log shows them to
people: "Client", "Date of birth: — → 12 Mar 1984", "Archived at: — → 1 Dec 2026, 23:47".
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Iterable, Mapping
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models

from acuface.core.models import AuditEvent

EMPTY = "—"
IDENTIFIER = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)+$")  # crows_feet, client_record
ISO_MOMENT = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d")
ISO_DAY = re.compile(r"^\d{4}-\d\d-\d\d$")


@dataclasses.dataclass(frozen=True)
class ChangeLine:
    field: str
    old: str
    new: str


@dataclasses.dataclass(frozen=True)
class AuditRow:
    event: AuditEvent
    kind: str  # "Treatment session"
    changes: tuple[ChangeLine, ...]


def _model(object_type: str) -> type[models.Model] | None:
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def _words(key: str) -> str:
    text = key.replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def object_kind(object_type: str) -> str:
    """ "treatments.treatmentsession" → "Treatment session"."""
    model = _model(object_type)
    if model is None:
        return _words(object_type.rsplit(".", 1)[-1])
    return _words(str(model._meta.verbose_name))


def _field(model: type[models.Model] | None, name: str) -> models.Field[Any, Any] | None:
    if model is None:
        return None
    try:
        found = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    return found if isinstance(found, models.Field) else None


def value_text(value: Any, *, zone: dt.tzinfo, choices: Mapping[Any, str] | None = None) -> str:
    """One stored value as a person reads it."""
    if choices and not isinstance(value, list | dict) and value in choices:
        return str(choices[value])
    if value is None or value == "" or value == [] or value == {}:
        return EMPTY
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return ", ".join(value_text(item, zone=zone, choices=choices) for item in value)
    if isinstance(value, dict):
        return "; ".join(
            f"{_words(str(key)).lower()}: {value_text(item, zone=zone)}"
            for key, item in value.items()
        )
    text = str(value)
    if ISO_MOMENT.match(text):
        try:
            moment = dt.datetime.fromisoformat(text)
        except ValueError:
            return text
        if moment.tzinfo is not None:
            moment = moment.astimezone(zone)
        return f"{moment.day} {moment:%b %Y, %H:%M}"
    if ISO_DAY.match(text):
        try:
            day = dt.date.fromisoformat(text)
        except ValueError:
            return text
        return f"{day.day} {day:%b %Y}"
    if IDENTIFIER.match(text):
        return text.replace("_", " ")
    return text


def change_lines(event: AuditEvent, *, zone: dt.tzinfo) -> tuple[ChangeLine, ...]:
    """ "Field: old → new" lines, with the field's label and its choices' labels."""
    model = _model(event.object_type)
    changes = event.changes if isinstance(event.changes, dict) else {"change": event.changes}
    lines: list[ChangeLine] = []
    for name, change in changes.items():
        field = _field(model, str(name))
        label = _words(str(field.verbose_name)) if field is not None else _words(str(name))
        choices = dict(field.flatchoices) if field is not None and field.choices else None
        if isinstance(change, list | tuple) and len(change) == 2:
            old, new = change
        else:
            old, new = None, change
        lines.append(
            ChangeLine(
                label,
                value_text(old, zone=zone, choices=choices),
                value_text(new, zone=zone, choices=choices),
            )
        )
    return tuple(lines)


def audit_rows(events: Iterable[AuditEvent], *, zone: dt.tzinfo) -> list[AuditRow]:
    """The audit log's rows, in the clinic's words and its time zone."""
    return [
        AuditRow(event, object_kind(event.object_type), change_lines(event, zone=zone))
        for event in events
    ]

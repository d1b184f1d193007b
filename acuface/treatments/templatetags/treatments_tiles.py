"""The dashboard tiles' data (the dashboard view belongs to core; the tiles read through here)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from acuface.core.models import User
from acuface.treatments import selectors
from acuface.treatments.retention import RetentionClock

register = template.Library()


@register.simple_tag(takes_context=True)
def treatments_dashboard(context: template.Context) -> dict[str, Any]:
    user = context.get("user")
    if not isinstance(user, User) or user.clinic is None or not user.sees_clinical:
        return {"today": [], "retention": [], "incidents": [], "low_lots": []}
    clinic = user.clinic
    now = timezone.now()
    return {
        "today": selectors.sessions_today(clinic=clinic, now=now),
        "retention": [
            {"session": s, "clock": RetentionClock(ends_at=s.retention_ends_at, now=now)}
            for s in selectors.sessions_in_retention(clinic=clinic)
            if s.retention_ends_at is not None
        ],
        "incidents": list(selectors.incidents_open(clinic=clinic)) if user.is_owner else [],
        "low_lots": selectors.low_stock_lots(clinic=clinic, on=selectors.clinic_today(clinic, now)),
    }


@register.simple_tag
def client_sessions(client: Any) -> selectors.ClientSessions:
    """The client record's sessions: today, past (newest first), upcoming."""
    return selectors.client_sessions(client=client)

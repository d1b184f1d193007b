from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from acuface.clients.models import Client
from acuface.intake import selectors

register = template.Library()


@register.simple_tag
def intake_panel(client: Client) -> dict[str, Any]:
    """What the client record's intake panel shows, for today in the clinic's time zone."""
    on = timezone.localtime(timezone.now(), client.clinic.zone).date()
    status = selectors.intake_status(client=client, on=on)
    result = selectors.screening_for_client(client=client, on=on) if status.intake else None
    return {"status": status, "result": result}


@register.simple_tag
def intake_counts(clinic: Any) -> dict[str, int]:
    return selectors.intake_counts(clinic=clinic) if clinic is not None else {}

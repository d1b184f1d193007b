"""Data for the aftercare tiles on the dashboard and the panel on the client page."""

from __future__ import annotations

from typing import Any

from django import template

from acuface.aftercare import selectors, tasks
from acuface.clients.models import Client
from acuface.core.models import User

register = template.Library()


@register.simple_tag(takes_context=True)
def aftercare_dashboard(context: template.Context) -> dict[str, Any]:
    user = context.get("user")
    if not isinstance(user, User) or user.clinic is None or not user.sees_clinical:
        return {}
    tasks.sweep_ensure_queued()  # a staff page is opened: make sure the sweep is alive
    return selectors.dashboard(clinic=user.clinic, user=user)


@register.simple_tag(takes_context=True)
def aftercare_for_client(context: template.Context, client: Client) -> dict[str, Any]:
    user = context.get("user")
    if not isinstance(user, User) or not user.sees_clinical or client.clinic_id != user.clinic_id:
        return {"follow_ups": [], "events": [], "sessions": []}
    return selectors.client_aftercare(client=client)


@register.filter
def answer_lines(checkin: Any) -> list[tuple[str, str]]:
    return selectors.answers_display(checkin) if checkin is not None else []


@register.simple_tag
def aftercare_sheet_qr(session: Any) -> str:
    """The aftercare sheet's check-in QR code (inline SVG), or "" before the needles are out."""
    if getattr(session, "needles_out_at", None) is None:
        return ""
    return selectors.session_checkin_qr_svg(session)


@register.simple_tag
def aftercare_sheet_link(session: Any) -> str:
    """The aftercare sheet's check-in link (printed under the QR code), or ""."""
    if getattr(session, "needles_out_at", None) is None:
        return ""
    return selectors.session_checkin_link(session)

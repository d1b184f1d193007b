"""Data for the courses parts of the dashboard and the client page."""

from __future__ import annotations

from typing import Any

from django import template

from acuface.clients.models import Client
from acuface.core.models import User
from acuface.courses import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def courses_today(context: template.Context) -> list[Any]:
    user = context.get("user")
    if not isinstance(user, User) or user.clinic is None:
        return []
    return selectors.bookings_today(clinic=user.clinic)


@register.simple_tag
def courses_of(client: Client) -> list[dict[str, Any]]:
    return [
        {"course": c, "progress": selectors.course_progress(course=c)}
        for c in selectors.courses_of_client(client=client)
    ]

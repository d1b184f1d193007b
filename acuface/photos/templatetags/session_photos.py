"""The skin assessment's photo box, drawn inside the session page."""

from __future__ import annotations

from typing import Any

from django import template

from acuface.clients.selectors import client_has_consent
from acuface.photos import selectors
from acuface.photos.forms import SessionPhotoForm

register = template.Library()


@register.inclusion_tag("photos/session_photo.html", takes_context=True)
def session_photo_box(context: template.Context, session: Any) -> dict[str, Any]:
    return {
        "csrf_token": context.get("csrf_token"),
        "session": session,
        "form": SessionPhotoForm(),
        "added": None,
        "photos": selectors.session_photos(session=session),
        "has_consent": client_has_consent(client=session.client, kind="photos"),
    }

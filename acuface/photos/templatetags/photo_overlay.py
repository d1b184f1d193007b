"""Photo overlays for any page (the session's skin assessment and needling steps).

    {% load photo_overlay %}
    {% photo_overlay_assets %}              in the head: the overlay's CSS and script
    {% photo_overlay photo %}               one photo with its points (drag to correct)
    {% photo_overlay photo editable=False %}
    {% client_photo_overlay client %}       the client's newest photo with points, or an upload form

Uploads and confirmations made from another page return to it.
"""

from __future__ import annotations

from typing import Any

from django import template

from acuface.clients.models import Client
from acuface.photos import selectors
from acuface.photos.models import Photo

register = template.Library()


def _page(context: template.Context) -> dict[str, Any]:
    request = context.get("request")
    return {
        "next": request.get_full_path() if request is not None else "",
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("photos/overlay.html", takes_context=True)
def photo_overlay(context: template.Context, photo: Photo, editable: bool = True) -> dict[str, Any]:
    return {**selectors.overlay_context(photo), **_page(context), "editable": editable}


@register.inclusion_tag("photos/overlay_assets.html")
def photo_overlay_assets() -> dict[str, Any]:
    return {}


@register.inclusion_tag("photos/client_overlay.html", takes_context=True)
def client_photo_overlay(context: template.Context, client: Client) -> dict[str, Any]:
    photo = selectors.latest_photo_with_points(client=client)
    extra = selectors.overlay_context(photo) if photo is not None else {}
    return {**extra, **_page(context), "client": client, "photo": photo, "editable": True}

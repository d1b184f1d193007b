from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

REFRESHED_AT = "_idle_refreshed_at"


class ClinicTimezoneMiddleware:
    """Show staff the clinic's local clock times."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        clinic = getattr(request.user, "clinic", None) if request.user.is_authenticated else None
        if clinic is not None:
            timezone.activate(clinic.zone)
        else:
            timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


def session_mark_fresh(sender: object, request: HttpRequest, **kwargs: object) -> None:
    """Signing in writes the session: the idle window starts there."""
    request.session[REFRESHED_AT] = time.time()


class IdleSessionMiddleware:
    """Slide a signed-in session's idle expiry forward, writing the session at most once a minute.

    Saving the session on every request (SESSION_SAVE_EVERY_REQUEST) costs a write per tap at
    the couch; refreshing it when the last write is older than SESSION_REFRESH_SECONDS keeps the
    idle window within that many seconds of exact.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = request.session
        if SESSION_KEY in session:
            now = time.time()
            last = session.get(REFRESHED_AT)
            if not isinstance(last, int | float) or now - last >= settings.SESSION_REFRESH_SECONDS:
                session[REFRESHED_AT] = now
        return self.get_response(request)

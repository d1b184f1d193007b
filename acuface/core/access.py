"""The one place views fetch objects for a user.

Every view is wrapped in `staff_view`, which states who may open it (any staff of the
clinic, clinical staff only, or the owner only). Objects are fetched with `get_for_user`,
which scopes the query to the user's clinic and answers 404 for anything outside it, so
a user of one clinic cannot tell whether an id exists in another.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse

from acuface.core.models import Clinic, Role, User

M = TypeVar("M", bound=models.Model)
View = Callable[..., HttpResponse]

# Ids beyond a 64-bit integer cannot exist; looking them up would overflow some databases.
_MAX_ID = 2**63 - 1


class Access(enum.Enum):
    STAFF = "staff"  # any active staff member of the clinic, front desk included
    CLINICAL = "clinical"  # owners and practitioners: intake, assessments, sessions, photos, notes
    OWNER = "owner"  # clinic management: staff, audit log, reports


def may_open(user: User, access: Access) -> bool:
    if not user.is_active or user.clinic_id is None:
        return False
    if access is Access.OWNER:
        return user.role == Role.OWNER
    if access is Access.CLINICAL:
        return user.sees_clinical
    return True


def staff_view(access: Access) -> Callable[[View], View]:
    """Decorate a view: anonymous → login page; not allowed → 404 (never a hint)."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            user = request.user
            assert isinstance(user, User)
            if not may_open(user, access):
                raise Http404("Not found.")
            return view(request, *args, **kwargs)

        wrapped.access = access  # type: ignore[attr-defined]
        return wrapped

    return decorator


def staff_user(request: HttpRequest) -> User:
    """The staff member behind a request that `staff_view` let through."""
    assert isinstance(request.user, User)
    return request.user


def clinic_of(user: User) -> Clinic:
    if user.clinic is None:
        raise Http404("Not found.")
    return user.clinic


def scope_to_clinic(queryset: models.QuerySet[M], clinic: Clinic) -> models.QuerySet[M]:
    """Restrict a queryset to one clinic, following the model's CLINIC_PATH."""
    path: str = getattr(queryset.model, "CLINIC_PATH", "clinic")
    return queryset.filter(**{path: clinic})


def get_for_user(
    user: User,
    queryset: models.QuerySet[M] | type[M],
    *,
    access: Access = Access.STAFF,
    **lookup: Any,
) -> M:
    """Fetch one object of the user's clinic, or raise 404."""
    if isinstance(queryset, type):
        queryset = queryset._default_manager.all()
    if not may_open(user, access):
        raise Http404("Not found.")
    for value in lookup.values():
        if isinstance(value, int) and not 0 < value <= _MAX_ID:
            raise Http404("Not found.")
    found = scope_to_clinic(queryset, clinic_of(user)).filter(**lookup).first()
    if found is None:
        raise Http404("Not found.")
    return found

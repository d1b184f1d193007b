from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from acuface.core.models import User


def staff(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    if isinstance(user, User) and user.is_authenticated and user.clinic_id:
        return {
            "clinic": user.clinic,
            "sees_clinical": user.sees_clinical,
            "is_owner": user.is_owner,
        }
    return {"clinic": None, "sees_clinical": False, "is_owner": False}

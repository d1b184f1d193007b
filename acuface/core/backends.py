"""How a request finds its signed-in staff member."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from acuface.core.models import User


class StaffBackend(ModelBackend):
    """Django's model backend, fetching the user's clinic in the same query.

    Every staff page needs the clinic (its time zone, its scope), so loading it with the user
    saves a query on each request.
    """

    def get_user(self, user_id: Any) -> User | None:
        try:
            user = User._default_manager.select_related("clinic").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None

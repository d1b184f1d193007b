"""An e-mail backend for the two-worker test: writes files, slowly, so workers overlap."""

from __future__ import annotations

import time
from collections.abc import Sequence

from django.core.mail import EmailMessage
from django.core.mail.backends import filebased


class SlowFileBackend(filebased.EmailBackend):
    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        time.sleep(0.05)
        return super().send_messages(email_messages)

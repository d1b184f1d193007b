"""Intakes in every state, made through the services so they look like real ones."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from acuface.clients.models import Client
from acuface.core.models import User
from acuface.intake import services
from acuface.intake.examples import healthy_answers
from acuface.intake.models import Intake


def draft_intake(*, actor: User, client: Client, answers: dict[str, Any] | None = None) -> Intake:
    intake = services.intake_start(actor=actor, client=client)
    if answers:
        intake.answers = answers
        intake.save(update_fields=["answers"])
    return intake


def submitted_intake(
    *,
    actor: User,
    client: Client,
    answers: dict[str, Any] | None = None,
    submitted_at: dt.datetime | None = None,
    **overrides: Any,
) -> Intake:
    """An intake submitted with `answers` (default: healthy) plus overrides."""
    intake = draft_intake(
        actor=actor, client=client, answers=answers or healthy_answers(**overrides)
    )
    intake = services.intake_submit(intake=intake)
    if submitted_at is not None:
        intake.submitted_at = submitted_at
        intake.valid_until = timezone.localtime(submitted_at).date() + dt.timedelta(days=90)
        intake.save(update_fields=["submitted_at", "valid_until"])
    return intake

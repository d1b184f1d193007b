"""Completed sessions (through the treatments services) and their check-ins, for the tests."""

from __future__ import annotations

from typing import Any

from acuface.aftercare import services
from acuface.aftercare.models import CheckIn
from acuface.clients.models import Client
from acuface.core.models import Clinic, User
from acuface.treatments import states
from acuface.treatments.models import TreatmentSession
from acuface.treatments.tests.factories import consent, needle_lot, ready_client, session_in
from tests.factories import ClientFactory


def completed_session(
    *,
    clinic: Clinic,
    actor: User,
    client: Client | None = None,
    email_consent: bool = True,
    points: list[tuple[str, str]] | None = None,
    state: str = states.COMPLETE,
    **client_fields: Any,
) -> TreatmentSession:
    """A session driven to "complete" (so its +24 h and +7 d follow-ups exist), or to `state`."""
    client = client or ClientFactory(clinic=clinic, **client_fields)
    ready_client(clinic=clinic, actor=actor, client=client)
    if email_consent:
        consent(client, "email_contact", actor)
    lot = needle_lot(clinic=clinic, lot_number=f"LOT-{client.pk}")
    return session_in(state, actor=actor, client=client, lot=lot, points=points)


def checkins_of(session: TreatmentSession) -> dict[str, CheckIn]:
    """The session's check-ins by follow-up kind ("24h", "7d"), made if missing."""
    made = [services.checkin_ensure(follow_up=f) for f in session.follow_ups.all()]
    return {c.follow_up.kind: c for c in made}


def answers(**overrides: Any) -> dict[str, Any]:
    """A check-in with nothing wrong, changed by `overrides`."""
    base: dict[str, Any] = {
        "pain": 0,
        "bruising": False,
        "bleeding": False,
        "rash": False,
        "nausea": False,
        "dizziness": False,
        "allergy_signs": [],
        "infection_signs": [],
        "makeup_waited": "yes",
        "comments": "",
    }
    base.update(overrides)
    return base


def post_data(**overrides: Any) -> dict[str, Any]:
    """The same as form data the phone would post."""
    data: dict[str, Any] = {
        "pain": "0",
        "bruising": "no",
        "bruise_points": "",
        "bruise_size": "",
        "bruise_colour": "",
        "bleeding": "no",
        "rash": "no",
        "nausea": "no",
        "dizziness": "no",
        "allergy_signs": ["none"],
        "infection_signs": ["none"],
        "makeup_waited": "yes",
        "comments": "",
    }
    data.update(overrides)
    return data

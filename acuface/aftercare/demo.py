"""Demo aftercare: answered check-ins, one open escalation, one client on the call list.

Idempotent: the demo sessions carry a marker note and are made once.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from acuface.aftercare import services
from acuface.aftercare.models import CheckIn, SendState
from acuface.clients.models import Client
from acuface.core.demo import DemoClinic
from acuface.treatments.demo import demo_sheet
from acuface.treatments.models import FollowUp, TreatmentSession

MARKER = "Demo session (aftercare demo)."
QUIET: dict[str, Any] = {
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


def _session(
    client: Client, practitioner: Any, days_ago: float, now: dt.datetime
) -> TreatmentSession:
    out = now - dt.timedelta(days=days_ago)
    session = TreatmentSession.objects.create(
        client=client,
        practitioner=practitioner,
        state="complete",
        scheduled_at=out - dt.timedelta(hours=1),
        checked_in_at=out - dt.timedelta(minutes=55),
        needling_started_at=out - dt.timedelta(minutes=40),
        needles_out_at=out,
        aftercare_issued_at=out + dt.timedelta(minutes=5),
        makeup_free_at=out + dt.timedelta(hours=4),
        completed_at=out + dt.timedelta(minutes=10),
        assessment_notes=MARKER,
    )
    demo_sheet(session)
    for kind, after in (("24h", dt.timedelta(days=1)), ("7d", dt.timedelta(days=7))):
        services.checkin_ensure(
            follow_up=FollowUp.objects.create(session=session, kind=kind, due_at=out + after)
        )
    return session


def _sent(session: TreatmentSession, kind: str) -> CheckIn:
    checkin = CheckIn.objects.get(follow_up__session=session, follow_up__kind=kind)
    CheckIn.objects.filter(pk=checkin.pk).update(
        send_state=SendState.SENT, sent_at=checkin.follow_up.due_at, attempts=1
    )
    checkin.refresh_from_db()
    return checkin


def load(demo: DemoClinic) -> None:
    if TreatmentSession.objects.filter(
        client__clinic=demo.clinic, assessment_notes=MARKER
    ).exists():
        return
    clients = list(Client.objects.filter(clinic=demo.clinic).order_by("id")[:4])
    if len(clients) < 4:
        return
    ana = demo.staff["practitioner"]
    now = timezone.now()

    fine = _session(clients[0], ana, 3, now)
    services.checkin_answer(
        checkin=_sent(fine, "24h"),
        answers={**QUIET, "pain": 1, "comments": "Felt relaxed."},
        now=now - dt.timedelta(days=2),
    )

    sore = _session(clients[1], ana, 1.5, now)
    services.checkin_answer(
        checkin=_sent(sore, "24h"),
        answers={**QUIET, "pain": 5, "comments": "Still sore by my left eye."},
        now=now - dt.timedelta(hours=10),
    )

    quiet = _session(clients[2], demo.staff["practitioner2"], 4, now)
    _sent(quiet, "24h")  # sent three days ago, never answered: on the call list

    bruised = _session(clients[3], ana, 9, now)
    services.checkin_answer(
        checkin=_sent(bruised, "24h"),
        answers={
            **QUIET,
            "bruising": True,
            "bruise_points": [["ST2", "right"]],
            "bruise_size": "small",
            "bruise_colour": "red",
        },
        now=now - dt.timedelta(days=8),
    )
    services.checkin_answer(
        checkin=_sent(bruised, "7d"), answers=QUIET, now=now - dt.timedelta(days=2)
    )

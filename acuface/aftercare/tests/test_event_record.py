"""Staff record an adverse event a client reports after the session (by phone, at a visit)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from acuface.aftercare.models import AdverseEvent, Escalation
from acuface.aftercare.tests.factories import completed_session
from acuface.core.models import AuditEvent, Clinic, User
from acuface.treatments import services as treatment_services
from acuface.treatments.models import TreatmentSession
from conftest import login

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)  # the session's day


@pytest.fixture
def session(clinic_a: Clinic, practitioner_a: User) -> TreatmentSession:
    with time_machine.travel(T0, tick=False):
        return completed_session(clinic=clinic_a, actor=practitioner_a)


def url(session: TreatmentSession) -> str:
    return reverse("aftercare:event-record", kwargs={"session_id": session.pk})


def local(moment: dt.datetime, clinic: Clinic) -> str:
    """How the datetime-local field sends a clinic clock time."""
    return timezone.localtime(moment, clinic.zone).strftime("%Y-%m-%dT%H:%M")


def test_a_reported_event_is_recorded_from_the_client_page(
    session: TreatmentSession, practitioner_a: User, clinic_a: Clinic
) -> None:
    http = login(practitioner_a)
    with time_machine.travel(T0 + dt.timedelta(days=2), tick=False):
        panel = http.get(reverse("clients:client-detail", kwargs={"client_id": session.client_id}))
        assert url(session) in panel.content.decode()
        assert http.get(url(session)).status_code == 200
        onset = T0 + dt.timedelta(days=1)
        done = http.post(
            url(session),
            {
                "kind": "bruising",
                "grade": "mild",
                "onset_at": local(onset, clinic_a),
                "note": "phoned",
            },
        )
    assert done.status_code == 302
    event = AdverseEvent.objects.get(session=session)
    assert (event.kind, event.grade, event.onset_at, event.note) == (
        "bruising",
        "mild",
        onset,
        "phoned",
    )
    assert event.recorded_by == practitioner_a and event.expected_course
    assert AuditEvent.objects.filter(action="created", object_id=str(event.pk)).exists()
    assert not Escalation.objects.exists()  # mild bruising is on course


def test_a_severe_event_raises_an_escalation(
    session: TreatmentSession, practitioner_a: User, clinic_a: Clinic
) -> None:
    http = login(practitioner_a)
    with time_machine.travel(T0 + dt.timedelta(hours=6), tick=False):
        onset = local(T0 + dt.timedelta(hours=5), clinic_a)
        http.post(url(session), {"kind": "rash", "grade": "severe", "onset_at": onset})
    assert AdverseEvent.objects.get(session=session).escalation.is_open


@pytest.mark.parametrize(
    ("data", "field", "words"),
    [
        ({"kind": "werewolf"}, "kind", "Select a valid choice"),
        ({"kind": ""}, "kind", "This field is required"),
        ({"grade": "apocalyptic"}, "grade", "Select a valid choice"),
        ({"onset_at": "2026-13-40T25:99"}, "onset_at", "Enter a valid date/time"),
        ({"onset_at": "'; DROP TABLE clients_client; --"}, "onset_at", "Enter a valid date/time"),
        ({"onset_at": "2026-03-01T09:00"}, "onset_at", "before the session began"),
        ({"onset_at": "2027-01-01T09:00"}, "onset_at", "in the future"),
        ({"note": "x" * 2001}, "note", "at most 2000 characters"),
    ],
)
def test_bad_input_is_refused_beside_its_field_and_kept(
    session: TreatmentSession, practitioner_a: User, data: dict[str, str], field: str, words: str
) -> None:
    typed = {
        "kind": "bruising",
        "grade": "mild",
        "onset_at": "2026-03-03T09:00",
        "note": "<b>x</b>",
    }
    typed.update(data)
    with time_machine.travel(T0 + dt.timedelta(days=2), tick=False):
        page = login(practitioner_a).post(url(session), typed)
    body = page.content.decode()
    assert page.status_code == 200
    assert f'id="id_{field}_error"' in body and words in body.replace("&#x27;", "'"), body[-3000:]
    assert "&lt;b&gt;x&lt;/b&gt;" in body or field == "note"  # what was typed stays, escaped
    assert not AdverseEvent.objects.exists()


def test_no_event_for_a_session_whose_needles_never_went_in(
    clinic_a: Clinic, practitioner_a: User, client_a
) -> None:
    scheduled = treatment_services.session_schedule(
        actor=practitioner_a, client=client_a, scheduled_at=timezone.now()
    )
    answer = login(practitioner_a).get(url(scheduled), follow=True)
    assert "whose needles went in" in answer.content.decode()
    assert answer.redirect_chain[0][0] == f"/clients/{client_a.pk}/"


def test_outsiders_and_the_front_desk_cannot_record(
    session: TreatmentSession, practitioner_b: User, front_desk_a: User
) -> None:
    data = {"kind": "bruising", "grade": "mild", "onset_at": "2026-03-03T09:00"}
    assert login(practitioner_b).post(url(session), data).status_code == 404
    assert login(front_desk_a).post(url(session), data).status_code == 404
    assert HttpClient().post(url(session), data).status_code == 302  # to the login page
    assert not AdverseEvent.objects.exists()

"""Adverse events from check-ins and couch events, escalation, e-mail, acknowledgement."""

from __future__ import annotations

import datetime as dt
from typing import Any
from unittest import mock

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client as HttpClient
from django.urls import reverse

from acuface.aftercare import selectors, services
from acuface.aftercare.models import AdverseEvent, CheckIn, Escalation, SendState
from acuface.aftercare.tests.factories import answers, checkins_of, completed_session
from acuface.atlas.models import Point
from acuface.core.models import AuditEvent, Clinic, User
from acuface.treatments.models import MissingNeedleIncident, SessionEvent, TreatmentSession

T0 = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def session(clinic_a: Clinic, practitioner_a: User) -> TreatmentSession:
    with time_machine.travel(T0, tick=False):
        return completed_session(clinic=clinic_a, actor=practitioner_a)


@pytest.fixture
def checkins(session: TreatmentSession) -> dict[str, CheckIn]:
    return checkins_of(session)


def answer(checkin: CheckIn, days: float, **overrides: Any) -> CheckIn:
    with time_machine.travel(T0 + dt.timedelta(days=days), tick=False):
        return services.checkin_answer(checkin=checkin, answers=answers(**overrides))


def test_pain_4_at_24_hours_escalates_and_emails_the_practitioner(
    checkins: dict[str, CheckIn], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        answer(checkins["24h"], 1, pain=4)
    escalation = Escalation.objects.get()
    assert escalation.adverse_event.kind == "pain" and "4/10 at 24 hours" in escalation.reason
    assert escalation.notify_state == SendState.SENT
    assert mail.outbox[0].to == ["practitioner@a.test"]
    assert "Pain" in mail.outbox[0].subject


def test_pain_3_at_24_hours_is_on_course(checkins: dict[str, CheckIn]) -> None:
    answer(checkins["24h"], 1, pain=3)
    event = AdverseEvent.objects.get()
    assert (event.kind, event.is_off_course) == ("pain", False)
    assert not Escalation.objects.exists()


def test_a_bruise_still_there_at_7_days_escalates_the_same_event(
    checkins: dict[str, CheckIn],
) -> None:
    answer(checkins["24h"], 1, bruising=True, bruise_points=[["ST2", "right"]])
    assert not Escalation.objects.exists()
    answer(checkins["7d"], 7, bruising=True, bruise_points=[["ST2", "right"]])
    event = AdverseEvent.objects.get()  # one bruise, not two
    assert "7 days" in event.escalation.reason and event.resolved_at is None


def test_a_bruise_gone_at_7_days_is_resolved(checkins: dict[str, CheckIn]) -> None:
    answer(checkins["24h"], 1, bruising=True)
    answer(checkins["7d"], 7)
    event = AdverseEvent.objects.get()
    assert event.resolved_at == T0 + dt.timedelta(days=7)
    assert not Escalation.objects.exists()


def test_acknowledging_needs_a_note_and_is_audited(
    checkins: dict[str, CheckIn], practitioner_a: User, as_practitioner_a: HttpClient
) -> None:
    answer(checkins["24h"], 1, infection_signs=["pus"])
    escalation = Escalation.objects.get()
    page_url = reverse("aftercare:escalation-detail", kwargs={"escalation_id": escalation.pk})
    page = as_practitioner_a.get(page_url)
    assert page.status_code == 200 and "Pus" in page.content.decode()
    empty = as_practitioner_a.post(page_url, {"note": "   "})
    assert empty.status_code == 200 and 'id="id_note_error"' in empty.content.decode()
    assert Escalation.objects.get().is_open
    done = as_practitioner_a.post(page_url, {"note": "Phoned; GP today."})
    assert done.status_code == 302
    escalation.refresh_from_db()
    assert (
        escalation.acknowledged_by == practitioner_a
        and escalation.acknowledgement_note == "Phoned; GP today."
    )
    audit = AuditEvent.objects.get(action="acknowledged", object_type="aftercare.escalation")
    assert audit.actor == practitioner_a
    with pytest.raises(ValidationError):
        services.escalation_acknowledge(actor=practitioner_a, escalation=escalation, note="again")
    assert selectors.escalations_open(clinic=escalation.adverse_event.session.client.clinic) == []


def test_the_dashboard_shows_open_escalations_and_calls(
    checkins: dict[str, CheckIn], as_practitioner_a: HttpClient, as_front_desk_a: HttpClient
) -> None:
    answer(checkins["24h"], 1, allergy_signs=["hives"])
    page = as_practitioner_a.get(reverse("aftercare:dashboard"))
    assert page.status_code == 200
    assert "Allergic reaction" in page.content.decode()
    assert as_front_desk_a.get(reverse("aftercare:dashboard")).status_code == 404
    assert HttpClient().get(reverse("aftercare:dashboard")).status_code == 302
    core = as_practitioner_a.get(reverse("core:dashboard")).content.decode()
    assert 'data-tile="escalations"' in core


def test_another_clinic_sees_no_escalation(
    checkins: dict[str, CheckIn], as_practitioner_b: HttpClient
) -> None:
    answer(checkins["24h"], 1, allergy_signs=["hives"])
    page = as_practitioner_b.get(reverse("aftercare:dashboard")).content.decode()
    assert "Allergic reaction" not in page


def test_couch_events_become_adverse_events_once(
    session: TreatmentSession, django_capture_on_commit_callbacks: Any
) -> None:
    point = Point.objects.get(code="ST2")
    for kind in ("bleeding_at_removal", "fainting", "asked_to_stop", "stuck_needle"):
        SessionEvent.objects.create(
            session=session, kind=kind, at=session.needles_out_at, point=point, side="right"
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.followups_sweep(now=T0)
        services.followups_sweep(now=T0)
    kinds = sorted(AdverseEvent.objects.values_list("kind", flat=True))
    assert kinds == ["bleeding", "fainting", "stuck_needle"]
    assert AdverseEvent.objects.get(kind="bleeding").locations == [["ST2", "right"]]
    assert list(Escalation.objects.values_list("adverse_event__kind", flat=True)) == ["fainting"]


def test_a_missing_needle_is_a_forgotten_needle_escalation(session: TreatmentSession) -> None:
    MissingNeedleIncident.objects.create(
        session=session, needles_missing=1, searched_where="couch", outcome="not found"
    )
    services.adverse_events_from_session(session=session)
    services.adverse_events_from_session(session=session)
    event = AdverseEvent.objects.get()
    assert event.kind == "forgotten_needle" and event.escalation.is_open


def test_a_failed_escalation_email_is_shown(
    checkins: dict[str, CheckIn],
    clinic_a: Clinic,
    practitioner_a: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with (
        mock.patch("django.core.mail.EmailMessage.send", side_effect=OSError("down")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        answer(checkins["24h"], 1, allergy_signs=["breathing"])
    escalation = Escalation.objects.get()
    assert escalation.notify_state == SendState.GAVE_UP and "down" in escalation.notify_error
    assert escalation.adverse_event.grade == "severe"
    assert selectors.dashboard(clinic=clinic_a, user=practitioner_a)["notify_failed"] == [
        escalation
    ]


def test_staff_record_and_resolve_an_event(
    session: TreatmentSession, practitioner_a: User, as_practitioner_a: HttpClient
) -> None:
    event = services.adverse_event_record(
        actor=practitioner_a,
        session=session,
        kind="aggravation",
        grade="moderate",
        onset_at=T0,
        note="phoned in",
    )
    assert not Escalation.objects.exists()
    severe = services.adverse_event_record(
        actor=practitioner_a, session=session, kind="rash", grade="severe", onset_at=T0
    )
    assert severe.escalation.is_open
    with pytest.raises(ValidationError):
        services.adverse_event_record(
            actor=practitioner_a, session=session, kind="werewolf", grade="mild", onset_at=T0
        )
    done = as_practitioner_a.post(reverse("aftercare:event-resolve", kwargs={"event_id": event.pk}))
    assert done.status_code == 302
    assert AdverseEvent.objects.get(pk=event.pk).resolved_at is not None
    panel = as_practitioner_a.get(
        reverse("clients:client-detail", kwargs={"client_id": session.client_id})
    ).content.decode()
    assert "Aggravation" in panel and "Rash" in panel


def test_client_panel_lists_follow_ups_and_answers(
    checkins: dict[str, CheckIn],
    session: TreatmentSession,
    as_practitioner_a: HttpClient,
    as_front_desk_a: HttpClient,
) -> None:
    answer(checkins["24h"], 1, pain=2, comments="tender")
    client_url = reverse("clients:client-detail", kwargs={"client_id": session.client_id})
    panel = as_practitioner_a.get(client_url).content.decode()
    assert "24 hours after" in panel and "tender" in panel
    assert "tender" not in as_front_desk_a.get(client_url).content.decode()


def test_pain_rising_from_24_hours_to_7_days_escalates(checkins: dict[str, CheckIn]) -> None:
    answer(checkins["24h"], 1, pain=1)
    answer(checkins["7d"], 7, pain=3)
    event = AdverseEvent.objects.get()  # the same soreness, now worse
    assert "rising" in event.escalation.reason

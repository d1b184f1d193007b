"""The self-renewing sweep on the database backend, and the dashboard's fixed query count."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from acuface.aftercare import services, tasks
from acuface.aftercare.models import SweepSchedule
from acuface.core.models import Clinic, User
from acuface.treatments.models import TreatmentSession
from tests.factories import ClientFactory

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def test_one_sweep_stays_queued(
    db: None, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.TASKS = DB_TASKS
    from django_tasks_db.models import DBTaskResult

    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.sweep_ensure_queued(now=now) is True
        assert tasks.sweep_ensure_queued(now=now + dt.timedelta(minutes=1)) is False
    sweeps = DBTaskResult.objects.filter(task_path__endswith="followups_sweep_task")
    assert sweeps.count() == 1
    assert sweeps.get().run_after == now + tasks.SWEEP_EVERY
    # The queued sweep ran (at its time) and queues the next one.
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.sweep_ensure_queued(after_run=True, now=now + tasks.SWEEP_EVERY) is True
    assert sweeps.count() == 2
    # A sweep lost with a dead worker: long overdue, so the next staff page queues another.
    later = now + 4 * tasks.SWEEP_EVERY
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.sweep_ensure_queued(now=later) is True
    assert SweepSchedule.objects.get().next_run_at == later + tasks.SWEEP_EVERY


def test_no_sweep_is_queued_on_the_in_process_backend(db: None) -> None:
    assert tasks.sweep_ensure_queued() is False
    assert not SweepSchedule.objects.exists()


def _escalations(clinic: Clinic, practitioner: User, n: int) -> None:
    now = timezone.now()
    for _ in range(n):
        session = TreatmentSession.objects.create(
            client=ClientFactory(clinic=clinic),
            practitioner=practitioner,
            scheduled_at=now,
            needling_started_at=now - dt.timedelta(minutes=30),
            needles_out_at=now,
        )
        services.adverse_event_record(
            actor=practitioner, session=session, kind="fainting", grade="mild", onset_at=now
        )


def test_the_dashboard_takes_a_fixed_number_of_queries(
    clinic_a: Clinic, practitioner_a: User, as_practitioner_a: HttpClient
) -> None:
    _escalations(clinic_a, practitioner_a, 1)
    with CaptureQueriesContext(connection) as one:
        assert as_practitioner_a.get(reverse("aftercare:dashboard")).status_code == 200
    _escalations(clinic_a, practitioner_a, 5)
    with CaptureQueriesContext(connection) as six:
        page = as_practitioner_a.get(reverse("aftercare:dashboard"))
    assert page.content.decode().count("data-escalation=") == 6
    assert len(six) == len(one)

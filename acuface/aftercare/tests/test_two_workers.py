"""Two real task workers share PostgreSQL: every check-in is sent exactly once, none is lost."""

from __future__ import annotations

import datetime as dt
import email
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.db import connection
from django.utils import timezone

from acuface.aftercare import tasks
from acuface.aftercare.models import CheckIn, SendState
from acuface.core.models import Clinic, User
from acuface.treatments.models import FollowUp, TreatmentSession
from acuface.treatments.tests.factories import consent
from tests.factories import ClientFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[3]
SESSIONS = 20  # 40 check-ins
DEADLINE_SECONDS = 90


def database_url() -> str:
    s = connection.settings_dict
    auth = quote(s["USER"] or "", safe="")
    if s.get("PASSWORD"):
        auth += ":" + quote(s["PASSWORD"], safe="")
    host = s.get("HOST") or "127.0.0.1"
    port = s.get("PORT") or "5432"
    return f"postgresql://{auth}@{host}:{port}/{s['NAME']}"


def start_worker(name: str, email_dir: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "ACUFACE_MODE": "development",
        "DATABASE_URL": database_url(),
        "DJANGO_SETTINGS_MODULE": "acuface.aftercare.tests.worker_settings",
        "ACUFACE_TEST_EMAIL_DIR": str(email_dir),
    }
    command = [
        sys.executable,
        "manage.py",
        "db_worker",
        "--no-reload",
        "--no-startup-delay",
        "--interval",
        "0.05",
        "--worker-id",
        name,
    ]
    return subprocess.Popen(  # noqa: S603 (our own interpreter and manage.py)
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )


def sent_message_ids(email_dir: Path) -> list[str]:
    ids = []
    for path in sorted(email_dir.iterdir()):
        # The file backend separates messages with a line of 79 dashes.
        for chunk in path.read_text().split("-" * 79):
            if chunk.strip():
                ids.append(email.message_from_string(chunk.strip() + "\n")["Message-ID"])
    return ids


def test_two_workers_send_every_check_in_exactly_once(
    clinic_a: Clinic, practitioner_a: User, settings: Any, tmp_path: Path
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip(
            f"needs PostgreSQL (row locks with SKIP LOCKED); this run uses {connection.vendor}"
        )
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    from django_tasks_db.models import DBTaskResult

    client = ClientFactory(clinic=clinic_a, email="many@example.com")
    consent(client, "email_contact", practitioner_a)
    now = timezone.now()
    for i in range(SESSIONS):
        out = now - dt.timedelta(days=8, minutes=i)
        session = TreatmentSession.objects.create(
            client=client,
            practitioner=practitioner_a,
            scheduled_at=out - dt.timedelta(hours=1),
            needling_started_at=out - dt.timedelta(minutes=30),
            needles_out_at=out,
            state="complete",
        )
        for kind, after in (("24h", dt.timedelta(days=1)), ("7d", dt.timedelta(days=7))):
            FollowUp.objects.create(session=session, kind=kind, due_at=out + after)
    # Every send queued twice, plus two sweeps that try to send everything as well.
    for follow_up in FollowUp.objects.filter(session__client=client):
        from acuface.aftercare import services

        checkin = services.checkin_ensure(follow_up=follow_up)
        tasks.checkin_send_task.enqueue(checkin_id=checkin.pk)
        tasks.checkin_send_task.enqueue(checkin_id=checkin.pk)
    tasks.followups_sweep_task.enqueue()
    tasks.followups_sweep_task.enqueue()
    queued = DBTaskResult.objects.count()
    assert queued == 4 * SESSIONS + 2

    email_dir = tmp_path / "mail"
    email_dir.mkdir()
    workers = [start_worker(f"worker-{n}", email_dir) for n in (1, 2)]
    try:
        deadline = time.monotonic() + DEADLINE_SECONDS
        while time.monotonic() < deadline:
            left = (
                DBTaskResult.objects.filter(status__in=("READY", "RUNNING"))
                .exclude(task_path__endswith="followups_sweep_task", run_after__isnull=False)
                .count()
            )
            if left == 0:
                break
            time.sleep(0.25)
    finally:
        outputs = []
        for worker in workers:
            worker.terminate()
            out, _ = worker.communicate(timeout=20)
            outputs.append(out.decode(errors="replace"))
    failed = DBTaskResult.objects.filter(status="FAILED")
    assert not failed.exists(), [r.exception_class_path for r in failed] + outputs
    assert left == 0, f"{left} task(s) not done in {DEADLINE_SECONDS}s:\n" + "\n".join(outputs)

    ids = sent_message_ids(email_dir)
    keys = set(
        CheckIn.objects.filter(follow_up__session__client=client).values_list(
            "dedupe_key", flat=True
        )
    )
    expected = {f"<{key}@" for key in keys}
    sent_keys = [i.split("@")[0] + "@" for i in ids]
    assert len(ids) == 2 * SESSIONS, f"{len(ids)} e-mails for {2 * SESSIONS} check-ins"
    assert set(sent_keys) == expected  # none lost
    assert len(set(sent_keys)) == len(sent_keys)  # none twice
    states = set(
        CheckIn.objects.filter(follow_up__session__client=client).values_list(
            "send_state", flat=True
        )
    )
    assert states == {SendState.SENT}
    by_worker: dict[str, int] = {}
    for result in DBTaskResult.objects.filter(status="SUCCESSFUL"):
        for worker_id in result.worker_ids:
            by_worker[worker_id] = by_worker.get(worker_id, 0) + 1
    print(f"\ntasks run by worker: {by_worker}; e-mails: {len(ids)}")
    assert set(by_worker) == {"worker-1", "worker-2"}, by_worker  # both really worked

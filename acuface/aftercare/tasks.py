"""Background work (Django's tasks API): sending check-ins, e-mailing escalations, the sweep.

Every task is safe to run twice or on several workers at once: the services claim rows in the
database (select_for_update(skip_locked=True) plus a guarded update) before doing anything.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from acuface.aftercare import services
from acuface.aftercare.models import SweepSchedule

SWEEP_EVERY = dt.timedelta(minutes=5)
SWEEP_NAME = "followups"


@task()
def checkin_send_task(checkin_id: int) -> str:
    return services.checkin_send(checkin_id=checkin_id)


@task()
def escalation_notify_task(escalation_id: int) -> str:
    return services.escalation_notify(escalation_id=escalation_id)


@task()
def followups_schedule_task(session_id: int) -> int:
    return len(services.followups_schedule(session_id=session_id))


@task()
def followups_sweep_task() -> dict[str, int]:
    counts = services.followups_sweep()
    sweep_ensure_queued(after_run=True)
    return counts


def sweep_ensure_queued(*, after_run: bool = False, now: dt.datetime | None = None) -> bool:
    """Keep exactly one future sweep queued (database backend only). True if one was queued."""
    backend = followups_sweep_task.get_backend()
    if not backend.supports_defer:
        return False
    now = now or timezone.now()
    with transaction.atomic():
        schedule, _ = SweepSchedule.objects.select_for_update().get_or_create(name=SWEEP_NAME)
        if after_run:
            schedule.last_run_at = now
        # A queued sweep that is long overdue was lost (a worker died): queue another.
        if schedule.next_run_at and now < schedule.next_run_at + SWEEP_EVERY and not after_run:
            return False
        if after_run and schedule.next_run_at and schedule.next_run_at > now:
            schedule.save(update_fields=["last_run_at"])
            return False
        schedule.next_run_at = now + SWEEP_EVERY
        schedule.save(update_fields=["next_run_at", "last_run_at"])
        run_at = schedule.next_run_at
        transaction.on_commit(lambda: followups_sweep_task.using(run_after=run_at).enqueue())
    return True

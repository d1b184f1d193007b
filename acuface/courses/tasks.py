"""Background work of courses: the day-before reminder e-mails (run by `manage.py db_worker`)."""

from __future__ import annotations

from django_tasks import task

from acuface.courses import services


@task()
def booking_reminder_task(booking_id: int, starts_at: str) -> bool:
    """Send one booking's reminder if it is still due (a moved booking queues its own)."""
    return services.booking_reminder_send(booking_id=booking_id, starts_at=starts_at)


@task()
def reminders_sweep_task() -> int:
    """Send every reminder that is due now; for backends that cannot run a task later."""
    return services.reminders_send_due()

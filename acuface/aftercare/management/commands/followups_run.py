"""Send every due check-in now, and make sure a sweep stays queued for the task worker.

Run it from cron if you prefer cron to the self-renewing sweep, or once to catch up.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from acuface.aftercare import services, tasks


class Command(BaseCommand):
    help = "Send due aftercare check-ins and queue the periodic follow-up sweep."

    def handle(self, *args: Any, **options: Any) -> None:
        counts = services.followups_sweep()
        queued = tasks.sweep_ensure_queued()
        summary = ", ".join(f"{k}: {v}" for k, v in sorted(counts.items()))
        self.stdout.write(
            f"Follow-ups swept ({summary}); sweep queued: {'yes' if queued else 'no'}."
        )

"""Run attempts at the same moment, each on its own database connection (PostgreSQL races)."""

from __future__ import annotations

import threading
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import connections


def at_once(attempts: list[Callable[[], str]]) -> list[str]:
    """Start every attempt together in its own thread; each returns what it did, or is refused.

    A refusal (ValidationError) comes back as "refused: <messages>". Each thread closes its own
    database connections, so the test database can be dropped afterwards.
    """
    barrier = threading.Barrier(len(attempts))
    results: list[str] = []

    def run(attempt: Callable[[], str]) -> None:
        try:
            barrier.wait(timeout=10)
            results.append(attempt())
        except ValidationError as error:
            results.append("refused: " + " ".join(error.messages))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(a,)) for a in attempts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results

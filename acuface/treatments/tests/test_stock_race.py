"""Two tablets take the last needle of a lot at the same moment: one gets it (PostgreSQL)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection

from acuface.core.models import User
from acuface.treatments import services, states
from acuface.treatments.models import Needle, NeedleLot
from acuface.treatments.tests.factories import (
    acknowledge_flags,
    fresh,
    needle_lot,
    ready_client,
    session_in,
)
from tests.concurrency import at_once


@pytest.mark.django_db(transaction=True)
def test_the_last_needle_of_a_lot_goes_to_one_tablet(clinic_a, practitioner_a: User) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises every write, so there is no race to test")
    lot = needle_lot(clinic=clinic_a)
    sessions = []
    for _ in range(2):
        client = ready_client(clinic=clinic_a, actor=practitioner_a)
        acknowledge_flags(client=client, actor=practitioner_a)
        session = session_in(states.CLEANSED, actor=practitioner_a, client=client)
        services.session_lots_choose(
            actor=practitioner_a,
            session=session,
            version=session.version,
            facial_lot=lot,
            body_lot=lot,
        )
        sessions.append(fresh(session))
    NeedleLot.objects.filter(pk=lot.pk).update(quantity_left=1)

    def tap(session) -> Callable[[], str]:
        def attempt() -> str:
            services.needle_insert(
                actor=practitioner_a,
                session=session,
                version=session.version,
                code="ST2",
                side="right",
            )
            return "in"

        return attempt

    results = at_once([tap(s) for s in sessions])
    assert sorted(r.split(":")[0] for r in results) == ["in", "refused"], results
    assert "no needles left" in next(r for r in results if r.startswith("refused"))
    assert NeedleLot.objects.get(pk=lot.pk).quantity_left == 0
    assert Needle.objects.filter(session__in=sessions).count() == 1
    # The refused tap changed nothing: its session is still at the version it was shown with.
    versions = sorted(fresh(s).version - s.version for s in sessions)
    assert versions == [0, 1]

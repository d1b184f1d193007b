"""The client's record lists every session: today first, then past (newest first), then
upcoming (soonest first); none is hidden however many there are."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.urls import reverse

from acuface.treatments import selectors
from acuface.treatments.models import TreatmentSession
from conftest import login

NOW = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)


def test_today_then_past_newest_first_then_upcoming(client_a, practitioner_a):
    zone = client_a.clinic.zone
    with time_machine.travel(NOW, tick=False):
        today = dt.datetime.now(tz=zone).replace(hour=9, minute=0)
        made = {
            days: TreatmentSession.objects.create(
                client=client_a, scheduled_at=today + dt.timedelta(days=days)
            )
            for days in (-30, -1, 0, 3, 60, -7, 14, 21, 28, 35, 42)
        }
        for weeks in range(2, 14):  # a long history
            TreatmentSession.objects.create(
                client=client_a, scheduled_at=today - dt.timedelta(weeks=weeks, days=1)
            )
        found = selectors.client_sessions(client=client_a)
        assert found.today == [made[0]]
        assert found.past[:2] == [made[-1], made[-7]]
        assert found.past == sorted(found.past, key=lambda s: s.scheduled_at, reverse=True)
        assert [s.pk for s in found.upcoming[:2]] == [made[3].pk, made[14].pk]
        page = login(practitioner_a).get(reverse("clients:client-detail", args=[client_a.pk]))
        body = page.content.decode()
        total = TreatmentSession.objects.filter(client=client_a).count()
        for session in TreatmentSession.objects.filter(client=client_a):
            assert reverse("treatments:session-detail", args=[session.pk]) in body
        assert total == 23
        assert body.index(">Today<") < body.index(">Past<") < body.index(">Upcoming<")

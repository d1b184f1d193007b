"""Two tablets on one session, and the retention timer across reloads and devices."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse

from acuface.treatments import services, states
from acuface.treatments.models import Needle
from acuface.treatments.services import STALE_MESSAGE, StaleSession
from acuface.treatments.tests.factories import fresh, needle_lot, ready_client, session_in
from conftest import login

HTMX = {"HTTP_HX_REQUEST": "true"}
START = dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def lot(clinic_a):
    return needle_lot(clinic=clinic_a)


def act(http, session, action, **data):
    url = reverse("treatments:session-act", args=[session.pk, action])
    return http.post(url, data, **HTMX)


def test_a_stale_version_is_refused_and_changes_nothing(practitioner_a, clinic_a, lot):
    client = ready_client(clinic=clinic_a, actor=practitioner_a)
    session = session_in(states.NEEDLING, actor=practitioner_a, client=client, lot=lot)
    seen_by_b = session.version
    # Tablet A taps a needle in; tablet B, still showing the old page, taps another.
    services.needle_insert(
        actor=practitioner_a, session=session, version=seen_by_b, code="GB1", side="right"
    )
    with pytest.raises(StaleSession):
        services.needle_insert(
            actor=practitioner_a, session=session, version=seen_by_b, code="GB1", side="left"
        )
    assert Needle.objects.filter(session=session).count() == 3
    lot.refresh_from_db()
    assert lot.quantity_left == lot.quantity_received - 3


def test_the_stale_device_gets_the_message_and_the_current_state(
    practitioner_a, clinic_a, owner_a, lot
):
    client = ready_client(clinic=clinic_a, actor=practitioner_a)
    session = session_in(states.NEEDLING, actor=practitioner_a, client=client, lot=lot)
    tablet_a, tablet_b = login(practitioner_a), login(owner_a)
    old = session.version
    first = act(tablet_a, session, "retention", version=old, minutes=30, reason="")
    assert first.status_code == 200 and fresh(session).state == states.RETENTION
    # Tablet B still shows needling: its tap is refused, and it now shows retention.
    second = act(tablet_b, session, "tap", version=old, code="GB1", side="left")
    page = second.content.decode()
    assert second.status_code == 200
    assert STALE_MESSAGE.split(";")[0] in page.replace("&#x27;", "'")
    assert 'data-state="retention"' in page
    assert f'data-version="{fresh(session).version}"' in page
    assert Needle.objects.filter(session=session).count() == 2


def test_a_stale_form_keeps_what_was_typed(practitioner_a, clinic_a, lot):
    client = ready_client(clinic=clinic_a, actor=practitioner_a)
    session = session_in(states.RETENTION, actor=practitioner_a, client=client, lot=lot)
    http = login(practitioner_a)
    act(http, session, "extend", version=session.version, minutes=5)
    answer = act(
        http,
        session,
        "event",
        version=session.version,
        kind="dizziness",
        note="felt light-headed, sat up slowly",
    )
    page = answer.content.decode()
    assert "changed on another device" in page
    assert "felt light-headed, sat up slowly" in page
    assert f'name="version" value="{fresh(session).version}"' in page


def test_the_poll_answers_204_until_something_changes(practitioner_a, clinic_a, lot):
    client = ready_client(clinic=clinic_a, actor=practitioner_a)
    session = session_in(states.RETENTION, actor=practitioner_a, client=client, lot=lot)
    http = login(practitioner_a)
    url = reverse("treatments:session-state", args=[session.pk])
    assert http.get(url, {"version": session.version}, **HTMX).status_code == 204
    services.retention_extend(
        actor=practitioner_a, session=session, version=session.version, minutes=5
    )
    changed = http.get(url, {"version": session.version}, **HTMX)
    assert changed.status_code == 200 and 'id="session-state"' in changed.content.decode()


def timer_of(page: str) -> tuple[str, str, str]:
    found = re.search(
        r'data-ends-at="([^"]+)" data-now="([^"]+)">.*?<strong data-timer-text>([^<]+)<', page, re.S
    )
    assert found, "no timer on the page"
    return found.group(1), found.group(2), found.group(3)


def test_reloads_and_a_second_device_show_the_same_time(practitioner_a, owner_a, clinic_a, lot):
    with time_machine.travel(START, tick=False) as clock:
        client = ready_client(clinic=clinic_a, actor=practitioner_a)
        session = session_in(states.RETENTION, actor=practitioner_a, client=client, lot=lot)
        url = reverse("treatments:session-detail", args=[session.pk])
        clock.shift(dt.timedelta(minutes=12, seconds=30))
        ends, now, label = timer_of(login(practitioner_a).get(url).content.decode())
        assert label == "17:30 left"
        assert dt.datetime.fromisoformat(ends) == START + dt.timedelta(minutes=30)
        assert dt.datetime.fromisoformat(now) == START + dt.timedelta(minutes=12, seconds=30)
        # The same moment on another tablet (another user, a fresh browser): the same time.
        assert timer_of(login(owner_a).get(url).content.decode())[2] == "17:30 left"
        clock.shift(dt.timedelta(minutes=7))
        assert timer_of(login(practitioner_a).get(url).content.decode())[2] == "10:30 left"


def test_a_session_opened_after_its_end_shows_how_long_it_is_overdue(practitioner_a, clinic_a, lot):
    with time_machine.travel(START, tick=False) as clock:
        client = ready_client(clinic=clinic_a, actor=practitioner_a)
        session = session_in(states.RETENTION, actor=practitioner_a, client=client, lot=lot)
        clock.shift(dt.timedelta(minutes=30 + 7, seconds=20))
        page = (
            login(practitioner_a)
            .get(reverse("treatments:session-detail", args=[session.pk]))
            .content.decode()
        )
        assert timer_of(page)[2] == "overdue by 7 min"
        assert "timer--done" in page

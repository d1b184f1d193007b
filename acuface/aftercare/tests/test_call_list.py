"""The call list: one row per client, each check-in with the dates that put it there.

Issue 12, part 14: "the call list shows one client four times without dates".
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.test import Client as HttpClient
from django.urls import reverse

from acuface.aftercare import selectors, services
from acuface.aftercare.models import CheckIn, SendState
from acuface.clients.models import Client
from acuface.core.models import Clinic, User
from acuface.treatments.models import FollowUp, TreatmentSession
from acuface.treatments.tests.factories import consent
from tests.factories import ClientFactory

T0 = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)  # London is on GMT in early March


def _session(client: Client, practitioner: User, out: dt.datetime) -> TreatmentSession:
    session = TreatmentSession.objects.create(
        client=client,
        practitioner=practitioner,
        state="complete",
        scheduled_at=out - dt.timedelta(hours=1),
        needling_started_at=out - dt.timedelta(minutes=40),
        needles_out_at=out,
        completed_at=out + dt.timedelta(minutes=10),
    )
    for kind, after in (("24h", dt.timedelta(days=1)), ("7d", dt.timedelta(days=7))):
        follow_up = FollowUp.objects.create(session=session, kind=kind, due_at=out + after)
        services.checkin_ensure(follow_up=follow_up)
    return session


@pytest.fixture
def no_consent(clinic_a: Clinic, practitioner_a: User) -> Client:
    """A client with two sessions and no e-mail consent: four check-ins to phone about."""
    client = ClientFactory(clinic=clinic_a, first_name="Nora", last_name="Quill")
    _session(client, practitioner_a, T0)
    _session(client, practitioner_a, T0 + dt.timedelta(days=3))
    return client


@pytest.fixture
def silent(clinic_a: Clinic, practitioner_a: User) -> Client:
    """A client e-mailed the 24-hour check-in who has not answered."""
    client = ClientFactory(clinic=clinic_a, first_name="Sam", last_name="Reed")
    consent(client, "email_contact", practitioner_a)
    _session(client, practitioner_a, T0)
    return client


# 12 March, 09:00: Nora's check-ins due on 3, 6 and 9 March are on the list; 12 March's is not
# due yet. Sam's 7-day e-mail goes out now, so only his 24-hour one is overdue an answer.
NOW = T0 + dt.timedelta(days=9, hours=23)


def call_section(page: str) -> str:
    start = page.index('id="call-list"')
    return page[start : page.index("</section>", start)]


def test_one_row_per_client_with_the_dates(
    no_consent: Client, silent: Client, as_practitioner_a: HttpClient
) -> None:
    with time_machine.travel(T0 + dt.timedelta(days=1), tick=False):
        services.followups_sweep()  # sends Sam's 24-hour check-in; Nora's go to the phone
    with time_machine.travel(NOW, tick=False):
        services.followups_sweep()
        page = as_practitioner_a.get(reverse("aftercare:dashboard")).content.decode()
        tile = as_practitioner_a.get(reverse("core:dashboard")).content.decode()
    calls = call_section(page)
    assert calls.count("Nora Quill") == 1 and calls.count("Sam Reed") == 1
    assert len(re.findall(r"data-call-client=", calls)) == 2
    assert len(re.findall(r"data-call=", calls)) == 3 + 1
    nora = calls[calls.index("Nora Quill") :].split("</li></ul>", 1)[0]
    # Each of Nora's check-ins, with its due date, and why she is to be phoned.
    for due in ("3 Mar", "6 Mar", "9 Mar"):
        assert f"due {due}, 10:00" in nora, due
    assert "12 Mar" not in nora
    assert nora.count("not e-mailed: no consent to e-mail") == 3
    sam = calls[calls.index("Sam Reed") :].split("</li></ul>", 1)[0]
    assert "e-mailed 3 Mar, 10:00" in sam and "no answer in 48 hours" in sam
    count = re.search(r'data-tile="call-list".*?class="count">(\d+)<', tile, re.S)
    assert count is not None and count.group(1) == "2"  # clients to phone, not check-ins


def test_the_12_march_check_in_is_not_on_the_list_before_it_is_due(
    no_consent: Client, clinic_a: Clinic
) -> None:
    with time_machine.travel(NOW, tick=False):
        services.followups_sweep()
    rows = selectors.call_rows(clinic=clinic_a, now=NOW)
    assert [row.client for row in rows] == [no_consent]
    dues = [item.checkin.follow_up.due_at for item in rows[0].items]
    assert dues == sorted(dues) and len(dues) == 3


@pytest.mark.parametrize(
    ("state", "email", "error", "sent", "expected"),
    [
        (SendState.PHONE, "", "", False, "not e-mailed: no e-mail address"),
        (SendState.PHONE, "a@b.test", "", False, "not e-mailed: no consent to e-mail"),
        (
            SendState.GAVE_UP,
            "a@b.test",
            "SMTPRecipientsRefused: bad mailbox",
            False,
            "the e-mail could not be sent (SMTPRecipientsRefused: bad mailbox)",
        ),
        (
            SendState.GAVE_UP,
            "a@b.test",
            "Not sent: its link had expired before it could go.",
            False,
            "the e-mail could not be sent (Not sent: its link had expired before it could go.)",
        ),
        (SendState.SENT, "a@b.test", "", True, "no answer in 48 hours"),
    ],
)
def test_why_a_check_in_is_on_the_call_list(
    clinic_a: Clinic, state: str, email: str, error: str, sent: bool, expected: str
) -> None:
    client = ClientFactory(clinic=clinic_a, email=email)
    session = TreatmentSession.objects.create(
        client=client, scheduled_at=T0, needling_started_at=T0, needles_out_at=T0
    )
    follow_up = FollowUp.objects.create(session=session, kind="24h", due_at=T0)
    checkin = CheckIn(
        follow_up=follow_up,
        send_state=state,
        last_error=error,
        sent_at=T0 if sent else None,
        link_expires_at=T0 + dt.timedelta(days=14),
    )
    assert selectors.call_reason(checkin) == expected

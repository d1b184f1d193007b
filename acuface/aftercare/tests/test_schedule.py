"""The schedule (+24 h, +7 d, the 48 h call list) and idempotent sending, in frozen time."""

from __future__ import annotations

import datetime as dt
import smtplib
from typing import Any
from unittest import mock

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from acuface.aftercare import rules, selectors, services, tasks
from acuface.aftercare.models import CheckIn, SendState
from acuface.aftercare.tests.factories import checkins_of, completed_session
from acuface.core.models import AuditEvent, Clinic, User

T0 = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)  # needles out, more or less


@pytest.fixture
def session(clinic_a: Clinic, practitioner_a: User) -> Any:
    with time_machine.travel(T0, tick=False):
        return completed_session(clinic=clinic_a, actor=practitioner_a, email="mia@example.com")


def sweep_at(when: dt.datetime) -> dict[str, int]:
    with time_machine.travel(when, tick=False):
        return services.followups_sweep()


def test_both_check_ins_go_out_on_time_and_once(session: Any) -> None:
    out = session.needles_out_at
    assert sweep_at(out + dt.timedelta(hours=23, minutes=59)).get("sent", 0) == 0
    assert mail.outbox == []

    assert sweep_at(out + dt.timedelta(hours=24))["sent"] == 1
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["mia@example.com"]
    assert "24 hours after" in mail.outbox[0].body

    for hours in (25, 48, 24 * 6):  # later sweeps: nothing more until the 7-day one is due
        assert sweep_at(out + dt.timedelta(hours=hours)).get("sent", 0) == 0
    assert len(mail.outbox) == 1

    assert sweep_at(out + dt.timedelta(days=7))["sent"] == 1
    assert sweep_at(out + dt.timedelta(days=8)).get("sent", 0) == 0
    assert len(mail.outbox) == 2 and "7 days after" in mail.outbox[1].body
    kinds = set(
        CheckIn.objects.filter(send_state=SendState.SENT).values_list("follow_up__kind", flat=True)
    )
    assert kinds == {"24h", "7d"}


def test_the_message_id_is_the_dedupe_key(session: Any) -> None:
    sweep_at(session.needles_out_at + dt.timedelta(days=1))
    checkin = checkins_of(session)["24h"]
    assert checkin.dedupe_key == f"acuface-checkin-{checkin.follow_up_id}-24h"
    assert mail.outbox[0].extra_headers["Message-ID"].startswith(f"<{checkin.dedupe_key}@")
    assert mail.outbox[0].message()["Message-ID"].startswith(f"<{checkin.dedupe_key}@")
    assert (
        AuditEvent.objects.filter(
            action="sent", object_type="aftercare.checkin", object_id=str(checkin.pk)
        ).count()
        == 1
    )


def test_send_task_twice_sends_once(session: Any) -> None:
    checkin = checkins_of(session)["24h"]
    with time_machine.travel(session.needles_out_at + dt.timedelta(days=1), tick=False):
        first = tasks.checkin_send_task.enqueue(checkin_id=checkin.pk)
        second = tasks.checkin_send_task.enqueue(checkin_id=checkin.pk)
    assert (first.return_value, second.return_value) == ("sent", "skipped")
    assert len(mail.outbox) == 1


def test_a_send_before_it_is_due_does_nothing(session: Any) -> None:
    checkin = checkins_of(session)["7d"]
    with time_machine.travel(session.needles_out_at + dt.timedelta(days=6), tick=False):
        assert services.checkin_send(checkin_id=checkin.pk) == "skipped"
    assert mail.outbox == []


def test_schedule_sends_at_once_what_is_already_due(session: Any) -> None:
    with time_machine.travel(session.needles_out_at + dt.timedelta(days=2), tick=False):
        services.followups_schedule(session_id=session.pk)  # tasks run in-process in tests
    assert len(mail.outbox) == 1  # the 24-hour one; the 7-day one waits


def test_without_email_consent_it_goes_to_the_call_list(
    clinic_a: Clinic, practitioner_a: User
) -> None:
    with time_machine.travel(T0, tick=False):
        s = completed_session(clinic=clinic_a, actor=practitioner_a, email_consent=False)
    assert sweep_at(s.needles_out_at + dt.timedelta(days=1))["phone"] == 1
    assert mail.outbox == []
    calls = selectors.call_list(clinic=clinic_a, now=s.needles_out_at + dt.timedelta(days=1))
    assert [c.follow_up.kind for c in calls] == ["24h"]


def test_unanswered_48_hours_after_sending_lands_on_the_call_list(
    session: Any, clinic_a: Clinic
) -> None:
    sent_at = session.needles_out_at + dt.timedelta(days=1)
    sweep_at(sent_at)
    before = sent_at + rules.CALL_AFTER - dt.timedelta(minutes=1)
    assert selectors.call_list(clinic=clinic_a, now=before) == []
    calls = selectors.call_list(clinic=clinic_a, now=sent_at + rules.CALL_AFTER)
    assert [c.follow_up.kind for c in calls] == ["24h"]


def test_a_call_takes_it_off_the_list(session: Any, clinic_a: Clinic, practitioner_a: User) -> None:
    sent_at = session.needles_out_at + dt.timedelta(days=1)
    sweep_at(sent_at)
    checkin = checkins_of(session)["24h"]
    services.checkin_call_record(actor=practitioner_a, checkin=checkin, note="Fine, no bruise.")
    assert selectors.call_list(clinic=clinic_a, now=sent_at + dt.timedelta(days=3)) == []
    assert AuditEvent.objects.filter(
        object_type="aftercare.checkin", object_id=str(checkin.pk), changes__has_key="call_note"
    ).exists()


def test_failures_are_retried_with_backoff_and_shown(session: Any, clinic_a: Clinic) -> None:
    due = session.needles_out_at + dt.timedelta(days=1)
    refused = smtplib.SMTPServerDisconnected("connection lost")
    with mock.patch("django.core.mail.EmailMessage.send", side_effect=refused):
        assert sweep_at(due)["retry"] == 1
        checkin = checkins_of(session)["24h"]
        checkin.refresh_from_db()
        assert (checkin.send_state, checkin.attempts) == (SendState.PENDING, 1)
        assert checkin.next_attempt_at == due + dt.timedelta(minutes=5)
        assert "connection lost" in checkin.last_error
        assert selectors.failing_sends(clinic=clinic_a) == [checkin]
        # Not before the backoff has passed.
        assert "retry" not in sweep_at(due + dt.timedelta(minutes=4))
        assert sweep_at(due + dt.timedelta(minutes=5))["retry"] == 1
        checkin.refresh_from_db()
        assert checkin.next_attempt_at == due + dt.timedelta(minutes=15)
    assert sweep_at(due + dt.timedelta(minutes=15))["sent"] == 1
    checkin.refresh_from_db()
    assert (checkin.send_state, checkin.attempts, checkin.last_error) == (SendState.SENT, 3, "")
    assert len(mail.outbox) == 1


def test_after_the_last_attempt_it_goes_to_the_call_list(session: Any, clinic_a: Clinic) -> None:
    due = session.needles_out_at + dt.timedelta(days=1)
    when = due
    with mock.patch("django.core.mail.EmailMessage.send", side_effect=OSError("no route")):
        for attempt in range(1, rules.MAX_SEND_ATTEMPTS + 1):
            sweep_at(when)
            when += rules.retry_delay(attempt)
    checkin = checkins_of(session)["24h"]
    checkin.refresh_from_db()
    assert (checkin.send_state, checkin.attempts) == (SendState.GAVE_UP, rules.MAX_SEND_ATTEMPTS)
    assert selectors.call_list(clinic=clinic_a, now=when) == [checkin]


def test_a_crash_between_sending_and_marking_never_sends_twice(
    session: Any, clinic_a: Clinic, practitioner_a: User
) -> None:
    due = session.needles_out_at + dt.timedelta(days=1)
    crash = RuntimeError("worker killed")
    with (
        mock.patch.object(services, "_checkin_mark_sent", side_effect=crash),
        pytest.raises(RuntimeError),
    ):
        sweep_at(due)
    assert len(mail.outbox) == 1  # it did go out
    checkin = checkins_of(session)["24h"]
    checkin.refresh_from_db()
    assert checkin.send_state == SendState.SENDING
    for later in (dt.timedelta(minutes=1), dt.timedelta(hours=1), dt.timedelta(days=2)):
        sweep_at(due + later)
        tasks.checkin_send_task.enqueue(checkin_id=checkin.pk)
    assert len(mail.outbox) == 1  # never again by itself
    assert selectors.unconfirmed_sends(clinic=clinic_a, now=due + dt.timedelta(minutes=14)) == []
    assert selectors.unconfirmed_sends(clinic=clinic_a, now=due + rules.UNCONFIRMED_AFTER) == [
        checkin
    ]
    # Staff decide to send it again: the same Message-ID, so it is recognisably the same message.
    with time_machine.travel(due + dt.timedelta(hours=1), tick=False):
        services.checkin_send_again(actor=practitioner_a, checkin=checkin)
        services.followups_sweep()
    assert len(mail.outbox) == 2
    assert mail.outbox[0].extra_headers["Message-ID"] == mail.outbox[1].extra_headers["Message-ID"]


def test_sweep_creates_missing_check_ins(session: Any) -> None:
    CheckIn.objects.all().delete()
    counts = sweep_at(session.needles_out_at + dt.timedelta(hours=1))
    assert counts["created"] == 2
    assert CheckIn.objects.filter(follow_up__session=session).count() == 2
    link_days = {c.link_expires_at - c.follow_up.due_at for c in CheckIn.objects.all()}
    assert link_days == {dt.timedelta(days=rules.LINK_DAYS)}


def test_dashboard_lists_due_and_overdue(
    session: Any, clinic_a: Clinic, practitioner_a: User
) -> None:
    # 2 March 10:00 UTC (London = UTC): the 24-hour check-in is due at 10:00 tomorrow.
    morning = session.needles_out_at + dt.timedelta(hours=15)  # 01:00 the next day
    data = selectors.dashboard(clinic=clinic_a, user=practitioner_a, now=morning)
    assert [f.kind for f in data["due"]] == ["24h"] and data["overdue"] == []
    late = session.needles_out_at + dt.timedelta(hours=25)
    with mock.patch("django.core.mail.EmailMessage.send", side_effect=OSError("down")):
        sweep_at(late)
    data = selectors.dashboard(clinic=clinic_a, user=practitioner_a, now=late)
    assert [f.kind for f in data["overdue"]] == ["24h"]
    assert len(data["failing"]) == 1


def test_the_followups_run_command(session: Any) -> None:
    from django.core.management import call_command

    with time_machine.travel(session.needles_out_at + dt.timedelta(days=1), tick=False):
        call_command("followups_run", stdout=mock.MagicMock())
    assert len(mail.outbox) == 1
    assert timezone.now() > session.needles_out_at


def test_a_check_in_found_after_its_link_expired_is_not_sent(
    session: Any, clinic_a: Clinic
) -> None:
    late = session.needles_out_at + dt.timedelta(days=1 + rules.LINK_DAYS)
    counts = sweep_at(late)
    assert (counts["gave_up"], counts["sent"]) == (1, 1)  # the 24-hour one; the 7-day one goes
    assert len(mail.outbox) == 1 and "7 days after" in mail.outbox[0].body
    assert [c.follow_up.kind for c in selectors.call_list(clinic=clinic_a, now=late)] == ["24h"]
